"""What the leadership selectors share: the one-minute cache, list links and date ranges."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

FIGURES_TTL = 60
logger = logging.getLogger(__name__)


def list_url(url_name: str, **params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "", [])}
    return f"{reverse(url_name)}?{urlencode(params, doseq=True)}" if params else reverse(url_name)


def date_range(prefix: str, start: datetime.date, end: datetime.date) -> dict:
    return {f"{prefix}_after": start.isoformat(), f"{prefix}_before": end.isoformat()}


def cached(key: str, compute):
    """``compute()`` once per ``FIGURES_TTL`` seconds for ``key`` (and the day, so "as of today"
    figures turn over at midnight)."""
    key = f"dashboard:v1:{timezone.localdate().isoformat()}:{key}"
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("The cache is down: the leadership figures are computed without it.", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, FIGURES_TTL)
        except Exception:
            logger.warning("The cache is down: the leadership figures were not kept.", exc_info=True)
    return value


def change(current, previous) -> Decimal | None:
    """The change against the same period last year, as a share (0.25 = +25 %); None from zero."""
    if not previous:
        return None
    return (Decimal(current) - Decimal(previous)) / Decimal(previous)
