"""Talents over the API: masking, park-client scope, writes through the services, duplicates, the
pipeline, filters and query counts."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinjin_crm.core.models import PersonalDataAccess, StageChange
from talents.models import Talent
from tests import factories
from tests.api.test_api_base import assert_error_shape, token

pytestmark = pytest.mark.django_db

URL = "/api/v1/talents/"
TODAY = datetime.date.today()


@pytest.fixture
def officer_api(api, officer):
    api.force_login(officer)
    return api


@pytest.fixture
def sf_api(api, park_client):
    """The Shuangfu park system's client."""
    _client, key = park_client
    return token(api, key)


def masked_id(value: str) -> str:
    return value[:4] + "*" * 10 + value[-4:]


def masked_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:]


def employed(park_code: str = "SF", **fields) -> Talent:
    """A talent working at an enterprise of ``park_code``, with an ID number and a mobile."""
    fields.setdefault("id_number", factories.national_id())
    fields.setdefault("phone", f"1357{next(_phones):07d}")
    return factories.talent(employer_enterprise=factories.enterprise(park_code=park_code), **fields)


_phones = iter(range(1_000_000, 9_999_999))


def with_personal_data_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    return type(user).objects.get(pk=user.pk)


class TestContract:
    def test_officer_reads_codes_masked_personal_data_and_email(self, officer_api, officer):
        talent = employed(
            email="li@example.com",
            university="南开大学",
            disciplines=("0812", "0835"),
            tier=None,
            owner=officer,
            by=officer,
        )
        body = officer_api.get(f"{URL}{talent.pk}/").json()
        assert body["id_number"] == masked_id(talent.id_number)
        assert body["phone"] == masked_phone(talent.phone)
        assert body["email"] == "li@example.com"
        assert sorted(body["disciplines"]) == ["0812", "0835"]
        assert (body["highest_degree"], body["stage"], body["owner"]) == ("MASTER", "lead", officer.username)
        assert body["employer_enterprise"] == talent.employer_enterprise_id
        assert body["allowed_transitions"] == ["contacted", "lost"]
        assert body["gender"] in ("M", "F")
        assert body["birth_year"] == 1990
        assert "confirmed_not_duplicate" not in body
        assert talent.id_number not in str(body)
        assert talent.phone not in str(body)

    def test_park_client_gets_masked_values_and_no_email(self, sf_api):
        talent = employed(email="li@example.com")
        listed = sf_api.get(URL).json()["results"]
        detail = sf_api.get(f"{URL}{talent.pk}/").json()
        for body in (listed[0], detail):
            assert body["id_number"] == masked_id(talent.id_number)
            assert body["phone"] == masked_phone(talent.phone)
            assert "email" not in body


class TestUnmaskedRetrieve:
    def test_with_the_permission_and_a_reason_it_is_clear_and_logged(self, api, officer):
        user = with_personal_data_permission(officer)
        api.force_login(user)
        talent = employed()

        response = api.get(f"{URL}{talent.pk}/", {"unmasked": "1", "reason": "补贴发放核对"})

        assert response.status_code == 200
        assert (response.json()["id_number"], response.json()["phone"]) == (talent.id_number, talent.phone)
        assert response["Cache-Control"] == "no-store"
        access = PersonalDataAccess.objects.get()
        assert (access.user, access.kind, access.object_id, access.reason) == (
            user,
            PersonalDataAccess.Kind.API,
            talent.pk,
            "补贴发放核对",
        )
        # Lists stay masked whatever is asked.
        listed = api.get(URL, {"unmasked": "1", "reason": "x"}).json()["results"][0]
        assert listed["id_number"] == masked_id(talent.id_number)

    def test_without_a_reason_it_is_400_and_not_logged(self, api, officer):
        api.force_login(with_personal_data_permission(officer))
        talent = employed()
        response = api.get(f"{URL}{talent.pk}/", {"unmasked": "1"})
        assert_error_shape(response, 400, "validation_error", attr="reason")
        assert not PersonalDataAccess.objects.exists()

    def test_without_the_permission_it_is_403(self, officer_api):
        talent = employed()
        response = officer_api.get(f"{URL}{talent.pk}/", {"unmasked": "1", "reason": "看看"})
        assert_error_shape(response, 403, "client_error", code="permission_denied")
        assert not PersonalDataAccess.objects.exists()

    def test_park_clients_never_get_clear_values(self, sf_api):
        talent = employed()
        response = sf_api.get(f"{URL}{talent.pk}/", {"unmasked": "1", "reason": "看看"})
        assert_error_shape(response, 403, "client_error", code="permission_denied")


class TestParkScope:
    def test_list_shows_only_talents_working_in_the_clients_park(self, sf_api):
        own = employed("SF")
        employed("LH")
        factories.talent()  # no employer in the district
        assert [item["id"] for item in sf_api.get(URL).json()["results"]] == [own.pk]

    def test_another_parks_talent_is_404_for_read_update_and_transition(self, sf_api):
        for talent in (employed("LH"), factories.talent()):
            assert_error_shape(sf_api.get(f"{URL}{talent.pk}/"), 404, "client_error", code="not_found")
            response = sf_api.patch(f"{URL}{talent.pk}/", {"title": "教授"}, format="json")
            assert_error_shape(response, 404, "client_error", code="not_found")
            response = sf_api.post(f"{URL}{talent.pk}/transition/", {"to": "contacted"}, format="json")
            assert_error_shape(response, 404, "client_error", code="not_found")

    def test_officer_works_district_wide(self, officer_api):
        talents = {employed("SF").pk, employed("LH").pk, factories.talent().pk}
        assert {item["id"] for item in officer_api.get(URL).json()["results"]} == talents

    def test_park_client_creates_a_talent_of_its_own_enterprise(self, sf_api, officer):
        enterprise = factories.enterprise(park_code="SF")
        body = {"name": "周工", "employer_enterprise": enterprise.pk, "owner": officer.username}
        response = sf_api.post(URL, body, format="json")
        assert response.status_code == 201, response.content
        talent = Talent.objects.get(pk=response.json()["id"])
        assert (talent.employer_enterprise, talent.owner, talent.created_by) == (enterprise, officer, None)

    def test_park_client_must_name_an_enterprise_of_its_park(self, sf_api):
        response = sf_api.post(URL, {"name": "周工"}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="employer_enterprise")
        other = factories.enterprise(park_code="LH")
        response = sf_api.post(URL, {"name": "周工", "employer_enterprise": other.pk}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="employer_enterprise")
        own = employed("SF")
        response = sf_api.patch(f"{URL}{own.pk}/", {"employer_enterprise": None}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="employer_enterprise")
        assert not Talent.objects.filter(name="周工").exists()


class TestWrites:
    def test_officer_creates_a_talent_and_owns_it(self, officer_api, officer):
        id_number = factories.national_id(birth="19880512")
        body = {
            "name": "陈思远",
            "id_number": id_number,
            "phone": "13912345678",
            "highest_degree": "DOCTOR",
            "disciplines": ["0812"],
            "tier": "C",
            "university": "北京理工大学",
            "mode": "flexible",
            "source": "campaign",
        }
        response = officer_api.post(URL, body, format="json")
        assert response.status_code == 201, response.content
        data = response.json()
        assert (data["id_number"], data["phone"]) == (masked_id(id_number), "139****5678")
        assert (data["owner"], data["birth_year"], data["stage"]) == (officer.username, 1988, "lead")
        talent = Talent.objects.get(pk=data["id"])
        assert (talent.id_number, talent.phone, talent.mode) == (id_number, "13912345678", "flexible")

    def test_service_validation_names_the_field(self, officer_api):
        bad = factories.national_id()[:17] + "Z"
        response = officer_api.post(URL, {"name": "错号", "id_number": bad}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="id_number")
        response = officer_api.post(URL, {"name": "错号", "phone": "12345"}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="phone")
        response = officer_api.post(URL, {"name": "错号", "disciplines": ["9999"]}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="disciplines")
        assert not Talent.objects.exists()

    def test_a_registered_id_number_is_refused(self, officer_api):
        talent = employed()
        response = officer_api.post(
            URL,
            {"name": "重号", "id_number": talent.id_number, "confirmed_not_duplicate": True},
            format="json",
        )
        assert_error_shape(response, 400, "validation_error", attr="id_number")

    def test_a_suspected_duplicate_is_409_with_the_records_masked_and_can_be_confirmed(self, officer_api):
        registered = employed(name="王立")
        body = {"name": "王立", "phone": registered.phone}

        response = officer_api.post(URL, body, format="json")

        assert response.status_code == 409
        data = response.json()
        assert set(data) == {"type", "errors", "duplicates"}
        assert data["type"] == "client_error"
        assert [error["code"] for error in data["errors"]] == ["possible_duplicate"]
        assert data["duplicates"] == [
            {
                "id": registered.pk,
                "name": "王立",
                "certain": True,
                "reason": data["duplicates"][0]["reason"],
                "id_number": masked_id(registered.id_number),
                "phone": masked_phone(registered.phone),
            }
        ]
        assert registered.phone not in response.content.decode()
        assert Talent.objects.count() == 1

        response = officer_api.post(URL, {**body, "confirmed_not_duplicate": True}, format="json")
        assert response.status_code == 201, response.content
        assert Talent.objects.count() == 2

    def test_a_park_client_is_shown_only_duplicates_in_its_park(self, sf_api):
        elsewhere = employed("LH", name="王立")
        own = employed("SF", name="王立", university="南开大学", birth_year=1990, id_number="")
        enterprise = own.employer_enterprise
        body = {
            "name": "王立",
            "phone": elsewhere.phone,
            "university": "南开大学",
            "birth_year": 1990,
            "employer_enterprise": enterprise.pk,
        }
        response = sf_api.post(URL, body, format="json")
        assert response.status_code == 409
        data = response.json()
        assert [item["id"] for item in data["duplicates"]] == [own.pk]
        assert "王立" not in data["errors"][0]["detail"]

    def test_partial_update_assigns_through_the_service_and_keeps_the_stage(self, officer_api, officer):
        talent = employed(owner=officer)
        other = factories.officer()
        response = officer_api.patch(
            f"{URL}{talent.pk}/",
            {"title": "研究员", "owner": other.username, "disciplines": ["0835"]},
            format="json",
        )
        assert response.status_code == 200, response.content
        talent.refresh_from_db()
        assert (talent.title, talent.owner) == ("研究员", other)
        assert list(talent.disciplines.values_list("code", flat=True)) == ["0835"]
        response = officer_api.patch(f"{URL}{talent.pk}/", {"stage": "intent"}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="stage")

    def test_put_is_not_offered(self, officer_api):
        talent = employed()
        response = officer_api.put(f"{URL}{talent.pk}/", {"name": "x"}, format="json")
        assert_error_shape(response, 405, "client_error", code="method_not_allowed")

    def test_leader_reads_but_cannot_write(self, api, leader):
        talent = employed()
        api.force_login(leader)
        assert api.get(f"{URL}{talent.pk}/").status_code == 200
        response = api.patch(f"{URL}{talent.pk}/", {"title": "x"}, format="json")
        assert_error_shape(response, 403, "client_error", code="permission_denied")


class TestTransition:
    def url(self, talent):
        return f"{URL}{talent.pk}/transition/"

    def test_a_step_is_recorded_and_returns_the_talent(self, officer_api, officer):
        talent = employed()
        response = officer_api.post(self.url(talent), {"to": "contacted", "note": "电话沟通"}, format="json")
        assert response.status_code == 200, response.content
        assert (response.json()["stage"], response.json()["allowed_transitions"]) == (
            "contacted",
            ["intent", "lost"],
        )
        change = StageChange.objects.get(object_id=talent.pk, to_stage="contacted")
        assert (change.from_stage, change.changed_by, change.note) == ("lead", officer, "电话沟通")

    def test_an_illegal_move_is_409_in_the_error_shape(self, officer_api):
        talent = employed()
        response = officer_api.post(self.url(talent), {"to": "signed"}, format="json")
        assert_error_shape(response, 409, "client_error", code="illegal_transition", attr="to")
        talent.refresh_from_db()
        assert talent.stage == "lead"

    def test_lost_needs_a_note_and_the_date_cannot_be_future(self, officer_api):
        talent = employed()
        response = officer_api.post(self.url(talent), {"to": "lost", "note": " "}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="note")
        future = (TODAY + datetime.timedelta(days=2)).isoformat()
        response = officer_api.post(self.url(talent), {"to": "contacted", "on": future}, format="json")
        assert_error_shape(response, 400, "validation_error", attr="on")

    def test_park_client_moves_its_own_talent(self, sf_api):
        talent = employed("SF")
        response = sf_api.post(self.url(talent), {"to": "contacted"}, format="json")
        assert response.status_code == 200, response.content
        assert "email" not in response.json()


class TestFilters:
    def test_stage_discipline_park_and_search(self, officer_api):
        computing = employed("SF", name="欧阳明", disciplines=("0812",))
        business = employed("LH", name="张伟", disciplines=("1202",))
        officer_api.post(f"{URL}{business.pk}/transition/", {"to": "contacted"}, format="json")

        def ids(**params):
            return [item["id"] for item in officer_api.get(URL, params).json()["results"]]

        assert ids(stage="contacted") == [business.pk]
        assert ids(discipline="0812") == [computing.pk]
        assert ids(park="LH") == [business.pk]
        assert ids(search="oym") == [computing.pk]
        assert sorted(ids(stage=["lead", "contacted"])) == sorted([computing.pk, business.pk])

    def test_invalid_filter_is_400_naming_it(self, officer_api):
        response = officer_api.get(URL, {"stage": "hired"})
        assert_error_shape(response, 400, "validation_error", attr="stage")


def query_count(api, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


@pytest.mark.parametrize("caller", ["officer", "park_client"])
def test_a_list_runs_the_same_queries_for_5_and_50_talents(api, officer, park_client, caller):
    if caller == "officer":
        api.force_login(officer)
    else:
        token(api, park_client[1])
    enterprise = factories.enterprise(park_code="SF")

    def add(count):
        for _ in range(count):
            factories.talent(
                employer_enterprise=enterprise, owner=officer, disciplines=("0812", "0835"), tier=None
            )

    add(5)
    url = f"{URL}?page_size=100"
    api.get(url)  # warm up the session, the content types and the client's last-used mark
    small = query_count(api, url)
    add(45)
    large = query_count(api, url)
    assert api.get(url).json()["count"] == 50
    assert small == large
