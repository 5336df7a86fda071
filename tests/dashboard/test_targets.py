"""Targets and ranking weights: the services' rules and messages, one target per scope, the admin
saving through the services, who holds the dashboard's permissions, and the demo seed.

Messages are asserted in English (the msgids): the Chinese catalogue is merged later. The admin
pages are asked for in English through the language cookie for the same reason."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from jinjin_crm.core.models import Park
from jinjin_crm.dashboard import demo, services
from jinjin_crm.dashboard.models import RankingWeight, Target
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_user():
    return factories.admin(username="target_admin")


def district_target(**fields):
    fields = {
        "period": "2024-H1",
        "metric": "projects_introduced",
        "scope": "district",
        "value": 30,
        **fields,
    }
    return services.target_set(by=fields.pop("by", None), **fields)


def refusal(**fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        services.target_validate(
            **{
                "period": "2024-H1",
                "metric": "projects_introduced",
                "scope": "district",
                "value": 30,
                **fields,
            }
        )
    return caught.value.message_dict


# --- target_set ----------------------------------------------------------------------------------


def test_a_target_is_created_with_its_period_dates_and_author(admin_user):
    target = district_target(period="2024-h1", value="30", note=" 上半年 ", by=admin_user)

    target.refresh_from_db()
    assert (target.period, target.period_start, target.period_end) == (
        "2024-H1",
        datetime.date(2024, 1, 1),
        datetime.date(2024, 6, 30),
    )
    assert (target.metric, target.scope, target.park, target.officer) == (
        "projects_introduced",
        "district",
        None,
        None,
    )
    assert target.value == Decimal("30.00")
    assert target.note == "上半年"
    assert target.updated_by == admin_user
    assert target.history.get().history_user == admin_user


def test_setting_a_target_again_changes_the_one_target(admin_user):
    first = district_target(value=30)
    second = district_target(value=35, note="调整", by=admin_user)

    assert second.pk == first.pk
    assert Target.objects.count() == 1
    target = Target.objects.get()
    assert (target.value, target.note, target.updated_by) == (Decimal("35.00"), "调整", admin_user)
    assert target.history.count() == 2


def test_each_scope_has_its_own_target_for_a_period_and_metric():
    officer = factories.officer()
    other_officer = factories.officer()
    common = {"period": "2024", "metric": "agreed_investment", "by": None}
    services.target_set(**common, scope="district", value=7_000_000)
    services.target_set(**common, scope="park", park=factories.park("SF"), value=750_000)
    services.target_set(**common, scope="park", park=factories.park("DG"), value=800_000)
    services.target_set(**common, scope="officer", officer=officer, value=100_000)
    services.target_set(**common, scope="officer", officer=other_officer, value=90_000)
    # Again for Shuangfu and the first officer: changed, not added.
    services.target_set(**common, scope="park", park=factories.park("SF"), value=760_000)
    services.target_set(**common, scope="officer", officer=officer, value=110_000)
    # Another period or metric is another target.
    services.target_set(**{**common, "period": "2024-H1"}, scope="district", value=4_000_000)
    services.target_set(**{**common, "metric": "funds_arrived"}, scope="district", value=250_000)

    assert Target.objects.count() == 7
    by_scope = {
        (t.period, t.metric, t.scope, t.park and t.park.code, t.officer_id): t.value
        for t in Target.objects.all()
    }
    assert by_scope[("2024", "agreed_investment", "park", "SF", None)] == Decimal("760000.00")
    assert by_scope[("2024", "agreed_investment", "park", "DG", None)] == Decimal("800000.00")
    assert by_scope[("2024", "agreed_investment", "officer", None, officer.pk)] == Decimal("110000.00")
    assert by_scope[("2024", "agreed_investment", "officer", None, other_officer.pk)] == Decimal("90000.00")
    assert by_scope[("2024", "agreed_investment", "district", None, None)] == Decimal("7000000.00")


def test_months_and_quarters_are_target_periods():
    assert district_target(period="2024-Q2").period_end == datetime.date(2024, 6, 30)
    assert district_target(period="2024-02").period_end == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"period": "2024-W23"},
            {"period": ["“2024-W23” is a week; use a year, half year, quarter or month."]},
        ),
        (
            {"period": "2024-H3"},
            {
                "period": [
                    "“2024-H3” is not a period. Write a year (2024), a half (2024-H1), a quarter "
                    "(2024-Q2), a month (2024-03) or a week (2024-W23)."
                ]
            },
        ),
        ({"metric": "projects"}, {"metric": ["There is no metric “projects”."]}),
        ({"scope": "city"}, {"scope": ["“city” is not a scope; use district, park or officer."]}),
        (
            {"metric": "consultations", "scope": "park", "park": "SF"},
            {"scope": ["“Campaign consultations” is not counted per park."]},
        ),
        (
            {"metric": "placements_active", "scope": "officer", "officer": "officer"},
            {"scope": ["“Placements active” is not counted per officer."]},
        ),
        ({"scope": "park"}, {"park": ["A park target needs its park."]}),
        ({"park": "SF"}, {"park": ["Only a park target names a park."]}),
        ({"scope": "officer"}, {"officer": ["An officer target needs its officer."]}),
        ({"officer": "officer"}, {"officer": ["Only an officer target names an officer."]}),
        ({"value": -1}, {"value": ["The target value cannot be negative."]}),
        ({"value": "abc"}, {"value": ["“abc” is not a number."]}),
        ({"value": ""}, {"value": ["Give a number."]}),
        ({"value": "2.5"}, {"value": ["“Projects introduced” counts whole numbers; 2.5 is not one."]}),
        ({"value": Decimal("1e14")}, {"value": ["The target value is too large."]}),
        ({"note": "备" * 201}, {"note": ["At most 200 characters; this has 201."]}),
    ],
)
def test_target_validation_names_the_field_and_says_why(fields, expected):
    if fields.get("park"):
        fields["park"] = factories.park(fields["park"])
    if fields.get("officer"):
        fields["officer"] = factories.officer()
    assert refusal(**fields) == expected


def test_an_inactive_park_and_a_user_who_is_not_an_officer_are_refused():
    Park.objects.filter(code="SF").update(is_active=False)
    leader = factories.leader(name="李领导")
    left = factories.officer(name="王离职")
    left.is_active = False
    left.save()

    assert refusal(scope="park", park=Park.objects.get(code="SF")) == {
        "park": ["The park “双福工业园” is no longer in use."]
    }
    assert refusal(scope="officer", officer=leader) == {"officer": [f"{leader} is not an active officer."]}
    assert refusal(scope="officer", officer=left) == {"officer": [f"{left} is not an active officer."]}


def test_every_problem_is_reported_at_once_and_nothing_is_written():
    with pytest.raises(ValidationError) as caught:
        services.target_set(period="2024-13", metric="nope", scope="district", value=-3, by=None)
    assert set(caught.value.message_dict) == {"period", "metric", "value"}
    assert not Target.objects.exists()


def test_target_delete_keeps_the_history(admin_user):
    target = district_target()
    pk = target.pk

    services.target_delete(target=target, by=admin_user)

    assert not Target.objects.exists()
    deleted = Target.history.filter(id=pk).latest("history_date")
    assert (deleted.history_type, deleted.history_user) == ("-", admin_user)


# --- targets_import ------------------------------------------------------------------------------


def import_row(**fields):
    return {"period": "2024", "metric": "projects_introduced", "scope": "district", "value": 55, **fields}


def test_targets_import_sets_every_row():
    existing = district_target(period="2024", value=50)
    rows = [
        (2, import_row(value=55)),
        (3, import_row(scope="park", park=factories.park("SF"), value=7)),
        (4, import_row(metric="agreed_investment", value="7,000,000")),
    ]

    saved = services.targets_import(rows=rows, by=None)

    assert len(saved) == 3
    assert saved[0].pk == existing.pk
    assert Target.objects.count() == 3
    assert Target.objects.get(pk=existing.pk).value == Decimal("55.00")


def test_targets_import_writes_nothing_when_a_row_is_refused_and_names_every_refusal():
    existing = district_target(period="2024", value=50)
    rows = [
        (2, import_row(value=60)),
        (3, import_row(scope="park", park=factories.park("SF"), value=-7)),
        (4, import_row(metric="agreed_investment", value=100)),
        (5, import_row(value=61)),
        (6, import_row(metric="consultations", scope="park", park=factories.park("DG"))),
    ]

    with pytest.raises(ValidationError) as caught:
        services.targets_import(rows=rows, by=None)

    refusals = caught.value.error_dict["rows"]
    assert [error.params for error in refusals] == [
        {"row": 3, "field": "value", "message": "The target value cannot be negative."},
        {"row": 5, "field": "", "message": "This target is already in row 2."},
        {"row": 6, "field": "scope", "message": "“Campaign consultations” is not counted per park."},
    ]
    assert caught.value.message_dict["rows"] == [
        "Row 3, value: The target value cannot be negative.",
        "Row 5: This target is already in row 2.",
        "Row 6, scope: “Campaign consultations” is not counted per park.",
    ]
    # Nothing written: the existing target keeps its value and no other target was added.
    assert list(Target.objects.values_list("pk", "value")) == [(existing.pk, Decimal("50.00"))]


# --- Ranking weights -----------------------------------------------------------------------------


def test_ranking_weight_set_creates_then_changes_the_metrics_weight(admin_user):
    weight = services.ranking_weight_set(metric="projects_introduced", weight=25, cap="1.2", by=admin_user)
    again = services.ranking_weight_set(
        metric="projects_introduced", weight="30", cap=Decimal("1.5"), sort_order=10, by=admin_user
    )

    assert again.pk == weight.pk
    weight.refresh_from_db()
    assert (weight.weight, weight.cap, weight.sort_order) == (Decimal("30.00"), Decimal("1.50"), 10)
    assert weight.history.count() == 2
    assert weight.history.first().history_user == admin_user


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"metric": "nope"}, {"metric": ["There is no metric “nope”."]}),
        (
            {"metric": "intents"},
            {
                "metric": [
                    "“Campaign intents” is not counted per park, so it cannot weigh in the park ranking."
                ]
            },
        ),
        ({"weight": -1}, {"weight": ["A weight cannot be negative."]}),
        ({"weight": "x"}, {"weight": ["“x” is not a number."]}),
        ({"weight": 10_000}, {"weight": ["The weight is too large."]}),
        ({"cap": "0.9"}, {"cap": ["The cap is at least 1."]}),
        ({"cap": 100}, {"cap": ["The cap is too large."]}),
        ({"sort_order": -1}, {"sort_order": ["The sort order is a whole number, 0 or more."]}),
    ],
)
def test_ranking_weight_validation(fields, expected):
    with pytest.raises(ValidationError) as caught:
        services.ranking_weight_set(
            **{"metric": "agreed_investment", "weight": 25, "cap": 1.2, **fields}, by=None
        )
    assert caught.value.message_dict == expected
    assert not RankingWeight.objects.exists()


def test_ranking_weight_delete_keeps_the_history(admin_user):
    weight = services.ranking_weight_set(metric="funds_arrived", weight=10, cap=1.2, by=None)
    services.ranking_weight_delete(weight=weight, by=admin_user)
    assert not RankingWeight.objects.exists()
    assert RankingWeight.history.latest("history_date").history_user == admin_user


# --- Permissions ---------------------------------------------------------------------------------


def _codenames(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return set(
        group.permissions.filter(content_type__app_label="dashboard").values_list("codename", flat=True)
    )


def test_administrators_keep_targets_and_weights_leaders_read_them_officers_hold_nothing():
    models = ("target", "rankingweight")
    assert {f"{action}_{model}" for action in ("add", "change", "delete", "view") for model in models} <= (
        _codenames("admin")
    )
    assert _codenames("leader") == {name for name in _codenames("admin") if name.startswith("view_")}
    assert {"view_target", "view_rankingweight"} <= _codenames("leader")
    assert _codenames("officer") == set()
    officer = factories.officer()
    assert not officer.has_perm("dashboard.change_target")
    assert not officer.has_perm("dashboard.change_rankingweight")


# --- Admin ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def target_form(**fields):
    return {
        "period": "2024-H1",
        "metric": "projects_introduced",
        "scope": "park",
        "park": str(factories.park("SF").pk),
        "officer": "",
        "value": "5",
        "note": "",
        **fields,
    }


def form_errors(response) -> dict:
    assert response.status_code == 200
    return response.context["adminform"].form.errors


def test_an_admin_add_goes_through_the_service(admin_client, admin_user):
    response = admin_client.post(reverse("admin:dashboard_target_add"), target_form(period="2024-h1"))

    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.period, target.period_start, target.park.code, target.value) == (
        "2024-H1",
        datetime.date(2024, 1, 1),
        "SF",
        Decimal("5.00"),
    )
    assert target.updated_by == admin_user
    assert target.history.get().history_user == admin_user


def test_an_unknown_metric_in_the_admin_form_is_an_error_and_nothing_is_saved(admin_client):
    errors = form_errors(admin_client.post(reverse("admin:dashboard_target_add"), target_form(metric="nope")))
    assert list(errors) == ["metric"]
    assert not Target.objects.exists()


def test_the_services_rules_show_under_the_admin_forms_fields(admin_client):
    errors = form_errors(
        admin_client.post(
            reverse("admin:dashboard_target_add"), target_form(metric="consultations", period="2024-W01")
        )
    )
    assert errors == {
        "period": ["“2024-W01” is a week; use a year, half year, quarter or month."],
        "scope": ["“Campaign consultations” is not counted per park."],
    }
    errors = form_errors(admin_client.post(reverse("admin:dashboard_target_add"), target_form(value="-1")))
    assert errors == {"value": ["The target value cannot be negative."]}
    assert not Target.objects.exists()


def test_adding_a_target_that_is_set_already_points_to_it(admin_client):
    services.target_set(
        period="2024-H1",
        metric="projects_introduced",
        scope="park",
        park=factories.park("SF"),
        value=4,
        by=None,
    )
    errors = form_errors(admin_client.post(reverse("admin:dashboard_target_add"), target_form()))
    assert errors == {
        "period": ["A target for this period, metric and scope is set already; change that one instead."]
    }
    assert Target.objects.get().value == Decimal("4.00")


def test_an_admin_change_sets_the_value_through_the_service_and_delete_removes(admin_client, admin_user):
    target = services.target_set(
        period="2024-H1",
        metric="projects_introduced",
        scope="park",
        park=factories.park("SF"),
        value=4,
        by=None,
    )
    url = reverse("admin:dashboard_target_change", args=[target.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    # The period, metric and scope are what the target is: not editable.
    assert set(page.context["adminform"].form.fields) == {"value", "note"}

    response = admin_client.post(url, {"value": "6", "note": "年中调整"})

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.value, target.note, target.updated_by) == (Decimal("6.00"), "年中调整", admin_user)
    assert target.history.first().history_user == admin_user

    response = admin_client.post(reverse("admin:dashboard_target_delete", args=[target.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Target.objects.exists()
    assert Target.history.latest("history_date").history_user == admin_user


def test_the_admin_lists_targets_with_their_metric_names(admin_client):
    district_target()
    services.target_set(
        period="2024-H1",
        metric="agreed_investment",
        scope="park",
        park=factories.park("DG"),
        value=1,
        by=None,
    )
    response = admin_client.get(reverse("admin:dashboard_target_changelist"), {"metric": "agreed_investment"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "Agreed investment" in response.content.decode()


def test_ranking_weights_are_saved_and_checked_through_the_service(admin_client, admin_user):
    add = reverse("admin:dashboard_rankingweight_add")
    errors = form_errors(
        admin_client.post(add, {"metric": "intents", "weight": "5", "cap": "1.2", "sort_order": "0"})
    )
    assert list(errors) == ["metric"]  # not a choice: intents are not counted per park
    errors = form_errors(
        admin_client.post(
            add, {"metric": "agreed_investment", "weight": "5", "cap": "0.5", "sort_order": "0"}
        )
    )
    assert errors == {"cap": ["The cap is at least 1."]}

    response = admin_client.post(
        add, {"metric": "agreed_investment", "weight": "25", "cap": "1.2", "sort_order": "1"}
    )

    assert response.status_code == 302
    weight = RankingWeight.objects.get()
    assert (weight.metric, weight.weight) == ("agreed_investment", Decimal("25.00"))
    assert weight.history.get().history_user == admin_user


def test_officers_and_leaders_cannot_reach_the_targets_admin(client):
    for user in (factories.officer(), factories.leader()):
        client.force_login(user)
        response = client.get(reverse("admin:dashboard_target_changelist"))
        assert response.status_code == 302  # not staff: sent to the admin's log-in


# --- Demo ----------------------------------------------------------------------------------------


def test_the_demo_seed_adds_nothing_the_second_time():
    from jinjin_crm.core import demo as core_demo

    core_demo.seed()
    first = demo.seed()
    counts = (Target.objects.count(), RankingWeight.objects.count())
    second = demo.seed()

    assert first == f"{counts[0]} target(s), {counts[1]} ranking weight(s)"
    assert counts[1] == len(demo.WEIGHTS)
    assert second == "0 target(s), 0 ranking weight(s)"
    assert (Target.objects.count(), RankingWeight.objects.count()) == counts
    assert sum(w.weight for w in RankingWeight.objects.all()) == 100
    # The district, the four parks and the demo officers all have targets for H1 2024.
    h1 = Target.objects.filter(period="2024-H1")
    assert h1.filter(scope="district", metric="agreed_investment").get().value == Decimal("4000000.00")
    assert set(h1.filter(scope="park").values_list("park__code", flat=True)) == {"DG", "SF", "LH", "BS"}
    assert set(h1.filter(scope="officer").values_list("officer__username", flat=True)) == {
        "officer_dg",
        "officer_sf",
        "officer_lh",
        "officer_bs",
        "investment",
    }
    assert set(Target.objects.values_list("period", flat=True)) == {
        "2024",
        "2024-H1",
        "2024-H2",
        "2025",
        "2025-H1",
        "2025-H2",
    }


def test_the_demo_seed_keeps_a_target_an_administrator_changed():
    from jinjin_crm.core import demo as core_demo

    core_demo.seed()
    demo.seed()
    target = Target.objects.get(period="2024", metric="projects_introduced", scope="district")
    services.target_set(period="2024", metric="projects_introduced", scope="district", value=70, by=None)

    demo.seed()

    target.refresh_from_db()
    assert target.value == Decimal("70.00")


def test_on_the_seeded_demo_h1_2024_reads_green_but_for_two_ambers(monkeypatch):
    from django.core.management import call_command

    # The demo at its default size, where the campaigns' funnel is exactly the report's.
    monkeypatch.setenv("DEMO_TALENTS", "2000")

    from jinjin_crm.dashboard.metrics import evaluate
    from jinjin_crm.dashboard.periods import parse_period
    from jinjin_crm.dashboard.scopes import district, officer_scope, park_scope
    from jinjin_crm.dashboard.targets import AMBER, progress, targets_for

    call_command("seed_demo", "--force")
    assert demo.seed() == "0 target(s), 0 ranking weight(s)"

    period = parse_period("2024-H1")
    targets = Target.objects.filter(period=period.code).select_related("park", "officer")
    scopes = {district()}
    scopes |= {park_scope(t.park) for t in targets if t.park}
    scopes |= {officer_scope(t.officer) for t in targets if t.officer}
    actuals = evaluate({t.metric for t in targets}, period, list(scopes))
    flags = {
        key: progress(actuals[key[0]][key[1]].value, value, period).flag
        for key, value in targets_for(period).items()
    }

    assert len(flags) == targets.count()
    assert {key: flag for key, flag in flags.items() if flag != "green"} == {
        ("phds_onboarded", "district"): AMBER,  # 15 of the 18 planned for the half
        ("projects_introduced", "park:BS"): AMBER,  # 4 of 5
    }
    assert actuals["projects_introduced"]["district"].value == 30
    assert actuals["agreed_investment"]["district"].value == Decimal("4110000")
