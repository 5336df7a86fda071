"""What several campaigns pages share: the funnel's step names, its table rows with rates and targets,
and the Plotly figures drawn by ``templates/ui/_plotly.html``."""

from django.utils.translation import gettext_lazy as _

from ..selectors import FUNNEL_STEPS, RATE_BASE, Funnel

STEP_LABELS = {
    "consulted": _("Consulted"),
    "intents": _("Intents"),
    "masters": _("Master's or above"),
    "signed": _("Signed"),
    "onboarded": _("Onboarded"),
}
# The campaign's target for each step that has one (onboarding comes later and has none).
TARGET_FIELDS = {
    "consulted": "target_consultations",
    "intents": "target_intents",
    "masters": "target_masters",
    "signed": "target_signed",
}
# One colour per step, the colour of the matching stage label where there is one (intent gold,
# signed green, onboarded teal): the same on every funnel chart.
STEP_COLOURS = ("#4096ff", "#faad14", "#9254de", "#52c41a", "#13c2c2")
# The overview chart compares at most this many groups; its table lists them all.
CHART_GROUPS = 8
CHART_LAYOUT = {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def funnel_steps(funnel: Funnel, campaign=None) -> list[dict]:
    """The funnel as table rows: each step's count, its rate (the share of its base step), and (for a
    campaign) its target and how much of it was reached."""
    rows = []
    for name, value in funnel.steps:
        field = TARGET_FIELDS.get(name)
        target = getattr(campaign, field) if campaign is not None and field else None
        reached = value / target if target else None
        rows.append(
            {
                "name": name,
                "label": STEP_LABELS[name],
                "value": value,
                "rate": percent(funnel.rate(name)),
                "base": STEP_LABELS[RATE_BASE[name]] if name in RATE_BASE else "",
                "target": target,
                "reached": percent(reached),
                "reached_width": min(round((reached or 0) * 100), 100),
                "met": reached is not None and reached >= 1,
            }
        )
    return rows


def funnel_figure(funnel: Funnel) -> dict:
    """One funnel, each bar labelled with its count and its rate (``Funnel.rate``)."""
    labels = []
    for name, value in funnel.steps:
        rate = funnel.rate(name)
        labels.append(f"{value:,}" + (f"（{rate:.1%}）" if rate is not None else ""))
    return {
        "data": [
            {
                "type": "funnel",
                "y": [str(STEP_LABELS[name]) for name in FUNNEL_STEPS],
                "x": [value for _name, value in funnel.steps],
                "text": labels,
                "texttemplate": "%{text}",
                "textposition": "auto",
                "hovertemplate": "%{y}: %{text}<extra></extra>",
                "marker": {"color": list(STEP_COLOURS)},
                "connector": {"fillcolor": "#e6f0ff"},
            }
        ],
        "layout": {"margin": {"l": 100, "r": 16, "t": 8, "b": 8}, "height": 300, **CHART_LAYOUT},
    }


def funnels_figure(rows: list[dict]) -> dict:
    """The largest groups (rows with ``label`` and ``funnel``) side by side: a bar for each step after
    the consultations, whose count is in the group's label. Funnels drawn over each other would be
    unreadable, since consultations outnumber the later steps twentyfold."""
    shown = rows[:CHART_GROUPS][::-1]  # largest at the top
    labels = [f"{row['label']}（{row['funnel'].consulted:,}）" for row in shown]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": str(STEP_LABELS[name]),
            "y": labels,
            "x": [getattr(row["funnel"], name) for row in shown],
            "text": [f"{getattr(row['funnel'], name):,}" for row in shown],
            "textposition": "outside",
            "hovertemplate": "%{y} · " + str(STEP_LABELS[name]) + ": %{x:,d}<extra></extra>",
            "marker": {"color": colour},
        }
        # Plotly stacks horizontal groups bottom-up: the last step first puts intents on top.
        for name, colour in reversed(list(zip(FUNNEL_STEPS[1:], STEP_COLOURS[1:], strict=True)))
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "group",
            "bargap": 0.25,
            "margin": {"l": 10, "r": 30, "t": 8, "b": 30},
            "height": 110 + 62 * len(shown),
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "traceorder": "reversed"},
            "yaxis": {"automargin": True},
            "xaxis": {"showgrid": True, "gridcolor": "#eef0f3", "zeroline": False},
            **CHART_LAYOUT,
        },
    }
