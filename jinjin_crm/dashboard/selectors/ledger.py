"""The targets ledger and the park ranking."""

from __future__ import annotations

import datetime
from decimal import Decimal

from jinjin_crm.core.models import User

from .. import metrics as metric_defs
from ..models import RankingWeight, Target
from ..periods import Period
from ..scopes import Scope, district, officer_scope, park_scope, ranked_parks
from ..targets import progress, targets_for
from .common import cached


def ledger_scopes(period: Period) -> list[Scope]:
    """The district, the four parks, and every officer with a target in the period."""
    officer_ids = Target.objects.filter(period=period.code, officer__isnull=False).values("officer_id")
    officers = User.objects.filter(pk__in=officer_ids).order_by("username")
    return [district(), *(park_scope(p) for p in ranked_parks()), *(officer_scope(o) for o in officers)]


def targets_ledger(period: Period, today: datetime.date | None = None) -> dict:
    """The ledger (``_targets_ledger``), cached for ``FIGURES_TTL`` unless asked as of another day."""
    if today is not None:
        ledger = _targets_ledger(period, today)
    else:
        ledger = cached(f"ledger:{period.code}", lambda: _targets_ledger(period, None))
    # Cached by metric code (a metric's definition holds functions, which do not pickle).
    return {
        **ledger,
        "rows": [{**row, "metric": metric_defs.metric(row["metric"])} for row in ledger["rows"]],
    }


def _targets_ledger(period: Period, today: datetime.date | None) -> dict:
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
        rows.append({"metric": metric.code, "cells": cells})
    return {
        "scopes": scopes,
        "rows": rows,
        "elapsed_percent": Decimal(str(round(period.elapsed_share(today) * 100, 1))),
    }


# --- Park ranking ---------------------------------------------------------------------------------


def park_ranking(period: Period) -> dict:
    return cached(f"ranking:{period.code}", lambda: _park_ranking(period))


def _park_ranking(period: Period) -> dict:
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
                # A weight on a metric that is not counted per park: a column with no target, so
                # every row keeps one component per weight.
                components.append({"weight": weight, "actual": None, "target": None, "achievement": None})
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
