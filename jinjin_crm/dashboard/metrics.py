"""The leadership's figures: one definition each, which the dashboard, the targets ledger, the park
ranking, the weekly report and the API all evaluate.

A metric is defined by the list page that shows its records and the filters that list needs: the
records a figure counts *are* that list, filtered, so the figure's link returns exactly what it
counts. ``Metric.evaluate`` answers for many scopes at once — the district and every park in one
grouped query, the officers in another — so no page's query count grows with parks or officers.

Counting rules (see also docs/decisions.md, "Leadership figures"):

- projects introduced: new projects whose signing date falls in the period (a project is signed
  once, so it counts once, in that period, even if terminated later); expansions are records of
  their own holding only the added amount, so agreed investment counts each yuan once;
- talents onboarded: by their onboarding date; a merged pair is one record, so one count;
- campaign figures: the people recorded on the campaigns that start in the period (the funnel of
  the campaigns app);
- placements started: by the term's first day; active: terms overlapping the period;
- applications approved: decided in the period and still approved or paid; disbursed: payments
  made in the period (yuan);
- service requests overdue: as of today, whatever the period.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.filters import CampaignFilter, PlacementFilter
from campaigns.models import Campaign, Contact, Placement
from campaigns.selectors import funnel
from jinjin_crm.core.filters import day_bounds
from policies.filters import ApplicationFilter, ServiceRequestFilter
from policies.models import ApplicationState, FundMovement, MovementKind, PolicyApplication, ServiceRequest
from projects.filters import ProjectFilter
from projects.models import FundsArrival, InvestmentProject
from talents.filters import TalentFilter, TeamFilter
from talents.models import Mode, Talent, Team

from .periods import Period
from .scopes import DISTRICT, OFFICER, PARK, Scope

COUNT, WAN, YUAN = "count", "wan", "yuan"
UNIT_LABELS = {COUNT: _("count"), WAN: _("10k yuan"), YUAN: _("yuan")}
MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class MetricValue:
    metric: Metric
    scope: Scope
    period: Period
    value: Decimal | int

    @property
    def url(self) -> str:
        """The list of exactly the records this figure counts."""
        return self.metric.records_url(self.period, self.scope)


def _range(prefix: str, period: Period) -> dict:
    return {f"{prefix}_after": period.start.isoformat(), f"{prefix}_before": period.end.isoformat()}


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    url_name: str
    filterset: type
    model: type
    params: Callable[[Period], dict]
    description: str
    # The aggregate over the records, or a function of the records' queryset for figures that are
    # not a plain aggregate of the list's rows (a funnel, money in a ledger).
    aggregate: Callable[[Period], object] | None = None
    measure_records: Callable[[QuerySet, Period], Decimal | int] | None = None
    # The list's filter naming the park (by code) and the officer (by id), and the records' fields
    # they filter, for one grouped query per kind of scope. None: the scope does not apply.
    park_param: str | None = "park"
    park_field: str | None = None
    officer_param: str | None = None
    officer_field: str | None = None
    # True for figures "as of today" (the period does not change them).
    snapshot: bool = False
    scopes: tuple[str, ...] = field(default=(DISTRICT, PARK, OFFICER))

    def __post_init__(self):
        if (self.aggregate is None) == (self.measure_records is None):
            raise ImproperlyConfigured(f"Metric {self.code}: give exactly one of aggregate, measure_records")

    # --- The records ----------------------------------------------------------------------------

    def applies_to(self, scope: Scope) -> bool:
        if scope.kind == PARK:
            return self.park_param is not None
        if scope.kind == OFFICER:
            return self.officer_param is not None
        return True

    def query(self, period: Period, scope: Scope) -> dict:
        """The list's query parameters for the records of ``scope`` in ``period``."""
        params = dict(self.params(period))
        if scope.kind == PARK:
            params[self.park_param] = [scope.park.code]
        elif scope.kind == OFFICER:
            params[self.officer_param] = str(scope.officer.pk)
        return params

    def records_url(self, period: Period, scope: Scope) -> str:
        return f"{reverse(self.url_name)}?{urlencode(self.query(period, scope), doseq=True)}"

    def records(self, period: Period, scope: Scope) -> QuerySet:
        """The records the figure counts: the list's own FilterSet with the link's parameters."""
        filterset = self.filterset(self.query(period, scope), queryset=self.model._default_manager.all())
        if not filterset.is_valid():
            # A metric whose filters do not validate would silently count every row.
            raise ImproperlyConfigured(f"Metric {self.code}: invalid filters {filterset.errors.as_json()}")
        return filterset.qs.order_by()

    # --- The figure -----------------------------------------------------------------------------

    def measure(self, records: QuerySet, period: Period):
        if self.measure_records is not None:
            return self.measure_records(records, period)
        value = records.aggregate(value=self.aggregate(period))["value"]
        return self._zero() if value is None else value

    def _zero(self):
        return 0 if self.unit == COUNT else Decimal("0")

    def _grouped(self, records: QuerySet, group_field: str, period: Period) -> dict:
        rows = (
            records.values(group_field)
            .annotate(value=self.aggregate(period))
            .values_list(group_field, "value")
        )
        return {key: (value if value is not None else self._zero()) for key, value in rows}

    def evaluate(self, period: Period, scopes: list[Scope]) -> dict[str, MetricValue]:
        """The figure for each scope it applies to, keyed by ``scope.key``. One query for the district
        and the parks together (grouped by park) and one for the officers, where the metric can be
        grouped; otherwise one per scope."""
        scopes = [scope for scope in scopes if self.applies_to(scope)]
        results: dict[str, MetricValue] = {}

        def put(scope, value):
            results[scope.key] = MetricValue(self, scope, period, value)

        by_park = [s for s in scopes if s.kind in (DISTRICT, PARK)]
        if by_park and self.aggregate is not None and self.park_field and (len(by_park) > 1):
            grouped = self._grouped(self.records(period, Scope(DISTRICT)), self.park_field, period)
            for scope in by_park:
                if scope.kind == DISTRICT:
                    put(scope, sum(grouped.values(), self._zero()))
                else:
                    put(scope, grouped.get(scope.park.pk, self._zero()))
            scopes = [s for s in scopes if s.kind == OFFICER]
        officers = [s for s in scopes if s.kind == OFFICER]
        if len(officers) > 1 and self.aggregate is not None and self.officer_field:
            grouped = self._grouped(self.records(period, Scope(DISTRICT)), self.officer_field, period)
            for scope in officers:
                put(scope, grouped.get(scope.officer.pk, self._zero()))
            scopes = [s for s in scopes if s.kind != OFFICER]
        for scope in scopes:
            put(scope, self.measure(self.records(period, scope), period))
        return results

    def value(self, period: Period, scope: Scope) -> MetricValue:
        return self.evaluate(period, [scope])[scope.key]


# --- The figures ----------------------------------------------------------------------------------


def _new_projects(prefix: str):
    return lambda period: {**_range(prefix, period), "kind": InvestmentProject.Kind.NEW}


def _funds_arrived_aggregate(period: Period):
    arrived = (
        FundsArrival.objects.filter(
            project=OuterRef("pk"), period__range=(period.start.replace(day=1), period.end)
        )
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Sum(
        Coalesce(Subquery(arrived, output_field=MONEY_FIELD), Value(Decimal("0"))), output_field=MONEY_FIELD
    )


def _paid(records: QuerySet, period: Period):
    """Money paid in the period to the applications listed: one sum over the funds' ledger (a
    subquery per application cost 140 ms over 16,000 of them)."""
    since, until = day_bounds(period.start, period.end)
    total = FundMovement.objects.filter(
        kind=MovementKind.DISBURSE, at__gte=since, at__lt=until, application__in=records.values("pk")
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


# The funnels counted during one ``evaluate``: the consultations, intents and master's+ figures are
# steps of one funnel over the same campaigns, counted once (keyed by the campaigns' query).
_funnels: ContextVar[dict | None] = ContextVar("dashboard_funnels", default=None)


def _funnel_step(step: str):
    def measure(records: QuerySet, period: Period) -> int:
        memo = _funnels.get()
        key = str(records.query)
        if memo is None or key not in memo:
            counted = funnel(Contact.objects.filter(campaign__in=records.values("pk")))
            if memo is None:
                return getattr(counted, step)
            memo[key] = counted
        return getattr(memo[key], step)

    return measure


def _count(period: Period):
    return Count("id")


PROJECTS = {
    "url_name": "projects:project-list",
    "filterset": ProjectFilter,
    "model": InvestmentProject,
    "park_field": "park",
    "officer_param": "officer",
    "officer_field": "lead_officer",
}
TALENTS = {
    "url_name": "talents:talent-list",
    "filterset": TalentFilter,
    "model": Talent,
    "park_field": "employer_enterprise__park",
    "officer_param": "owner",
    "officer_field": "owner",
}
CAMPAIGNS = {
    "url_name": "campaigns:campaign-list",
    "filterset": CampaignFilter,
    "model": Campaign,
    "park_param": None,
    "officer_param": "officer",
}
PLACEMENTS = {
    "url_name": "campaigns:placement-list",
    "filterset": PlacementFilter,
    "model": Placement,
    "park_field": "host_enterprise__park",
}
APPLICATIONS = {
    "url_name": "policies:application-list",
    "filterset": ApplicationFilter,
    "model": PolicyApplication,
    "park_field": "talent__employer_enterprise__park",
    "officer_param": "owner",
    "officer_field": "owner",
}
APPROVED_STATES = [ApplicationState.APPROVED, ApplicationState.DISBURSED]


def _onboarded(**extra):
    return lambda period: {**_range("onboarded_on", period), **extra}


METRICS: tuple[Metric, ...] = (
    Metric(
        code="projects_introduced",
        label=_("Projects introduced"),
        unit=COUNT,
        params=_new_projects("signed_on"),
        aggregate=_count,
        description=_("New projects signed in the period, each counted once, in the period it was signed."),
        **PROJECTS,
    ),
    Metric(
        code="agreed_investment",
        label=_("Agreed investment"),
        unit=WAN,
        params=lambda period: _range("signed_on", period),
        aggregate=lambda period: Sum("agreed_investment"),
        description=_(
            "Agreed investment of the projects signed in the period; an expansion adds only its added amount."
        ),
        **PROJECTS,
    ),
    Metric(
        code="funds_arrived",
        label=_("Funds arrived"),
        unit=WAN,
        params=lambda period: _range("funds_arrived", period),
        aggregate=_funds_arrived_aggregate,
        description=_("Money actually arrived in the period's months."),
        **PROJECTS,
    ),
    Metric(
        code="projects_started",
        label=_("Projects started"),
        unit=COUNT,
        params=_new_projects("started_on"),
        aggregate=_count,
        description=_("New projects whose construction started in the period."),
        **PROJECTS,
    ),
    Metric(
        code="projects_operating",
        label=_("Projects in operation"),
        unit=COUNT,
        params=_new_projects("operating_on"),
        aggregate=_count,
        description=_("New projects that went into operation in the period."),
        **PROJECTS,
    ),
    Metric(
        code="talents_onboarded",
        label=_("Talents onboarded"),
        unit=COUNT,
        params=_onboarded(),
        aggregate=_count,
        description=_("Talents onboarded in the period (a merged record counts once)."),
        **TALENTS,
    ),
    Metric(
        code="phds_onboarded",
        label=_("PhDs onboarded"),
        unit=COUNT,
        params=_onboarded(degree=["DOCTOR"]),
        aggregate=_count,
        description=_("Talents with a doctorate onboarded in the period."),
        **TALENTS,
    ),
    Metric(
        code="masters_onboarded",
        label=_("Master's onboarded"),
        unit=COUNT,
        params=_onboarded(degree=["MASTER"]),
        aggregate=_count,
        description=_("Talents with a master's degree onboarded in the period."),
        **TALENTS,
    ),
    Metric(
        code="flexible_introduced",
        label=_("Flexible introductions"),
        unit=COUNT,
        params=_onboarded(mode=Mode.FLEXIBLE),
        aggregate=_count,
        description=_("Talents introduced flexibly (柔性引进) and onboarded in the period."),
        **TALENTS,
    ),
    Metric(
        code="teams_introduced",
        label=_("Talent-led teams"),
        unit=COUNT,
        url_name="talents:team-list",
        filterset=TeamFilter,
        model=Team,
        params=lambda period: _range("introduced_on", period),
        aggregate=_count,
        park_field="host_enterprise__park",
        description=_("Innovation teams introduced in the period."),
    ),
    Metric(
        code="consultations",
        label=_("Campaign consultations"),
        unit=COUNT,
        params=lambda period: _range("starts_on", period),
        measure_records=_funnel_step("consulted"),
        description=_("People met on the campaigns that start in the period."),
        **CAMPAIGNS,
    ),
    Metric(
        code="intents",
        label=_("Campaign intents"),
        unit=COUNT,
        params=lambda period: _range("starts_on", period),
        measure_records=_funnel_step("intents"),
        description=_("People with an intent (or signed) on the campaigns that start in the period."),
        **CAMPAIGNS,
    ),
    Metric(
        code="masters_intents",
        label=_("Master's+ intents"),
        unit=COUNT,
        params=lambda period: _range("starts_on", period),
        measure_records=_funnel_step("masters"),
        description=_(
            "Intents holding a master's degree or above, on the campaigns that start in the period."
        ),
        **CAMPAIGNS,
    ),
    Metric(
        code="placements_started",
        label=_("Placements started"),
        unit=COUNT,
        params=lambda period: _range("term_start", period),
        aggregate=_count,
        description=_("Tech vice-presidents whose term began in the period."),
        **PLACEMENTS,
    ),
    Metric(
        code="placements_active",
        label=_("Placements active"),
        unit=COUNT,
        params=lambda period: _range("serving", period),
        aggregate=_count,
        description=_("Tech vice-presidents serving at some time in the period."),
        **PLACEMENTS,
    ),
    Metric(
        code="applications_approved",
        label=_("Applications approved"),
        unit=COUNT,
        params=lambda period: {**_range("decided_on", period), "state": APPROVED_STATES},
        aggregate=_count,
        description=_("Policy applications approved in the period and not revoked since."),
        **APPLICATIONS,
    ),
    Metric(
        code="amount_disbursed",
        label=_("Amount disbursed"),
        unit=YUAN,
        params=lambda period: _range("paid_on", period),
        measure_records=_paid,
        description=_("Policy money paid out in the period, from every fund."),
        **APPLICATIONS,
    ),
    Metric(
        code="service_requests_overdue",
        label=_("Service requests overdue"),
        unit=COUNT,
        url_name="policies:service-board",
        filterset=ServiceRequestFilter,
        model=ServiceRequest,
        params=lambda period: {"overdue": "true"},
        aggregate=_count,
        park_field="talent__employer_enterprise__park",
        officer_param="owner",
        officer_field="owner",
        snapshot=True,
        description=_("Talent service requests past their due date and still open, as of today."),
    ),
)
METRIC_BY_CODE: dict[str, Metric] = {metric.code: metric for metric in METRICS}
METRIC_CHOICES = [(metric.code, metric.label) for metric in METRICS]


def metric(code: str) -> Metric:
    return METRIC_BY_CODE[code]


def evaluate(codes, period: Period, scopes: list[Scope]) -> dict[str, dict[str, MetricValue]]:
    """``{metric code: {scope key: MetricValue}}`` for the metrics named, in a number of queries that
    depends on the metrics only (two at most per metric), never on the scopes."""
    token = _funnels.set({})
    try:
        return {code: METRIC_BY_CODE[code].evaluate(period, scopes) for code in codes}
    finally:
        _funnels.reset(token)
