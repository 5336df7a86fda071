"""The talent service board (人才服务事项): a column per state with due dates, overdue requests in red
and those due within a week in amber, the filters, a form for a new request, and the steps of each
request (start, resolve, cancel).

A step that fails shows the board again with that request's form open and the errors under its
fields (400), or the refusal at the top (409); a step done redirects back to the board, filters kept.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.exceptions import ApplicationError
from jinjin_crm.core.forms import apply_service_errors
from jinjin_crm.core.permissions import reader_required, writer_required
from talents.models import Talent

from .. import selectors, services
from ..filters import ServiceRequestFilter
from ..forms import NoteForm, ServiceCancelForm, ServiceRequestForm, ServiceResolveForm
from ..models import SERVICE_OPEN_STATES, ServiceRequest, ServiceState

DUE_SOON_DAYS = 7
# The steps of a request: the form each takes and the state it leads to.
STEPS = {
    "start": (NoteForm, ServiceState.IN_PROGRESS),
    "resolve": (ServiceResolveForm, ServiceState.RESOLVED),
    "cancel": (ServiceCancelForm, ServiceState.CANCELLED),
}
DONE_MESSAGES = {
    "start": gettext_lazy("“%(name)s” is in progress."),
    "resolve": gettext_lazy("“%(name)s” resolved."),
    "cancel": gettext_lazy("“%(name)s” cancelled."),
}


def _due_tone(request_: ServiceRequest, today: datetime.date) -> str:
    """``overdue`` (red), ``soon`` (due within a week, amber) or "" for an open request's due date."""
    if request_.state not in SERVICE_OPEN_STATES or request_.due_on is None:
        return ""
    if request_.is_overdue:
        return "overdue"
    return "soon" if (request_.due_on - today).days <= DUE_SOON_DAYS else ""


def _note_field(form_class) -> dict:
    """The one text field of a step's form, as the plain form on each card renders it."""
    name, field = next(iter(form_class.base_fields.items()))
    return {
        "name": name,
        "label": field.label,
        "required": field.required,
        "max_length": field.max_length,
        "rows": field.widget.attrs.get("rows", 2),
    }


def _render_board(request, *, status=200, create_form=None, failed=None, refusal=None):
    filterset = ServiceRequestFilter(request.GET, queryset=ServiceRequest.objects.all())
    today = timezone.localdate()
    columns = selectors.service_requests_board(queryset=filterset.qs, today=today)
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    note_fields = {name: _note_field(form_class) for name, (form_class, _to) in STEPS.items()}
    for column in columns:
        for item in column.requests:
            item.due_tone = _due_tone(item, today)
            item.days_overdue = (today - item.due_on).days if item.due_tone == "overdue" else 0
            item.steps = []
            for name, (_form_class, to) in STEPS.items():
                if to not in item.allowed_transitions:
                    continue
                is_failed = bool(failed and failed["pk"] == item.pk and failed["step"] == name)
                # A board shows up to 80 cards with two closed step forms each: an untouched one is
                # plain HTML of its one field (``note_fields``); only a failed one is a bound form
                # with its errors.
                item.steps.append(
                    {
                        "name": name,
                        "form_id": f"sr{item.pk}-{name}",
                        # Posted with the board's query string, so the filters survive the step.
                        "action": reverse("policies:service-request-action", args=[item.pk, name]) + suffix,
                        "form": failed["form"] if is_failed else None,
                        "field": note_fields[name],
                        "open": is_failed,
                    }
                )
    initial = {}
    chosen = request.GET.get("talent", "")
    if chosen.isdigit():
        initial["talent"] = Talent.objects.filter(pk=chosen).first()
    context = {
        "filter": filterset,
        "form": filterset.form,
        "columns": columns,
        "total": sum(column.count for column in columns),
        "cap": selectors.BOARD_LIMIT,
        "create_form": create_form or ServiceRequestForm(initial=initial, auto_id="new_%s"),
        "talent_filter": initial.get("talent"),
        "create_open": create_form is not None,
        "create_action": reverse("policies:service-request-create") + suffix,
        "can_write": request.user.can_write,
        "refusal": refusal,
        "due_soon_days": DUE_SOON_DAYS,
        "filters_active": any(
            request.GET.get(name) for name in ("search", "kind", "owner", "talent", "overdue")
        ),
    }
    return render(request, "policies/service_board.html", context, status=status)


@reader_required
@require_GET
def service_board(request):
    return _render_board(request)


def _board_url(request) -> str:
    query = request.GET.urlencode()
    return reverse("policies:service-board") + (f"?{query}" if query else "")


@writer_required
@require_POST
def service_request_create(request):
    form = ServiceRequestForm(request.POST, auto_id="new_%s")
    if form.is_valid():
        try:
            created = services.service_request_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Service request “%(name)s” created.") % {"name": created})
            return redirect(_board_url(request))
    return _render_board(request, status=400, create_form=form)


def _run_step(step: str, item: ServiceRequest, data: dict, by):
    if step == "start":
        return services.service_request_start(service_request=item, by=by, note=data["note"])
    if step == "resolve":
        return services.service_request_resolve(service_request=item, by=by, resolution=data["resolution"])
    return services.service_request_cancel(service_request=item, by=by, reason=data["reason"])


@writer_required
@require_POST
def service_request_action(request, pk, step):
    if step not in STEPS:
        raise Http404
    item = get_object_or_404(ServiceRequest.objects.select_related("talent"), pk=pk)
    form = STEPS[step][0](request.POST, auto_id=f"sr{item.pk}_{step}_%s")
    refusal = None
    if form.is_valid():
        try:
            _run_step(step, item, form.cleaned_data, request.user)
        except ApplicationError as exc:
            refusal = exc.message
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, DONE_MESSAGES[step] % {"name": item})
            return redirect(_board_url(request))
    return _render_board(
        request,
        status=409 if refusal else 400,
        refusal=refusal,
        failed=None if refusal else {"pk": item.pk, "step": step, "form": form},
    )
