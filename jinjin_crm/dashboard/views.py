"""Leadership pages: the dashboard, the targets ledger, the park ranking, the officer scorecard and
the follow-through of investment by talent work. Every role may read them; they write nothing.

The period and the park are in the URL (``?period=2024-H1&park=SF``), so a view can be bookmarked
and shared; one that does not parse is shown as an error on the filter, with the default period.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jinjin_crm.core.excel_export import export_stream, xlsx_response
from jinjin_crm.core.models import IndustryChain, Park
from jinjin_crm.core.permissions import reader_required

from . import charts, exports, selectors
from .metrics import METRIC_BY_CODE
from .periods import YEAR, Period, parse_period, period_choices
from .scopes import parse_park, ranked_parks

PERIOD_KINDS = ("year", "half", "quarter", "month")


def _filters(request, *, with_park: bool = True) -> dict:
    """The period and park asked for, the choices, and an error per field for what did not parse."""
    errors = {}
    default = Period(YEAR, timezone.localdate().year)
    try:
        period = parse_period(request.GET.get("period") or default.code, kinds=PERIOD_KINDS)
    except ValidationError as exc:
        errors["period"] = exc.message_dict["period"][0]
        period = default
    park = None
    if with_park:
        try:
            park = parse_park(request.GET.get("park"))
        except ValidationError as exc:
            errors["park"] = exc.message_dict["park"][0]
    choices = period_choices()
    if period.code not in {code for code, _label in choices}:
        choices.insert(0, (period.code, period.label))
    return {
        "period": period,
        "park": park,
        "filter_errors": errors,
        "period_choices": choices,
        "park_choices": ranked_parks()
        + list(Park.objects.filter(is_active=True).exclude(kind=Park.Kind.INDUSTRIAL_PARK)),
        "query": _query(period, park),
    }


def _query(period: Period, park) -> str:
    return f"period={period.code}" + (f"&park={park.code}" if park else "")


def _with_labels(tiles: list[dict]) -> list[dict]:
    """The tiles with their metric's words, in the reader's language, and the change in whole percent."""
    labelled = []
    for tile in tiles:
        metric = METRIC_BY_CODE[tile["code"]]
        change = tile["change"]
        labelled.append(
            {
                **tile,
                "label": metric.label,
                "unit": metric.unit,
                "description": metric.description,
                "change_percent": None if change is None else abs(change * 100).quantize(Decimal("1")),
            }
        )
    return labelled


def _named(rows: list[dict], names: dict) -> list[dict]:
    return [{**row, "name": names.get(row["code"], row["code"])} for row in rows]


TILE_GROUP_LABELS = {
    "investment": gettext_lazy("Investment"),
    "talent": gettext_lazy("Talent recruitment"),
    "campaigns": gettext_lazy("Campaigns and placements"),
    "policies": gettext_lazy("Policies and services"),
}


def _status(context: dict) -> int:
    return 400 if context["filter_errors"] else 200


@reader_required
@require_GET
def dashboard(request):
    context = _filters(request)
    period, park = context["period"], context["park"]
    tiles = _with_labels(selectors.kpi_tiles(period, park))
    groups = []
    for code, label in TILE_GROUP_LABELS.items():
        members = [tile for tile in tiles if tile["group"] == code]
        if members:
            groups.append({"code": code, "label": label, "tiles": members})
    figures = selectors.charts(period, park)
    figures_charts = charts.dashboard_figures(figures)
    figures = {
        **figures,
        "industries": _named(figures["industries"], figures_charts["industry_names"]),
        "parks": _named(figures["parks"], figures_charts["park_names"]),
    }
    follow = selectors.follow_through(period, park, limit=5)
    context.update(
        groups=groups,
        empty=not any(tile["value"] for tile in tiles if not METRIC_BY_CODE[tile["code"]].snapshot),
        charts=figures_charts,
        figures=figures,
        follow=follow,
    )
    return render(request, "dashboard/dashboard.html", context, status=_status(context))


@reader_required
@require_GET
def targets_ledger(request):
    context = _filters(request, with_park=False)
    ledger = selectors.targets_ledger(context["period"])
    context.update(ledger=ledger, **_split_scopes(ledger))
    return render(request, "dashboard/ledger.html", context, status=_status(context))


def _split_scopes(ledger: dict) -> dict:
    """The ledger's columns for the district and parks, and its officers' columns, as two tables."""
    area = [i for i, scope in enumerate(ledger["scopes"]) if scope.kind != "officer"]
    people = [i for i, scope in enumerate(ledger["scopes"]) if scope.kind == "officer"]

    def table(indexes):
        rows = []
        for row in ledger["rows"]:
            cells = [row["cells"][i] for i in indexes]
            if any(cell is not None for cell in cells):
                rows.append({"metric": row["metric"], "cells": cells})
        return {"scopes": [ledger["scopes"][i] for i in indexes], "rows": rows}

    officer_table = table(people)
    # Officers' rows show only the metrics some officer has a target for.
    officer_table["rows"] = [
        row
        for row in officer_table["rows"]
        if any(cell and cell["target"] is not None for cell in row["cells"])
    ]
    return {"area_table": table(area), "officer_table": officer_table}


@reader_required
@require_GET
def targets_ledger_export(request):
    context = _filters(request, with_park=False)
    period = context["period"]
    ledger = selectors.targets_ledger(period)
    stream = export_stream()
    exports.ledger_write(stream, ledger=ledger, period=period, by=request.user)
    return xlsx_response(stream, _("targets-ledger-%(period)s.xlsx") % {"period": period.code}, private=False)


@reader_required
@require_GET
def park_ranking(request):
    context = _filters(request, with_park=False)
    ranking = selectors.park_ranking(context["period"])
    for weight in ranking["weights"]:
        weight.label = (
            METRIC_BY_CODE[weight.metric].label if weight.metric in METRIC_BY_CODE else weight.metric
        )
    # Columns only for the weighted metrics some park has a target for; the others are named below
    # the table, so the table fits the screen.
    shown = [
        index
        for index, _weight in enumerate(ranking["weights"])
        if any(row["components"][index]["target"] is not None for row in ranking["rows"])
    ]
    context.update(
        ranking=ranking,
        shown_weights=[ranking["weights"][index] for index in shown],
        untargeted=[weight for index, weight in enumerate(ranking["weights"]) if index not in shown],
        ranked_rows=[
            {**row, "shown": [row["components"][index] for index in shown]} for row in ranking["rows"]
        ],
    )
    return render(request, "dashboard/ranking.html", context, status=_status(context))


@reader_required
@require_GET
def officer_scorecard(request):
    context = _filters(request, with_park=False)
    rows = selectors.officer_scorecard(context["period"])
    totals = {
        key: sum(row[key] for row in rows)
        for key in (
            "activities",
            "visits",
            "projects_moved",
            "talents_signed",
            "talents_onboarded",
            "follow_ups_overdue",
            "going_cold",
        )
    }
    context.update(rows=rows, totals=totals, cold_after_days=selectors.COLD_AFTER_DAYS)
    return render(request, "dashboard/scorecard.html", context, status=_status(context))


@reader_required
@require_GET
def follow_through(request):
    context = _filters(request)
    follow = selectors.follow_through(context["period"], context["park"])
    parks = dict(Park.objects.values_list("code", "name"))
    industries = dict(IndustryChain.objects.values_list("code", "name"))
    context["follow"] = {
        **follow,
        "parks": _named(follow["parks"], parks),
        "industries": _named(follow["industries"], industries),
    }
    return render(request, "dashboard/follow_through.html", context, status=_status(context))
