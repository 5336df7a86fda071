"""The officer scorecard."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone

from jinjin_crm.core.filters import day_bounds
from jinjin_crm.core.models import Activity, StageChange, User
from jinjin_crm.core.roles import Role
from projects.models import InvestmentProject
from talents.models import Talent
from talents.selectors import going_cold

from ..periods import Period
from .common import cached, date_range, list_url


def officers() -> list[User]:
    return list(User.objects.filter(groups__name=Role.OFFICER, is_active=True).order_by("username"))


def officer_scorecard(period: Period, today: datetime.date | None = None) -> list[dict]:
    """The scorecard (``_officer_scorecard``), cached for ``FIGURES_TTL`` unless asked as of another day."""
    if today is not None:
        return _officer_scorecard(period, today)
    return cached(f"scorecard:{period.code}", lambda: _officer_scorecard(period, None))


def _officer_scorecard(period: Period, today: datetime.date | None) -> list[dict]:
    """Per officer: activities logged and visits among them, projects moved, talents signed and
    onboarded in the period; follow-ups overdue and records going cold as of today. Seven grouped
    queries, whatever the number of officers."""
    today = today or timezone.localdate()
    people = officers()
    ids = [person.pk for person in people]
    start, end = period.start, period.end
    since, until = day_bounds(start, end)
    logged = (
        Activity.objects.filter(officer_id__in=ids, occurred_at__gte=since, occurred_at__lt=until)
        .exclude(channel=Activity.Channel.SYSTEM)
        .values_list("officer_id")
        .annotate(total=Count("id"), visits=Count("id", filter=Q(channel=Activity.Channel.VISIT)))
        .order_by()
    )
    activities = {officer_id: (total, visits) for officer_id, total, visits in logged}
    project_type = ContentType.objects.get_for_model(InvestmentProject)
    moved = dict(
        # Moves only: not the line that records the stage a project was created in, nor an undone move.
        StageChange.objects.exclude(from_stage="")
        .filter(
            undone_at__isnull=True,
            content_type=project_type,
            changed_by_id__in=ids,
            changed_at__gte=since,
            changed_at__lt=until,
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
                "projects_url": list_url("projects:project-list", officer=person.pk),
                "signed_url": list_url(
                    "talents:talent-list", owner=person.pk, **date_range("signed_on", start, end)
                ),
                "onboarded_url": list_url(
                    "talents:talent-list", owner=person.pk, **date_range("onboarded_on", start, end)
                ),
            }
        )
    return rows


def _cold_counts(officer_ids: list[int], today: datetime.date) -> dict[int, int]:
    """Records going cold per officer, by the worklist's own rule (``talents.selectors.going_cold``):
    their early-stage talents and the open projects they lead. Two queries."""
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    counts: dict[int, int] = defaultdict(int)
    for model, owner_field in ((Talent, "owner_id"), (InvestmentProject, "lead_officer_id")):
        rows = (
            going_cold(model, now=now)
            .filter(**{f"{owner_field}__in": officer_ids})
            .values_list(owner_field)
            .annotate(n=Count("id"))
            .order_by()
        )
        for officer_id, n in rows:
            counts[officer_id] += n
    return counts
