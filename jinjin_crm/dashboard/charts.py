"""The dashboard's Plotly figures, built from the selectors' plain figures.

Every bar, point and funnel segment carries the URL of the list of its records in ``customdata``;
the shared chart partial opens it on click, and the tables beside the charts hold the same links.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.selectors import FUNNEL_STEPS
from jinjin_crm.core.models import IndustryChain, Park
from projects.models import Stage as ProjectStage
from talents.models import Stage as TalentStage

BLUE, GREEN, GOLD, TEAL = "#1677ff", "#2f9e5b", "#d4a017", "#13a8a8"
FUNNEL_LABELS = {
    "consulted": gettext_lazy("Consulted"),
    "intents": gettext_lazy("Intents"),
    "masters": gettext_lazy("Master's+"),
    "signed": gettext_lazy("Signed"),
    "onboarded": gettext_lazy("Onboarded"),
}


def _layout(**extra) -> dict:
    return {
        # Room on the left for amounts in 万元 written out in full (1,000,000).
        "margin": {"l": 72, "r": 48, "t": 28, "b": 40},
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "hovermode": "closest",
        **extra,
    }


def _float(value) -> float:
    return float(value or 0)


def trend_figure(trend: list[dict]) -> dict:
    months = [row["month"].strftime("%Y-%m") for row in trend]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Agreed investment signed (10k yuan)"),
                "x": months,
                "y": [_float(row["investment"]) for row in trend],
                "customdata": [row["investment_url"] for row in trend],
                "marker": {"color": BLUE},
                "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Talents onboarded"),
                "x": months,
                "y": [row["talents"] for row in trend],
                "customdata": [row["talents_url"] for row in trend],
                "yaxis": "y2",
                "marker": {"color": GREEN},
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            },
        ],
        "layout": _layout(
            # Months as written in the tables (2024-03), not in Plotly's English date format.
            xaxis={"type": "category"},
            yaxis={"title": {"text": _("10k yuan")}, "rangemode": "tozero", "tickformat": ",d"},
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "tickformat": ",d",
                "title": {"text": _("people")},
            },
        ),
    }


def _stage_figure(rows: list[dict], labels: dict, color: str, name: str) -> dict:
    return {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": [str(labels[row["stage"]]) for row in rows],
                "y": [row["count"] for row in rows],
                "customdata": [row["url"] for row in rows],
                "marker": {"color": color},
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            }
        ],
        "layout": _layout(showlegend=False),
    }


def funnel_figure(funnel: dict) -> dict:
    return {
        "data": [
            {
                "type": "funnel",
                "y": [str(FUNNEL_LABELS[step]) for step in FUNNEL_STEPS],
                "x": [funnel[step] for step in FUNNEL_STEPS],
                "customdata": [funnel["url"]] * len(FUNNEL_STEPS),
                "textinfo": "value+percent initial",
                "marker": {"color": [BLUE, TEAL, GREEN, GOLD, "#7b61ff"]},
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            }
        ],
        "layout": _layout(margin={"l": 90, "r": 24, "t": 16, "b": 24}),
    }


def _pair_figure(rows: list[dict], names: dict) -> dict:
    labels = [names.get(row["code"], row["code"]) for row in rows]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Agreed investment signed (10k yuan)"),
                "x": labels,
                "y": [_float(row["investment"]) for row in rows],
                "customdata": [row["investment_url"] for row in rows],
                "marker": {"color": BLUE},
                "offsetgroup": 1,
                "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>",
            },
            {
                "type": "bar",
                "name": _("Open demand headcount"),
                "x": labels,
                "y": [row["headcount"] for row in rows],
                "customdata": [row["demands_url"] for row in rows],
                "yaxis": "y2",
                "marker": {"color": GOLD},
                "offsetgroup": 2,
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            },
        ],
        "layout": _layout(
            barmode="group",
            yaxis={"title": {"text": _("10k yuan")}, "rangemode": "tozero", "tickformat": ",d"},
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "tickformat": ",d",
                "title": {"text": _("people")},
            },
        ),
    }


def stage_days_figure(stage_days: dict) -> dict:
    data = []
    for key, labels, color, name in (
        ("projects", dict(ProjectStage.choices), BLUE, _("Projects")),
        ("talents", dict(TalentStage.choices), GREEN, _("Talents")),
    ):
        rows = stage_days[key]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": [f"{name} · {labels[row['stage']]}" for row in rows],
                "x": [row["median_days"] for row in rows],
                "customdata": [row["url"] for row in rows],
                "marker": {"color": color},
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": _layout(
            margin={"l": 130, "r": 24, "t": 28, "b": 40},
            xaxis={"title": {"text": _("median days")}, "rangemode": "tozero"},
            yaxis={"autorange": "reversed"},
        ),
    }


def dashboard_figures(figures: dict) -> dict:
    industries = dict(IndustryChain.objects.values_list("code", "name"))
    parks = dict(Park.objects.values_list("code", "name"))
    return {
        "trend": trend_figure(figures["trend"]),
        "projects": _stage_figure(
            figures["pipeline"]["projects"], dict(ProjectStage.choices), BLUE, _("Projects")
        ),
        "talents": _stage_figure(
            figures["pipeline"]["talents"], dict(TalentStage.choices), GREEN, _("Talents")
        ),
        "funnel": funnel_figure(figures["funnel"]),
        "industries": _pair_figure(figures["industries"], industries),
        "parks": _pair_figure(figures["parks"], parks),
        "stage_days": stage_days_figure(figures["stage_days"]),
        "industry_names": industries,
        "park_names": parks,
    }
