"""The policy library (the "1+10+N" system grouped by series, each policy with its benefits in plain
language), a policy's page, and the eligibility calculator."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jinjin_crm.core.forms import apply_service_errors
from jinjin_crm.core.permissions import reader_required

from .. import selectors
from ..eligibility import attributes_from_data, evaluate
from ..filters import PolicyFilter
from ..forms import CalculatorForm
from ..models import CLOSED_STATES, Benefit, Policy, PolicyApplication, PolicySeries
from ..rules import Reference
from .common import benefit_terms


def _benefits_prefetch() -> Prefetch:
    return Prefetch("benefits", queryset=Benefit.objects.select_related("fund").order_by("sort_order", "id"))


def _with_terms(benefits, reference: Reference) -> list[Benefit]:
    for benefit in benefits:
        benefit.terms = benefit_terms(benefit, reference)
    return benefits


@reader_required
@require_GET
def policy_list(request):
    """Every policy the filters keep, grouped by series ("1" core, "10" special, "N" rules), each with
    its benefits and their terms. Four queries whatever the number of policies."""
    # The FilterSet here only shows the form; the selector applies the same filters.
    filterset = PolicyFilter(request.GET, queryset=Policy.objects.none())
    policies = selectors.policy_list(filters=request.GET)
    # Grouped by series whatever the chosen order; GROUP BY (the benefit count) drops Meta.ordering.
    order = [item for item in (policies.query.order_by or Policy._meta.ordering) if item != "series"]
    policies = list(policies.order_by("series", *order).prefetch_related(_benefits_prefetch()))
    reference = Reference.load()
    today = timezone.localdate()
    for policy in policies:
        policy.benefit_rows = _with_terms(list(policy.benefits.all()), reference)
        policy.in_force = policy.is_in_force(today)
    groups = [
        {
            "series": series,
            "label": series.label,
            "policies": [policy for policy in policies if policy.series == series],
        }
        for series in PolicySeries
    ]
    context = {
        "filter": filterset,
        "form": filterset.form,
        "groups": groups,
        "count": len(policies),
        "benefit_count": sum(len(policy.benefit_rows) for policy in policies),
        "filters_active": any(request.GET.get(name) for name in ("search", "status", "series")),
    }
    return render(request, "policies/policy_list.html", context)


@reader_required
@require_GET
def policy_detail(request, pk):
    """A policy, its benefits with their terms, and how many applications each has had."""
    policy = get_object_or_404(Policy.objects.prefetch_related(_benefits_prefetch()), pk=pk)
    benefits = _with_terms(list(policy.benefits.all()), Reference.load())
    figures = {
        row["benefit_id"]: row
        for row in PolicyApplication.objects.filter(benefit__policy=policy)
        .order_by()
        .values("benefit_id")
        .annotate(
            total=Count("id"),
            live=Count("id", filter=~Q(state__in=CLOSED_STATES)),
            amount=Sum("amount", filter=Q(state__in=("approved", "disbursed"))),
        )
    }
    for benefit in benefits:
        benefit.figures = figures.get(benefit.pk, {"total": 0, "live": 0, "amount": None})
    context = {
        "policy": policy,
        "benefits": benefits,
        "in_force": policy.is_in_force(),
    }
    return render(request, "policies/policy_detail.html", context)


@reader_required
@require_GET
def calculator(request):
    """Facts in, every benefit in force out: eligible or not, how much, in how many installments, and
    the reason for each criterion. Nothing is stored; the same engine judges real applications."""
    submitted = any(value for value in request.GET.values())
    form = CalculatorForm(request.GET if submitted else None)
    results, on = None, timezone.localdate()
    if submitted and form.is_valid():
        on = form.cleaned_data["on"] or on
        reference = Reference.load()
        try:
            attributes = attributes_from_data(form.attribute_data(), on=on, reference=reference)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            results = evaluate(attributes, on=on, reference=reference)
    eligible = [result for result in results or [] if result.eligible]
    context = {
        "form": form,
        "results": results,
        "on": on,
        "eligible_count": len(eligible),
        "eligible_total": sum((result.amount for result in eligible), start=0),
    }
    return render(request, "policies/calculator.html", context, status=400 if form.errors else 200)
