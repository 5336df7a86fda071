"""The leadership pages as leaders use them: what they show, their query counts, bad input, the
ranking, the scorecard and the follow-through on known data, and that they change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jinjin_crm.core.models import Park
from jinjin_crm.core.services import activity_log
from jinjin_crm.dashboard import periods, selectors
from jinjin_crm.dashboard.models import RankingWeight, Target
from jinjin_crm.dashboard.scopes import ranked_parks
from jinjin_crm.matching.models import Match
from jinjin_crm.matching.services import demand_recompute, match_transition
from projects.services import project_transition
from talents.models import Talent
from tests import factories

PAGES = (
    "dashboard:home",
    "dashboard:ledger",
    "dashboard:ranking",
    "dashboard:scorecard",
    "dashboard:follow-through",
)
H1 = periods.parse_period("2024-H1")


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def signed(*, on, park_code="SF", amount="10000", **fields):
    return factories.project(
        stage="signed", signed_on=on, agreed_investment=Decimal(amount), park_code=park_code, **fields
    )


def target(metric, value, *, period="2024-H1", park_code=None, officer=None):
    """A target row as the service writes it (the targets service is tested on its own)."""
    park = Park.objects.get(code=park_code) if park_code else None
    scope = "park" if park else "officer" if officer else "district"
    parsed = periods.parse_period(period)
    return Target.objects.create(
        period=parsed.code,
        period_start=parsed.start,
        period_end=parsed.end,
        metric=metric,
        scope=scope,
        park=park,
        officer=officer,
        value=Decimal(value),
    )


# --- Reading --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_a_leader_reads_every_leadership_page_and_can_post_to_none(db, leader_client, name):
    signed(on=datetime.date(2024, 3, 1))
    url = reverse(name)
    response = leader_client.get(url, {"period": "2024-H1"})
    assert response.status_code == 200
    assert "2024-01-01 — 2024-06-30" in response.content.decode()
    before = (Target.objects.count(), RankingWeight.objects.count())
    assert leader_client.post(url, {"period": "2024-H1"}).status_code == 405
    assert (Target.objects.count(), RankingWeight.objects.count()) == before


def test_officers_open_the_dashboard_too(db, client, officer):
    client.force_login(officer)
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_anonymous_people_are_sent_to_log_in(db, client):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_dashboard_shows_the_figures_their_targets_and_last_year(db, leader_client):
    signed(on=datetime.date(2023, 2, 1))
    signed(on=datetime.date(2024, 2, 1))
    signed(on=datetime.date(2024, 3, 1))
    target("projects_introduced", "4")
    response = leader_client.get(reverse("dashboard:home"), {"period": "2024-H1"})
    tile = next(
        t for g in response.context["groups"] for t in g["tiles"] if t["code"] == "projects_introduced"
    )
    assert tile["value"] == 2
    assert tile["target"] == Decimal("4")
    assert tile["done_percent"] == Decimal("50.0")
    assert tile["flag"] == "red"  # the half is over and half the target was reached
    assert tile["previous"] == 1
    assert tile["change_percent"] == Decimal("100")
    html = response.content.decode()
    assert f'href="{tile["url"]}"' in html.replace("&amp;", "&")
    assert 'data-metric="projects_introduced" data-value="2"' in html


def test_an_empty_period_says_so_and_divides_by_nothing(db, leader_client):
    target("projects_introduced", "0", period="2022-H1")
    response = leader_client.get(reverse("dashboard:home"), {"period": "2022-H1"})
    assert response.status_code == 200
    assert response.context["empty"] is True
    assert "data-empty-period" in response.content.decode()
    tile = next(
        t for g in response.context["groups"] for t in g["tiles"] if t["code"] == "projects_introduced"
    )
    assert tile["done_percent"] == Decimal("100.0")  # a zero target is met
    assert tile["change"] is None


def test_a_park_view_holds_only_that_park(db, leader_client):
    signed(on=datetime.date(2024, 2, 1), park_code="SF")
    signed(on=datetime.date(2024, 2, 1), park_code="DG")
    response = leader_client.get(reverse("dashboard:home"), {"period": "2024-H1", "park": "SF"})
    tiles = {t["code"]: t for g in response.context["groups"] for t in g["tiles"]}
    assert tiles["projects_introduced"]["value"] == 1
    assert "park=SF" in tiles["projects_introduced"]["url"]
    assert "consultations" not in tiles  # campaigns belong to no park


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"period": "2024-H3"}, "period", "“2024-H3”不是有效的期间。"),
        ({"period": "2024-W10"}, "period", "“2024-W10”是周；请填写年、半年、季度或月。"),
        ({"park": "XX"}, "park", "没有代码为“XX”的园区。"),
    ],
)
def test_bad_input_is_named_on_its_field_and_the_page_still_answers(db, leader_client, query, field, message):
    response = leader_client.get(reverse("dashboard:home"), query)
    assert response.status_code == 400
    assert message in response.context["filter_errors"][field]
    assert f'data-error="{field}"' in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------------


def _queries(client, url, query) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured.captured_queries)


def _talents(count: int, park_code: str):
    host = factories.enterprise(park_code=park_code)
    Talent.objects.bulk_create(
        Talent(
            name=f"人才{i}",
            stage="onboarded",
            onboarded_on=datetime.date(2024, 3, 1),
            employer_enterprise=host,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("name", PAGES)
def test_query_counts_do_not_grow_with_parks_or_records(db, leader_client, name):
    url = reverse(name)
    RankingWeight.objects.create(metric="projects_introduced", weight=Decimal("10"))
    target("projects_introduced", "3", park_code="SF")
    signed(on=datetime.date(2024, 2, 1), park_code="SF")
    _talents(10, "SF")
    few = _queries(leader_client, url, {"period": "2024-H1"})
    for code in ("DG", "LH", "BS"):
        signed(on=datetime.date(2024, 2, 1), park_code=code)
        _talents(330, code)
        target("projects_introduced", "3", park_code=code)
    many = _queries(leader_client, url, {"period": "2024-H1"})
    assert many == few


def test_the_dashboard_is_cached_for_a_minute_at_most(db, leader_client):
    from jinjin_crm.dashboard.selectors import FIGURES_TTL

    assert FIGURES_TTL <= 60
    url = reverse("dashboard:home")
    _queries(leader_client, url, {"period": "2024-H1"})
    with CaptureQueriesContext(connection) as captured:
        leader_client.get(url, {"period": "2024-H1"})
    assert len(captured.captured_queries) < 15


# --- Ranking, scorecard, follow-through -----------------------------------------------------------


def test_the_ranking_weights_each_parks_achievement_and_shows_the_rank_change(db, leader_client):
    RankingWeight.objects.create(metric="projects_introduced", weight=Decimal("60"))
    RankingWeight.objects.create(metric="agreed_investment", weight=Decimal("40"))
    for code in ("SF", "DG"):
        target("projects_introduced", "2", park_code=code)
        target("agreed_investment", "20000", park_code=code)
        target("projects_introduced", "1", park_code=code, period="2023-H2")
    signed(on=datetime.date(2024, 2, 1), park_code="SF", amount="30000")
    signed(on=datetime.date(2024, 3, 1), park_code="SF", amount="10000")
    signed(on=datetime.date(2024, 4, 1), park_code="DG", amount="10000")
    signed(on=datetime.date(2023, 9, 1), park_code="DG", amount="10000")
    ranking = selectors.park_ranking(H1)
    rows = {row["park"].code: row for row in ranking["rows"]}
    # SF: 2/2 projects (1.0 × 60) + 40000/20000 capped at 1.2 (× 40) = 108 of 100 weight → 108.0
    assert rows["SF"]["score"] == Decimal("108.0")
    # DG: 1/2 × 60 + 0.5 × 40 = 50
    assert rows["DG"]["score"] == Decimal("50.0")
    assert rows["SF"]["rank"] == 1
    assert rows["DG"]["rank"] == 2
    assert rows["LH"]["rank"] is None  # no target, not ranked
    # 2023-H2: DG reached its target, SF did not → DG was 1st, SF 2nd; they swapped.
    assert rows["DG"]["rank_change"] == -1
    assert rows["SF"]["rank_change"] == 1
    assert rows["LH"]["rank_change"] is None
    html = leader_client.get(reverse("dashboard:ranking"), {"period": "2024-H1"}).content.decode()
    assert 'data-park="SF" data-rank="1" data-score="108.0"' in html


def test_the_scorecard_counts_each_officers_work(db, leader_client):
    zhang, li = factories.officer(), factories.officer()
    project = signed(on=datetime.date(2024, 2, 1), lead_officer=zhang)
    project_transition(project=project, to="started", by=zhang, on=datetime.date(2024, 3, 1))
    talent = factories.talent(owner=zhang)
    activity_log(
        record=talent, officer=zhang, channel="visit", summary="上门拜访", occurred_at=_at(2024, 4, 2)
    )
    activity_log(record=talent, officer=zhang, channel="phone", summary="电话", occurred_at=_at(2024, 4, 3))
    activity_log(record=talent, officer=li, channel="phone", summary="电话", occurred_at=_at(2024, 9, 3))
    factories.onboarded_talent(owner=li, onboarded_on=datetime.date(2024, 5, 5))
    rows = {row["officer"].pk: row for row in selectors.officer_scorecard(H1)}
    assert rows[zhang.pk]["activities"] == 2
    assert rows[zhang.pk]["visits"] == 1
    # A move counts when it was made (today), whatever date it records for the stage.
    this_year = periods.period_of("year", datetime.date.today())
    assert rows[zhang.pk]["projects_moved"] == 0
    assert {row["officer"].pk: row for row in selectors.officer_scorecard(this_year)}[zhang.pk][
        "projects_moved"
    ] == 1
    assert rows[li.pk]["activities"] == 0
    assert rows[li.pk]["talents_onboarded"] == 1
    assert rows[li.pk]["talents_signed"] == 1
    response = leader_client.get(reverse("dashboard:scorecard"), {"period": "2024-H1"})
    assert response.status_code == 200
    assert f'data-officer="{zhang.username}"' in response.content.decode()


def _at(year, month, day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def test_the_follow_through_on_a_known_dataset(db, leader_client):
    from projects.models import TalentDemand

    quick = signed(on=datetime.date(2024, 3, 1), park_code="SF")
    late = signed(on=datetime.date(2024, 2, 1), park_code="SF")
    waiting_old = signed(on=datetime.date(2024, 1, 5), park_code="DG", name="最早签约项目")
    signed(on=datetime.date(2024, 4, 5), park_code="DG", name="较晚签约项目")
    signed(on=datetime.date(2023, 4, 5), park_code="DG")  # another period
    first = factories.demand(project_obj=quick, headcount=2)
    factories.demand(project_obj=late, headcount=1)
    # Registered on the signing day + 3 and + 20 (the follow-up asks for them within a week).
    TalentDemand.objects.filter(pk=first.pk).update(created_at=_at(2024, 3, 4))
    TalentDemand.objects.filter(project=late).update(created_at=_at(2024, 2, 21))
    candidate = factories.talent()
    demand_recompute(demand_id=first.pk)
    match = Match.objects.get(demand=first, talent=candidate)
    for step in ("contacted", "interviewing", "hired"):
        match_transition(match=match, to=step, by=None)

    follow = selectors.follow_through(H1)
    total = follow["total"]
    assert (total["projects"], total["in_week"], total["with_demands"]) == (4, 1, 2)
    assert (total["demands"], total["with_candidates"], total["headcount"], total["filled"]) == (2, 1, 3, 1)
    assert [item["name"] for item in follow["waiting"]] == ["最早签约项目", "较晚签约项目"]
    assert follow["waiting"][0]["pk"] == waiting_old.pk
    parks = {row["code"]: row for row in follow["parks"]}
    assert (parks["SF"]["projects"], parks["SF"]["in_week"], parks["DG"]["with_demands"]) == (2, 1, 0)
    # Every figure's link lists exactly what it counts.
    for key in ("projects", "in_week", "with_demands", "demands", "with_candidates", "filled"):
        response = leader_client.get(total["links"][key])
        assert response.context["page"].paginator.count == total[key], key
    response = leader_client.get(total["links"]["without_demands"])
    assert response.context["page"].paginator.count == follow["waiting_total"] == 2
    page = leader_client.get(reverse("dashboard:follow-through"), {"period": "2024-H1"})
    assert "最早签约项目" in page.content.decode()


def test_the_ledger_lists_each_scope_with_its_flag(db, leader_client):
    someone = factories.officer()
    signed(on=datetime.date(2024, 2, 1), park_code="SF", lead_officer=someone)
    target("projects_introduced", "1")
    target("projects_introduced", "1", park_code="SF")
    target("projects_introduced", "4", park_code="DG")
    target("projects_introduced", "2", officer=someone)
    ledger = selectors.targets_ledger(H1)
    row = next(r for r in ledger["rows"] if r["metric"].code == "projects_introduced")
    cells = {cell["scope"].key: cell for cell in row["cells"] if cell}
    assert cells["district"]["flag"] == "green"
    assert cells["park:SF"]["flag"] == "green"
    assert cells["park:DG"]["flag"] == "red"
    assert cells[f"officer:{someone.pk}"]["done_percent"] == Decimal("50.0")
    response = leader_client.get(reverse("dashboard:ledger"), {"period": "2024-H1"})
    html = response.content.decode()
    assert 'data-ledger="officers"' in html
    assert 'data-scope="park:DG" data-value="0" data-target="4.00" data-flag="red"' in html


def test_the_ledger_exports_to_excel(db, leader_client):
    import io

    from openpyxl import load_workbook

    signed(on=datetime.date(2024, 2, 1), park_code="SF")
    target("projects_introduced", "2", park_code="SF")
    response = leader_client.get(reverse("dashboard:ledger-export"), {"period": "2024-H1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    sf = next(row for row in rows if row[3] == "双福工业园" and row[4] is not None)
    assert sf[4:7] == [
        Decimal("2") if isinstance(sf[4], Decimal) else 2,
        1,
        Decimal("50.0") if isinstance(sf[6], Decimal) else 50,
    ]


def test_parks_compared_are_the_four_industrial_parks(db):
    assert [park.code for park in ranked_parks()] == ["DG", "SF", "LH", "BS"]


def test_an_undone_move_is_not_counted(db):
    from projects.models import InvestmentProject
    from projects.services import project_transition_undo

    zhang = factories.officer()
    project = factories.project(stage="negotiating", lead_officer=zhang)
    project_transition(project=project, to="signed", by=zhang, agreed_investment=Decimal("100"))
    this_year = periods.period_of("year", datetime.date.today())
    assert {row["officer"].pk: row for row in selectors.officer_scorecard(this_year)}[zhang.pk][
        "projects_moved"
    ] == 1
    change = project.stage_changes.order_by("-changed_at", "-id").first()
    project_transition_undo(
        project=InvestmentProject.objects.get(pk=project.pk), change_id=change.pk, by=zhang
    )
    cache.clear()  # the scorecard is cached for a minute
    assert {row["officer"].pk: row for row in selectors.officer_scorecard(this_year)}[zhang.pk][
        "projects_moved"
    ] == 0


def test_days_in_each_stage_are_the_medians_of_the_moves_in_the_period(db):
    from django.utils import timezone

    from jinjin_crm.core.models import StageChange
    from jinjin_crm.dashboard.selectors import figures as chart_selectors
    from projects.models import InvestmentProject

    now = timezone.now()
    for days_in_lead in (6, 10, 20):
        project = factories.project(stage="lead")
        project_transition(project=project, to="negotiating", by=project.lead_officer)
        lines = list(project.stage_changes.order_by("changed_at", "id"))
        StageChange.objects.filter(pk=lines[0].pk).update(
            changed_at=now - datetime.timedelta(days=days_in_lead + 4)
        )
        StageChange.objects.filter(pk=lines[1].pk).update(changed_at=now - datetime.timedelta(days=4))
        project_transition(
            project=InvestmentProject.objects.get(pk=project.pk),
            to="signed",
            by=project.lead_officer,
            agreed_investment=Decimal("10"),
        )
    this_year = periods.period_of("year", timezone.localdate())
    rows = {row["stage"]: row for row in chart_selectors.stage_days(InvestmentProject, this_year)}
    assert rows["lead"]["median_days"] == 10.0
    assert rows["lead"]["moves"] == 3
    assert rows["negotiating"]["median_days"] == 4.0
    # The embedded SQLite's way gives the same medians.
    history = StageChange.objects.filter(content_type__model="investmentproject").order_by()
    since, until = chart_selectors.day_bounds(this_year.start, this_year.end)
    from django.db.models import F, Window
    from django.db.models.functions import Lag

    rows_in_python = chart_selectors._medians_in_python(
        history.annotate(
            entered_at=Window(
                Lag("changed_at"), partition_by=[F("object_id")], order_by=F("changed_at").asc()
            )
        ).values("from_stage", "changed_at", "entered_at"),
        since,
        until,
    )
    assert round(rows_in_python["lead"][0], 1) == 10.0
    assert round(rows_in_python["negotiating"][0], 1) == 4.0


def test_the_dashboard_answers_with_the_cache_down(db, leader_client, settings):
    # A cache nobody listens on (a closed local port): every read and write raises.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    signed(on=datetime.date(2024, 2, 1))
    response = leader_client.get(reverse("dashboard:home"), {"period": "2024-H1"})
    assert response.status_code == 200
    assert 'data-metric="projects_introduced" data-value="1"' in response.content.decode()


def test_going_cold_is_the_worklists_rule_a_reminder_is_no_contact(db):
    from django.utils import timezone

    from jinjin_crm.core.services import follow_up_schedule
    from talents.selectors import worklist_cold

    zhang = factories.officer()
    quiet = factories.talent(owner=zhang)
    Talent.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    # Only a reminder the system scheduled: still nobody has talked to this person.
    follow_up_schedule(record=quiet, officer=zhang, summary="提醒", due_on=timezone.localdate())
    this_year = periods.period_of("year", timezone.localdate())
    assert [record.pk for record in worklist_cold(user=zhang)] == [quiet.pk]
    assert {row["officer"].pk: row for row in selectors.officer_scorecard(this_year)}[zhang.pk][
        "going_cold"
    ] == 1
