"""Helpers every app's officer pages share, so the lists, forms and detail pages of each half of the site
look and behave alike: page sizes and a paginator for the lists, the list templates' common context,
saving a form through a service, and logging an activity from a detail page.

Templates these helpers feed live in ``templates/ui/`` (``_pagination.html``, ``_select_filter.html``,
``_field.html``, ``_form_summary.html``, ``_activity_form.html``, ``_timeline.html``)."""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_filters.widgets import SuffixedMultiWidget

from .exceptions import ApplicationError, IllegalTransition
from .forms import ActivityForm, apply_service_errors
from .models import StageChange
from .services import UNDO_SECONDS, activity_log

PAGE_SIZES = (20, 50, 100)
DETAIL_RELATED_LIMIT = 50

# Query parameters that shape the page, not which rows are on it.
NOT_FILTERS = frozenset({"page", "page_size", "ordering"})


class KnownCountPaginator(Paginator):
    """A paginator told the row count (already computed with the totals), so it runs no COUNT of its own."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def page_size(request) -> int:
    """The ``page_size`` asked for if it is one of ``PAGE_SIZES``, else the first of them."""
    try:
        size = int(request.GET.get("page_size", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def _query_names(bound_field) -> list[str]:
    """The query parameters a filter field reads: its own name, or one per part of a range widget
    (``signed_on_after`` and ``signed_on_before`` for ``signed_on``)."""
    name, widget = bound_field.html_name, bound_field.field.widget
    if isinstance(widget, SuffixedMultiWidget):
        return [widget.suffixed(name, suffix) for suffix in widget.suffixes]
    if isinstance(widget, forms.MultiWidget):
        return [f"{name}{suffix}" for suffix in widget.widgets_names]
    return [name]


def filters_in_use(request, filterset) -> list[str]:
    """The names of the filterset's fields given a non-empty value in the query (the page, its size and
    the ordering are not filters)."""
    return [
        bound_field.name
        for bound_field in filterset.form
        if bound_field.name not in NOT_FILTERS
        and any(value for name in _query_names(bound_field) for value in request.GET.getlist(name))
    ]


def list_context(request, filterset, page, **extra) -> dict:
    """What every list template gets: the filters, the page and its rows, the page sizes, and whether any
    filter is in use (so an empty page can offer to clear them rather than to create a first record)."""
    return {
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "rows": page.object_list,
        "page_sizes": PAGE_SIZES,
        "page_size": page.paginator.per_page,
        "filters_active": bool(filters_in_use(request, filterset)),
        **extra,
    }


def save_form(request, form, save, *, template: str, context: dict, success: str, next_url):
    """Validate ``form``, call ``save(fields)`` (a service call), and redirect to the saved record; on any
    error re-render the form with every typed value and the errors under their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, success % {"name": record})
            return redirect(next_url(record))
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def log_activity(request, record) -> tuple[ActivityForm, bool]:
    """Log the posted activity on ``record``; return the form to show next (blank after success) and
    whether it was logged."""
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            activity_log(record=record, officer=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return ActivityForm(), True
    return form, False


class IdsFirstPaginator(Paginator):
    """Pages a queryset in two steps: the page's ids from the filtered table alone (ordered, sliced),
    then those rows with whatever the queryset joins and prefetches.

    With a selective search the database may misjudge how many rows match and join every match to the
    related tables before sorting; asking for ids first keeps the joins to the page's rows. Two
    queries (plus prefetches) per page, whatever its size.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.order_by().in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def _last_move(record):
    """The record's latest history line (the move just made)."""
    return (
        StageChange.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )
        .order_by("-changed_at", "-id")
        .first()
    )


def transition_response(
    request,
    *,
    record,
    form,
    move,
    board_template: str,
    board_event: str,
    render_detail,
    detail_url: str,
    record_name: str,
    undo_url: str | None = None,
):
    """Move a staged record from a page, the same way for projects and talents.

    ``move(cleaned_data)`` calls the service. From a board (``view=board`` with htmx) the answer is
    ``board_template`` with a notice or the errors (the record as ``record_name``), and on success
    an ``HX-Trigger: board_event`` that makes the board reload; with ``undo_url`` the notice offers
    to undo the move (``change``, posted there) for ``UNDO_SECONDS``. From the detail page it is
    ``render_detail(request, record, **extra)``: the body with the new stage (htmx), or a redirect
    with a message, or on refusal the page with the refusal (409) or the form's errors (400) and the
    typed values kept.
    """
    refusal = None
    if form.is_valid():
        try:
            move(form.cleaned_data)
        except IllegalTransition as exc:
            refusal = exc.message
        except ValidationError as exc:
            apply_service_errors(form, exc)
    moved = refusal is None and not form.errors
    notice, errors = None, []
    if moved:
        record.refresh_from_db()
        notice = _("“%(name)s” moved to “%(stage)s”.") % {"name": record, "stage": record.get_stage_display()}
    else:
        errors = (
            [refusal] if refusal else [message for messages_ in form.errors.values() for message in messages_]
        )
    if request.POST.get("view") == "board" and request.htmx:
        context = {"ok": moved, "notice": notice, "errors": errors, record_name: record}
        if moved and undo_url:
            change = _last_move(record)
            if (
                change is not None
                and change.changed_by_id == request.user.pk
                and change.previous_values is not None
            ):
                context.update(undo_url=undo_url, change=change, undo_seconds=UNDO_SECONDS)
        response = render(request, board_template, context)
        if moved:
            response["HX-Trigger"] = board_event
        return response
    if moved:
        if request.htmx:
            return render_detail(request, record, notice=notice)
        messages.success(request, notice)
        return redirect(detail_url)
    return render_detail(
        request,
        record,
        status=409 if refusal else 400,
        refusal=refusal,
        transition_failed=None if refusal else form,
    )


def transition_undo_response(
    request,
    *,
    record,
    undo,
    board_template: str,
    board_event: str,
    detail_url: str,
    record_name: str,
):
    """Undo a move from the notice that offered it, the same way for projects and talents.

    ``undo(change_id)`` calls the app's undo service with the posted ``change``. From a board (htmx)
    the answer is ``board_template`` saying the move was undone (and ``HX-Trigger: board_event``, so
    the board reloads) or why it was not; otherwise a redirect to ``detail_url`` with the same
    sentence as a message.
    """
    refusal = None
    try:
        change_id = int(request.POST.get("change", ""))
    except ValueError:
        refusal = _("Say which move to undo.")
    if refusal is None:
        try:
            undo(change_id)
        except ApplicationError as exc:
            refusal = exc.message
    notice = None
    if refusal is None:
        record.refresh_from_db()
        notice = _("Undone: “%(name)s” is back in “%(stage)s”.") % {
            "name": record,
            "stage": record.get_stage_display(),
        }
    if request.htmx:
        response = render(
            request,
            board_template,
            {
                "ok": refusal is None,
                "undone": refusal is None,
                "notice": notice,
                "errors": [refusal] if refusal else [],
                record_name: record,
            },
        )
        if refusal is None:
            response["HX-Trigger"] = board_event
        return response
    if refusal is None:
        messages.success(request, notice)
    else:
        messages.error(request, refusal)
    return redirect(detail_url)


def activity_response(request, *, record, render_detail, detail_url: str):
    """Log the posted contact on ``record`` from its detail page: the refreshed body (htmx) or a redirect
    with a message; on an error, the body with the form and its errors (400)."""
    form, logged = log_activity(request, record)
    if logged and not request.htmx:
        messages.success(request, _("Activity logged."))
        return redirect(detail_url)
    return render_detail(
        request,
        record,
        status=200 if logged else 400,
        activity_form=form,
        notice=_("Activity logged.") if logged else None,
    )
