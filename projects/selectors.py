"""Reads of the projects app, shared by pages, API, exports and the dashboard."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from .filters import DemandFilter, EnterpriseFilter, ProjectFilter
from .models import Enterprise, FundsArrival, InvestmentProject, TalentDemand


def project_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Projects for the ledger (page, API, export), filtered by ``ProjectFilter``; invalid filters are
    ignored here, and reported by the callers that show them (the FilterSet's form or the API)."""
    base = (queryset if queryset is not None else InvestmentProject.objects.all()).for_ledger()
    return ProjectFilter(filters or {}, queryset=base).qs


def project_totals(queryset: QuerySet) -> dict:
    """Count and sum of agreed investment of exactly the rows ``queryset`` holds, in one query."""
    totals = queryset.order_by().aggregate(count=Count("id"), agreed_investment=Sum("agreed_investment"))
    totals["agreed_investment"] = totals["agreed_investment"] or Decimal("0")
    return totals


def enterprise_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    base = (queryset if queryset is not None else Enterprise.objects.all()).select_related("park", "industry")
    return EnterpriseFilter(filters or {}, queryset=base).qs


def demand_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    base = (queryset if queryset is not None else TalentDemand.objects.all()).for_list()
    return DemandFilter(filters or {}, queryset=base).qs


def projects_signed_between(*, start, end, queryset: QuerySet | None = None) -> dict:
    """Projects introduced in a period, as leadership counts them.

    A project counts once, in the period of its signing date; an expansion is its own record holding
    only the added amount, so the sum never counts a yuan twice. Terminated projects that had been
    signed still count: they were introduced in that period.
    """
    base = queryset if queryset is not None else InvestmentProject.objects.all()
    signed = base.filter(signed_on__range=(start, end))
    totals = signed.order_by().aggregate(
        count=Count("id", filter=Q(kind=InvestmentProject.Kind.NEW)),
        expansions=Count("id", filter=Q(kind=InvestmentProject.Kind.EXPANSION)),
        agreed_investment=Sum("agreed_investment"),
    )
    totals["agreed_investment"] = totals["agreed_investment"] or Decimal("0")
    return totals


def funds_arrived_between(*, start, end, queryset: QuerySet | None = None) -> Decimal:
    """Funds actually arrived (到位资金) in the months from ``start`` to ``end``."""
    base = queryset if queryset is not None else InvestmentProject.objects.all()
    total = FundsArrival.objects.filter(
        project__in=base, period__range=(start.replace(day=1), end)
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")
