"""Idempotency-Key on API POSTs: run once per (principal, key), replayed, refused when reused."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from jinjin_crm.api import idempotency
from jinjin_crm.api.models import IdempotencyRecord
from jinjin_crm.api.services import api_client_create
from jinjin_crm.api.tasks import idempotency_prune
from jinjin_crm.api.urls import router
from projects import services as project_services
from projects.models import TalentDemand
from tests import factories
from tests.api.test_api_base import assert_error_shape, token

pytestmark = pytest.mark.django_db


@pytest.fixture
def sf_api(api, park_client):
    return token(api, park_client[1])


@pytest.fixture
def enterprise(db):
    return factories.enterprise(park_code="SF")


def demand_body(enterprise, **fields):
    body = {
        "enterprise": enterprise.pk,
        "position": "电池工艺工程师",
        "disciplines": ["0817"],
        "min_degree": "BACHELOR",
        "valid_until": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
    }
    return body | fields


def post(api, body, key, url="/api/v1/demands/"):
    return api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_repeat_is_replayed_not_run_again(sf_api, enterprise):
    first = post(sf_api, demand_body(enterprise), "key-1")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    again = post(sf_api, demand_body(enterprise), "key-1")
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert TalentDemand.objects.count() == 1


def test_same_body_in_another_key_order_is_the_same_request(sf_api, enterprise):
    body = demand_body(enterprise)
    post(sf_api, body, "key-1")
    again = post(sf_api, dict(reversed(list(body.items()))), "key-1")
    assert again["Idempotent-Replayed"] == "true"
    assert TalentDemand.objects.count() == 1


def test_same_key_with_another_body_is_refused(sf_api, enterprise):
    post(sf_api, demand_body(enterprise), "key-1")
    response = post(sf_api, demand_body(enterprise, headcount=9), "key-1")
    assert_error_shape(response, 422, "client_error", code="idempotency_key_reused")
    assert TalentDemand.objects.count() == 1


def test_same_key_on_another_endpoint_is_refused(sf_api, enterprise):
    post(sf_api, demand_body(enterprise), "key-1")
    project = factories.project(park_code="SF")
    response = post(sf_api, {"to": "negotiating"}, "key-1", url=f"/api/v1/projects/{project.pk}/transition/")
    assert_error_shape(response, 422, "client_error", code="idempotency_key_reused")
    project.refresh_from_db()
    assert project.stage == "lead"


def test_keys_are_per_principal(api, park_client, officer, enterprise):
    _client, key = park_client
    _other_client, other_key = api_client_create(name="双福园区第二系统", park=factories.park("SF"))
    officer_api = APIClient()
    officer_api.force_login(officer)
    responses = [
        post(token(api, key), demand_body(enterprise), "shared"),
        post(token(APIClient(), other_key), demand_body(enterprise), "shared"),
        post(officer_api, demand_body(enterprise), "shared"),
    ]
    assert [response.status_code for response in responses] == [201, 201, 201]
    assert all("Idempotent-Replayed" not in response for response in responses)
    assert TalentDemand.objects.count() == 3
    assert sorted(IdempotencyRecord.objects.values_list("principal", flat=True)) == sorted(
        [f"client:{_client.pk}", f"client:{_other_client.pk}", f"user:{officer.pk}"]
    )


def test_a_request_still_running_is_409(sf_api, park_client, enterprise):
    body = demand_body(enterprise)
    # What a first request holds while it runs: its claim on the key, not yet answered.
    request = APIRequestFactory().post("/api/v1/demands/", body, format="json")
    fingerprint = idempotency.request_fingerprint(Request(request, parsers=[JSONParser()]))
    idempotency.idempotency_begin(
        principal=f"client:{park_client[0].pk}", key="key-1", fingerprint=fingerprint
    )
    response = post(sf_api, body, "key-1")
    assert_error_shape(response, 409, "client_error", code="idempotency_key_in_progress")
    assert not TalentDemand.objects.exists()


def test_an_abandoned_claim_can_be_retried(sf_api, park_client, enterprise):
    body = demand_body(enterprise)
    post(sf_api, body, "key-1")
    long_ago = timezone.now() - idempotency.ABANDONED_AFTER - datetime.timedelta(seconds=1)
    # As if the first request had died before answering: its writes rolled back, its claim left.
    TalentDemand.objects.all().delete()
    IdempotencyRecord.objects.update(response_status=None, response_body="", started_at=long_ago)
    response = post(sf_api, body, "key-1")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert TalentDemand.objects.count() == 1


def test_client_errors_are_stored_and_replayed(sf_api, enterprise):
    body = demand_body(enterprise, disciplines=[])
    first = post(sf_api, body, "key-1")
    assert_error_shape(first, 400, "validation_error", attr="disciplines")
    again = post(sf_api, body, "key-1")
    assert again.status_code == 400
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


def test_server_errors_are_not_stored_and_roll_back(sf_api, enterprise, monkeypatch):
    calls = []

    def failing_set_status(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("the database went away")

    # Fails after the demand was written: the 500 must leave nothing behind.
    monkeypatch.setattr(project_services, "demand_set_status", failing_set_status)
    sf_api.raise_request_exception = False
    body = demand_body(enterprise, status="filled")
    response = post(sf_api, body, "key-1")
    assert_error_shape(response, 500, "server_error")
    assert calls
    assert not TalentDemand.objects.exists()
    assert not IdempotencyRecord.objects.exists()

    monkeypatch.undo()
    retry = post(sf_api, body, "key-1")
    assert retry.status_code == 201, retry.content
    assert "Idempotent-Replayed" not in retry
    assert TalentDemand.objects.get().status == "filled"


def test_transition_is_not_run_twice(sf_api):
    project = factories.project(park_code="SF")
    url = f"/api/v1/projects/{project.pk}/transition/"
    first = post(sf_api, {"to": "negotiating", "note": "首次洽谈"}, "move-1", url=url)
    assert first.status_code == 200, first.content
    again = post(sf_api, {"to": "negotiating", "note": "首次洽谈"}, "move-1", url=url)
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert project.stage_changes.filter(to_stage="negotiating").count() == 1
    # Without the key the repeat runs, and the lifecycle refuses it.
    assert sf_api.post(url, {"to": "negotiating"}, format="json").status_code == 409


def test_without_the_header_nothing_is_recorded(sf_api, enterprise):
    assert sf_api.post("/api/v1/demands/", demand_body(enterprise), format="json").status_code == 201
    assert sf_api.get("/api/v1/demands/", HTTP_IDEMPOTENCY_KEY="key-1").status_code == 200
    assert not IdempotencyRecord.objects.exists()


def test_refused_callers_claim_nothing(api, leader, enterprise):
    api.force_login(leader)
    response = post(api, demand_body(enterprise), "key-1")
    assert_error_shape(response, 403, "client_error", code="permission_denied")
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_invalid_key_is_400(sf_api, enterprise, key):
    response = post(sf_api, demand_body(enterprise), key)
    assert_error_shape(response, 400, "validation_error", code="idempotency_key_invalid")
    assert not TalentDemand.objects.exists()


def test_records_expire_after_a_day(sf_api, enterprise):
    body = demand_body(enterprise)
    post(sf_api, body, "old")
    post(sf_api, body | {"position": "新岗位"}, "fresh")
    IdempotencyRecord.objects.filter(key="old").update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    # An expired key is a new key, even before the pruning task has run.
    assert "Idempotent-Replayed" not in post(sf_api, body, "old")
    IdempotencyRecord.objects.filter(key="old").update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert idempotency_prune.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


def test_every_registered_viewset_honours_the_key():
    for prefix, viewset, _basename in router.registry:
        assert issubclass(viewset, idempotency.IdempotencyMixin), prefix


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_gets_409_then_the_replay(shipped_data, park_client, monkeypatch):
    """Two real requests at once, on two connections: the second sees the first's committed claim."""
    _client, key = park_client
    enterprise = factories.enterprise(park_code="SF")
    body = demand_body(enterprise)
    inside, release = threading.Event(), threading.Event()
    real_create = project_services.demand_create

    def slow_create(**kwargs):
        inside.set()
        assert release.wait(10)
        return real_create(**kwargs)

    monkeypatch.setattr(project_services, "demand_create", slow_create)
    results = {}

    def first():
        try:
            results["first"] = post(token(APIClient(), key), body, "key-1")
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(10)
        results["second"] = post(token(APIClient(), key), body, "key-1")
    finally:
        release.set()
        thread.join(10)
    assert_error_shape(results["second"], 409, "client_error", code="idempotency_key_in_progress")
    assert results["first"].status_code == 201
    third = post(token(APIClient(), key), body, "key-1")
    assert third.content == results["first"].content
    assert third["Idempotent-Replayed"] == "true"
    assert TalentDemand.objects.count() == 1
