"""The figures behind the dashboard's charts."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import Coalesce, Lag, TruncMonth

from campaigns.models import Campaign, Contact
from campaigns.selectors import funnel
from jinjin_crm.core.filters import day_bounds
from jinjin_crm.core.models import IndustryChain, Park, StageChange
from projects.models import DemandStatus, InvestmentProject, TalentDemand
from projects.models import Stage as ProjectStage
from talents.models import Stage as TalentStage
from talents.models import Talent

from ..periods import MONTH, WEEK, Period
from .common import cached, date_range, list_url


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
    return cached(f"charts:{period.code}:{park.code if park else ''}", lambda: _charts(period, park))


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
            "investment_url": list_url(
                "projects:project-list", park=park_code, **date_range("signed_on", month, _month_end(month))
            ),
            "talents_url": list_url(
                "talents:talent-list", park=park_code, **date_range("onboarded_on", month, _month_end(month))
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
                "url": list_url("projects:project-list", stage=[stage], park=park_code),
            }
            for stage in ProjectStage.values
        ],
        "talents": [
            {
                "stage": stage,
                "count": talent_stages.get(stage, 0),
                "url": list_url("talents:talent-list", stage=[stage], park=park_code),
            }
            for stage in TalentStage.values
        ],
    }

    campaigns = Campaign.objects.filter(starts_on__range=(period.start, period.end))
    campaign_funnel = funnel(Contact.objects.filter(campaign__in=campaigns.values("pk")))
    campaign_url = list_url("campaigns:campaign-list", **date_range("starts_on", period.start, period.end))

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
    signed_range = date_range("signed_on", period.start, period.end)
    industry_rows = [
        {
            "code": code,
            "investment": by_industry.get(pk) or Decimal("0"),
            "headcount": demands_by_industry.get(pk) or 0,
            "investment_url": list_url(
                "projects:project-list", industry=[code], park=park_code, **signed_range
            ),
            "demands_url": list_url("projects:demand-list", industry=[code], status=["open"], park=park_code),
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
            "investment_url": list_url("projects:project-list", park=[code], **signed_range),
            "demands_url": list_url("projects:demand-list", park=[code], status=["open"]),
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
    period: the time from the move into the stage to the move out of it, from the stage history
    (undone moves and creation lines left out). One query; on PostgreSQL the medians are computed
    there (``percentile_cont``), elsewhere (the embedded SQLite) from the moves in Python."""
    content_type = ContentType.objects.get_for_model(model)
    since, until = day_bounds(period.start, period.end)
    # An undone move never happened, for the figures as for the record.
    kept = StageChange.objects.filter(undone_at__isnull=True)
    moved = kept.filter(content_type=content_type, changed_at__gte=since, changed_at__lt=until).exclude(
        from_stage=""
    )
    if park is not None:
        moved = moved.filter(object_id__in=model.objects.filter(**{park_field: park}).values("pk"))
    history = (
        kept.filter(content_type=content_type, object_id__in=moved.values("object_id"))
        .annotate(
            entered_at=Window(
                Lag("changed_at"), partition_by=[F("object_id")], order_by=F("changed_at").asc()
            )
        )
        .order_by()
        .values("from_stage", "changed_at", "entered_at")
    )
    if connection.vendor == "postgresql":
        medians = _medians_in_database(history, since, until)
    else:
        medians = _medians_in_python(history, since, until)
    url_name = "projects:project-list" if model is InvestmentProject else "talents:talent-list"
    stages = ProjectStage.values if model is InvestmentProject else TalentStage.values
    return [
        {
            "stage": stage,
            "median_days": round(medians[stage][0], 1),
            "moves": medians[stage][1],
            "url": list_url(url_name, stage=[stage], park=park.code if park else None),
        }
        for stage in stages
        if stage in medians
    ]


def _medians_in_database(history, since, until) -> dict[str, tuple[float, int]]:
    sql, params = history.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT moves.from_stage,"
            " percentile_cont(0.5) WITHIN GROUP"
            " (ORDER BY EXTRACT(EPOCH FROM moves.changed_at - moves.entered_at) / 86400),"
            " count(*)"
            f" FROM ({sql}) AS moves"
            " WHERE moves.entered_at IS NOT NULL AND moves.from_stage <> ''"
            " AND moves.changed_at >= %s AND moves.changed_at < %s"
            " GROUP BY moves.from_stage",
            [*params, since, until],
        )
        return {stage: (float(median), count) for stage, median, count in cursor.fetchall()}


def _medians_in_python(history, since, until) -> dict[str, tuple[float, int]]:
    days = defaultdict(list)
    for row in history:
        if row["entered_at"] is None or not row["from_stage"] or not since <= row["changed_at"] < until:
            continue
        days[row["from_stage"]].append((row["changed_at"] - row["entered_at"]).total_seconds() / 86400)
    return {stage: (statistics.median(values), len(values)) for stage, values in days.items()}
