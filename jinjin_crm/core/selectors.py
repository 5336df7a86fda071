"""Reads of the core app."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from .services import HEARTBEAT_CACHE_KEY


def worker_heartbeat_last() -> datetime.datetime | None:
    value = cache.get(HEARTBEAT_CACHE_KEY)
    return datetime.datetime.fromisoformat(value) if value else None


def system_health() -> dict:
    """Whether the database, the cache and the broker answer, and when a worker last ran the heartbeat.

    Each of ``database``, ``cache`` and ``broker`` is ``"ok"`` or ``"down: <error class>"``; nothing
    raises. The cache and the broker give up within about a second (their timeouts in settings), so
    a load balancer probing a site whose Redis is stopped gets an answer, not a hang.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check, reported by name
        checks["database"] = f"down: {exc.__class__.__name__}"
    last = None
    try:
        cache.set("core:health-probe", "1", timeout=10)
        checks["cache"] = "ok" if cache.get("core:health-probe") == "1" else "down: no round trip"
        last = worker_heartbeat_last()
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"down: {exc.__class__.__name__}"
    try:
        _broker_probe()
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"down: {exc.__class__.__name__}"
    checks["worker_heartbeat"] = last.isoformat() if last else None
    return checks


def _broker_probe() -> None:
    """Connect to the broker once, without Celery's retries (the transport's timeouts bound it)."""
    from jinjin_crm.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=0)


def timeline_for(record, *, limit: int = 200) -> list[dict]:
    """Stage changes and activities of one record, newest first, in two queries.

    Each entry is ``{"kind": "stage" | "activity", "at": datetime, "item": obj}``.
    """
    from django.contrib.contenttypes.models import ContentType

    from .models import Activity, StageChange

    content_type = ContentType.objects.get_for_model(record)
    changes = StageChange.objects.filter(content_type=content_type, object_id=record.pk).select_related(
        "changed_by"
    )[:limit]
    activities = Activity.objects.filter(content_type=content_type, object_id=record.pk).select_related(
        "officer"
    )[:limit]
    entries = [{"kind": "stage", "at": change.changed_at, "item": change} for change in changes]
    entries += [{"kind": "activity", "at": activity.occurred_at, "item": activity} for activity in activities]
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries[:limit]


def job_queryset() -> QuerySet:
    """Job runs newest first, each with its requester in the same query: the shape every jobs page uses."""
    from .models import JobRun

    return JobRun.objects.select_related("requested_by").order_by("-created_at", "-id")


def job_list(*, filters: dict | None = None) -> QuerySet:
    """Job runs filtered by ``kind`` and ``state`` (``JobFilter``), newest first."""
    from .filters import JobFilter

    return JobFilter(filters or {}, queryset=job_queryset()).qs


def job_get(*, pk: int):
    """One job run with its requester; ``Http404`` when there is none."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(job_queryset(), pk=pk)
