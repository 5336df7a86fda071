"""Reads of the core app."""

import datetime

from django.core.cache import cache
from django.db import connection

from .services import HEARTBEAT_CACHE_KEY


def worker_heartbeat_last() -> datetime.datetime | None:
    value = cache.get(HEARTBEAT_CACHE_KEY)
    return datetime.datetime.fromisoformat(value) if value else None


def system_health() -> dict:
    """Whether the database and the cache answer, and when a Celery worker last ran the heartbeat."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check, reported by name
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("core:health-probe", "1", timeout=10)
        checks["cache"] = "ok" if cache.get("core:health-probe") == "1" else "error: no round trip"
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {exc.__class__.__name__}"
    last = worker_heartbeat_last()
    checks["worker_heartbeat"] = last.isoformat() if last else None
    return checks
