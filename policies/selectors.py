"""Reads of the policies app: funds with their figures, policies, applications, entitlements and the
service-request board. Each list runs a constant number of queries, whatever its length."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    MONEY,
    ZERO,
    ApplicationState,
    Benefit,
    Fund,
    FundMovement,
    MovementKind,
    Policy,
    PolicyApplication,
    ServiceRequest,
    ServiceState,
)

if TYPE_CHECKING:
    from .eligibility import BenefitResult

# How many requests each column of the service board shows (the counts are always complete): a
# column is read at a glance, and each card carries its step forms (50 a column took ~190 ms to
# render at district scale).
BOARD_LIMIT = 20


# --- Funds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundFigures:
    """A fund's money from its ledger: committed (approved, not yet paid), disbursed (paid),
    remaining (budget − committed − disbursed)."""

    budget: Decimal
    committed: Decimal
    disbursed: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed - self.disbursed


def _sum(kind: str):
    return Coalesce(
        Sum("movements__amount", filter=Q(movements__kind=kind)),
        Value(ZERO),
        output_field=DecimalField(**MONEY),
    )


def fund_figures(fund: Fund) -> FundFigures:
    """The fund's figures from its ledger, in one query."""
    sums = FundMovement.objects.filter(fund_id=fund.pk).figures()
    return FundFigures(
        budget=fund.budget,
        committed=sums["commit"] - sums["release"] - sums["disburse"],
        disbursed=sums["disburse"],
    )


def funds_with_figures(queryset: QuerySet | None = None) -> QuerySet:
    """Funds annotated with ``committed``, ``disbursed`` and ``remaining`` from the ledger: one
    aggregate query for the whole list (one join, conditional sums)."""
    queryset = queryset if queryset is not None else Fund.objects.all()
    return queryset.annotate(
        committed=_sum(MovementKind.COMMIT) - _sum(MovementKind.RELEASE) - _sum(MovementKind.DISBURSE),
        disbursed=_sum(MovementKind.DISBURSE),
    ).annotate(remaining=F("budget") - F("committed") - F("disbursed"))


def fund_list_with_figures(*, active_only: bool = False) -> QuerySet:
    """The funds page: newest year first, each with its figures."""
    queryset = Fund.objects.filter(is_active=True) if active_only else Fund.objects.all()
    return funds_with_figures(queryset).order_by("-year", "name")


def fund_movements(fund: Fund) -> QuerySet:
    """The fund's ledger, newest first, each line with its application's talent and benefit."""
    return (
        FundMovement.objects.filter(fund=fund)
        .select_related("application__talent", "application__benefit", "by")
        .order_by("-at", "-id")
    )


# --- Policies and benefits --------------------------------------------------------------------------


def policy_list(*, filters: dict | None = None) -> QuerySet:
    """Policies filtered by ``PolicyFilter``, each with its number of benefits."""
    from .filters import PolicyFilter

    base = Policy.objects.annotate(benefit_count=Count("benefits"))
    return PolicyFilter(filters or {}, queryset=base).qs


# --- Applications -----------------------------------------------------------------------------------


def application_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Applications for the list page, API and export, filtered by ``ApplicationFilter``; each row
    has its talent, benefit, policy, fund and owner, and ``disbursed`` (paid so far), in one query."""
    from .filters import ApplicationFilter

    base = (queryset if queryset is not None else PolicyApplication.objects.all()).for_list()
    return ApplicationFilter(filters or {}, queryset=base).qs


def application_state_totals(queryset: QuerySet | None = None) -> dict[str, dict]:
    """``{state: {"count": n, "amount": Σ amount}}`` for every state (zeros when none), in one query:
    the queue's tabs and, added up over the states shown, its totals row."""
    queryset = queryset if queryset is not None else PolicyApplication.objects.all()
    totals = {state: {"count": 0, "amount": Decimal("0")} for state in ApplicationState.values}
    for row in queryset.order_by().values("state").annotate(n=Count("id"), amount=Sum("amount")):
        totals[row["state"]] = {"count": row["n"], "amount": row["amount"] or Decimal("0")}
    return totals


def application_state_counts(queryset: QuerySet | None = None) -> dict[str, int]:
    """``{state: count}`` for every state (0 when none), in one query."""
    return {state: figures["count"] for state, figures in application_state_totals(queryset).items()}


@dataclass(frozen=True)
class ApplicationMoney:
    """An application's share of its fund's ledger."""

    amount: Decimal
    committed: Decimal
    disbursed: Decimal


def application_money(application: PolicyApplication) -> ApplicationMoney:
    """What of the application is committed and paid, from the ledger, in one query."""
    sums = FundMovement.objects.filter(application_id=application.pk).figures()
    return ApplicationMoney(
        amount=application.amount,
        committed=sums["commit"] - sums["release"] - sums["disburse"],
        disbursed=sums["disburse"],
    )


@dataclass
class Entitlement:
    """A benefit on the talent's panel: the engine's result (None for a benefit no longer in force
    that the talent applied for) and the talent's applications for it, newest first."""

    benefit: Benefit
    result: BenefitResult | None
    applications: list[PolicyApplication] = field(default_factory=list)

    @property
    def live_application(self) -> PolicyApplication | None:
        return next(
            (
                app
                for app in self.applications
                if app.state not in (ApplicationState.REJECTED, ApplicationState.WITHDRAWN)
            ),
            None,
        )


def talent_entitlements(talent, on: datetime.date | None = None) -> list[Entitlement]:
    """The talent-page panel: every benefit in force with the talent's result and applications,
    then the benefits the talent applied for that are no longer in force. Constant queries."""
    from .eligibility import evaluate_talent

    results = evaluate_talent(talent, on=on)
    applications = list(
        PolicyApplication.objects.filter(talent_id=talent.pk).for_list().order_by("-created_at", "-id")
    )
    entries = {result.benefit.pk: Entitlement(result.benefit, result) for result in results}
    for application in applications:
        entry = entries.setdefault(application.benefit_id, Entitlement(application.benefit, None))
        entry.applications.append(application)
    return list(entries.values())


# --- Service requests -------------------------------------------------------------------------------


def service_request_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Service requests filtered by ``ServiceRequestFilter``, with talent, owner and ``is_overdue``."""
    from .filters import ServiceRequestFilter

    base = (queryset if queryset is not None else ServiceRequest.objects.all()).for_list()
    return ServiceRequestFilter(filters or {}, queryset=base).qs


@dataclass(frozen=True)
class BoardColumn:
    state: str
    label: str
    count: int
    requests: list[ServiceRequest]


def service_requests_board(
    *, queryset: QuerySet | None = None, today: datetime.date | None = None, limit: int = BOARD_LIMIT
) -> list[BoardColumn]:
    """One column per state (open, in progress, resolved, cancelled) with its full count and its
    first ``limit`` requests: open ones by due date (overdue first, no date last), closed ones most
    recently closed first. Each request carries ``is_overdue``. Five queries."""
    today = today or timezone.localdate()
    queryset = queryset if queryset is not None else ServiceRequest.objects.all()
    counts = dict.fromkeys(ServiceState.values, 0)
    for row in queryset.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    columns = []
    for state in ServiceState:
        rows = queryset.filter(state=state).for_list(today)
        if state in (ServiceState.OPEN, ServiceState.IN_PROGRESS):
            rows = rows.order_by(F("due_on").asc(nulls_last=True), "id")
        else:
            rows = rows.order_by("-resolved_at", "-id")
        columns.append(BoardColumn(state, state.label, counts[state], list(rows[:limit])))
    return columns
