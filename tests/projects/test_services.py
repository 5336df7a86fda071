"""The project lifecycle and the writes around it, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinjin_crm.core.exceptions import IllegalTransition
from jinjin_crm.core.models import Activity, StageChange
from projects.models import TRANSITIONS, InvestmentProject, Stage
from projects.services import (
    demand_update,
    funds_arrival_record,
    project_transition,
    project_update,
)
from tests import factories

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(start, to) for start in Stage.values for to in Stage.values]
LEGAL = {(start, to) for start, targets in TRANSITIONS.items() for to in targets}


def test_the_lifecycle_table_is_the_designed_one():
    assert {
        ("lead", "negotiating"),
        ("negotiating", "signed"),
        ("signed", "started"),
        ("started", "operating"),
        ("operating", "at_capacity"),
        *{(stage, "terminated") for stage in ("lead", "negotiating", "signed", "started", "operating")},
    } == LEGAL


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS)
def test_every_transition(start, to):
    officer = factories.officer()
    project = factories.project(stage=start, lead_officer=officer)
    changes_before = StageChange.objects.count()
    kwargs = {"agreed_investment": Decimal("5000")} if to == Stage.SIGNED else {}
    note = "投资方战略调整" if to == Stage.TERMINATED else "推进"
    if (start, to) in LEGAL:
        project_transition(project=project, to=to, by=officer, note=note, **kwargs)
        project.refresh_from_db()
        assert project.stage == to
        change = StageChange.objects.latest("id")
        assert (change.from_stage, change.to_stage, change.changed_by) == (start, to, officer)
        assert change.record == project
    else:
        with pytest.raises(IllegalTransition) as info:
            project_transition(project=project, to=to, by=officer, note=note, **kwargs)
        project.refresh_from_db()
        assert project.stage == start
        assert StageChange.objects.count() == changes_before
        assert str(Stage(start).label) in info.value.message
        assert info.value.status_code == 409


def test_stage_change_is_written_in_the_same_transaction():
    officer = factories.officer()
    project = factories.project(stage="lead", lead_officer=officer)
    with CaptureQueriesContext(connection) as queries:
        project_transition(project=project, to=Stage.NEGOTIATING, by=officer)
    sql = [query["sql"] for query in queries.captured_queries]
    update_at = next(
        i for i, s in enumerate(sql) if s.startswith("UPDATE") and "projects_investmentproject" in s
    )
    insert_at = next(i for i, s in enumerate(sql) if s.startswith("INSERT") and "core_stagechange" in s)
    # Both inside one transaction: no COMMIT between the project's UPDATE and the history INSERT,
    # and the row was locked before it was read for the move.
    between = sql[min(update_at, insert_at) : max(update_at, insert_at)]
    assert not any(s.upper().startswith(("COMMIT", "RELEASE SAVEPOINT")) for s in between)
    assert any("FOR UPDATE" in s for s in sql[:update_at])


def test_a_failing_history_write_rolls_the_move_back(monkeypatch):
    officer = factories.officer()
    project = factories.project(stage="lead", lead_officer=officer)

    def broken_history(**kwargs):
        raise RuntimeError("history store unavailable")

    monkeypatch.setattr("projects.services.stage_change_record", broken_history)
    with pytest.raises(RuntimeError):
        project_transition(project=project, to=Stage.NEGOTIATING, by=officer)
    assert InvestmentProject.objects.get(pk=project.pk).stage == Stage.LEAD


def test_signing_needs_the_agreed_investment_and_sets_the_date():
    officer = factories.officer()
    project = factories.project(stage="negotiating", lead_officer=officer, agreed_investment=None)
    with pytest.raises(ValidationError) as info:
        project_transition(project=project, to=Stage.SIGNED, by=officer)
    assert "agreed_investment" in info.value.message_dict
    assert InvestmentProject.objects.get(pk=project.pk).stage == Stage.NEGOTIATING
    day = datetime.date.today() - datetime.timedelta(days=2)
    project_transition(
        project=project, to=Stage.SIGNED, by=officer, on=day, agreed_investment=Decimal("510000")
    )
    assert (project.stage, project.signed_on, project.agreed_investment) == ("signed", day, Decimal("510000"))


def test_signing_gives_the_lead_officer_a_follow_up_to_collect_demands():
    officer = factories.officer()
    project = factories.project(stage="negotiating", lead_officer=officer, agreed_investment=Decimal("100"))
    project_transition(project=project, to=Stage.SIGNED, by=factories.admin())
    follow_up = Activity.objects.for_record(project).follow_ups_open().get()
    assert follow_up.officer == officer
    assert follow_up.channel == Activity.Channel.SYSTEM
    assert follow_up.next_follow_up_on == datetime.date.today() + datetime.timedelta(days=7)


def test_termination_needs_a_reason():
    officer = factories.officer()
    project = factories.project(stage="negotiating", lead_officer=officer)
    with pytest.raises(ValidationError) as info:
        project_transition(project=project, to=Stage.TERMINATED, by=officer, note="  ")
    assert "note" in info.value.message_dict
    project_transition(project=project, to=Stage.TERMINATED, by=officer, note="资金链断裂")
    assert project.termination_reason == "资金链断裂"
    assert project.terminated_on == datetime.date.today()


def test_dates_cannot_be_in_the_future_or_before_the_previous_stage():
    officer = factories.officer()
    project = factories.project(stage="signed", lead_officer=officer)
    with pytest.raises(ValidationError) as info:
        project_transition(
            project=project,
            to=Stage.STARTED,
            by=officer,
            on=datetime.date.today() + datetime.timedelta(days=1),
        )
    assert "on" in info.value.message_dict
    with pytest.raises(ValidationError):
        project_transition(
            project=project, to=Stage.STARTED, by=officer, on=project.signed_on - datetime.timedelta(1)
        )
    assert InvestmentProject.objects.get(pk=project.pk).stage == Stage.SIGNED


def test_create_at_a_later_stage_needs_its_facts_and_writes_the_first_history_line():
    officer = factories.officer()
    with pytest.raises(ValidationError) as info:
        factories.project(stage="started", lead_officer=officer, signed_on=None, agreed_investment=None)
    assert {"signed_on", "agreed_investment"} <= set(info.value.message_dict)
    project = factories.project(stage="started", lead_officer=officer)
    change = StageChange.objects.get(
        content_type=ContentType.objects.get_for_model(project), object_id=project.pk
    )
    assert (change.from_stage, change.to_stage) == ("", "started")


def test_negative_amounts_and_unknown_stage_are_refused():
    officer = factories.officer()
    with pytest.raises(ValidationError) as info:
        factories.project(lead_officer=officer, agreed_investment=Decimal("-1"))
    assert "agreed_investment" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        factories.project(lead_officer=officer, stage="flying")
    assert "stage" in info.value.message_dict
    assert not InvestmentProject.objects.exists()


def test_update_cannot_change_the_stage():
    officer = factories.officer()
    project = factories.project(lead_officer=officer)
    with pytest.raises(TypeError):
        project_update(project=project, by=officer, stage="signed")


def test_expansion_counts_only_the_added_amount_and_names_its_project():
    officer = factories.officer()
    original = factories.project(stage="operating", lead_officer=officer, agreed_investment=Decimal("20000"))
    with pytest.raises(ValidationError) as info:
        factories.project(lead_officer=officer, kind="expansion")
    assert "expands" in info.value.message_dict
    expansion = factories.project(
        lead_officer=officer, kind="expansion", expands=original, agreed_investment=Decimal("5000")
    )
    assert expansion.expands == original


def test_funds_arrived_are_kept_per_month():
    officer = factories.officer()
    project = factories.project(stage="signed", lead_officer=officer)
    funds_arrival_record(
        project=project, period=datetime.date(2024, 3, 17), amount=Decimal("800"), by=officer
    )
    funds_arrival_record(project=project, period=datetime.date(2024, 3, 2), amount=Decimal("900"), by=officer)
    assert list(project.funds_arrivals.values_list("period", "amount")) == [
        (datetime.date(2024, 3, 1), Decimal("900.00"))
    ]
    with pytest.raises(ValidationError):
        funds_arrival_record(
            project=project, period=datetime.date(2024, 4, 1), amount=Decimal("-5"), by=officer
        )


def test_enterprise_credit_code_is_validated_normalised_and_unique():
    code = factories.credit_code()
    enterprise = factories.enterprise(credit_code=f" {code[:8]} {code[8:].lower()} ")
    assert enterprise.credit_code == code
    with pytest.raises(ValidationError) as info:
        factories.enterprise(credit_code=code)
    assert "credit_code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        factories.enterprise(credit_code=code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert "credit_code" in info.value.message_dict


def test_demand_takes_its_park_and_checks_its_facts():
    enterprise = factories.enterprise(park_code="LH")
    demand = factories.demand(enterprise_obj=enterprise, salary_min=Decimal("20"), salary_max=Decimal("40"))
    assert demand.park.code == "LH"
    assert [d.code for d in demand.disciplines.all()] == ["0812"]
    with pytest.raises(ValidationError) as info:
        demand_update(demand=demand, by=None, salary_min=Decimal("50"))
    assert "salary_max" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        factories.demand(enterprise_obj=enterprise, disciplines=())
    assert "disciplines" in info.value.message_dict
    other_park_project = factories.project(park_code="DG")
    with pytest.raises(ValidationError) as info:
        factories.demand(enterprise_obj=enterprise, project_obj=other_park_project)
    assert "project" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        factories.demand(
            enterprise_obj=enterprise, valid_until=datetime.date.today() - datetime.timedelta(days=1)
        )
    assert "valid_until" in info.value.message_dict


def test_project_demand_follows_the_project_park():
    project = factories.project(park_code="BS")
    assert factories.demand(project_obj=project).park.code == "BS"


def test_leadership_counts_each_project_once_in_its_signing_period():
    from projects.selectors import funds_arrived_between, projects_signed_between

    officer = factories.officer()
    march = datetime.date(2024, 3, 10)
    original = factories.project(
        stage="operating", lead_officer=officer, signed_on=march, agreed_investment=Decimal("20000")
    )
    factories.project(
        stage="signed",
        lead_officer=officer,
        kind="expansion",
        expands=original,
        signed_on=datetime.date(2024, 8, 1),
        agreed_investment=Decimal("5000"),
    )
    factories.project(stage="negotiating", lead_officer=officer, agreed_investment=Decimal("99999"))
    h1 = projects_signed_between(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 6, 30))
    assert (h1["count"], h1["expansions"], h1["agreed_investment"]) == (1, 0, Decimal("20000"))
    h2 = projects_signed_between(start=datetime.date(2024, 7, 1), end=datetime.date(2024, 12, 31))
    assert (h2["count"], h2["expansions"], h2["agreed_investment"]) == (0, 1, Decimal("5000"))
    funds_arrival_record(
        project=original, period=datetime.date(2024, 4, 1), amount=Decimal("3000"), by=officer
    )
    funds_arrival_record(
        project=original, period=datetime.date(2024, 7, 1), amount=Decimal("2000"), by=officer
    )
    assert funds_arrived_between(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 6, 30)) == Decimal(
        "3000"
    )
