"""Reads of the projects app, shared by pages, API, exports and the dashboard."""

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from .filters import DemandFilter, EnterpriseFilter, ProjectFilter
from .models import Enterprise, InvestmentProject, TalentDemand


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
