"""科技副总 placement pages: the list grouped by batch, the detail with its actions (record an outcome,
extend the term, end it early, evaluate, revise the task book), create, and a new batch.

Each action of the detail page posts to its own view; an error shows the page again with that form open
and its errors under the fields (400), a success redirects back with a message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.forms import apply_service_errors
from jinjin_crm.core.pages import KnownCountPaginator, list_context, page_size, save_form
from jinjin_crm.core.permissions import reader_required, writer_required
from talents.models import Talent

from .. import selectors, services
from ..filters import PlacementFilter
from ..forms import (
    PlacementBatchForm,
    PlacementEndForm,
    PlacementEvaluateForm,
    PlacementExtendForm,
    PlacementForm,
    PlacementOutcomeForm,
    PlacementTaskForm,
)
from ..models import OutcomeKind, Placement, PlacementBatch, TermStatus

MORE_FILTERS = ("grade",)
# The detail page holds several forms with fields of the same name ("on"): each gets its own ids.
FORM_IDS = {
    "outcome_form": "outcome_%s",
    "extend_form": "extend_%s",
    "end_form": "end_%s",
    "evaluate_form": "evaluate_%s",
    "task_form": "task_%s",
}


@reader_required
@require_GET
def placement_list(request):
    """Placements grouped by batch, with the batches' figures on top and each placement's outcomes so
    far; the totals row adds up the outcomes of every placement the filters keep. Constant queries."""
    filterset = PlacementFilter(request.GET, queryset=Placement.objects.for_list())
    placements = filterset.qs
    totals = selectors.placement_totals(placements)
    rows = selectors.placement_list(queryset=placements)
    page = KnownCountPaginator(rows, page_size(request), count=totals["count"]).get_page(
        request.GET.get("page")
    )
    ordering = request.GET.get("ordering", "")
    today = timezone.localdate()
    placements_shown = list(page.object_list)
    for placement in placements_shown:
        # Derived from the dates, never stored: the label is worked out once per row here.
        placement.term_code = placement.term_status(today)
        placement.term_label = TermStatus(placement.term_code).label
    context = list_context(
        request,
        filterset,
        page,
        rows=placements_shown,
        totals=totals,
        batches=selectors.batch_summaries(),
        # Group rows under their batch while the list is in batch order.
        grouped=ordering in ("", "batch", "-batch"),
        more_open=any(request.GET.get(name) for name in MORE_FILTERS),
    )
    return render(request, "campaigns/placement_list.html", context)


# --- Detail and its actions -----------------------------------------------------------------------


def _placement_get(pk) -> Placement:
    return get_object_or_404(Placement.objects.for_list(), pk=pk)


def _a_year_after(day):
    # 29 February has no twin next year: the 28th then.
    return day.replace(year=day.year + 1, day=min(day.day, 28) if day.month == 2 else day.day)


def _placement_detail_context(request, placement, **extra) -> dict:
    outcomes = list(placement.outcomes.select_related("recorded_by"))
    totals = selectors.placement_outcome_totals(placement)
    by_kind = [
        {
            "kind": kind,
            "label": label,
            "count": totals.get(kind, {}).get("count", 0),
            "amount": totals.get(kind, {}).get("amount"),
        }
        for kind, label in OutcomeKind.choices
    ]
    today = timezone.localdate()
    forms = {
        "outcome_form": PlacementOutcomeForm(initial={"achieved_on": today}),
        "extend_form": PlacementExtendForm(initial={"term_end": _a_year_after(placement.term_end)}),
        "end_form": PlacementEndForm(
            initial={"on": min(max(today, placement.term_start), placement.term_end)}
        ),
        "evaluate_form": PlacementEvaluateForm(
            initial={"grade": placement.grade or None, "evaluation": placement.evaluation}
        ),
        "task_form": PlacementTaskForm(instance=placement),
    }
    open_form = extra.pop("open_form", "")
    for name in forms:
        if name in extra:
            forms[name] = extra.pop(name)
    status = placement.term_status(today)
    return {
        "placement": placement,
        "status": status,
        "status_label": TermStatus(status).label,
        "outcomes": outcomes,
        "by_kind": by_kind,
        "outcome_total": {
            "count": sum(row["count"] for row in by_kind),
            "amount": sum((row["amount"] or 0 for row in by_kind), start=0),
        },
        "opened": {open_form: True} if open_form else {},
        "can_write": request.user.can_write,
        **forms,
        **extra,
    }


def _render_placement_detail(request, placement, *, status=200, **extra):
    context = _placement_detail_context(request, placement, **extra)
    return render(request, "campaigns/placement_detail.html", context, status=status)


@reader_required
@require_GET
def placement_detail(request, pk):
    return _render_placement_detail(request, _placement_get(pk))


def _placement_action(request, pk, *, form_class, form_name: str, save, success: str):
    """Validate the posted form, call ``save(placement, cleaned_data)`` (a service), and come back to
    the detail page: with a message, or with the form open and its errors."""
    placement = _placement_get(pk)
    form = form_class(request.POST, auto_id=FORM_IDS[form_name])
    if form.is_valid():
        try:
            save(placement, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("campaigns:placement-detail", pk=placement.pk)
    # The failed service may have changed the instance in memory: show the stored record.
    placement = _placement_get(pk)
    return _render_placement_detail(request, placement, status=400, open_form=form_name, **{form_name: form})


@writer_required
@require_POST
def placement_outcome_create(request, pk):
    return _placement_action(
        request,
        pk,
        form_class=PlacementOutcomeForm,
        form_name="outcome_form",
        save=lambda placement, data: services.placement_outcome_record(
            placement=placement, by=request.user, **data
        ),
        success=_("Outcome recorded."),
    )


@writer_required
@require_POST
def placement_extend(request, pk):
    return _placement_action(
        request,
        pk,
        form_class=PlacementExtendForm,
        form_name="extend_form",
        save=lambda placement, data: services.placement_extend(
            placement=placement, term_end=data["term_end"], by=request.user
        ),
        success=_("Term extended."),
    )


@writer_required
@require_POST
def placement_end(request, pk):
    return _placement_action(
        request,
        pk,
        form_class=PlacementEndForm,
        form_name="end_form",
        save=lambda placement, data: services.placement_end(
            placement=placement, on=data["on"], reason=data["reason"], by=request.user
        ),
        success=_("The placement was ended early."),
    )


@writer_required
@require_POST
def placement_evaluate(request, pk):
    return _placement_action(
        request,
        pk,
        form_class=PlacementEvaluateForm,
        form_name="evaluate_form",
        save=lambda placement, data: services.placement_evaluate(
            placement=placement,
            grade=data["grade"],
            evaluation=data["evaluation"],
            on=data["on"],
            by=request.user,
        ),
        success=_("Evaluation recorded."),
    )


@writer_required
@require_POST
def placement_task_edit(request, pk):
    return _placement_action(
        request,
        pk,
        form_class=PlacementTaskForm,
        form_name="task_form",
        save=lambda placement, data: services.placement_update(
            placement=placement, by=request.user, task_book=data["task_book"], goals=data["goals"]
        ),
        success=_("Task book and goals saved."),
    )


# --- Create ---------------------------------------------------------------------------------------


@writer_required(read_only="campaigns:placement-list")
def placement_create(request):
    initial = {}
    latest = PlacementBatch.objects.order_by("-number").first()
    if latest:
        initial["batch"] = latest.pk
    chosen = request.GET.get("batch", "")
    if chosen.isdigit():
        batch = PlacementBatch.objects.filter(number=chosen).first()
        if batch:
            initial["batch"] = batch.pk
    if request.GET.get("expert", "").isdigit():
        initial["expert"] = Talent.objects.filter(pk=request.GET["expert"]).first()
    form = PlacementForm(request.POST or None, initial=initial)
    return save_form(
        request,
        form,
        lambda fields: services.placement_create(by=request.user, **fields),
        template="campaigns/placement_form.html",
        context={"cancel_url": reverse("campaigns:placement-list")},
        next_url=lambda placement: reverse("campaigns:placement-detail", args=[placement.pk]),
        success=_("Placement “%(name)s” saved."),
    )


@writer_required(read_only="campaigns:placement-list")
def batch_create(request):
    following = (PlacementBatch.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    form = PlacementBatchForm(
        request.POST or None, initial={"number": following, "announced_on": timezone.localdate()}
    )
    return save_form(
        request,
        form,
        lambda fields: services.placement_batch_create(**fields),
        template="campaigns/batch_form.html",
        context={"cancel_url": reverse("campaigns:placement-list")},
        next_url=lambda batch: reverse("campaigns:placement-create") + f"?batch={batch.number}",
        success=_("“%(name)s” created; add its placements now."),
    )
