"""The follow-through: talent work after the signing."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from jinjin_crm.core.models import IndustryChain, Park
from jinjin_crm.matching.models import Match, MatchStatus
from projects.filters import demands_collected_in_time
from projects.models import InvestmentProject, TalentDemand

from ..periods import Period
from .common import cached, date_range, list_url


def follow_through(period: Period, park: Park | None = None, *, limit: int = 50) -> dict:
    return cached(
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
    projects = list(
        signed.annotate(any_demand=Exists(demands_of), in_week=demands_collected_in_time())
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
        signed_range = date_range("signed_on", period.start, period.end)
        project_range = date_range("project_signed_on", period.start, period.end)
        base = {"park": park_code, "industry": [industry_code] if industry_code else None}
        projects_url = lambda **extra: list_url(  # noqa: E731
            "projects:project-list", kind="new", **base, **signed_range, **extra
        )
        demands_url = lambda **extra: list_url("projects:demand-list", **base, **project_range, **extra)  # noqa: E731
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
