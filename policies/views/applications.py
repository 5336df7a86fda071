"""Application pages: the queue (a tab per state, filters, totals, bulk approval of what is under
review), an application's page with the steps allowed now, and filing a new application.

Each step of the detail page posts to ``application_action`` with its name; a refused step shows the
page again with the refusal at the top (409) or the errors under the form's fields (400), a step done
redirects back with a message.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.exceptions import ApplicationError
from jinjin_crm.core.forms import apply_service_errors
from jinjin_crm.core.pages import KnownCountPaginator, list_context, page_size
from jinjin_crm.core.permissions import reader_required, writer_required
from jinjin_crm.core.selectors import timeline_for
from talents.models import Talent

from .. import selectors, services
from ..eligibility import attributes_for_talent, evaluate_benefit
from ..filters import ApplicationFilter
from ..forms import (
    ApplicationCreateForm,
    BulkApproveForm,
    DisburseForm,
    NoteForm,
    OpinionForm,
    RequiredOpinionForm,
    SubmitForm,
)
from ..models import (
    MONEY,
    ApplicationAction,
    ApplicationState,
    Benefit,
    FundMovement,
    MovementKind,
    PolicyApplication,
)
from ..rules import Reference
from .common import back_to, labelled_timeline

MORE_FILTERS = ("kind", "fund", "owner", "proposed_automatically")


# --- The queue ------------------------------------------------------------------------------------


def _totals(applications, by_state: dict[str, dict], states: list[str]) -> dict:
    """Count, Σ amount and Σ paid of exactly the rows the filters keep. Count and amount add up the
    per-state figures the tabs were counted with (the rows differ from the tabs' only by the state
    filter); the paid sums come from the ledger (the rows' ``disbursed`` is a per-row subquery,
    which SQL cannot sum)."""
    shown = [by_state[state] for state in (states or by_state)]
    money = DecimalField(**MONEY)
    return {
        "count": sum(figures["count"] for figures in shown),
        "amount": sum((figures["amount"] for figures in shown), start=Decimal("0")),
        **FundMovement.objects.filter(
            kind=MovementKind.DISBURSE, application__in=applications.order_by().values("pk")
        ).aggregate(disbursed=Coalesce(Sum("amount"), Value(Decimal("0")), output_field=money)),
    }


def _state_tabs(request, counts: dict[str, int]) -> list[dict]:
    params = request.GET.copy()
    for name in ("state", "page"):
        params.pop(name, None)
    chosen = request.GET.getlist("state")
    tabs = [
        {
            "state": "",
            "label": _("All"),
            "count": sum(counts.values()),
            "query": params.urlencode(),
            "active": not chosen,
        }
    ]
    for state in ApplicationState:
        params.setlist("state", [state])
        tabs.append(
            {
                "state": state.value,
                "label": state.label,
                "count": counts[state],
                "query": params.urlencode(),
                "active": chosen == [state.value],
            }
        )
    return tabs


@reader_required
@require_GET
def application_list(request):
    """The queue: a tab per state with its count (under the other filters), the filters, the rows with
    what each has been paid, a totals row, and check boxes to approve what is under review in bulk.
    Constant queries whatever the page size."""
    filterset = ApplicationFilter(request.GET, queryset=PolicyApplication.objects.for_list())
    applications = filterset.qs
    # The tabs count under every filter but the state one, so each tab says what clicking it shows.
    others = request.GET.copy()
    others.pop("state", None)
    by_state = selectors.application_state_totals(
        ApplicationFilter(others, queryset=PolicyApplication.objects.all()).qs
    )
    counts = {state: figures["count"] for state, figures in by_state.items()}
    # The state filter as the rows were filtered by it (filterset.qs has cleaned the form; a field
    # that does not validate filters nothing, on the rows and the tabs alike).
    states = filterset.form.cleaned_data.get("state") or []
    totals = _totals(applications, by_state, states)
    page = KnownCountPaginator(applications, page_size(request), count=totals["count"]).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    chosen = request.GET.get("talent", "")
    context = list_context(
        request,
        filterset,
        page,
        rows=rows,
        totals=totals,
        tabs=_state_tabs(request, counts),
        approvable=any(row.state == ApplicationState.UNDER_REVIEW for row in rows),
        talent_filter=Talent.objects.filter(pk=chosen).first() if chosen.isdigit() else None,
        more_open=any(request.GET.get(name) for name in MORE_FILTERS),
    )
    return render(request, "policies/application_list.html", context)


@writer_required
@require_POST
def application_approve_many_view(request):
    """Approve the ticked applications; each is approved or refused on its own, so one refusal (a fund
    exhausted) leaves the others approved. The message lists every refusal with its reason."""
    default = reverse("policies:application-list") + "?state=under_review"
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back_to(request, default))
    chosen = PolicyApplication.objects.filter(pk__in=form.cleaned_data["ids"]).select_related(
        "talent", "benefit"
    )
    batch = services.application_approve_many(
        applications=list(chosen), by=request.user, opinion=form.cleaned_data["opinion"]
    )
    if batch.approved:
        messages.success(
            request,
            ngettext(
                "%(count)d application approved.", "%(count)d applications approved.", len(batch.approved)
            )
            % {"count": len(batch.approved)},
        )
    for refusal in batch.refused:
        messages.error(
            request,
            _("Not approved: %(application)s — %(reason)s")
            % {"application": refusal.application, "reason": refusal.message},
        )
    return redirect(back_to(request, default))


# --- Detail and its steps -------------------------------------------------------------------------


def _application_get(pk) -> PolicyApplication:
    return get_object_or_404(
        PolicyApplication.objects.for_list().select_related("created_by", "talent__owner"), pk=pk
    )


# The form of each step; ``_run_step`` calls its service.
STEPS = {
    ApplicationAction.SUBMIT: SubmitForm,
    ApplicationAction.REVIEW_START: NoteForm,
    ApplicationAction.APPROVE: OpinionForm,
    ApplicationAction.REJECT: RequiredOpinionForm,
    ApplicationAction.RETURN: RequiredOpinionForm,
    ApplicationAction.WITHDRAW: NoteForm,
    ApplicationAction.DISBURSE: DisburseForm,
}
DANGER_STEPS = (ApplicationAction.REJECT, ApplicationAction.WITHDRAW)
DONE_MESSAGES = {
    ApplicationAction.SUBMIT: gettext_lazy("Application submitted."),
    ApplicationAction.REVIEW_START: gettext_lazy("Review started."),
    ApplicationAction.APPROVE: gettext_lazy(
        "Application approved; the amount is committed against the fund."
    ),
    ApplicationAction.REJECT: gettext_lazy("Application rejected."),
    ApplicationAction.RETURN: gettext_lazy("Application returned for correction."),
    ApplicationAction.WITHDRAW: gettext_lazy("Application withdrawn."),
    ApplicationAction.DISBURSE: gettext_lazy("Payment recorded."),
}


def _run_step(action: str, application: PolicyApplication, data: dict, by):
    if action == ApplicationAction.SUBMIT:
        return services.application_submit(application=application, by=by, on=data["on"], note=data["note"])
    if action == ApplicationAction.REVIEW_START:
        return services.application_review_start(application=application, by=by, note=data["note"])
    if action == ApplicationAction.APPROVE:
        return services.application_approve(application=application, by=by, opinion=data["opinion"])
    if action == ApplicationAction.REJECT:
        return services.application_reject(application=application, by=by, opinion=data["opinion"])
    if action == ApplicationAction.RETURN:
        return services.application_return(application=application, by=by, opinion=data["opinion"])
    if action == ApplicationAction.WITHDRAW:
        return services.application_withdraw(application=application, by=by, note=data["note"])
    return services.application_disburse(
        application=application, by=by, amount=data["amount"], note=data["note"]
    )


def _installment_rows(plan: list[Decimal], disbursed: Decimal) -> list[dict]:
    """Each installment with what of it is paid: ``paid``, ``partly`` or ``due``."""
    rows, reached = [], Decimal("0.00")
    for number, part in enumerate(plan, start=1):
        start, reached = reached, reached + part
        paid = min(max(disbursed - start, Decimal("0.00")), part)
        status = "paid" if paid >= part else ("partly" if paid > 0 else "due")
        rows.append({"number": number, "amount": part, "paid": paid, "status": status})
    return rows


def _step_forms(application: PolicyApplication, money, failed: dict | None) -> list[dict]:
    steps = []
    for action in application.allowed_actions:
        if failed and failed["action"] == action:
            form = failed["form"]
        elif action == ApplicationAction.DISBURSE:
            outstanding = application.amount - money.disbursed
            plan = application.installment_amounts
            due = min(services.next_installment(plan, money.disbursed), outstanding)
            form = DisburseForm(initial={"amount": due if due > 0 else None}, auto_id=f"{action}_%s")
        else:
            form = STEPS[action](auto_id=f"{action}_%s")
        steps.append(
            {
                "action": action,
                "label": ApplicationAction(action).label,
                "form": form,
                "danger": action in DANGER_STEPS,
                "open": bool(failed and failed["action"] == action),
            }
        )
    return steps


def _render_application_detail(request, application, *, status=200, refusal=None, failed=None):
    money = selectors.application_money(application)
    snapshot = application.eligibility or {}
    payments = list(
        FundMovement.objects.filter(application=application, kind=MovementKind.DISBURSE)
        .select_related("by")
        .order_by("at", "id")
    )
    context = {
        "application": application,
        "money": money,
        "outstanding": application.amount - money.disbursed,
        "snapshot": snapshot,
        "reasons": snapshot.get("reasons", []),
        "installments": _installment_rows(application.installment_amounts, money.disbursed),
        "payments": payments,
        "timeline": labelled_timeline(timeline_for(application)),
        "steps": _step_forms(application, money, failed) if request.user.can_write else [],
        "can_write": request.user.can_write,
        "refusal": refusal,
    }
    return render(request, "policies/application_detail.html", context, status=status)


@reader_required
@require_GET
def application_detail(request, pk):
    return _render_application_detail(request, _application_get(pk))


@writer_required
@require_POST
def application_action(request, pk, action):
    """Take one step of the application (``action`` is an ``ApplicationAction``) through its service."""
    if action not in STEPS:
        raise Http404
    application = _application_get(pk)
    form = STEPS[action](request.POST, auto_id=f"{action}_%s")
    refusal = None
    if form.is_valid():
        try:
            _run_step(action, application, form.cleaned_data, request.user)
        except ApplicationError as exc:
            refusal = exc.message
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, str(DONE_MESSAGES[action]))
            return redirect("policies:application-detail", pk=application.pk)
    # The failed service may have changed the instance in memory: show the stored record.
    return _render_application_detail(
        request,
        _application_get(pk),
        status=409 if refusal else 400,
        refusal=refusal,
        failed=None if refusal else {"action": action, "form": form},
    )


# --- Filing an application ------------------------------------------------------------------------


def _initial_choice(queryset, value):
    return queryset.filter(pk=value).first() if str(value or "").isdigit() else None


@writer_required(read_only="policies:application-list")
def application_create(request):
    """File an application: a talent, a benefit in force, the date. The service judges eligibility and
    refuses with every failing criterion's reason, shown under the benefit. With a talent and a benefit
    in the query the page previews the result before anything is filed."""
    talent = _initial_choice(Talent.objects.all(), request.GET.get("talent"))
    benefit = _initial_choice(Benefit.objects.in_force(), request.GET.get("benefit"))
    form = ApplicationCreateForm(
        request.POST or None, initial={"talent": talent, "benefit": benefit, "on": None}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = services.application_create(
                    talent=data["talent"], benefit=data["benefit"], by=request.user, on=data["on"]
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Application filed as a draft: check it and submit it."))
                return redirect("policies:application-detail", pk=application.pk)
    preview = None
    if request.method == "GET" and talent and benefit:
        preview = evaluate_benefit(
            benefit, attributes_for_talent(talent), on=timezone.localdate(), reference=Reference.load()
        )
    cancel_url = (
        reverse("talents:talent-detail", args=[talent.pk]) + "#applications"
        if talent
        else reverse("policies:application-list")
    )
    context = {"form": form, "preview": preview, "talent": talent, "cancel_url": cancel_url}
    return render(request, "policies/application_form.html", context, status=status)
