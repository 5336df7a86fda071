"""Undoing a project's move for a few seconds after it, and confirming a signing on the board first."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jinjin_crm.core.exceptions import Conflict
from jinjin_crm.core.models import Activity, StageChange
from jinjin_crm.core.services import UNDO_SECONDS
from projects.models import InvestmentProject, Stage
from projects.services import project_transition, project_transition_undo
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def last_change(project) -> StageChange:
    return project.stage_changes.order_by("-changed_at", "-id").first()


def refusal(project, change, by) -> str:
    with translation.override("en"), pytest.raises(Conflict) as info:
        project_transition_undo(project=project, change_id=change.pk, by=by)
    return info.value.message


# --- The service ----------------------------------------------------------------------------------


def test_undoing_a_signing_restores_the_stage_the_dates_and_the_amount(officer):
    project = factories.project(stage="negotiating", lead_officer=officer, agreed_investment=None)
    lines = StageChange.objects.count()
    project_transition(project=project, to=Stage.SIGNED, by=officer, agreed_investment=Decimal("8000"))
    change = last_change(project)
    assert project.signed_on == timezone.localdate()
    assert Activity.objects.for_record(project).follow_ups_open().count() == 1  # collect the demands

    project_transition_undo(project=project, change_id=change.pk, by=officer)

    project.refresh_from_db()
    assert (project.stage, project.signed_on, project.agreed_investment) == ("negotiating", None, None)
    change.refresh_from_db()
    assert change.undone_by == officer
    assert change.undone_at is not None
    # The history keeps the move, marked undone: no second move is written.
    assert StageChange.objects.count() == lines + 1
    # The reminder the signing scheduled goes with it.
    assert not Activity.objects.for_record(project).follow_ups_open().exists()
    # The project can be signed again, as a new move.
    project_transition(project=project, to=Stage.SIGNED, by=officer, agreed_investment=Decimal("9000"))
    assert project.stage == "signed"
    assert last_change(project).pk != change.pk


def test_undoing_a_signing_keeps_an_amount_agreed_before_it(officer):
    project = factories.project(stage="negotiating", lead_officer=officer, agreed_investment=Decimal("5000"))
    project_transition(project=project, to=Stage.SIGNED, by=officer)
    project_transition_undo(project=project, change_id=last_change(project).pk, by=officer)
    project.refresh_from_db()
    assert (project.stage, project.signed_on, project.agreed_investment) == (
        "negotiating",
        None,
        Decimal("5000"),
    )


def test_undoing_a_termination_restores_the_reason_and_the_date(officer):
    project = factories.project(stage="lead", lead_officer=officer)
    project_transition(project=project, to=Stage.TERMINATED, by=officer, note="投资方撤回")
    assert project.terminated_on is not None
    project_transition_undo(project=project, change_id=last_change(project).pk, by=officer)
    project.refresh_from_db()
    assert (project.stage, project.terminated_on, project.termination_reason) == ("lead", None, "")


def test_a_move_cannot_be_undone_after_the_window(officer):
    project = factories.project(stage="lead", lead_officer=officer)
    project_transition(project=project, to=Stage.NEGOTIATING, by=officer)
    change = last_change(project)
    StageChange.objects.filter(pk=change.pk).update(
        changed_at=timezone.now() - datetime.timedelta(seconds=UNDO_SECONDS + 1)
    )
    assert refusal(project, change, officer) == (
        f"A move can be undone only within {UNDO_SECONDS} seconds of making it."
    )
    project.refresh_from_db()
    assert project.stage == "negotiating"
    change.refresh_from_db()
    assert change.undone_at is None


def test_only_the_last_move_can_be_undone(officer):
    project = factories.project(stage="lead", lead_officer=officer)
    project_transition(project=project, to=Stage.NEGOTIATING, by=officer)
    first = last_change(project)
    project_transition(project=project, to=Stage.TERMINATED, by=officer, note="撤回")
    second = last_change(project)
    assert refusal(project, first, officer) == (
        "The record has moved again since; only its last move can be undone."
    )
    project_transition_undo(project=project, change_id=second.pk, by=officer)
    # Once the later move is undone, the earlier one is the last again.
    project_transition_undo(project=project, change_id=first.pk, by=officer)
    project.refresh_from_db()
    assert project.stage == "lead"


def test_only_the_officer_who_moved_may_undo(officer):
    project = factories.project(stage="lead", lead_officer=officer)
    project_transition(project=project, to=Stage.NEGOTIATING, by=officer)
    change = last_change(project)
    assert refusal(project, change, factories.officer()) == "Only the officer who made a move can undo it."
    project.refresh_from_db()
    assert project.stage == "negotiating"


def test_an_undone_move_a_creation_and_an_unrecorded_move_are_not_undone(officer):
    project = factories.project(stage="lead", lead_officer=officer)
    creation = last_change(project)
    assert refusal(project, creation, officer) == "This entry of the history cannot be undone."
    project_transition(project=project, to=Stage.NEGOTIATING, by=officer)
    change = last_change(project)
    project_transition_undo(project=project, change_id=change.pk, by=officer)
    assert refusal(project, change, officer) == "This move has already been undone."
    other = factories.project(stage="lead", lead_officer=officer)
    assert refusal(project, last_change(other), officer) == "This move is not in the record's history."
    # A line written without what it changed (bulk records) stays history only.
    project_transition(project=project, to=Stage.NEGOTIATING, by=officer)
    StageChange.objects.filter(pk=last_change(project).pk).update(previous_values=None)
    assert refusal(project, last_change(project), officer) == "This entry of the history cannot be undone."


# --- The board ------------------------------------------------------------------------------------


def card(html: str, project) -> str:
    return html.split(f'data-project="{project.pk}"')[1].split("</article>")[0]


def test_the_board_asks_before_a_signing_but_not_before_other_moves(officer_client, officer):
    negotiating = factories.project(
        stage="negotiating", lead_officer=officer, agreed_investment=Decimal("8000")
    )
    lead = factories.project(stage="lead", lead_officer=officer)
    html = officer_client.get(reverse("projects:project-board")).content.decode()

    signing = card(html, negotiating)
    assert "data-board-confirm" in signing
    details = signing.split("<details")[1].split("</details>")[0]
    # The move is sent only from inside the confirmation, which says what it changes.
    assert 'hx-vals=\'{"to": "signed", "view": "board"}\'' in details
    assert "data-confirm-go" in details
    assert "data-confirm-cancel" in details
    assert "8,000.00 万元" in details
    assert 'hx-vals=\'{"to": "signed"' not in signing.replace(details, "")
    assert "data-board-confirm" not in card(html, lead)
    assert 'hx-vals=\'{"to": "negotiating", "view": "board"}\'' in card(html, lead)


def test_a_board_move_offers_its_undo_and_the_undo_puts_the_card_back(officer_client, officer):
    project = factories.project(stage="lead", lead_officer=officer)
    response = officer_client.post(
        reverse("projects:project-transition", args=[project.pk]),
        {"to": "negotiating", "view": "board"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    change = last_change(project)
    undo_url = reverse("projects:project-transition-undo", args=[project.pk])
    assert f'hx-post="{undo_url}"' in html
    assert f'name="change" value="{change.pk}"' in html
    assert f'data-undo-seconds="{UNDO_SECONDS}"' in html

    response = officer_client.post(undo_url, {"change": change.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "project-moved"
    assert "data-undone" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "lead"
    timeline = officer_client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert len(re.findall(r"data-kind=\"stage\" data-undone", timeline)) == 1


def test_a_refused_undo_says_why_and_changes_nothing(officer_client, officer):
    project = factories.project(stage="lead", lead_officer=officer)
    project_transition(project=project, to=Stage.NEGOTIATING, by=factories.officer())
    undo_url = reverse("projects:project-transition-undo", args=[project.pk])
    response = officer_client.post(undo_url, {"change": last_change(project).pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "data-transition-error" in response.content.decode()
    assert "HX-Trigger" not in response
    assert InvestmentProject.objects.get(pk=project.pk).stage == "negotiating"
    # Without htmx: back to the project, with the reason as a message.
    response = officer_client.post(undo_url, {"change": "x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project-detail", args=[project.pk])


def test_leaders_cannot_undo(client, leader, officer):
    project = factories.project(stage="lead", lead_officer=officer)
    project_transition(project=project, to=Stage.NEGOTIATING, by=officer)
    client.force_login(leader)
    url = reverse("projects:project-transition-undo", args=[project.pk])
    assert client.post(url, {"change": last_change(project).pk}).status_code == 403


def test_the_page_speaks_chinese_about_undo(officer_client, officer):
    """Needs the worklist-and-undo translations merged into the catalogue."""
    project = factories.project(stage="negotiating", lead_officer=officer, agreed_investment=Decimal("8000"))
    html = officer_client.get(reverse("projects:project-board")).content.decode()
    assert "确认签约" in card(html, project)
    response = officer_client.post(
        reverse("projects:project-transition", args=[project.pk]),
        {"to": "signed", "view": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert "撤销" in response.content.decode()
    change = last_change(project)
    response = officer_client.post(
        reverse("projects:project-transition-undo", args=[project.pk]),
        {"change": change.pk},
        HTTP_HX_REQUEST="true",
    )
    assert f"已撤销：“{project.name}”回到“在谈”。" in response.content.decode()
    timeline = officer_client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert "已撤销" in timeline
    response = officer_client.post(
        reverse("projects:project-transition-undo", args=[project.pk]),
        {"change": change.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "这次阶段变更已经撤销。" in response.content.decode()
