"""Reads of matching: the engine's inputs, and the matches as pages and the API show them."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from jinjin_crm.core.models import Activity
from projects.models import DemandStatus, TalentDemand
from talents.models import Stage, Talent

from . import engine
from .models import Match, MatchStatus

# Talents who can still be recruited; onboarded and lost ones are out of the pool.
POOL_STAGES = (Stage.LEAD, Stage.CONTACTED, Stage.INTENT, Stage.SIGNED)


def eligible_talents() -> QuerySet:
    return Talent.objects.filter(stage__in=POOL_STAGES, anonymised_at__isnull=True)


def eligible_demands(*, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return TalentDemand.objects.filter(status=DemandStatus.OPEN, valid_until__gte=today)


def _codes_by(pairs) -> dict[int, list[str]]:
    grouped = defaultdict(list)
    for owner, code in pairs:
        grouped[owner].append(code)
    return grouped


def talent_rows(queryset: QuerySet, *, recent_days: int) -> list[engine.TalentRow]:
    """The engine's view of the talents of ``queryset``: three queries, whatever their number."""
    rows = list(
        queryset.order_by().values_list(
            "id",
            "highest_degree__rank",
            "highest_degree__code",
            "tier__rank",
            "tier__code",
            "research_keywords",
            "location",
            "mode",
        )
    )
    ids = [row[0] for row in rows]
    through = Talent.disciplines.through.objects
    codes_filter = Q(talent__in=queryset.order_by().values("pk")) if len(ids) > 1000 else Q(talent_id__in=ids)
    codes = _codes_by(through.filter(codes_filter).values_list("talent_id", "discipline__code"))
    since = timezone.now() - datetime.timedelta(days=recent_days)
    activities = Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(Talent), occurred_at__gte=since
    )
    if len(ids) <= 1000:
        activities = activities.filter(object_id__in=ids)
    recent = set(activities.order_by().values_list("object_id", flat=True).distinct())
    return [
        engine.TalentRow(
            id=pk,
            degree_rank=degree_rank,
            degree_code=degree_code or "",
            tier_rank=tier_rank,
            tier_code=tier_code or "",
            disciplines=codes.get(pk, ()),
            keywords=keywords,
            location=location,
            mode=mode,
            recent=pk in recent,
        )
        for pk, degree_rank, degree_code, tier_rank, tier_code, keywords, location, mode in rows
    ]


def demand_rows(queryset: QuerySet) -> list[engine.DemandRow]:
    """The engine's view of the demands of ``queryset``: two queries, whatever their number."""
    rows = list(
        queryset.order_by().values_list(
            "id", "min_degree__rank", "min_degree__code", "tier__rank", "tier__code", "keywords"
        )
    )
    through = TalentDemand.disciplines.through.objects
    ids = [row[0] for row in rows]
    if len(ids) > 1000:
        codes_filter = Q(talentdemand__in=queryset.order_by().values("pk"))
    else:
        codes_filter = Q(talentdemand_id__in=ids)
    codes = _codes_by(through.filter(codes_filter).values_list("talentdemand_id", "discipline__code"))
    return [
        engine.DemandRow(
            id=pk,
            min_rank=min_rank,
            min_code=min_code,
            tier_rank=tier_rank,
            tier_code=tier_code or "",
            disciplines=codes.get(pk, ()),
            keywords=keywords,
        )
        for pk, min_rank, min_code, tier_rank, tier_code, keywords in rows
    ]


# --- Pages and API -------------------------------------------------------------------------------


def _shaped(queryset: QuerySet) -> QuerySet:
    # Not the talents' ID numbers (decrypting them costs) nor their long derived text.
    return queryset.select_related(
        "talent__highest_degree",
        "talent__tier",
        "demand__park",
        "demand__enterprise",
        "demand__project",
        "demand__min_degree",
        "status_changed_by",
    ).defer(
        "talent__id_number",
        "talent__search_text",
        "talent__notes",
        "talent__lost_reason",
        "demand__description",
        "demand__enterprise__notes",
        "demand__project__description",
    )


def demand_matches(*, demand, limit: int | None = None) -> QuerySet:
    """A demand's matches, best first (``-score``, then id): one query with the talents' facts."""
    matches = _shaped(Match.objects.filter(demand=demand)).order_by("-score", "talent_id")
    return matches[:limit] if limit else matches


def talent_matches(*, talent, limit: int | None = None) -> QuerySet:
    """The demands a talent fits, best first, open ones only unless the officer acted on them."""
    matches = _shaped(
        Match.objects.filter(talent=talent).filter(
            Q(demand__status=DemandStatus.OPEN) | ~Q(status=MatchStatus.RECOMMENDED)
        )
    ).order_by("-score", "demand_id")
    return matches[:limit] if limit else matches


def match_list(*, queryset: QuerySet | None = None) -> QuerySet:
    """Matches with what a list row shows (talent, demand, its park), in one query."""
    return _shaped(queryset if queryset is not None else Match.objects.all())


# What each value of the demand list's ``candidates`` filter keeps: a demand with a match in one of
# these states.
CANDIDATE_FILTER_STATES = {
    "recommended": tuple(status for status in MatchStatus.values if status != MatchStatus.REJECTED),
    "interviewing": (MatchStatus.INTERVIEWING,),
    "hired": (MatchStatus.HIRED,),
}


def demands_with_candidates(queryset: QuerySet, value: str) -> QuerySet:
    """The demands of ``queryset`` with a candidate at the step ``value`` names (the demand list's
    ``candidates`` filter, declared by the projects app and answered here)."""
    states = CANDIDATE_FILTER_STATES.get(value)
    if states is None:
        return queryset.none()
    return queryset.filter(Exists(Match.objects.filter(demand=OuterRef("pk"), status__in=states)))
