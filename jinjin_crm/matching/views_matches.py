"""Match pages: the matches list of an officer's parks, a demand's ranked candidates and a talent's
fitting demands (partials the demand and talent pages load with htmx), and the workflow actions."""

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.exceptions import IllegalTransition
from jinjin_crm.core.filters import FilterSet, code_choices
from jinjin_crm.core.models import Park
from jinjin_crm.core.pages import KnownCountPaginator, list_context, page_size
from jinjin_crm.core.permissions import reader_required, writer_required
from projects.models import TalentDemand
from talents.models import Talent

from . import engine, selectors, services
from .models import MATCH_TRANSITIONS, Match, MatchStatus

CANDIDATES_SHOWN = 50
FITS_SHOWN = 20
ACTION_LABELS = {
    MatchStatus.CONTACTED: gettext_lazy("Contact"),
    MatchStatus.INTERVIEWING: gettext_lazy("Interview"),
    MatchStatus.HIRED: gettext_lazy("Hire"),
    MatchStatus.REJECTED: gettext_lazy("Reject"),
}
PART_LABELS = {
    "degree": gettext_lazy("degree"),
    "discipline": gettext_lazy("discipline"),
    "tier": gettext_lazy("tier"),
    "keywords": gettext_lazy("keywords"),
    "location": gettext_lazy("location"),
    "mode": gettext_lazy("full-time"),
    "recency": gettext_lazy("recent contact"),
}


class MatchFilter(FilterSet):
    park = code_choices(Park, "demand__park", label=gettext_lazy("Park"))
    status = django_filters.MultipleChoiceFilter(
        choices=MatchStatus.choices, distinct=False, label=gettext_lazy("Status")
    )
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label=gettext_lazy("Minimum score")
    )

    class Meta:
        model = Match
        fields = ["park", "status", "min_score"]


def _part_maxima() -> dict[str, float]:
    weights = engine.config()["WEIGHTS"]
    maxima = {part: weights.get(part, 0) for part in engine.PARTS}
    maxima["discipline"] = weights["discipline_exact"]
    return maxima


def _detail_text(detail) -> str:
    if isinstance(detail, list):
        return "、".join(str(item) for item in detail)
    return "" if detail in (None, "category", "full_time") else str(detail)


def _annotate(matches) -> list[Match]:
    """Give each match its reason bars (label, points, width in % of the part's maximum) and its
    allowed next statuses."""
    maxima = _part_maxima()
    rows = list(matches)
    for match in rows:
        match.bars = [
            {
                "part": part,
                "label": PART_LABELS[part],
                "points": match.reasons[part]["points"],
                "detail": _detail_text(match.reasons[part].get("detail")),
                "width": round(100 * match.reasons[part]["points"] / maxima[part]) if maxima[part] else 0,
            }
            for part in engine.PARTS
            if part in (match.reasons or {})
        ]
        match.actions = [(to, ACTION_LABELS[to]) for to in MATCH_TRANSITIONS[match.status]]
    return rows


@reader_required
@require_GET
def match_list(request):
    """Matches of the officer's parks by default (``park`` in the query overrides), best first."""
    query = request.GET.copy()
    if "park" not in query and not query.get("all"):
        codes = list(request.user.parks.values_list("code", flat=True))
        if codes:
            query.setlist("park", codes)
    filterset = MatchFilter(query, queryset=selectors.match_list())
    matches = filterset.qs.order_by("-score", "id")
    totals = matches.order_by().aggregate(count=Count("id"))
    page = KnownCountPaginator(matches, page_size(request), count=totals["count"]).get_page(
        request.GET.get("page")
    )
    context = list_context(request, filterset, page, totals=totals)
    context["rows"] = _annotate(page.object_list)
    context["filters_active"] = context["filters_active"] or "park" in query
    return render(request, "matching/match_list.html", context)


@reader_required
@require_GET
def demand_candidates(request, pk):
    demand = get_object_or_404(TalentDemand, pk=pk)
    rows = _annotate(selectors.demand_matches(demand=demand, limit=CANDIDATES_SHOWN))
    return render(
        request,
        "matching/match_candidates.html",
        {"demand": demand, "rows": rows, "can_write": request.user.can_write},
    )


@reader_required
@require_GET
def talent_fits(request, pk):
    talent = get_object_or_404(Talent, pk=pk)
    rows = _annotate(selectors.talent_matches(talent=talent, limit=FITS_SHOWN))
    return render(
        request,
        "matching/match_fits.html",
        {"talent": talent, "rows": rows, "can_write": request.user.can_write},
    )


@writer_required
@require_POST
def match_transition_view(request, pk):
    """Move a match through ``services.match_transition``. From htmx the answer is the match's row
    again (with a notice); otherwise a redirect back to the demand."""
    match = get_object_or_404(Match, pk=pk)
    to = request.POST.get("to", "")
    refusal = None
    try:
        services.match_transition(match=match, to=to, by=request.user, note=request.POST.get("note", ""))
    except IllegalTransition as exc:
        refusal = exc.message
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    notice = refusal or _("Match moved to “%(status)s”.") % {"status": MatchStatus(to).label}
    if request.htmx:
        row = _annotate(selectors.demand_matches(demand=match.demand_id).filter(pk=match.pk))[0]
        template = (
            "matching/match_fit_row.html"
            if request.POST.get("view") == "talent"
            else "matching/match_row.html"
        )
        return render(
            request,
            template,
            {"match": row, "can_write": True, "notice": notice, "refused": refusal is not None},
            status=409 if refusal else 200,
        )
    (messages.error if refusal else messages.success)(request, notice)
    return redirect(reverse("projects:demand-detail", args=[match.demand_id]) + "#candidates")


@writer_required
@require_POST
def match_recompute_view(request):
    """Start a full recompute (it runs on the workers); the jobs page shows its progress."""
    job = services.recompute_full_start(by=request.user)
    messages.success(request, _("Matching recompute #%(id)s started.") % {"id": job.pk})
    return redirect("matching:match-list")
