"""Project pages: the ledger, the pipeline board, the detail page with its actions (transition, activity,
funds arrived), and create/edit.

htmx: the project detail page swaps its body (``_project_detail_body.html``) after a transition or a
logged activity, and the board refreshes itself when a card moves. Refusals are answered with status 200
and the error rendered in place, because htmx does not swap 4xx responses by default; without htmx the
same views redirect on success and answer 400 (invalid input) or 409 (illegal transition) with the page
and its error.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.forms import ActivityForm, apply_service_errors
from jinjin_crm.core.pages import (
    DETAIL_RELATED_LIMIT,
    KnownCountPaginator,
    activity_response,
    list_context,
    page_size,
    save_form,
    transition_response,
    transition_undo_response,
)
from jinjin_crm.core.permissions import reader_required, writer_required
from jinjin_crm.core.sections import sections_for
from jinjin_crm.core.selectors import timeline_for

from .. import selectors, services
from ..filters import ProjectFilter
from ..forms import FundsArrivalForm, ProjectForm, TransitionForm, transition_forms
from ..models import InvestmentProject, Stage, TalentDemand

BOARD_CARDS_PER_COLUMN = 50


# --- Ledger and board ------------------------------------------------------------------------------


@reader_required
@require_GET
def project_list(request):
    filterset = ProjectFilter(request.GET, queryset=InvestmentProject.objects.for_ledger())
    projects = filterset.qs
    totals = selectors.project_totals(projects)
    page = KnownCountPaginator(projects, page_size(request), count=totals["count"]).get_page(
        request.GET.get("page")
    )
    more = (
        "source",
        "officer",
        "signed_on_after",
        "signed_on_before",
        "investment_min",
        "investment_max",
        "kind",
    )
    context = list_context(
        request,
        filterset,
        page,
        totals=totals,
        more_open=any(request.GET.get(name) for name in more)
        or any(filterset.form.errors.get(n) for n in more),
    )
    return render(request, "projects/project_list.html", context)


@reader_required
@require_GET
def project_board(request):
    """The pipeline: one column per stage, the same filters as the ledger, at most
    ``BOARD_CARDS_PER_COLUMN`` cards per column (the rest are in the ledger), in two queries."""
    filterset = ProjectFilter(request.GET, queryset=InvestmentProject.objects.for_ledger())
    projects = filterset.qs
    show_terminated = request.GET.get("terminated") == "1"
    stages = [stage for stage in Stage if stage != Stage.TERMINATED or show_terminated]
    order = list(projects.query.order_by) or list(InvestmentProject._meta.ordering)
    ranked = (
        projects.filter(stage__in=stages)
        .annotate(position=Window(RowNumber(), partition_by=F("stage"), order_by=order))
        .filter(position__lte=BOARD_CARDS_PER_COLUMN)
    )
    cards: dict[str, list] = {stage: [] for stage in stages}
    for project in ranked:
        cards[project.stage].append(project)
    for column in cards.values():
        column.sort(key=lambda project: project.position)
    summary = {
        row["stage"]: row
        for row in projects.order_by()
        .values("stage")
        .annotate(count=Count("id"), total=Sum("agreed_investment"))
    }
    columns = []
    for stage in stages:
        count = summary.get(stage, {}).get("count", 0)
        params = request.GET.copy()
        params.setlist("stage", [stage])
        params.pop("terminated", None)
        columns.append(
            {
                "stage": stage,
                "label": stage.label,
                "cards": cards[stage],
                "count": count,
                "total": summary.get(stage, {}).get("total"),
                "hidden": max(count - len(cards[stage]), 0),
                "ledger_query": params.urlencode(),
            }
        )
    terminated_count = summary.get(Stage.TERMINATED, {}).get("count", 0)
    return render(
        request,
        "projects/project_board.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "columns": columns,
            "show_terminated": show_terminated,
            "terminated_count": terminated_count,
            "cap": BOARD_CARDS_PER_COLUMN,
        },
    )


# --- Project detail and its actions ---------------------------------------------------------------


def _stage_label(code: str) -> str:
    return Stage(code).label if code in Stage.values else code


def _project_timeline(project) -> list[dict]:
    """The shared timeline, with the stage codes' labels for the badges."""
    entries = timeline_for(project)
    for entry in entries:
        if entry["kind"] == "stage":
            entry["from_label"] = _stage_label(entry["item"].from_stage) if entry["item"].from_stage else ""
            entry["to_label"] = _stage_label(entry["item"].to_stage)
    return entries


def _project_detail_context(request, project, **extra) -> dict:
    demands = list(TalentDemand.objects.for_list().filter(project=project)[:DETAIL_RELATED_LIMIT])
    funds = list(project.funds_arrivals.all())
    context = {
        "project": project,
        "timeline": _project_timeline(project),
        "demands": demands,
        "funds": funds,
        "funds_total": sum((arrival.amount for arrival in funds), start=0),
        "transitions": transition_forms(project, failed=extra.pop("transition_failed", None)),
        "activity_form": extra.pop("activity_form", None) or ActivityForm(),
        "funds_form": extra.pop("funds_form", None) or FundsArrivalForm(),
        "can_write": request.user.can_write,
        "record_sections": sections_for("projects.investmentproject"),
    }
    context.update(extra)
    return context


def _project_get(pk) -> InvestmentProject:
    return get_object_or_404(InvestmentProject.objects.for_ledger().select_related("expands"), pk=pk)


def _render_project_detail(request, project, *, status=200, **extra):
    context = _project_detail_context(request, project, **extra)
    if request.htmx:
        return render(request, "projects/_project_detail_body.html", context)
    return render(request, "projects/project_detail.html", context, status=status)


@reader_required
@require_GET
def project_detail(request, pk):
    return _render_project_detail(request, _project_get(pk))


@writer_required
@require_POST
def project_transition_view(request, pk):
    """Move a project along its lifecycle through ``services.project_transition`` (see
    ``core.pages.transition_response`` for the board's and the detail page's answers)."""
    project = _project_get(pk)
    to = request.POST.get("to", "")
    return transition_response(
        request,
        record=project,
        form=TransitionForm(request.POST, auto_id=f"id_{to}_%s"),
        move=lambda data: services.project_transition(
            project=project,
            to=data["to"],
            by=request.user,
            note=data["note"],
            on=data["on"],
            agreed_investment=data["agreed_investment"],
        ),
        board_template="projects/_board_feedback.html",
        board_event="project-moved",
        record_name="project",
        render_detail=_render_project_detail,
        detail_url=reverse("projects:project-detail", args=[project.pk]),
        undo_url=reverse("projects:project-transition-undo", args=[project.pk]),
    )


@writer_required
@require_POST
def project_transition_undo_view(request, pk):
    """Undo the move just made (``services.project_transition_undo``), from the board's notice."""
    project = _project_get(pk)
    return transition_undo_response(
        request,
        record=project,
        undo=lambda change_id: services.project_transition_undo(
            project=project, change_id=change_id, by=request.user
        ),
        board_template="projects/_board_feedback.html",
        board_event="project-moved",
        record_name="project",
        detail_url=reverse("projects:project-detail", args=[project.pk]),
    )


@writer_required
@require_POST
def project_activity_create(request, pk):
    project = _project_get(pk)
    return activity_response(
        request,
        record=project,
        render_detail=_render_project_detail,
        detail_url=reverse("projects:project-detail", args=[project.pk]),
    )


@writer_required
@require_POST
def project_funds_record(request, pk):
    project = _project_get(pk)
    form = FundsArrivalForm(request.POST)
    if form.is_valid():
        try:
            services.funds_arrival_record(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Funds arrived recorded."))
            return redirect(reverse("projects:project-detail", args=[project.pk]) + "#funds")
    return _render_project_detail(request, project, status=400, funds_form=form)


# --- Create and edit -------------------------------------------------------------------------------


@writer_required(read_only="projects:project-list")
def project_create(request):
    initial = {"lead_officer": request.user.pk}
    park = request.user.parks.order_by("sort_order").first()
    if park:
        initial["park"] = park.pk
    if request.GET.get("enterprise"):
        initial["enterprise"] = request.GET["enterprise"]
    form = ProjectForm(request.POST or None, initial=initial)
    return save_form(
        request,
        form,
        lambda fields: services.project_create(by=request.user, **fields),
        template="projects/project_form.html",
        context={},
        next_url=lambda project: reverse("projects:project-detail", args=[project.pk]),
        success=_("Project “%(name)s” saved."),
    )


@writer_required(read_only="projects:project-detail")
def project_edit(request, pk):
    project = _project_get(pk)
    form = ProjectForm(request.POST or None, instance=project)
    return save_form(
        request,
        form,
        lambda fields: services.project_update(project=project, by=request.user, **fields),
        template="projects/project_form.html",
        context={"project": project},
        next_url=lambda saved: reverse("projects:project-detail", args=[saved.pk]),
        success=_("Project “%(name)s” saved."),
    )
