"""The dashboard's KPI tiles."""

from __future__ import annotations

from jinjin_crm.core.models import Park

from .. import metrics as metric_defs
from ..periods import Period
from ..scopes import district, park_scope
from ..targets import progress, targets_for
from .common import cached, change

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


def kpi_tiles(period: Period, park: Park | None = None) -> list[dict]:
    """One tile per dashboard metric for the district or one park: the value, the link to its
    records, the target and progress, and last year's value for the same period."""
    return cached(f"tiles:{period.code}:{park.code if park else ''}", lambda: _kpi_tiles(period, park))


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
                    "change": change(value.value, previous.value) if previous else None,
                }
            )
    return tiles
