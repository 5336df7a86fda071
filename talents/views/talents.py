"""Talent pages: the list, the pipeline board, the detail page with its actions (transition, activity,
owner, reveal of personal data, anonymisation), and create/edit with the duplicate check.

htmx answers as on the project pages: the detail page swaps its body (``_talent_detail_body.html``) after
an action, the board reloads itself when a card moves, and refusals come back with status 200 and the
error in place (htmx does not swap 4xx answers); without htmx the views redirect on success and answer
400 (invalid input) or 409 (illegal transition, suspected duplicate) with the page and its error.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.exceptions import ApplicationError
from jinjin_crm.core.forms import apply_service_errors
from jinjin_crm.core.pages import (
    IdsFirstPaginator,
    activity_response,
    list_context,
    page_size,
    transition_response,
    transition_undo_response,
)
from jinjin_crm.core.permissions import reader_required, writer_required
from jinjin_crm.core.sections import sections_for
from jinjin_crm.core.selectors import timeline_for
from jinjin_crm.core.validators import check_national_id

from .. import services
from ..filters import TalentFilter
from ..forms import (
    ActivityForm,
    AnonymiseForm,
    AssignForm,
    RevealForm,
    TalentForm,
    TalentTransitionForm,
    talent_transition_forms,
)
from ..models import Stage, Talent
from ..selectors import talent_duplicates

BOARD_CARDS_PER_COLUMN = 50
MORE_FILTERS = ("discipline", "park", "owner", "source", "mode")
PERSONAL_DATA_PERMISSION = "talents.view_personal_data"


# --- List and board --------------------------------------------------------------------------------


@reader_required
@require_GET
def talent_list(request):
    """The filtered list. A page costs the same number of queries whatever its size: the rows come with
    their degree, tier, owner and employer in one query and their disciplines in one more."""
    filterset = TalentFilter(request.GET, queryset=Talent.objects.for_list())
    talents = filterset.qs.prefetch_related("disciplines")
    page = IdsFirstPaginator(talents, page_size(request)).get_page(request.GET.get("page"))
    context = list_context(
        request,
        filterset,
        page,
        more_open=any(request.GET.get(name) for name in MORE_FILTERS)
        or any(filterset.form.errors.get(name) for name in MORE_FILTERS),
    )
    return render(request, "talents/talent_list.html", context)


@reader_required
@require_GET
def talent_board(request):
    """The pipeline: a column per stage (lost behind a toggle), the list's filters, at most
    ``BOARD_CARDS_PER_COLUMN`` cards per column (the list has the rest), in two queries."""
    filterset = TalentFilter(request.GET, queryset=Talent.objects.for_list())
    talents = filterset.qs
    show_lost = request.GET.get("lost") == "1"
    stages = [stage for stage in Stage if stage != Stage.LOST or show_lost]
    order = list(talents.query.order_by) or list(Talent._meta.ordering)
    ranked = (
        talents.filter(stage__in=stages)
        .annotate(position=Window(RowNumber(), partition_by=F("stage"), order_by=order))
        .filter(position__lte=BOARD_CARDS_PER_COLUMN)
    )
    cards: dict[str, list] = {stage: [] for stage in stages}
    for talent in ranked:
        cards[talent.stage].append(talent)
    counts = {
        row["stage"]: row["count"] for row in talents.order_by().values("stage").annotate(count=Count("id"))
    }
    columns = []
    for stage in stages:
        cards[stage].sort(key=lambda talent: talent.position)
        params = request.GET.copy()
        params.setlist("stage", [stage])
        params.pop("lost", None)
        count = counts.get(stage, 0)
        columns.append(
            {
                "stage": stage,
                "label": stage.label,
                "cards": [{"talent": talent, "next": _board_moves(talent)} for talent in cards[stage]],
                "count": count,
                "hidden": max(count - len(cards[stage]), 0),
                "list_query": params.urlencode(),
            }
        )
    return render(
        request,
        "talents/talent_board.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "columns": columns,
            "show_lost": show_lost,
            "lost_count": counts.get(Stage.LOST, 0),
            "cap": BOARD_CARDS_PER_COLUMN,
        },
    )


def _board_moves(talent) -> list[dict]:
    # Lost needs a reason: the card links to the detail page for it instead of a one-click button.
    return [{"to": to, "label": Stage(to).label} for to in talent.allowed_transitions if to != Stage.LOST]


# --- Detail and its actions ------------------------------------------------------------------------


def _stage_label(code: str) -> str:
    return Stage(code).label if code in Stage.values else code


def _talent_timeline(talent) -> list[dict]:
    """The shared timeline, with the stage codes' labels for the badges."""
    entries = timeline_for(talent)
    for entry in entries:
        if entry["kind"] == "stage":
            change = entry["item"]
            entry["from_label"] = _stage_label(change.from_stage) if change.from_stage else ""
            entry["to_label"] = _stage_label(change.to_stage)
    return entries


def _talent_get(pk) -> Talent:
    return get_object_or_404(
        Talent.objects.for_list().select_related("consent_recorded_by", "employer_enterprise__park"), pk=pk
    )


def _talent_detail_context(request, talent, **extra) -> dict:
    led_teams = list(talent.led_teams.select_related("host_enterprise"))
    # A leader is usually a member of their own team too; that team is listed once, as led.
    memberships = [
        membership
        for membership in talent.team_memberships.select_related("team__host_enterprise", "team__leader")
        if membership.team.leader_id != talent.pk
    ]
    context = {
        "talent": talent,
        "disciplines": list(talent.disciplines.all()),
        "led_teams": led_teams,
        "memberships": memberships,
        "team_count": len(led_teams) + len(memberships),
        "founded": list(talent.founded_enterprises.select_related("enterprise")),
        "timeline": _talent_timeline(talent),
        "transitions": talent_transition_forms(talent, failed=extra.pop("transition_failed", None)),
        "activity_form": extra.pop("activity_form", None) or ActivityForm(),
        "assign_form": extra.pop("assign_form", None) or AssignForm(initial={"owner": talent.owner_id}),
        "anonymise_form": extra.pop("anonymise_form", None) or AnonymiseForm(),
        "reveal_form": RevealForm(),
        "record_sections": sections_for("talents.talent"),
        "can_write": request.user.can_write and not talent.anonymised_at,
        "can_reveal": request.user.has_perm(PERSONAL_DATA_PERMISSION) and not talent.anonymised_at,
    }
    context.update(extra)
    return context


def _render_talent_detail(request, talent, *, status=200, **extra):
    context = _talent_detail_context(request, talent, **extra)
    if request.htmx:
        return render(request, "talents/_talent_detail_body.html", context)
    return render(request, "talents/talent_detail.html", context, status=status)


@reader_required
@require_GET
def talent_detail(request, pk):
    return _render_talent_detail(request, _talent_get(pk))


@writer_required
@require_POST
def talent_transition_view(request, pk):
    """Move a talent along the pipeline through ``services.talent_transition`` (see
    ``core.pages.transition_response`` for the board's and the detail page's answers)."""
    talent = _talent_get(pk)
    to = request.POST.get("to", "")
    return transition_response(
        request,
        record=talent,
        form=TalentTransitionForm(request.POST, auto_id=f"id_{to}_%s"),
        move=lambda data: services.talent_transition(
            talent=talent, to=data["to"], by=request.user, note=data["note"], on=data["on"]
        ),
        board_template="talents/_board_feedback.html",
        board_event="talent-moved",
        record_name="talent",
        render_detail=_render_talent_detail,
        detail_url=reverse("talents:talent-detail", args=[talent.pk]),
        undo_url=reverse("talents:talent-transition-undo", args=[talent.pk]),
    )


@writer_required
@require_POST
def talent_transition_undo_view(request, pk):
    """Undo the move just made (``services.talent_transition_undo``), from the board's notice."""
    talent = _talent_get(pk)
    return transition_undo_response(
        request,
        record=talent,
        undo=lambda change_id: services.talent_transition_undo(
            talent=talent, change_id=change_id, by=request.user
        ),
        board_template="talents/_board_feedback.html",
        board_event="talent-moved",
        record_name="talent",
        detail_url=reverse("talents:talent-detail", args=[talent.pk]),
    )


@writer_required
@require_POST
def talent_activity_create(request, pk):
    talent = _talent_get(pk)
    return activity_response(
        request,
        record=talent,
        render_detail=_render_talent_detail,
        detail_url=reverse("talents:talent-detail", args=[talent.pk]),
    )


@writer_required
@require_POST
def talent_assign_view(request, pk):
    talent = _talent_get(pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.talent_assign(talent=talent, owner=form.cleaned_data["owner"], by=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            notice = _("“%(name)s” is now looked after by %(owner)s.") % {
                "name": talent.name,
                "owner": form.cleaned_data["owner"],
            }
            if request.htmx:
                return _render_talent_detail(request, _talent_get(pk), notice=notice)
            messages.success(request, notice)
            return redirect("talents:talent-detail", pk=talent.pk)
    return _render_talent_detail(request, talent, status=400, assign_form=form)


@reader_required
@require_POST
@never_cache
def talent_reveal(request, pk):
    """The ID number and phone in the clear, as a small fragment, for a user holding the permission and
    giving a reason; the service logs the look before the values are read. Others get 403."""
    if not request.user.has_perm(PERSONAL_DATA_PERMISSION):
        raise PermissionDenied
    talent = _talent_get(pk)
    form = RevealForm(request.POST)
    values = None
    if form.is_valid():
        try:
            values = services.talent_personal_data_reveal(
                talent=talent, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
    status = 200 if values is not None or request.htmx else 400
    response = render(
        request,
        "talents/_personal_data.html",
        {"talent": talent, "revealed": values, "reveal_form": form, "can_reveal": True},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@writer_required
@require_POST
def talent_anonymise_view(request, pk):
    """Erase what identifies the person (a deletion request); the statistics stay. Needs the reason and
    an explicit confirmation."""
    talent = _talent_get(pk)
    form = AnonymiseForm(request.POST)
    if form.is_valid():
        try:
            services.talent_anonymise(talent=talent, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The record was anonymised; its statistics are kept."))
            return redirect("talents:talent-detail", pk=talent.pk)
    return _render_talent_detail(request, talent, status=400, anonymise_form=form, anonymise_open=True)


# --- Create and edit -------------------------------------------------------------------------------


def _id_number_clash(form, talent=None) -> Talent | None:
    """The record that already holds the typed ID number, to link to from the field's error."""
    # The raw input: the field's error has already taken it out of cleaned_data.
    typed = (form.data.get("id_number") or "").strip()
    if not typed:
        return None
    try:
        typed = check_national_id(typed).number
    except ValidationError:
        return None
    found = talent_duplicates(id_number=typed, exclude_pk=talent.pk if talent else None)
    return next((duplicate.talent for duplicate in found if duplicate.by_id_number), None)


def _save_talent(request, form, save, *, talent=None):
    """Validate, call the service, and redirect to the saved record; on an error re-render the form with
    everything typed, the errors under their fields, and the suspected duplicates if that was the cause."""
    duplicates, id_clash, status = [], None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = save(form)
            except services.DuplicateSuspected as exc:
                duplicates, status = exc.duplicates, 409
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                if "id_number" in form.errors:
                    id_clash = _id_number_clash(form, talent)
            else:
                messages.success(request, _("Talent “%(name)s” saved.") % {"name": saved})
                return redirect("talents:talent-detail", pk=saved.pk)
    cancel_url = (
        reverse("talents:talent-detail", args=[talent.pk]) if talent else reverse("talents:talent-list")
    )
    context = {
        "form": form,
        "talent": talent,
        "duplicates": duplicates,
        "id_clash": id_clash,
        "cancel_url": cancel_url,
    }
    return render(request, "talents/talent_form.html", context, status=status)


@writer_required(read_only="talents:talent-list")
def talent_create(request):
    form = TalentForm(request.POST or None)
    return _save_talent(
        request,
        form,
        lambda form: services.talent_create(
            by=request.user,
            disciplines=form.cleaned_data["disciplines"],
            confirmed_not_duplicate=form.cleaned_data.get("confirmed_not_duplicate", False),
            **form.service_fields(),
        ),
    )


@writer_required(read_only="talents:talent-detail")
def talent_edit(request, pk):
    talent = _talent_get(pk)
    if talent.anonymised_at:
        messages.error(request, _("This record was anonymised and cannot be changed."))
        return redirect("talents:talent-detail", pk=talent.pk)
    form = TalentForm(request.POST or None, instance=talent)
    return _save_talent(
        request,
        form,
        lambda form: services.talent_update(
            talent=talent,
            by=request.user,
            disciplines=form.cleaned_data["disciplines"],
            **form.service_fields(),
        ),
        talent=talent,
    )
