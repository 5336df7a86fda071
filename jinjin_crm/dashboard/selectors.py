"""Reads of the leadership pages, the weekly report and the API.

Everything here returns plain data (numbers, codes, dates, URLs), never labels: the figures are
cached for ``FIGURES_TTL`` seconds and shown in the reader's language. The cache is invalidated by
time alone: no figure is older than the last write by more than ``FIGURES_TTL`` seconds.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Coalesce, Lag, TruncMonth
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Contact
from campaigns.selectors import funnel
from jinjin_crm.core.models import Activity, IndustryChain, Park, StageChange, User
from jinjin_crm.core.roles import Role
from jinjin_crm.matching.models import Match, MatchStatus
from projects.filters import DEMANDS_DUE_DAYS
from projects.models import OPEN_STAGES as PROJECT_OPEN_STAGES
from projects.models import DemandStatus, InvestmentProject, TalentDemand
from projects.models import Stage as ProjectStage
from talents.models import Stage as TalentStage
from talents.models import Talent

from . import metrics as metric_defs
from .models import RankingWeight, Target
from .periods import MONTH, WEEK, Period
from .scopes import Scope, district, officer_scope, park_scope, ranked_parks
from .targets import progress, targets_for

FIGURES_TTL = 60
# The dashboard's tiles, in rows a leader reads left to right.
TILE_GROUPS = (
    (
        "investment",
        (
            "projects_introduced",
            "agreed_investment",
            "funds_arrived",
            "projects_started",
            "projects_operating",
        ),
    ),
    (
        "talent",
        (
            "talents_onboarded",
            "phds_onboarded",
            "masters_onboarded",
            "flexible_introduced",
            "teams_introduced",
        ),
    ),
    ("campaigns", ("consultations", "intents", "masters_intents", "placements_started", "placements_active")),
    ("policies", ("applications_approved", "amount_disbursed", "service_requests_overdue")),
)
TILE_CODES = tuple(code for _group, codes in TILE_GROUPS for code in codes)
COLD_AFTER_DAYS = 30


def _list_url(url_name: str, **params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "", [])}
    return f"{reverse(url_name)}?{urlencode(params, doseq=True)}" if params else reverse(url_name)


def _range(prefix: str, start: datetime.date, end: datetime.date) -> dict:
    return {f"{prefix}_after": start.isoformat(), f"{prefix}_before": end.isoformat()}


def _cached(key: str, compute):
    """``compute()`` once per ``FIGURES_TTL`` seconds for ``key`` (and the day, so "as of today"
    figures turn over at midnight)."""
    key = f"dashboard:v1:{timezone.localdate().isoformat()}:{key}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FIGURES_TTL)
    return value


def _change(current, previous) -> Decimal | None:
    """The change against the same period last year, as a share (0.25 = +25 %); None from zero."""
    if not previous:
        return None
    return (Decimal(current) - Decimal(previous)) / Decimal(previous)


# --- KPI tiles ------------------------------------------------------------------------------------


def kpi_tiles(period: Period, park: Park | None = None) -> list[dict]:
    """One tile per dashboard metric for the district or one park: the value, the link to its
    records, the target and progress, and last year's value for the same period."""
    return _cached(f"tiles:{period.code}:{park.code if park else ''}", lambda: _kpi_tiles(period, park))


def _kpi_tiles(period: Period, park: Park | None) -> list[dict]:
    scope = park_scope(park) if park else district()
    current = metric_defs.evaluate(TILE_CODES, period, [scope])
    year_ago = metric_defs.evaluate(
        [code for code in TILE_CODES if not metric_defs.metric(code).snapshot], period.year_ago(), [scope]
    )
    targets = targets_for(period, [scope])
    tiles = []
    for group, codes in TILE_GROUPS:
        for code in codes:
            value = current[code].get(scope.key)
            if value is None:  # the metric does not apply to a park
                continue
            previous = year_ago.get(code, {}).get(scope.key)
            target = targets.get((code, scope.key))
            state = progress(value.value, target, period)
            tiles.append(
                {
                    "group": group,
                    "code": code,
                    "value": value.value,
                    "url": value.url,
                    "target": target,
                    "done_percent": state.done_percent,
                    "flag": state.flag,
                    "previous": previous.value if previous else None,
                    "change": _change(value.value, previous.value) if previous else None,
                }
            )
    return tiles


# --- Charts ---------------------------------------------------------------------------------------


def trend_months(period: Period) -> list[datetime.date]:
    """The months a trend chart shows: the period's own, or the twelve up to a month or a week."""
    if period.kind in (MONTH, WEEK):
        last = period.end.replace(day=1)
        months = [last]
        while len(months) < 12:
            months.insert(0, (months[0] - datetime.timedelta(days=1)).replace(day=1))
        return months
    return period.months()


def _month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def charts(period: Period, park: Park | None = None) -> dict:
    return _cached(f"charts:{period.code}:{park.code if park else ''}", lambda: _charts(period, park))


def _charts(period: Period, park: Park | None) -> dict:
    park_code = park.code if park else None
    months = trend_months(period)
    first, last = months[0], _month_end(months[-1])

    projects = InvestmentProject.objects.all()
    talents = Talent.objects.all()
    if park:
        projects = projects.filter(park=park)
        talents = talents.filter(employer_enterprise__park=park)

    signed = {
        row["month"]: row
        for row in projects.filter(signed_on__range=(first, last))
        .annotate(month=TruncMonth("signed_on"))
        .values("month")
        .annotate(investment=Sum("agreed_investment"), count=Count("id", filter=Q(kind="new")))
        .order_by()
    }
    onboarded = {
        row["month"]: row["count"]
        for row in talents.filter(onboarded_on__range=(first, last))
        .annotate(month=TruncMonth("onboarded_on"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by()
    }
    trend = [
        {
            "month": month,
            "investment": (signed.get(month) or {}).get("investment") or Decimal("0"),
            "projects": (signed.get(month) or {}).get("count") or 0,
            "talents": onboarded.get(month, 0),
            "investment_url": _list_url(
                "projects:project-list", park=park_code, **_range("signed_on", month, _month_end(month))
            ),
            "talents_url": _list_url(
                "talents:talent-list", park=park_code, **_range("onboarded_on", month, _month_end(month))
            ),
        }
        for month in months
    ]

    project_stages = dict(projects.values_list("stage").annotate(n=Count("id")).order_by())
    talent_stages = dict(talents.values_list("stage").annotate(n=Count("id")).order_by())
    pipeline = {
        "projects": [
            {
                "stage": stage,
                "count": project_stages.get(stage, 0),
                "url": _list_url("projects:project-list", stage=[stage], park=park_code),
            }
            for stage in ProjectStage.values
        ],
        "talents": [
            {
                "stage": stage,
                "count": talent_stages.get(stage, 0),
                "url": _list_url("talents:talent-list", stage=[stage], park=park_code),
            }
            for stage in TalentStage.values
        ],
    }

    campaigns = Campaign.objects.filter(starts_on__range=(period.start, period.end))
    campaign_funnel = funnel(Contact.objects.filter(campaign__in=campaigns.values("pk")))
    campaign_url = _list_url("campaigns:campaign-list", **_range("starts_on", period.start, period.end))

    industries = list(IndustryChain.objects.filter(is_active=True).values_list("pk", "code"))
    parks = list(Park.objects.filter(is_active=True).values_list("pk", "code"))
    period_signed = projects.filter(signed_on__range=(period.start, period.end))
    by_industry = dict(
        period_signed.values_list("industry").annotate(total=Sum("agreed_investment")).order_by()
    )
    demands = TalentDemand.objects.filter(status=DemandStatus.OPEN)
    if park:
        demands = demands.filter(park=park)
    demand_industry = Coalesce("project__industry", "enterprise__industry")
    demands_by_industry = dict(
        demands.annotate(chain=demand_industry).values_list("chain").annotate(n=Sum("headcount")).order_by()
    )
    signed_range = _range("signed_on", period.start, period.end)
    industry_rows = [
        {
            "code": code,
            "investment": by_industry.get(pk) or Decimal("0"),
            "headcount": demands_by_industry.get(pk) or 0,
            "investment_url": _list_url(
                "projects:project-list", industry=[code], park=park_code, **signed_range
            ),
            "demands_url": _list_url(
                "projects:demand-list", industry=[code], status=["open"], park=park_code
            ),
        }
        for pk, code in industries
    ]
    by_park = dict(
        InvestmentProject.objects.filter(signed_on__range=(period.start, period.end))
        .values_list("park")
        .annotate(total=Sum("agreed_investment"))
        .order_by()
    )
    demands_by_park = dict(
        TalentDemand.objects.filter(status=DemandStatus.OPEN)
        .values_list("park")
        .annotate(n=Sum("headcount"))
        .order_by()
    )
    park_rows = [
        {
            "code": code,
            "investment": by_park.get(pk) or Decimal("0"),
            "headcount": demands_by_park.get(pk) or 0,
            "investment_url": _list_url("projects:project-list", park=[code], **signed_range),
            "demands_url": _list_url("projects:demand-list", park=[code], status=["open"]),
        }
        for pk, code in parks
        if by_park.get(pk) or demands_by_park.get(pk)
    ]
    return {
        "trend": trend,
        "pipeline": pipeline,
        "funnel": {**campaign_funnel.as_dict(), "url": campaign_url},
        "industries": [row for row in industry_rows if row["investment"] or row["headcount"]],
        "parks": park_rows,
        "stage_days": {
            "projects": stage_days(InvestmentProject, period, park=park, park_field="park"),
            "talents": stage_days(Talent, period, park=park, park_field="employer_enterprise__park"),
        },
    }


def stage_days(model, period: Period, *, park: Park | None = None, park_field: str = "park") -> list[dict]:
    """The median number of days the records of ``model`` spent in each stage they left during the
    period: the time from the move into the stage to the move out of it, from the stage history.
    One query: the history of the records that moved in the period, with each move's previous one."""
    content_type = ContentType.objects.get_for_model(model)
    moved = StageChange.objects.filter(
        content_type=content_type, changed_at__date__range=(period.start, period.end)
    )
    if park is not None:
        moved = moved.filter(object_id__in=model.objects.filter(**{park_field: park}).values("pk"))
    history = (
        StageChange.objects.filter(content_type=content_type, object_id__in=moved.values("object_id"))
        .annotate(
            entered_at=Window(
                Lag("changed_at"), partition_by=[F("object_id")], order_by=F("changed_at").asc()
            )
        )
        .order_by()
        .values_list("from_stage", "changed_at", "entered_at")
    )
    start, end = period.start, period.end
    days = defaultdict(list)
    for from_stage, changed_at, entered_at in history:
        if entered_at is None or not from_stage:
            continue
        if start <= timezone.localtime(changed_at).date() <= end:
            days[from_stage].append((changed_at - entered_at).total_seconds() / 86400)
    url_name = "projects:project-list" if model is InvestmentProject else "talents:talent-list"
    stages = ProjectStage.values if model is InvestmentProject else TalentStage.values
    return [
        {
            "stage": stage,
            "median_days": round(statistics.median(days[stage]), 1),
            "moves": len(days[stage]),
            "url": _list_url(url_name, stage=[stage], park=park.code if park else None),
        }
        for stage in stages
        if days.get(stage)
    ]


# --- Targets ledger -------------------------------------------------------------------------------


def ledger_scopes(period: Period) -> list[Scope]:
    """The district, the four parks, and every officer with a target in the period."""
    officer_ids = Target.objects.filter(period=period.code, officer__isnull=False).values("officer_id")
    officers = User.objects.filter(pk__in=officer_ids).order_by("username")
    return [district(), *(park_scope(p) for p in ranked_parks()), *(officer_scope(o) for o in officers)]


def targets_ledger(period: Period, today: datetime.date | None = None) -> dict:
    """Every metric × scope of the ledger with its target, actual, % done and flag; a bounded number
    of queries (two per metric at most, whatever the number of parks and officers)."""
    scopes = ledger_scopes(period)
    values = metric_defs.evaluate([m.code for m in metric_defs.METRICS], period, scopes)
    targets = targets_for(period, scopes)
    rows = []
    for metric in metric_defs.METRICS:
        cells = []
        for scope in scopes:
            value = values[metric.code].get(scope.key)
            if value is None:
                cells.append(None)
                continue
            target = targets.get((metric.code, scope.key))
            state = progress(value.value, target, period, today)
            cells.append(
                {
                    "scope": scope,
                    "value": value.value,
                    "url": value.url,
                    "target": target,
                    "done_percent": state.done_percent,
                    "flag": state.flag,
                }
            )
        rows.append({"metric": metric, "cells": cells})
    return {
        "scopes": scopes,
        "rows": rows,
        "elapsed_percent": Decimal(str(round(period.elapsed_share(today) * 100, 1))),
    }


# --- Park ranking ---------------------------------------------------------------------------------


def park_ranking(period: Period) -> dict:
    """The parks ranked on their weighted achievement of their targets, with each score's components
    and the rank change against the previous period.

    A component is ``min(actual / target, cap) × weight``; the score is the sum of the components
    over the sum of the weights of the metrics that have a target, × 100. A metric without a target
    for a park leaves that park's score (it is listed as "no target"). Ties share a rank.
    """
    weights = list(RankingWeight.objects.filter(weight__gt=0))
    current = _ranking(period, weights)
    previous = _ranking(period.previous(), weights)
    previous_rank = {row["park"].pk: row["rank"] for row in previous["rows"]}
    for row in current["rows"]:
        before = previous_rank.get(row["park"].pk)
        row["previous_rank"] = before
        row["rank_change"] = None if before is None or row["rank"] is None else before - row["rank"]
    return {**current, "previous_period": period.previous(), "weights": weights}


def _ranking(period: Period, weights: list[RankingWeight]) -> dict:
    parks = ranked_parks()
    scopes = [park_scope(park) for park in parks]
    codes = [weight.metric for weight in weights if weight.metric in metric_defs.METRIC_BY_CODE]
    values = metric_defs.evaluate(codes, period, scopes)
    targets = targets_for(period, scopes)
    rows = []
    for park, scope in zip(parks, scopes, strict=True):
        components, weighted, weight_sum = [], Decimal("0"), Decimal("0")
        for weight in weights:
            if weight.metric not in values or scope.key not in values[weight.metric]:
                continue
            actual = Decimal(values[weight.metric][scope.key].value)
            unit = metric_defs.metric(weight.metric).unit
            target = targets.get((weight.metric, scope.key))
            if target is None:
                components.append(
                    {
                        "weight": weight,
                        "unit": unit,
                        "actual": actual,
                        "target": None,
                        "achievement": None,
                        "points": None,
                    }
                )
                continue
            achievement = min(Decimal("1") if target == 0 else actual / target, weight.cap)
            points = achievement * weight.weight
            weighted += points
            weight_sum += weight.weight
            components.append(
                {
                    "weight": weight,
                    "unit": unit,
                    "actual": actual,
                    "target": target,
                    "achievement": achievement,
                    "points": points,
                    "url": values[weight.metric][scope.key].url,
                }
            )
        score = (weighted / weight_sum * 100).quantize(Decimal("0.1")) if weight_sum else None
        rows.append({"park": park, "score": score, "components": components})
    rows.sort(key=lambda row: (row["score"] is None, -(row["score"] or 0), row["park"].sort_order))
    rank, last_score = 0, object()
    for index, row in enumerate(rows, start=1):
        if row["score"] is None:
            row["rank"] = None
            continue
        if row["score"] != last_score:
            rank, last_score = index, row["score"]
        row["rank"] = rank
    return {"period": period, "rows": rows}


# --- Officer scorecard ----------------------------------------------------------------------------


def officers() -> list[User]:
    return list(User.objects.filter(groups__name=Role.OFFICER, is_active=True).order_by("username"))


def officer_scorecard(period: Period, today: datetime.date | None = None) -> list[dict]:
    """Per officer: activities logged and visits among them, projects moved, talents signed and
    onboarded in the period; follow-ups overdue and records going cold as of today. Seven grouped
    queries, whatever the number of officers."""
    today = today or timezone.localdate()
    people = officers()
    ids = [person.pk for person in people]
    start, end = period.start, period.end
    logged = (
        Activity.objects.filter(officer_id__in=ids, occurred_at__date__range=(start, end))
        .exclude(channel=Activity.Channel.SYSTEM)
        .values_list("officer_id")
        .annotate(total=Count("id"), visits=Count("id", filter=Q(channel=Activity.Channel.VISIT)))
        .order_by()
    )
    activities = {officer_id: (total, visits) for officer_id, total, visits in logged}
    project_type = ContentType.objects.get_for_model(InvestmentProject)
    moved = dict(
        StageChange.objects.filter(
            content_type=project_type, changed_by_id__in=ids, changed_at__date__range=(start, end)
        )
        .values_list("changed_by_id")
        .annotate(n=Count("object_id", distinct=True))
        .order_by()
    )
    talents = Talent.objects.filter(owner_id__in=ids)
    signed = dict(
        talents.filter(signed_on__range=(start, end))
        .values_list("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    onboarded = dict(
        talents.filter(onboarded_on__range=(start, end))
        .values_list("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    overdue = dict(
        Activity.objects.follow_ups_open()
        .filter(officer_id__in=ids, next_follow_up_on__lt=today)
        .values_list("officer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    cold = _cold_counts(ids, today)
    rows = []
    for person in people:
        total, visits = activities.get(person.pk, (0, 0))
        rows.append(
            {
                "officer": person,
                "activities": total,
                "visits": visits,
                "projects_moved": moved.get(person.pk, 0),
                "talents_signed": signed.get(person.pk, 0),
                "talents_onboarded": onboarded.get(person.pk, 0),
                "follow_ups_overdue": overdue.get(person.pk, 0),
                "going_cold": cold.get(person.pk, 0),
                "projects_url": _list_url("projects:project-list", officer=person.pk),
                "signed_url": _list_url(
                    "talents:talent-list", owner=person.pk, **_range("signed_on", start, end)
                ),
                "onboarded_url": _list_url(
                    "talents:talent-list", owner=person.pk, **_range("onboarded_on", start, end)
                ),
            }
        )
    return rows


def _cold_counts(officer_ids: list[int], today: datetime.date) -> dict[int, int]:
    """Records going cold per officer: their early-stage talents (the worklist's rule) and open
    projects they lead with no contact logged for ``COLD_AFTER_DAYS`` days. Two queries."""
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)) - datetime.timedelta(
        days=COLD_AFTER_DAYS
    )
    counts: dict[int, int] = defaultdict(int)
    for model, owner_field, stages in (
        (Talent, "owner_id", (TalentStage.LEAD, TalentStage.CONTACTED)),
        (InvestmentProject, "lead_officer_id", PROJECT_OPEN_STAGES),
    ):
        recent = Activity.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            occurred_at__gte=since,
        )
        rows = (
            model.objects.filter(
                **{f"{owner_field}__in": officer_ids}, stage__in=stages, created_at__lte=since
            )
            .filter(~Exists(recent))
            .values_list(owner_field)
            .annotate(n=Count("id"))
            .order_by()
        )
        for officer_id, n in rows:
            counts[officer_id] += n
    return counts


# --- The follow-through: talent work after the signing ----------------------------------------


def follow_through(period: Period, park: Park | None = None, *, limit: int = 50) -> dict:
    return _cached(
        f"follow:{period.code}:{park.code if park else ''}:{limit}",
        lambda: _follow_through(period, park, limit),
    )


def _follow_through(period: Period, park: Park | None, limit: int) -> dict:
    """For the new projects signed in the period: how many had their talent demands collected within
    a week of signing (``DEMANDS_DUE_DAYS``), how many demands have candidates, are interviewing,
    and how much headcount is filled — in total, per park and per industry chain — and the signed
    projects with no demand yet, oldest first. Three queries."""
    signed = InvestmentProject.objects.filter(
        kind=InvestmentProject.Kind.NEW, signed_on__range=(period.start, period.end)
    )
    if park:
        signed = signed.filter(park=park)
    demands_of = TalentDemand.objects.filter(project=OuterRef("pk"))
    in_week = demands_of.filter(
        created_at__date__lte=OuterRef("signed_on") + datetime.timedelta(days=DEMANDS_DUE_DAYS)
    )
    projects = list(
        signed.annotate(any_demand=Exists(demands_of), in_week=Exists(in_week))
        .order_by()
        .values_list("pk", "park_id", "industry_id", "any_demand", "in_week")
    )
    live = Match.objects.filter(demand=OuterRef("pk"))
    hired = (
        Match.objects.filter(demand=OuterRef("pk"), status=MatchStatus.HIRED)
        .order_by()
        .values("demand")
        .annotate(n=Count("id"))
        .values("n")
    )
    demands = list(
        TalentDemand.objects.filter(project__in=signed.values("pk"))
        .annotate(
            candidates=Exists(live.exclude(status=MatchStatus.REJECTED)),
            interviewing=Exists(live.filter(status=MatchStatus.INTERVIEWING)),
            hired_count=Coalesce(Subquery(hired), 0),
        )
        .order_by()
        .values_list(
            "project__park_id",
            "project__industry_id",
            "headcount",
            "candidates",
            "interviewing",
            "hired_count",
        )
    )

    def blank():
        return {
            "projects": 0,
            "in_week": 0,
            "with_demands": 0,
            "demands": 0,
            "with_candidates": 0,
            "interviewing": 0,
            "headcount": 0,
            "filled": 0,
        }

    total, by_park, by_industry = blank(), defaultdict(blank), defaultdict(blank)
    for _pk, park_id, industry_id, any_demand, week in projects:
        for bucket in (total, by_park[park_id], by_industry[industry_id]):
            bucket["projects"] += 1
            bucket["with_demands"] += int(any_demand)
            bucket["in_week"] += int(week)
    for park_id, industry_id, headcount, candidates, interviewing, hired_count in demands:
        for bucket in (total, by_park[park_id], by_industry[industry_id]):
            bucket["demands"] += 1
            bucket["with_candidates"] += int(candidates)
            bucket["interviewing"] += int(interviewing)
            bucket["headcount"] += headcount
            bucket["filled"] += min(hired_count, headcount)

    def links(park_code=None, industry_code=None) -> dict:
        signed_range = _range("signed_on", period.start, period.end)
        project_range = _range("project_signed_on", period.start, period.end)
        base = {"park": park_code, "industry": [industry_code] if industry_code else None}
        projects_url = lambda **extra: _list_url(  # noqa: E731
            "projects:project-list", kind="new", **base, **signed_range, **extra
        )
        demands_url = lambda **extra: _list_url("projects:demand-list", **base, **project_range, **extra)  # noqa: E731
        return {
            "projects": projects_url(),
            "in_week": projects_url(demands="within_week"),
            "with_demands": projects_url(demands="any"),
            "without_demands": projects_url(demands="none"),
            "demands": demands_url(),
            "with_candidates": demands_url(candidates="recommended"),
            "interviewing": demands_url(candidates="interviewing"),
            "filled": demands_url(candidates="hired"),
        }

    park_codes = dict(Park.objects.values_list("pk", "code"))
    industry_codes = dict(IndustryChain.objects.values_list("pk", "code"))
    waiting = list(
        signed.filter(~Exists(demands_of))
        .select_related("park", "industry", "lead_officer")
        .order_by("signed_on", "id")[:limit]
    )
    today = timezone.localdate()
    park_filter = park.code if park else None
    return {
        "period": period,
        "total": {**total, "links": links(park_filter)},
        "parks": [
            {"code": park_codes[pk], **figures, "links": links(park_codes[pk])}
            for pk, figures in sorted(by_park.items(), key=lambda item: park_codes.get(item[0], ""))
        ],
        "industries": [
            {"code": industry_codes[pk], **figures, "links": links(park_filter, industry_codes[pk])}
            for pk, figures in sorted(by_industry.items(), key=lambda item: industry_codes.get(item[0], ""))
        ],
        "waiting": [
            {
                "pk": project.pk,
                "name": project.name,
                "park": project.park.name,
                "industry": project.industry.name,
                "lead_officer": str(project.lead_officer),
                "signed_on": project.signed_on,
                "days": (today - project.signed_on).days,
                "agreed_investment": project.agreed_investment,
            }
            for project in waiting
        ],
        "waiting_total": total["projects"] - total["with_demands"],
    }
