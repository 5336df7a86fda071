"""The weekly report's figures, kept as plain JSON, and how a stored report reads."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from jinjin_crm.core.models import Activity
from jinjin_crm.core.templatetags.ui import RECORD_DETAIL_URLS
from policies.models import PolicyApplication

from .. import metrics
from ..periods import WEEK, YEAR, Period
from ..scopes import district
from ..selectors import TILE_GROUPS, follow_through, park_ranking
from ..targets import progress, targets_for

DATA_VERSION = 1
OVERDUE_LIMIT = 50
FOLLOW_THROUGH_LIMIT = 50
YUAN_PER_WAN = Decimal("10000")

GROUP_LABELS = {
    "investment": gettext_lazy("Investment"),
    "talent": gettext_lazy("Talent recruitment"),
    "campaigns": gettext_lazy("Campaigns and placements"),
    "policies": gettext_lazy("Policies and services"),
}
FLAG_LABELS = {
    "green": gettext_lazy("on track"),
    "amber": gettext_lazy("behind"),
    "red": gettext_lazy("far behind"),
}


def _number(value) -> int | str | None:
    """A figure as JSON holds it: counts as numbers, Decimals as their exact text."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    return value


def _count_target(value: Decimal | None) -> str | None:
    # A count's target is kept with two decimals; "30", not "30.00", when it is whole.
    if value is None:
        return None
    return str(value.quantize(Decimal("1"))) if value == value.to_integral_value() else str(value)


def weekly_report_data(*, week: Period, today: datetime.date) -> dict:
    """The report's figures for ``week``, as of ``today``, as plain JSON (see the module's docstring).
    A fixed number of queries, whatever the number of records."""
    year = Period(YEAR, week.year)
    return {
        "version": DATA_VERSION,
        "week": {"code": week.code, "start": week.start.isoformat(), "end": week.end.isoformat()},
        "year": year.code,
        "as_of": today.isoformat(),
        "kpis": _kpis(week, year, today),
        "ranking": _ranking(year),
        "projects": _projects(week),
        "talents": _talents(week),
        "follow_through": _follow_through(year, today),
        "overdue": _overdue(today),
    }


def _kpis(week: Period, year: Period, today: datetime.date) -> list[dict]:
    scope = district()
    codes = [code for _group, group_codes in TILE_GROUPS for code in group_codes]
    year_values = metrics.evaluate(codes, year, [scope])
    week_values = metrics.evaluate(codes, week, [scope])
    targets = targets_for(year, [scope])
    rows = []
    for group, group_codes in TILE_GROUPS:
        for code in group_codes:
            metric = metrics.METRIC_BY_CODE[code]
            value = year_values[code][scope.key].value
            target = targets.get((code, scope.key))
            state = progress(value, target, year, today)
            rows.append(
                {
                    "group": group,
                    "code": code,
                    "unit": metric.unit,
                    "snapshot": metric.snapshot,
                    "year": _number(value),
                    "target": _count_target(target) if metric.unit == metrics.COUNT else _number(target),
                    "done_percent": _number(state.done_percent),
                    "flag": state.flag,
                    "week": _number(week_values[code][scope.key].value),
                }
            )
    return rows


def _ranking(year: Period) -> list[dict]:
    ranking = park_ranking(year)
    return [
        {
            "rank": row["rank"],
            "park": row["park"].code,
            "park_name": row["park"].name,
            "score": _number(row["score"]),
            "rank_change": row["rank_change"],
        }
        for row in ranking["rows"]
    ]


def _projects(week: Period) -> list[dict]:
    # The records the week's "projects introduced" counts, so the list and the figure agree.
    records = metrics.METRIC_BY_CODE["projects_introduced"].records(week, district())
    projects = records.select_related("park", "industry", "lead_officer").order_by("signed_on", "id")
    return [
        {
            "pk": project.pk,
            "name": project.name,
            "park": project.park.name,
            "industry": project.industry.name,
            "agreed_investment": _number(project.agreed_investment),
            "lead_officer": str(project.lead_officer),
            "signed_on": project.signed_on.isoformat(),
        }
        for project in projects
    ]


def _talents(week: Period) -> list[dict]:
    records = metrics.METRIC_BY_CODE["talents_onboarded"].records(week, district())
    talents = records.select_related("highest_degree", "tier", "owner", "employer_enterprise").order_by(
        "onboarded_on", "id"
    )
    return [
        {
            "pk": talent.pk,
            "name": talent.name,
            "degree": talent.highest_degree.name if talent.highest_degree else "",
            "tier": talent.tier.name if talent.tier else "",
            "employer": talent.employer_enterprise.name if talent.employer_enterprise else talent.employer,
            "owner": str(talent.owner) if talent.owner else "",
            "onboarded_on": talent.onboarded_on.isoformat(),
        }
        for talent in talents
    ]


def _follow_through(year: Period, today: datetime.date) -> dict:
    figures = follow_through(year, limit=FOLLOW_THROUGH_LIMIT)
    return {
        "total": figures["waiting_total"],
        "rows": [
            {
                "pk": row["pk"],
                "name": row["name"],
                "park": row["park"],
                "industry": row["industry"],
                "lead_officer": row["lead_officer"],
                "signed_on": row["signed_on"].isoformat(),
                "days": (today - row["signed_on"]).days,
                "agreed_investment": _number(row["agreed_investment"]),
            }
            for row in figures["waiting"]
        ],
    }


def _overdue(today: datetime.date) -> dict:
    overdue = Activity.objects.follow_ups_open().filter(next_follow_up_on__lt=today)
    per_officer = list(
        overdue.values_list("officer_id", "officer__name", "officer__username")
        .annotate(n=Count("id"))
        .order_by("-n", "officer__username")
    )
    oldest = (
        overdue.select_related("officer", "content_type")
        # An application names itself by its talent and benefit: load them with it.
        .prefetch_related(
            GenericPrefetch("record", [PolicyApplication.objects.select_related("talent", "benefit")])
        )
        .order_by("next_follow_up_on", "id")[:OVERDUE_LIMIT]
    )
    return {
        "total": sum(n for *_officer, n in per_officer),
        "officers": [
            {"officer_id": officer_id, "officer": name or username, "count": n}
            for officer_id, name, username, n in per_officer
        ],
        "oldest": [
            {
                "kind": f"{item.content_type.app_label}.{item.content_type.model}",
                "object_id": item.object_id,
                "record": str(item.record) if item.record is not None else "",
                "officer": str(item.officer),
                "due_on": item.next_follow_up_on.isoformat(),
                "days": (today - item.next_follow_up_on).days,
            }
            for item in oldest
        ],
    }


# --- Reading a report -----------------------------------------------------------------------------


def _kind_label(kind: str) -> str:
    try:
        return str(apps.get_model(kind)._meta.verbose_name)
    except (LookupError, ValueError):
        return kind


def _record_url(kind: str, object_id: int) -> str:
    name = RECORD_DETAIL_URLS.get(kind)
    if name is None:
        return ""
    try:
        return reverse(name, args=[object_id])
    except NoReverseMatch:
        return ""


def week_label(code: str) -> str:
    """``2024-W23`` in words, with its dates."""
    year, number = code.split("-W")
    return Period(WEEK, int(year), int(number)).label


def weekly_report_display(data: dict) -> dict:
    """A copy of a report's ``data`` with what the page and the workbook show in words, in the active
    language: metric, unit, group and flag labels, kinds of record and their pages, the week's label.
    Money of metrics counted in yuan is shown in 万元 (``display``), as every other amount."""
    shown = copy.deepcopy(data)
    shown["week"]["label"] = week_label(data["week"]["code"])
    for row in shown["kpis"]:
        metric = metrics.METRIC_BY_CODE.get(row["code"])
        row["label"] = str(metric.label) if metric else row["code"]
        row["description"] = str(metric.description) if metric else ""
        row["group_label"] = str(GROUP_LABELS.get(row["group"], row["group"]))
        row["unit_label"] = str(
            metrics.UNIT_LABELS[metrics.WAN if row["unit"] == metrics.YUAN else row["unit"]]
        )
        row["flag_label"] = str(FLAG_LABELS.get(row["flag"], ""))
        for name in ("year", "target", "week"):
            row[f"{name}_shown"] = _shown(row[name], row["unit"])
    for row in shown["overdue"]["oldest"]:
        row["kind_label"] = _kind_label(row["kind"])
        row["url"] = _record_url(row["kind"], row["object_id"])
    return shown


def _shown(value, unit: str) -> Decimal | int | None:
    """A KPI figure as it is shown: counts as whole numbers, money in 万元."""
    if value is None:
        return None
    number = Decimal(str(value))
    if unit == metrics.YUAN:
        return number / YUAN_PER_WAN
    if unit == metrics.COUNT and number == number.to_integral_value():
        return int(number)
    return number
