"""Reads of the campaigns app: lists, the recruiting funnel, a trip's yield, universities and
placements.

The funnel counts contacts, one stage including the ones after it:

- consulted: every person met (a contact is at least a consultation);
- intent: outcome intent or signed;
- master's or above: the intents whose degree at the time ranks at least 硕士;
- signed: outcome signed;
- onboarded: contacts whose talent has since been onboarded (later, through the talents pipeline).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jinjin_crm.core.models import Degree
from projects.models import Stage as ProjectStage
from talents.models import Stage as TalentStage
from talents.models import Talent

from .models import (
    Campaign,
    CampaignProject,
    Contact,
    Outcome,
    Partnership,
    Placement,
    PlacementBatch,
    PlacementOutcome,
    University,
)

MASTER_CODE = "MASTER"
SIGNED_PROJECT_STAGES = (
    ProjectStage.SIGNED,
    ProjectStage.STARTED,
    ProjectStage.OPERATING,
    ProjectStage.AT_CAPACITY,
)
FUNNEL_STEPS = ("consulted", "intents", "masters", "signed", "onboarded")
# The step each rate is taken of. Master's+ and signed are both shares of the intents (a signed
# contact need not hold a master's degree, so signed is not a share of master's+).
RATE_BASE = {"intents": "consulted", "masters": "intents", "signed": "intents", "onboarded": "signed"}


@dataclass(frozen=True)
class Funnel:
    consulted: int = 0
    intents: int = 0
    masters: int = 0
    signed: int = 0
    onboarded: int = 0

    @property
    def steps(self) -> list[tuple[str, int]]:
        return [(name, getattr(self, name)) for name in FUNNEL_STEPS]

    def rate(self, step: str) -> float | None:
        """The share of its base step (``RATE_BASE``) that reached ``step``; None for the first step
        or when the base is empty."""
        base = getattr(self, RATE_BASE[step]) if step in RATE_BASE else 0
        return getattr(self, step) / base if base else None

    def as_dict(self) -> dict[str, int]:
        return dict(self.steps)


def _master_rank():
    return Subquery(Degree.objects.filter(code=MASTER_CODE).values("rank")[:1])


INTENT_OR_SIGNED = Q(outcome__in=[Outcome.INTENT, Outcome.SIGNED])


def funnel_aggregates() -> dict:
    """The funnel as aggregate expressions over contacts, joining their degree and talent (the
    cheapest shape for a few campaigns' contacts: a page's rows, one campaign, a grouping)."""
    return {
        "consulted": Count("id"),
        "intents": Count("id", filter=INTENT_OR_SIGNED),
        "masters": Count("id", filter=INTENT_OR_SIGNED & Q(degree__rank__gte=_master_rank())),
        "signed": Count("id", filter=Q(outcome=Outcome.SIGNED)),
        "onboarded": Count("id", filter=Q(talent__stage=TalentStage.ONBOARDED)),
    }


def funnel_aggregates_many() -> dict:
    """The same funnel for hundreds of thousands of contacts: master's and onboarded as semi-joins
    against the few degrees and onboarded talents (hashed once) instead of joining every contact to
    its talent — about three times faster over 300,000 contacts."""
    masters = Degree.objects.filter(rank__gte=_master_rank()).values("pk")
    onboarded = Talent.objects.filter(stage=TalentStage.ONBOARDED).values("pk")
    return {
        **funnel_aggregates(),
        "masters": Count("id", filter=INTENT_OR_SIGNED & Q(degree_id__in=masters)),
        "onboarded": Count("id", filter=Q(talent_id__in=onboarded)),
    }


def _ordered(queryset: QuerySet) -> QuerySet:
    """``queryset`` in its model's default order unless it has one: Django leaves ``Meta.ordering``
    out of a query with aggregates (GROUP BY), and a list page must not come back in any order."""
    return queryset if queryset.query.order_by else queryset.order_by(*queryset.model._meta.ordering)


def funnel(contacts: QuerySet | None = None) -> Funnel:
    """The funnel of ``contacts`` (default: every contact), in one query."""
    contacts = contacts if contacts is not None else Contact.objects.all()
    return Funnel(**contacts.aggregate(**funnel_aggregates_many()))


def campaign_funnel(campaign: Campaign) -> Funnel:
    return funnel(Contact.objects.filter(campaign=campaign))


GROUPS = {
    "campaign": ("campaign_id", "campaign__title"),
    "university": ("campaign__university_id", "campaign__university__name"),
    "season": ("campaign__season", "campaign__season"),
    "kind": ("campaign__kind", "campaign__kind"),
}


@dataclass(frozen=True)
class FunnelRow:
    key: object
    label: str
    funnel: Funnel


def funnels_by(group: str, *, contacts: QuerySet | None = None) -> list[FunnelRow]:
    """The funnel per campaign, university, season or kind, in one query, largest first."""
    key, label = GROUPS[group]
    contacts = contacts if contacts is not None else Contact.objects.all()
    if group == "university":
        contacts = contacts.filter(campaign__university__isnull=False)
    rows = contacts.order_by().values(key, label).annotate(**funnel_aggregates()).order_by("-consulted", key)
    return [
        FunnelRow(
            key=row[key],
            label=row[label],
            funnel=Funnel(**{name: row[name] for name in FUNNEL_STEPS}),
        )
        for row in rows
    ]


# --- Campaign lists -----------------------------------------------------------------------------


def campaign_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Campaigns for the list page, API and export, each with its funnel counted in the same query."""
    from .filters import CampaignFilter

    base = (queryset if queryset is not None else Campaign.objects.all()).for_list()
    return _ordered(CampaignFilter(filters or {}, queryset=base).qs.annotate(**funnel_subqueries()))


def funnel_subqueries() -> dict:
    """The funnel of each campaign as one correlated subquery per step (over the campaign's contacts).

    Not a join with GROUP BY: that counts every contact of every campaign the filters keep before the
    page is cut (300,000 contacts for a page of 20 at district scale, ~0.5 s). A subquery in the
    select list is evaluated for the page's rows only, each through the contacts' campaign index."""
    contacts = Contact.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
    return {
        name: Coalesce(Subquery(contacts.annotate(n=aggregate).values("n")), 0)
        for name, aggregate in funnel_aggregates().items()
    }


def campaigns_in_month(*, year: int, month: int, queryset: QuerySet | None = None) -> dict:
    """The calendar of a month: ``{"weeks": [[day or None, …] × 7], "by_day": {date: [campaign]}}``.

    A campaign shows on every day it runs within the month. One query.
    """
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    campaigns = (queryset if queryset is not None else Campaign.objects.all()).for_list()
    campaigns = list(campaigns.filter(starts_on__lte=last, ends_on__gte=first).order_by("starts_on", "id"))
    by_day: dict[datetime.date, list[Campaign]] = {}
    for campaign in campaigns:
        day = max(campaign.starts_on, first)
        while day <= min(campaign.ends_on, last):
            by_day.setdefault(day, []).append(campaign)
            day += datetime.timedelta(days=1)
    weeks = [
        [datetime.date(year, month, day) if day else None for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
    ]
    return {"first": first, "weeks": weeks, "by_day": by_day, "campaigns": campaigns}


def campaign_contacts(campaign: Campaign, *, outcome: str | None = None) -> QuerySet:
    contacts = Contact.objects.filter(campaign=campaign).select_related(
        "talent", "talent__highest_degree", "talent__owner", "degree"
    )
    if outcome:
        contacts = contacts.filter(outcome=outcome)
    return contacts.order_by("-outcome", "-id")


@dataclass(frozen=True)
class TripYield:
    projects: int
    signed: int
    agreed_investment: Decimal  # 万元, of the signed ones


def trip_yield(campaign: Campaign) -> TripYield:
    """What a promotion trip brought: projects met, how many signed (or went further), and the
    investment they agreed (万元), in one query."""
    return trip_yields([campaign.pk])[campaign.pk]


def campaign_projects(campaign: Campaign) -> QuerySet:
    return (
        CampaignProject.objects.filter(campaign=campaign)
        .select_related("project__park", "project__industry", "project__lead_officer")
        .order_by("-project__agreed_investment", "id")
    )


# --- Universities -------------------------------------------------------------------------------


def university_list(*, filters: dict | None = None) -> QuerySet:
    """Universities with how many campaigns were held there, how many people were met, their current
    partnerships, and how many talents on record studied there (matched by name)."""
    from .filters import UniversityFilter

    today = timezone.localdate()
    # Correlated subqueries rather than joins with GROUP BY: only the page's rows are counted, and the
    # talents by ``talent_university_idx`` alone (COUNT of the indexed column: an index-only scan).
    talents = (
        Talent.objects.filter(university=OuterRef("name"))
        .order_by()
        .values("university")
        .annotate(n=Count("university"))
    )
    campaigns = (
        Campaign.objects.filter(university=OuterRef("pk"))
        .order_by()
        .values("university")
        .annotate(n=Count("id"))
    )
    current = Partnership.objects.filter(university=OuterRef("pk")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    current = current.order_by().values("university").annotate(n=Count("id"))
    base = University.objects.annotate(
        campaign_count=Coalesce(Subquery(campaigns.values("n")), 0),
        current_partnerships=Coalesce(Subquery(current.values("n")), 0),
        talent_count=Coalesce(Subquery(talents.values("n")), 0),
    )
    return _ordered(UniversityFilter(filters or {}, queryset=base).qs)


def university_talents(university: University) -> QuerySet:
    return Talent.objects.filter(university=university.name).for_list()


# --- Placements ---------------------------------------------------------------------------------


def placement_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Placements for the list page, API and export, with their outcomes counted (one query)."""
    from .filters import PlacementFilter

    base = (queryset if queryset is not None else Placement.objects.all()).for_list()
    # Subqueries, as for the campaigns' funnels: only the page's placements have their outcomes counted.
    outcomes = PlacementOutcome.objects.filter(placement=OuterRef("pk")).order_by().values("placement")
    money = DecimalField(max_digits=16, decimal_places=2)
    return _ordered(PlacementFilter(filters or {}, queryset=base).qs).annotate(
        outcome_count=Coalesce(Subquery(outcomes.annotate(n=Count("id")).values("n")), 0),
        patents=Coalesce(Subquery(outcomes.filter(kind="patent").annotate(n=Count("id")).values("n")), 0),
        revenue=Coalesce(
            Subquery(
                outcomes.filter(kind="revenue").annotate(n=Sum("amount")).values("n"), output_field=money
            ),
            Value(Decimal("0")),
            output_field=money,
        ),
    )


def batch_summaries() -> list[PlacementBatch]:
    """Every batch with its number of placements and how many serve today, in one query."""
    today = timezone.localdate()
    serving = Q(placements__term_start__lte=today, placements__term_end__gte=today) & (
        Q(placements__ended_on__isnull=True) | Q(placements__ended_on__gt=today)
    )
    return list(
        PlacementBatch.objects.annotate(
            placement_count=Count("placements"), serving=Count("placements", filter=serving)
        ).order_by("number")
    )


def placement_outcome_totals(placement: Placement) -> dict:
    """Per kind of outcome: how many, and the amount (万元) where it has one."""
    rows = placement.outcomes.order_by().values("kind").annotate(count=Count("id"), amount=Sum("amount"))
    return {row["kind"]: row for row in rows}


# --- Trip yields of many campaigns at once (list pages, the API, exports) ----------------------


def trip_yields(campaign_ids) -> dict[int, TripYield]:
    """The yield of each campaign in ``campaign_ids`` in one query (a list page, an export), so
    promotion trips never cost a query per row. Campaigns that yielded nothing are there too, with
    zeros."""
    ids = set(campaign_ids)
    yields = {pk: TripYield(projects=0, signed=0, agreed_investment=Decimal("0")) for pk in ids}
    if not ids:
        return yields
    signed = Q(project__stage__in=SIGNED_PROJECT_STAGES)
    rows = (
        CampaignProject.objects.filter(campaign_id__in=ids)
        .order_by()
        .values("campaign_id")
        .annotate(
            projects=Count("id"),
            signed=Count("id", filter=signed),
            agreed=Coalesce(
                Sum("project__agreed_investment", filter=signed),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
        )
    )
    for row in rows:
        yields[row["campaign_id"]] = TripYield(
            projects=row["projects"], signed=row["signed"], agreed_investment=row["agreed"]
        )
    return yields


# --- Totals of the list pages ------------------------------------------------------------------


def campaign_totals(queryset: QuerySet) -> dict:
    """How many campaigns ``queryset`` holds and their funnels added up (``count`` and the funnel
    steps), in two queries."""
    contacts = Contact.objects.filter(campaign__in=queryset.order_by().values("pk")).order_by()
    return {"count": queryset.order_by().count(), **contacts.aggregate(**funnel_aggregates_many())}


def placement_totals(queryset: QuerySet) -> dict:
    """How many placements ``queryset`` holds and their outcomes so far: how many, the patents among
    them, and the revenue they enabled (万元), in one query."""
    return queryset.order_by().aggregate(
        count=Count("id", distinct=True),
        outcome_count=Count("outcomes"),
        patents=Count("outcomes", filter=Q(outcomes__kind="patent")),
        revenue=Coalesce(
            Sum("outcomes__amount", filter=Q(outcomes__kind="revenue")),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
    )
