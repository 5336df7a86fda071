"""Many creations of one person at once, on PostgreSQL with real threads (each its own connection):
one record, and a clear refusal for the others, never a 500 nor silent twins (issue 13)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from jinjin_crm.core.models import Degree
from talents import services
from talents.models import Talent
from talents.services import DuplicateSuspected, talent_create
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 10
PHONE = "13900001234"


def race(attempt) -> list[str]:
    """Run ``attempt`` in THREADS threads released together; each thread's outcome, in no order."""
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def run():
        try:
            start.wait()
            outcomes.append(attempt())
        except Exception as exc:  # noqa: BLE001 - any other outcome is recorded and fails the test
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def create(**fields) -> str:
    try:
        talent_create(by=None, highest_degree=Degree.objects.get(code="MASTER"), **fields)
    except ValidationError as exc:
        return (
            "id_number: " + exc.message_dict["id_number"][0] if "id_number" in exc.message_dict else repr(exc)
        )
    except DuplicateSuspected as exc:
        return exc.code
    return "created"


REGISTERED = "id_number: 该身份证号的人才已登记。"


def test_ten_creations_of_one_id_number_make_one_record(shipped_data):
    number = factories.national_id()

    outcomes = race(lambda: create(name="张伟", id_number=number))

    assert sorted(outcomes) == ["created"] + [REGISTERED] * (THREADS - 1)
    assert Talent.objects.count() == 1


def test_ten_creations_of_one_phone_and_name_make_one_record(shipped_data):
    outcomes = race(lambda: create(name="张伟", phone=PHONE))

    assert sorted(outcomes) == ["created"] + ["possible_duplicate"] * (THREADS - 1)
    assert Talent.objects.count() == 1


def test_the_unique_constraint_is_a_clear_error_when_the_lock_is_missed(shipped_data, monkeypatch):
    # Without the lock every creator passes the checks; the constraint is the last guard, and its
    # refusal must be the same clear error, not an IntegrityError (a 500).
    monkeypatch.setattr(services, "_identity_lock", lambda talent: None)
    number = factories.national_id()

    outcomes = race(lambda: create(name="张伟", id_number=number))

    assert outcomes.count("created") == 1
    assert sorted(set(outcomes) - {"created"}) == [REGISTERED]
    assert Talent.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "refusal"),
    [
        ({"name": "张伟", "id_number": "id"}, (400, "id_number")),
        ({"name": "张伟", "phone": PHONE}, (409, None)),
    ],
    ids=["id_number", "phone_and_name"],
)
def test_ten_api_creations_give_one_201_and_clear_refusals(shipped_data, payload, refusal):
    officer = factories.officer(parks=[factories.park("SF")])
    if payload.get("id_number") == "id":
        payload = {**payload, "id_number": factories.national_id()}
    clients = []
    for _index in range(THREADS):
        client = APIClient()
        client.force_login(officer)
        clients.append(client)
    responses = []

    def post():
        response = clients.pop().post("/api/v1/talents/", payload, format="json")
        responses.append(response)
        return str(response.status_code)

    outcomes = race(post)

    assert sorted(outcomes) == ["201"] + [str(refusal[0])] * (THREADS - 1)
    assert Talent.objects.count() == 1
    for response in responses:
        if response.status_code == 201:
            continue
        body = response.json()
        assert body["type"] == ("validation_error" if refusal[0] == 400 else "client_error")
        (error,) = body["errors"]
        assert set(error) == {"code", "detail", "attr"}
        assert error["attr"] == refusal[1]
        if refusal[0] == 409:
            assert error["code"] == "possible_duplicate"
            assert [duplicate["name"] for duplicate in body["duplicates"]] == ["张伟"]
