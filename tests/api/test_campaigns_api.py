"""Campaigns and placements over the API: funnel figures from the contacts, trip yields, constant
queries per page, park scope of placements, and the schema."""

import datetime
import warnings
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.paginator import UnorderedObjectListWarning
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from campaigns import services
from campaigns.models import Campaign, Outcome, Placement
from jinjin_crm.core.models import Degree
from talents.models import Stage
from talents.services import talent_transition
from tests import factories
from tests.api.test_api_base import assert_error_shape, token

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 4, 10)
FUNNEL_KEYS = {"consulted", "intents", "masters", "signed", "onboarded"}


@pytest.fixture
def officer_api(api, officer):
    api.force_login(officer)
    return api


@pytest.fixture
def sf_api(park_client):
    """The Shuangfu park system's client (its own, beside an officer's session)."""
    _client, key = park_client
    return token(APIClient(), key)


def meet(campaign, officer, outcome, degree="MASTER"):
    talent = factories.talent(by=officer)
    return services.contact_record(
        campaign=campaign, talent=talent, by=officer, outcome=outcome, degree=Degree.objects.get(code=degree)
    )


def query_count(api, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


# --- Campaigns ------------------------------------------------------------------------------------


def known_campaign(officer):
    """南开大学's visit: 6 consulted, 4 intents (2 of them master's or above), 2 signed, 1 onboarded."""
    nankai = factories.university("南开大学")
    campaign = factories.campaign(
        by=officer,
        title="南开大学春季引才",
        university=nankai,
        starts_on=START,
        target_intents=300,
        leader="区委副书记",
    )
    meet(campaign, officer, Outcome.CONSULTED)
    meet(campaign, officer, Outcome.CONSULTED, degree="DOCTOR")
    meet(campaign, officer, Outcome.INTENT)
    meet(campaign, officer, Outcome.INTENT, degree="BACHELOR")
    meet(campaign, officer, Outcome.SIGNED, degree="DOCTOR")
    onboarded = meet(campaign, officer, Outcome.SIGNED, degree="BACHELOR")
    talent_transition(talent=onboarded.talent, to=Stage.ONBOARDED, by=officer)
    return campaign


@pytest.mark.parametrize("caller", ["officer", "park_client"])
def test_the_funnel_in_the_list_is_counted_from_the_contacts(api, officer, park_client, caller):
    if caller == "officer":
        api.force_login(officer)
    else:
        token(api, park_client[1])
    campaign = known_campaign(officer)
    factories.campaign(by=officer, kind="job_fair", title="空的招聘会", starts_on=START)

    body = api.get("/api/v1/campaigns/").json()

    assert body["count"] == 2
    found = {item["title"]: item for item in body["results"]}
    item = found["南开大学春季引才"]
    assert item["funnel"] == {"consulted": 6, "intents": 4, "masters": 2, "signed": 2, "onboarded": 1}
    assert found["空的招聘会"]["funnel"] == dict.fromkeys(FUNNEL_KEYS, 0)
    assert item["id"] == campaign.pk
    assert item["kind"] == "university_visit"
    assert item["season"] == "2024-spring"
    assert item["university"] == {"id": campaign.university_id, "name": "南开大学"}
    assert item["lead_officer"] == {"id": officer.pk, "name": officer.name}
    assert item["leader"] == "区委副书记"
    assert item["targets"]["intents"] == 300
    assert item["targets"]["consultations"] is None
    assert item["yield"] is None
    assert (item["starts_on"], item["ends_on"]) == (START.isoformat(), campaign.ends_on.isoformat())
    # Counts only: nothing about the people met.
    assert "contacts" not in item
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/").json()["funnel"] == item["funnel"]


def test_a_promotion_trip_carries_its_yield(officer_api, officer):
    trip = factories.campaign(by=officer, kind="promotion_trip", title="成都招商推介", starts_on=START)
    signed = factories.project(stage="signed", agreed_investment=Decimal("510000.00"))
    services.campaign_project_link(campaign=trip, project=signed, by=officer)
    services.campaign_project_link(campaign=trip, project=factories.project(), by=officer)
    empty = factories.campaign(by=officer, kind="promotion_trip", title="深圳招商推介", starts_on=START)

    listed = {
        item["id"]: item
        for item in officer_api.get("/api/v1/campaigns/?kind=promotion_trip").json()["results"]
    }

    assert listed[trip.pk]["yield"] == {"projects": 2, "signed": 1, "agreed_investment": "510000.00"}
    assert listed[empty.pk]["yield"] == {"projects": 0, "signed": 0, "agreed_investment": "0.00"}
    assert officer_api.get(f"/api/v1/campaigns/{trip.pk}/").json()["yield"] == listed[trip.pk]["yield"]


def test_campaign_filters_search_and_ordering_are_the_pages(officer_api, officer):
    factories.campaign(by=officer, title="南开大学引才", starts_on=datetime.date(2024, 4, 1))
    factories.campaign(by=officer, title="北京理工大学引才", starts_on=datetime.date(2024, 10, 1))
    factories.campaign(
        by=officer, kind="promotion_trip", title="成都招商推介", starts_on=datetime.date(2024, 5, 1)
    )

    def titles(query):
        response = officer_api.get(f"/api/v1/campaigns/?{query}")
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["results"]]

    assert titles("kind=university_visit&ordering=starts_on") == ["南开大学引才", "北京理工大学引才"]
    assert titles("season=2024-autumn") == ["北京理工大学引才"]
    assert titles("search=招商") == ["成都招商推介"]
    assert titles("ordering=-starts_on") == ["北京理工大学引才", "成都招商推介", "南开大学引才"]


def test_lists_come_newest_first_without_an_ordering(officer_api, officer):
    # The funnel's GROUP BY drops Meta.ordering; the list must still come in a stable order.
    for month in (3, 5, 9):
        factories.campaign(by=officer, title=f"{month}月活动", starts_on=datetime.date(2024, month, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        body = officer_api.get("/api/v1/campaigns/").json()
    assert [item["title"] for item in body["results"]] == ["9月活动", "5月活动", "3月活动"]


def test_campaigns_are_read_only(officer_api, sf_api, officer):
    campaign = factories.campaign(by=officer, starts_on=START)
    assert officer_api.post("/api/v1/campaigns/", {"title": "x"}, format="json").status_code == 405
    assert (
        officer_api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"title": "x"}, format="json").status_code
        == 405
    )
    assert sf_api.post("/api/v1/campaigns/", {"title": "x"}, format="json").status_code == 405
    assert_error_shape(officer_api.get("/api/v1/campaigns/999999/"), 404, "client_error")


@pytest.mark.parametrize("caller", ["officer", "park_client"])
def test_the_campaign_list_runs_the_same_queries_for_5_and_50_campaigns(api, officer, park_client, caller):
    if caller == "officer":
        api.force_login(officer)
    else:
        token(api, park_client[1])
    nankai = factories.university("南开大学")
    talents = [factories.talent(by=officer) for _ in range(3)]

    def add(count):
        for index in range(count):
            kind = "promotion_trip" if index % 3 == 0 else "university_visit"
            campaign = factories.campaign(by=officer, kind=kind, university=nankai, starts_on=START)
            if kind == "promotion_trip":
                services.campaign_project_link(campaign=campaign, project=factories.project(), by=officer)
            for talent, outcome in zip(talents, Outcome.values, strict=True):
                services.contact_record(campaign=campaign, talent=talent, by=officer, outcome=outcome)

    url = "/api/v1/campaigns/?page_size=100"
    add(5)
    api.get(url)  # warm up the session, the content types and the client's last-used mark
    small = query_count(api, url)
    add(45)
    large = query_count(api, url)
    body = api.get(url).json()
    assert body["count"] == 50
    assert all(item["funnel"]["consulted"] == 3 for item in body["results"])
    assert small == large


# --- Placements -----------------------------------------------------------------------------------


def placed(officer, *, park_code: str, batch: int = 1, name: str | None = None):
    host = factories.enterprise(park_code=park_code)
    expert = factories.talent(by=officer, name=name) if name else factories.talent(by=officer)
    return factories.placement(expert=expert, host=host, batch=factories.placement_batch(batch), by=officer)


def test_a_park_client_sees_only_the_placements_in_its_parks_enterprises(sf_api, officer_api, officer):
    ours = placed(officer, park_code="SF")
    theirs = placed(officer, park_code="LH")

    body = sf_api.get("/api/v1/placements/").json()

    assert [item["id"] for item in body["results"]] == [ours.pk]
    assert sf_api.get(f"/api/v1/placements/{ours.pk}/").status_code == 200
    assert_error_shape(sf_api.get(f"/api/v1/placements/{theirs.pk}/"), 404, "client_error")
    # Officers work district-wide.
    assert {item["id"] for item in officer_api.get("/api/v1/placements/").json()["results"]} == {
        ours.pk,
        theirs.pk,
    }
    assert officer_api.get(f"/api/v1/placements/{theirs.pk}/").status_code == 200


def test_a_placement_carries_its_term_and_outcomes_and_no_personal_data(sf_api, officer):
    placement = placed(officer, park_code="SF", batch=3, name="陈教授")
    services.placement_outcome_record(
        placement=placement,
        kind="revenue",
        title="新增产值",
        achieved_on=datetime.date(2024, 6, 1),
        by=officer,
        amount=Decimal("1200.50"),
    )
    services.placement_outcome_record(
        placement=placement,
        kind="patent",
        title="视觉检测专利",
        achieved_on=datetime.date(2024, 9, 1),
        by=officer,
    )
    services.placement_evaluate(placement=placement, grade="good", by=officer, on=datetime.date(2024, 12, 1))

    item = sf_api.get(f"/api/v1/placements/{placement.pk}/").json()

    assert item["expert"] == {"id": placement.expert_id, "name": "陈教授"}
    host = placement.host_enterprise
    assert item["host_enterprise"] == {"id": host.pk, "name": host.name, "park": "SF"}
    assert item["batch"] == 3
    assert (item["term_start"], item["term_end"], item["ended_on"]) == ("2024-03-01", "2026-02-28", None)
    assert item["status"] == placement.status
    assert (item["extensions"], item["grade"], item["evaluated_on"]) == (0, "good", "2024-12-01")
    assert item["outcomes"] == [
        {"kind": "patent", "title": "视觉检测专利", "achieved_on": "2024-09-01", "amount": None},
        {"kind": "revenue", "title": "新增产值", "achieved_on": "2024-06-01", "amount": "1200.50"},
    ]
    text = str(item)
    expert = placement.expert
    for secret in (expert.phone, expert.id_number, expert.email):
        if secret:
            assert secret not in text


def test_placements_filter_by_batch_and_status(officer_api, officer):
    first = placed(officer, park_code="SF", batch=1)
    second = placed(officer, park_code="SF", batch=2)
    services.placement_end(placement=second, on=datetime.date(2024, 6, 1), reason="企业迁出", by=officer)

    def ids(query):
        response = officer_api.get(f"/api/v1/placements/?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert ids("batch=1") == [first.pk]
    assert ids("status=ended_early") == [second.pk]
    assert ids("park=SF&ordering=batch") == [first.pk, second.pk]


def test_placements_are_read_only(officer_api, sf_api, officer):
    placement = placed(officer, park_code="SF")
    assert officer_api.post("/api/v1/placements/", {}, format="json").status_code == 405
    assert (
        sf_api.patch(f"/api/v1/placements/{placement.pk}/", {"goals": "x"}, format="json").status_code == 405
    )


@pytest.mark.parametrize("caller", ["officer", "park_client"])
def test_the_placement_list_runs_the_same_queries_for_5_and_50_placements(api, officer, park_client, caller):
    if caller == "officer":
        api.force_login(officer)
    else:
        token(api, park_client[1])
    batch = factories.placement_batch(1)

    def add(count):
        for _ in range(count):
            placement = factories.placement(
                expert=factories.talent(by=officer),
                host=factories.enterprise(park_code="SF"),
                batch=batch,
                by=officer,
            )
            for kind in ("patent", "joint_project"):
                services.placement_outcome_record(
                    placement=placement,
                    kind=kind,
                    title="成果",
                    achieved_on=datetime.date(2024, 6, 1),
                    by=officer,
                )

    url = "/api/v1/placements/?page_size=100"
    add(5)
    api.get(url)
    small = query_count(api, url)
    add(45)
    large = query_count(api, url)
    body = api.get(url).json()
    assert body["count"] == 50
    assert all(len(item["outcomes"]) == 2 for item in body["results"])
    assert small == large
    assert Placement.objects.count() == 50


# --- Schema ---------------------------------------------------------------------------------------


def test_the_schema_describes_campaigns_and_placements_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/campaigns/" in schema
    assert "/api/v1/placements/{id}/" in schema
    assert "yield:" in schema
    assert Campaign.objects.count() == 0
