"""The statistics API: the summary and one metric, the park system's scope (its own park only, 404
for anything else, never the district nor the other parks), bad input in the error shape, targets
against actuals, query counts that do not grow with the parks, and the schema."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jinjin_crm.core.models import Park
from jinjin_crm.dashboard.metrics import METRICS
from jinjin_crm.dashboard.models import Target
from jinjin_crm.dashboard.periods import parse_period
from talents.services import team_create
from tests import factories
from tests.api.test_api_base import assert_error_shape, token

pytestmark = pytest.mark.django_db

SUMMARY = "/api/v1/stats/summary/"
H1 = "2024-H1"
RANKED = ["DG", "SF", "LH", "BS"]  # the industrial parks, in their usual order
DISTRICT_ONLY = {metric.code for metric in METRICS if metric.park_param is None}


def metric_url(code: str) -> str:
    return f"/api/v1/stats/metrics/{code}/"


def figures(body: dict) -> dict[str, dict]:
    return {item["code"]: item for item in body["metrics"]}


def signed(park_code: str, amount: str, day=datetime.date(2024, 3, 15), **fields):
    return factories.project(
        park_code=park_code, stage="signed", signed_on=day, agreed_investment=Decimal(amount), **fields
    )


def set_target(metric: str, value: str, *, period: str = H1, park_code: str | None = None) -> Target:
    # The targets ledger's pages are not built yet; a target is a plain record of the ledger.
    span = parse_period(period)
    return Target.objects.create(
        period=period,
        period_start=span.start,
        period_end=span.end,
        metric=metric,
        scope="park" if park_code else "district",
        park=factories.park(park_code) if park_code else None,
        value=Decimal(value),
    )


@pytest.fixture
def projects(db):
    """H1 2024: two projects signed in Shuangfu (5,000 + 2,500.50 万元), one in Degan (10,000), and
    one Shuangfu project signed in H2 that H1 must not count."""
    return [
        signed("SF", "5000.00"),
        signed("SF", "2500.50", day=datetime.date(2024, 6, 30)),
        signed("DG", "10000.00"),
        signed("SF", "800.00", day=datetime.date(2024, 7, 1)),
    ]


@pytest.fixture
def as_officer(api, officer):
    api.force_login(officer)
    return api


@pytest.fixture
def as_park_system(api, park_client):
    _client, key = park_client
    return token(api, key)


# --- The summary ----------------------------------------------------------------------------------


class TestSummary:
    def test_district_summary_for_an_officer(self, as_officer, projects):
        response = as_officer.get(SUMMARY, {"period": H1})
        assert response.status_code == 200, response.content
        body = response.json()
        with translation.override("zh-hans"):  # the language every caller gets by default
            label = parse_period(H1).label
        assert body["period"] == {"code": H1, "label": label, "start": "2024-01-01", "end": "2024-06-30"}
        assert body["scope"] == {"kind": "district", "park": None}
        # Every metric applies to the district, in the order the dashboard defines them.
        assert [item["code"] for item in body["metrics"]] == [metric.code for metric in METRICS]
        items = figures(body)
        assert items["projects_introduced"]["value"] == 3
        assert items["projects_introduced"]["unit"] == "count"
        # Money as a string with two decimals, as everywhere in the API.
        assert items["agreed_investment"]["value"] == "17500.50"
        assert items["agreed_investment"]["unit"] == "wan"
        assert items["amount_disbursed"]["unit"] == "yuan"
        assert items["amount_disbursed"]["value"] == "0.00"
        assert items["service_requests_overdue"]["snapshot"] is True
        assert items["projects_introduced"]["snapshot"] is False
        assert set(items["projects_introduced"]) == {
            "code",
            "label",
            "unit",
            "value",
            "target",
            "done_percent",
            "flag",
            "snapshot",
        }
        assert items["projects_introduced"]["target"] is None
        assert items["projects_introduced"]["flag"] == "none"

    def test_one_park_for_an_officer(self, as_officer, projects):
        body = as_officer.get(SUMMARY, {"period": H1, "park": "SF"}).json()
        assert body["scope"] == {"kind": "park", "park": "SF"}
        items = figures(body)
        assert items["projects_introduced"]["value"] == 2
        assert items["agreed_investment"]["value"] == "7500.50"
        # Campaign figures are the district's only: they do not apply to a park.
        assert DISTRICT_ONLY
        assert not DISTRICT_ONLY & set(items)
        assert as_officer.get(SUMMARY, {"period": H1, "park": "dg"}).json()["scope"]["park"] == "DG"

    def test_the_period_defaults_to_the_current_year(self, as_officer):
        today = datetime.date.today()
        signed("SF", "1000.00", day=today)
        body = as_officer.get(SUMMARY).json()
        assert body["period"]["code"] == str(today.year)
        assert body["period"]["start"] == f"{today.year}-01-01"
        assert figures(body)["projects_introduced"]["value"] == 1
        assert as_officer.get(SUMMARY, {"period": ""}).json()["period"]["code"] == str(today.year)

    def test_other_kinds_of_period(self, as_officer, projects):
        assert (
            figures(as_officer.get(SUMMARY, {"period": "2024-Q1"}).json())["projects_introduced"]["value"]
            == 2
        )
        assert (
            figures(as_officer.get(SUMMARY, {"period": "2024-06"}).json())["projects_introduced"]["value"]
            == 1
        )
        assert (
            figures(as_officer.get(SUMMARY, {"period": "2024"}).json())["projects_introduced"]["value"] == 4
        )
        # Lower case is read as the code it means.
        assert as_officer.get(SUMMARY, {"period": "2024-h1"}).json()["period"]["code"] == H1

    def test_a_leader_can_read(self, api, leader, projects):
        api.force_login(leader)
        response = api.get(SUMMARY, {"period": H1})
        assert response.status_code == 200
        assert figures(response.json())["projects_introduced"]["value"] == 3
        detail = api.get(metric_url("agreed_investment"), {"period": H1})
        assert detail.status_code == 200
        assert len(detail.json()["by_park"]) == 4

    def test_anonymous_is_401(self, api):
        assert_error_shape(api.get(SUMMARY), 401, "client_error")


class TestTargets:
    def test_target_progress_and_flag(self, as_officer, projects):
        set_target("projects_introduced", "4")
        set_target("agreed_investment", "35001.00")
        set_target("projects_introduced", "2", park_code="SF")
        items = figures(as_officer.get(SUMMARY, {"period": H1}).json())
        introduced = items["projects_introduced"]
        # 3 of 4 once the half is over: 75 %, under 80 % of the pace, so red.
        assert introduced["target"] == 4
        assert introduced["done_percent"] == "75.0"
        assert introduced["flag"] == "red"
        investment = items["agreed_investment"]
        assert investment["target"] == "35001.00"
        assert investment["done_percent"] == "50.0"
        assert investment["flag"] == "red"
        # A park's own target, for that park.
        sf = figures(as_officer.get(SUMMARY, {"period": H1, "park": "SF"}).json())["projects_introduced"]
        assert (sf["target"], sf["done_percent"], sf["flag"]) == (2, "100.0", "green")

    def test_amber_when_a_little_behind(self, as_officer, projects):
        set_target("projects_introduced", "3.5")  # 3 of 3.5 is 85.7 % of the pace
        introduced = figures(as_officer.get(SUMMARY, {"period": H1}).json())["projects_introduced"]
        assert introduced["flag"] == "amber"
        assert introduced["target"] == "3.50"  # a count target with decimals keeps them

    def test_a_target_of_another_period_does_not_count(self, as_officer, projects):
        set_target("projects_introduced", "4", period="2024")
        introduced = figures(as_officer.get(SUMMARY, {"period": H1}).json())["projects_introduced"]
        assert introduced["target"] is None
        assert introduced["flag"] == "none"


# --- A park system's scope ------------------------------------------------------------------------


class TestParkSystem:
    def test_summary_holds_only_its_own_parks_figures(self, as_park_system, projects):
        set_target("projects_introduced", "4")
        set_target("projects_introduced", "3", park_code="SF")
        response = as_park_system.get(SUMMARY, {"period": H1})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["scope"] == {"kind": "park", "park": "SF"}
        items = figures(body)
        assert items["projects_introduced"]["value"] == 2
        assert items["agreed_investment"]["value"] == "7500.50"
        # Its own park's target, never the district's.
        assert items["projects_introduced"]["target"] == 3
        # No district-only figure (the campaigns'), and nothing of the district anywhere.
        assert not DISTRICT_ONLY & set(items)
        assert "17500.50" not in response.content.decode()
        # Naming its own park (in any case) is the same answer.
        assert as_park_system.get(SUMMARY, {"period": H1, "park": "sf"}).json() == body
        assert as_park_system.get(SUMMARY, {"period": H1, "park": ""}).json() == body

    def test_another_park_or_an_unknown_code_is_the_same_404(self, as_park_system, projects):
        other = assert_error_shape(
            as_park_system.get(SUMMARY, {"period": H1, "park": "DG"}), 404, "client_error"
        )
        unknown = assert_error_shape(
            as_park_system.get(SUMMARY, {"period": H1, "park": "NOPE"}), 404, "client_error"
        )
        # Identical answers: nothing tells whether the code exists.
        assert other == unknown
        assert other["errors"][0]["code"] == "not_found"
        for code in ("DG", "NOPE"):
            response = as_park_system.get(metric_url("projects_introduced"), {"period": H1, "park": code})
            assert assert_error_shape(response, 404, "client_error") == other
        # Even with a period that does not parse, another park is a 404, not a 400.
        assert_error_shape(as_park_system.get(SUMMARY, {"period": "soon", "park": "DG"}), 404, "client_error")

    def test_one_metric_without_the_other_parks(self, as_park_system, projects):
        response = as_park_system.get(metric_url("agreed_investment"), {"period": H1})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["scope"] == {"kind": "park", "park": "SF"}
        assert body["metric"]["value"] == "7500.50"
        assert "by_park" not in body
        assert "10000.00" not in response.content.decode()

    def test_a_district_only_metric_is_404(self, as_park_system):
        assert_error_shape(as_park_system.get(metric_url("consultations")), 404, "client_error", "not_found")

    def test_a_bad_period_is_400_for_it_too(self, as_park_system):
        assert_error_shape(
            as_park_system.get(SUMMARY, {"period": "H1"}), 400, "validation_error", attr="period"
        )


# --- One metric -----------------------------------------------------------------------------------


class TestMetric:
    def test_by_park_for_officers(self, as_officer, projects):
        set_target("agreed_investment", "10000.00", park_code="DG")
        response = as_officer.get(metric_url("agreed_investment"), {"period": H1})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["scope"] == {"kind": "district", "park": None}
        assert body["metric"]["code"] == "agreed_investment"
        assert body["metric"]["value"] == "17500.50"
        assert body["metric"]["description"]
        assert [row["park"]["code"] for row in body["by_park"]] == RANKED
        by_park = {row["park"]["code"]: row for row in body["by_park"]}
        assert by_park["SF"]["value"] == "7500.50"
        assert by_park["DG"]["value"] == "10000.00"
        assert by_park["DG"]["target"] == "10000.00"
        assert by_park["DG"]["flag"] == "green"
        assert by_park["DG"]["park"]["name"] == "德感工业园"
        assert by_park["LH"]["value"] == "0.00"

    def test_one_park_with_the_others_beside_it(self, as_officer, projects):
        body = as_officer.get(metric_url("projects_introduced"), {"period": H1, "park": "SF"}).json()
        assert body["scope"] == {"kind": "park", "park": "SF"}
        assert body["metric"]["value"] == 2
        assert {row["park"]["code"]: row["value"] for row in body["by_park"]} == {
            "DG": 1,
            "SF": 2,
            "LH": 0,
            "BS": 0,
        }

    def test_teams_count_by_the_host_enterprises_park(self, as_officer):
        for park_code, day in (("SF", datetime.date(2024, 2, 1)), ("LH", datetime.date(2024, 5, 1))):
            team_create(
                name=f"{park_code} 团队",
                leader=factories.talent(),
                by=None,
                host_enterprise=factories.enterprise(park_code=park_code),
                introduced_on=day,
            )
        body = as_officer.get(metric_url("teams_introduced"), {"period": H1}).json()
        assert body["metric"]["value"] == 2
        assert {row["park"]["code"]: row["value"] for row in body["by_park"]}["LH"] == 1

    def test_a_district_only_metric_has_no_by_park(self, as_officer):
        body = as_officer.get(metric_url("consultations"), {"period": H1}).json()
        assert body["metric"]["code"] == "consultations"
        assert body["by_park"] is None
        response = as_officer.get(metric_url("consultations"), {"period": H1, "park": "SF"})
        assert_error_shape(response, 400, "validation_error", "not_per_park", "park")

    def test_an_unknown_metric_is_404(self, as_officer):
        body = assert_error_shape(as_officer.get(metric_url("nonsense")), 404, "client_error", "not_found")
        assert "nonsense" in body["errors"][0]["detail"]


# --- Bad input ------------------------------------------------------------------------------------


class TestBadInput:
    @pytest.mark.parametrize("period", ["2024-H3", "24", "2024-13", "H1-2024", "1999", "2024-W54"])
    def test_a_period_that_does_not_parse(self, as_officer, period):
        body = assert_error_shape(
            as_officer.get(SUMMARY, {"period": period}), 400, "validation_error", "invalid_period", "period"
        )
        assert period in body["errors"][0]["detail"]
        assert "2024-H1" in body["errors"][0]["detail"]  # it says what to write instead

    def test_an_unknown_park_for_an_officer(self, as_officer):
        body = assert_error_shape(
            as_officer.get(SUMMARY, {"park": "ZZ"}), 400, "validation_error", "unknown_park", "park"
        )
        assert "ZZ" in body["errors"][0]["detail"]
        response = as_officer.get(metric_url("projects_introduced"), {"park": "ZZ"})
        assert_error_shape(response, 400, "validation_error", "unknown_park", "park")

    def test_both_wrong_names_both(self, as_officer):
        body = assert_error_shape(
            as_officer.get(SUMMARY, {"period": "x", "park": "ZZ"}), 400, "validation_error"
        )
        assert {error["attr"] for error in body["errors"]} == {"period", "park"}

    def test_writes_are_not_allowed(self, as_officer):
        assert_error_shape(as_officer.post(SUMMARY, {}), 405, "client_error")


# --- Queries --------------------------------------------------------------------------------------


def _queries(api, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def _more_parks(count: int) -> None:
    for index in range(count):
        park = Park.objects.create(code=f"P{index}", name=f"新园区{index}", sort_order=100 + index)
        signed(park.code, "100.00")


class TestQueries:
    @pytest.mark.parametrize(
        ("url", "params"),
        [
            (SUMMARY, {"period": H1}),
            (SUMMARY, {"period": H1, "park": "SF"}),
            (metric_url("agreed_investment"), {"period": H1}),
            (metric_url("projects_introduced"), {"period": H1, "park": "SF"}),
        ],
    )
    def test_the_count_does_not_grow_with_the_parks(self, as_officer, projects, url, params):
        as_officer.get(url, params)  # warm the session
        before = _queries(as_officer, url, params)
        _more_parks(5)
        assert _queries(as_officer, url, params) == before
        if "metrics" in url and "park" not in params:
            assert len(as_officer.get(url, params).json()["by_park"]) == 4 + 5

    def test_a_park_systems_summary_either(self, as_park_system, projects):
        as_park_system.get(SUMMARY, {"period": H1})  # the key's first use of the minute is recorded
        before = _queries(as_park_system, SUMMARY, {"period": H1})
        _more_parks(5)
        assert _queries(as_park_system, SUMMARY, {"period": H1}) == before


# --- Schema ---------------------------------------------------------------------------------------


def test_the_schema_documents_the_endpoints_without_warnings(tmp_path):
    stderr = io.StringIO()
    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yaml"), stderr=stderr)
    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/stats/summary/:" in schema
    assert "/api/v1/stats/metrics/{code}/:" in schema
    warnings = [line for line in stderr.getvalue().splitlines() if "Warning" in line or "Error" in line]
    assert not [line for line in warnings if "dashboard" in line or "Stats" in line], warnings
