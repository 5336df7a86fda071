"""Helpers shared by the pages of the projects app: page sizes and paginators for the lists, the list
pages' common context, saving a form through a service, and logging an activity from a detail page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.functional import cached_property

from jinjin_crm.core.services import activity_log

from ..forms import ActivityForm, apply_service_errors

PAGE_SIZES = (20, 50, 100)
DETAIL_RELATED_LIMIT = 50


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


def list_context(request, filterset, page, **extra) -> dict:
    """What every list template gets: the filters, the page and its rows, the page sizes, and whether any
    filter is in use."""
    active = [name for name in filterset.form.fields if name != "ordering" and request.GET.getlist(name)]
    active += [name for name in ("signed_on_after", "signed_on_before") if request.GET.get(name)]
    return {
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "rows": page.object_list,
        "page_sizes": PAGE_SIZES,
        "page_size": page.paginator.per_page,
        "filters_active": bool(active),
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
