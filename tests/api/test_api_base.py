"""The API base: authentication, park scope, errors in one shape, pagination, schema."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from jinjin_crm.api.models import ApiClient
from jinjin_crm.api.services import api_client_revoke

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status, error_type, code=None, attr=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert body["type"] == error_type
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}
        assert error["detail"]
    if code is not None:
        assert body["errors"][0]["code"] == code
    if attr is not None:
        assert body["errors"][0]["attr"] == attr
    return body


def token(api, key):
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


class TestAuthentication:
    def test_no_credentials_is_401_with_challenge(self, api):
        response = api.get("/api/v1/parks/")
        assert_error_shape(response, 401, "client_error", code="not_authenticated")
        assert response["WWW-Authenticate"] == "Token"

    def test_unknown_key_is_401(self, api, park_client):
        response = token(api, "deadbeef.not-a-real-key").get("/api/v1/parks/")
        assert_error_shape(response, 401, "client_error", code="authentication_failed")

    def test_tampered_secret_is_401(self, api, park_client):
        _client, key = park_client
        response = token(api, key[:-2] + "xx").get("/api/v1/parks/")
        assert_error_shape(response, 401, "client_error", code="authentication_failed")

    def test_revoked_key_is_401(self, api, park_client):
        client, key = park_client
        assert token(api, key).get("/api/v1/me/").status_code == 200
        api_client_revoke(client=client)
        response = api.get("/api/v1/me/")
        assert_error_shape(response, 401, "client_error", code="authentication_failed")

    def test_key_is_stored_hashed_and_use_is_recorded(self, api, park_client):
        client, key = park_client
        stored = ApiClient.objects.filter(pk=client.pk).values().get()
        assert key not in str(stored)
        assert stored["last_used_at"] is None
        token(api, key).get("/api/v1/me/")
        client.refresh_from_db()
        assert client.last_used_at is not None

    def test_signed_in_user_without_role_is_403(self, api, django_user_model):
        user = django_user_model.objects.create_user(username="norole", password="x")
        api.force_authenticate(user)
        assert_error_shape(api.get("/api/v1/parks/"), 403, "client_error", code="permission_denied")


class TestScope:
    def test_park_client_sees_only_its_park(self, api, park_client):
        _client, key = park_client
        body = token(api, key).get("/api/v1/parks/").json()
        assert [park["code"] for park in body["results"]] == ["SF"]

    def test_another_parks_record_is_404_not_403(self, api, park_client):
        _client, key = park_client
        token(api, key)
        assert api.get("/api/v1/parks/SF/").status_code == 200
        assert_error_shape(api.get("/api/v1/parks/LH/"), 404, "client_error", code="not_found")

    def test_officer_works_district_wide(self, api, officer):
        api.force_login(officer)
        codes = {park["code"] for park in api.get("/api/v1/parks/").json()["results"]}
        assert {"DG", "SF", "LH", "BS", "SNG", "TJH", "GF"} <= codes
        assert api.get("/api/v1/parks/LH/").status_code == 200

    def test_me_describes_a_park_client(self, api, park_client):
        client, key = park_client
        body = token(api, key).get("/api/v1/me/").json()
        assert body["kind"] == "api_client"
        assert body["name"] == client.name
        assert body["scope"] == {"district_wide": False, "parks": ["SF"]}

    def test_me_describes_an_officer(self, api, officer):
        api.force_login(officer)
        body = api.get("/api/v1/me/").json()
        assert body["kind"] == "user"
        assert body["roles"] == ["officer"]
        assert body["parks"] == ["SF"]
        assert body["scope"]["district_wide"] is True
        assert body["can_write"] is True

    def test_leader_cannot_write(self, api, leader):
        api.force_login(leader)
        assert api.get("/api/v1/me/").json()["can_write"] is False
        assert_error_shape(api.post("/api/v1/parks/", {}), 403, "client_error", code="permission_denied")


class TestErrorShape:
    def test_unknown_url_is_json_404(self, api, officer):
        api.force_login(officer)
        assert_error_shape(api.get("/api/v1/no-such-thing/"), 404, "client_error", code="not_found")

    def test_method_not_allowed(self, api, officer):
        api.force_login(officer)
        assert_error_shape(api.post("/api/v1/parks/", {}), 405, "client_error", code="method_not_allowed")

    def test_validation_error_names_the_parameter(self, api, officer):
        api.force_login(officer)
        body = assert_error_shape(api.get("/api/v1/parks/?kind=castle"), 400, "validation_error", attr="kind")
        assert body["errors"][0]["code"] == "invalid_choice"

    def test_throttled_is_429(self, api, park_client):
        _client, key = park_client
        token(api, key)
        with override_settings(
            REST_FRAMEWORK={
                **__import__("django.conf").conf.settings.REST_FRAMEWORK,
                "DEFAULT_THROTTLE_RATES": {"principal": "2/min"},
            }
        ):
            assert api.get("/api/v1/me/").status_code == 200
            assert api.get("/api/v1/me/").status_code == 200
            response = api.get("/api/v1/me/")
        assert_error_shape(response, 429, "client_error", code="throttled")
        assert int(response["Retry-After"]) > 0

    @pytest.mark.urls("tests.api.urls_failing")
    def test_unhandled_error_is_500_in_shape(self, api, officer):
        api.force_login(officer)
        api.raise_request_exception = False
        assert_error_shape(api.get("/api/v1/failing/"), 500, "server_error", code="error")


class TestPagination:
    def test_page_size_is_capped_at_200(self, api, officer):
        api.force_login(officer)
        body = api.get("/api/v1/disciplines/?page_size=5").json()
        assert len(body["results"]) == 5
        assert body["count"] > 100
        assert body["next"]
        body = api.get("/api/v1/disciplines/?page_size=1000").json()
        assert len(body["results"]) == min(200, body["count"])

    def test_search_and_ordering(self, api, officer):
        api.force_login(officer)
        body = api.get("/api/v1/disciplines/?search=计算机").json()
        assert [item["code"] for item in body["results"]] == ["0812"]
        codes = [item["code"] for item in api.get("/api/v1/degrees/?ordering=-rank").json()["results"]]
        assert codes == ["DOCTOR", "MASTER", "BACHELOR", "COLLEGE"]

    def test_list_query_count_does_not_grow_with_page_size(self, api, officer, django_assert_max_num_queries):
        api.force_login(officer)
        api.get("/api/v1/disciplines/?page_size=5")  # warm the session and content types
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            api.get("/api/v1/disciplines/?page_size=5")
        with CaptureQueriesContext(connection) as large:
            api.get("/api/v1/disciplines/?page_size=100")
        assert len(small.captured_queries) == len(large.captured_queries)


class TestSchema:
    def test_schema_generates_without_warnings(self, tmp_path):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
        assert "/api/v1/parks/" in (tmp_path / "schema.yaml").read_text()

    def test_schema_and_offline_docs_are_served(self, api, officer, client):
        api.force_login(officer)
        assert api.get("/api/v1/schema/").status_code == 200
        client.force_login(officer)
        page = client.get("/api/v1/docs/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "swagger-ui" in html
        # The UI's code comes from this server (the sidecar package), never from a CDN.
        assert "cdn.jsdelivr" not in html
        assert "unpkg" not in html


def test_create_api_client_command_prints_the_key_once(capsys):
    call_command("create_api_client", "--park", "LH", "--name", "珞璜园区系统")
    out = capsys.readouterr().out
    key = out.strip().splitlines()[-1]
    client = ApiClient.objects.get(name="珞璜园区系统")
    assert client.park.code == "LH"
    assert key.startswith(client.key_prefix + ".")
    assert key not in str(ApiClient.objects.filter(pk=client.pk).values().get())


def test_create_api_client_command_names_unknown_park():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No park with code 'XX'"):
        call_command("create_api_client", "--park", "XX", "--name", "x")


def test_admin_renames_a_client_but_keeps_its_key(client, park_client):
    from tests.factories import admin

    api_client, key = park_client
    client.force_login(admin())
    response = client.post(
        f"/admin/api/apiclient/{api_client.pk}/change/",
        {"name": "双福园区新系统", "park": api_client.park_id},
    )
    assert response.status_code == 302
    api_client.refresh_from_db()
    assert api_client.name == "双福园区新系统"
    assert api_client.park.code == "SF"
    from jinjin_crm.api.services import api_client_authenticate

    assert api_client_authenticate(key=key) == api_client
