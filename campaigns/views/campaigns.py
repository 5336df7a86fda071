"""Campaign pages: the list with its funnel totals, the month calendar, the funnel overview, the detail
page (funnel, contacts, projects of a promotion trip), and create/edit.

The detail page's forms (a person met, an outcome, a project linked) post to the views in
``contacts``; on an error they re-render this page through ``render_campaign_detail`` with the failed
form and its errors (status 400), and on success redirect back with a message.
"""

import datetime

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jinjin_crm.core.pages import (
    DETAIL_RELATED_LIMIT,
    PAGE_SIZES,
    KnownCountPaginator,
    list_context,
    page_size,
    save_form,
)
from jinjin_crm.core.permissions import reader_required, writer_required

from .. import selectors, services
from ..filters import CampaignFilter, ContactFilter
from ..forms import CampaignForm, ContactOutcomeForm, ContactPersonForm, ProjectLinkForm
from ..models import Campaign, Contact, Kind, Outcome, season_label
from .common import funnel_figure, funnel_steps, funnels_figure

MORE_FILTERS = ("officer", "starts_on_after", "starts_on_before")
FUNNEL_GROUPS = (
    ("campaign", gettext_lazy("By campaign")),
    ("university", gettext_lazy("By university")),
    ("season", gettext_lazy("By season")),
    ("kind", gettext_lazy("By kind")),
)


# --- List, calendar, funnel overview ---------------------------------------------------------------


@reader_required
@require_GET
def campaign_list(request):
    """The filtered list, each campaign with its funnel; the totals row adds up the funnels of every
    campaign the filters keep. The same queries whatever the page size: the totals (which count the
    rows for the paginator too), the rows with their funnels, and the filters' choices."""
    filterset = CampaignFilter(request.GET, queryset=Campaign.objects.for_list())
    filterset.form.fields["university"].label = gettext_lazy("University visited")
    campaigns = filterset.qs
    totals = selectors.campaign_totals(campaigns)
    rows = selectors.campaign_list(queryset=campaigns)
    page = KnownCountPaginator(rows, page_size(request), count=totals["count"]).get_page(
        request.GET.get("page")
    )
    context = list_context(
        request,
        filterset,
        page,
        totals=totals,
        more_open=any(request.GET.get(name) for name in MORE_FILTERS)
        or any(filterset.form.errors.get(name) for name in ("officer", "starts_on")),
        month=timezone.localdate().strftime("%Y-%m"),
    )
    return render(request, "campaigns/campaign_list.html", context)


def _month(value: str | None, today: datetime.date) -> datetime.date:
    """The first day of the month asked for as ``YYYY-MM``; this month when missing or malformed."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@reader_required
@require_GET
def campaign_calendar(request):
    """A month as a grid of weeks (Monday first); a campaign shows on every day it runs. The list's
    filters apply (a kind, an officer …)."""
    today = timezone.localdate()
    first = _month(request.GET.get("month"), today)
    filterset = CampaignFilter(request.GET, queryset=Campaign.objects.all())
    month = selectors.campaigns_in_month(year=first.year, month=first.month, queryset=filterset.qs)
    weeks = [
        [
            {
                "day": day,
                "campaigns": month["by_day"].get(day, []) if day else [],
                "today": day == today,
                "weekend": day is not None and day.weekday() >= 5,
            }
            for day in week
        ]
        for week in month["weeks"]
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=31)).replace(day=1)
    last = following - datetime.timedelta(days=1)
    params = request.GET.copy()
    params.pop("month", None)
    return render(
        request,
        "campaigns/campaign_calendar.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "first": first,
            "weeks": weeks,
            "campaigns": month["campaigns"],
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "this_month": today.strftime("%Y-%m"),
            "is_this_month": first == today.replace(day=1),
            "filters_query": params.urlencode(),
            "list_query": f"starts_on_after={first.isoformat()}&starts_on_before={last.isoformat()}",
            "kinds": Kind.choices,
        },
    )


def _group_label(by: str, label) -> str:
    if by == "season":
        return season_label(label)
    if by == "kind":
        return Kind(label).label if label in Kind.values else label
    return label


@reader_required
@require_GET
def campaign_funnel(request):
    """The funnel per campaign, university, season or kind (tabs), over the campaigns the filters
    keep: a table of every group and a chart of the largest ones. Two queries."""
    by = request.GET.get("by")
    if by not in dict(FUNNEL_GROUPS):
        by = "campaign"
    filterset = CampaignFilter(request.GET, queryset=Campaign.objects.all())
    contacts = Contact.objects.filter(campaign__in=filterset.qs.order_by().values("pk"))
    rows = [
        {
            "key": row.key,
            "label": _group_label(by, row.label),
            "funnel": row.funnel,
            "steps": funnel_steps(row.funnel),
        }
        for row in selectors.funnels_by(by, contacts=contacts)
    ]
    total = selectors.funnel(contacts)
    params = request.GET.copy()
    params.pop("by", None)
    return render(
        request,
        "campaigns/campaign_funnel.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "by": by,
            "groups": FUNNEL_GROUPS,
            "rows": rows,
            "total": funnel_steps(total),
            "figure": funnels_figure(rows),
            "filters_query": params.urlencode(),
        },
    )


# --- Detail ---------------------------------------------------------------------------------------


def campaign_get(pk) -> Campaign:
    return get_object_or_404(Campaign.objects.for_list(), pk=pk)


def _outcome_counts(funnel) -> dict:
    """People per outcome (each contact has exactly one), from the funnel already counted."""
    return {
        Outcome.CONSULTED: funnel.consulted - funnel.intents,
        Outcome.INTENT: funnel.intents - funnel.signed,
        Outcome.SIGNED: funnel.signed,
    }


def _campaign_detail_context(request, campaign, **extra) -> dict:
    funnel = selectors.campaign_funnel(campaign)
    contacts_filter = ContactFilter(request.GET, queryset=selectors.campaign_contacts(campaign))
    page = Paginator(contacts_filter.qs, page_size(request)).get_page(request.GET.get("page"))
    counts = _outcome_counts(funnel)
    today = timezone.localdate()
    person_initial = {
        "outcome": Outcome.CONSULTED,
        "university": campaign.university.name if campaign.university else "",
        "met_on": min(max(today, campaign.starts_on), campaign.ends_on),
    }
    context = {
        "campaign": campaign,
        "officers": list(campaign.officers.all()),
        "season": season_label(campaign.season),
        "funnel": funnel,
        "steps": funnel_steps(funnel, campaign),
        "figure": funnel_figure(funnel),
        "has_targets": any(
            getattr(campaign, field) is not None
            for field in ("target_consultations", "target_intents", "target_masters", "target_signed")
        ),
        "contacts_filter": contacts_filter,
        "page": page,
        "rows": page.object_list,
        "page_sizes": PAGE_SIZES,
        "page_size": page.paginator.per_page,
        "outcomes": [(code, label, counts[code]) for code, label in Outcome.choices],
        "outcome_selected": request.GET.getlist("outcome"),
        "outcome_form": ContactOutcomeForm(),
        "person_form": extra.pop("person_form", None) or ContactPersonForm(initial=person_initial),
        "person_open": extra.pop("person_open", False),
        "can_write": request.user.can_write,
    }
    if campaign.is_promotion_trip:
        context.update(
            trip=selectors.trip_yield(campaign),
            project_links=list(selectors.campaign_projects(campaign)[:DETAIL_RELATED_LIMIT]),
            link_form=extra.pop("link_form", None) or ProjectLinkForm(),
        )
    context.update(extra)
    return context


def render_campaign_detail(request, campaign, *, status=200, **extra):
    context = _campaign_detail_context(request, campaign, **extra)
    return render(request, "campaigns/campaign_detail.html", context, status=status)


@reader_required
@require_GET
def campaign_detail(request, pk):
    return render_campaign_detail(request, campaign_get(pk))


# --- Create and edit ------------------------------------------------------------------------------


@writer_required(read_only="campaigns:campaign-list")
def campaign_create(request):
    initial = {"lead_officer": request.user.pk}
    if request.GET.get("kind") in Kind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("university", "").isdigit():
        initial["university"] = request.GET["university"]
    form = CampaignForm(request.POST or None, initial=initial)
    return save_form(
        request,
        form,
        lambda fields: services.campaign_create(
            by=request.user, officers=form.cleaned_data["officers"], **fields
        ),
        template="campaigns/campaign_form.html",
        context={"cancel_url": reverse("campaigns:campaign-list")},
        next_url=lambda campaign: reverse("campaigns:campaign-detail", args=[campaign.pk]),
        success=_("Campaign “%(name)s” saved."),
    )


@writer_required(read_only="campaigns:campaign-detail")
def campaign_edit(request, pk):
    campaign = campaign_get(pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    return save_form(
        request,
        form,
        lambda fields: services.campaign_update(
            campaign=campaign, by=request.user, officers=form.cleaned_data["officers"], **fields
        ),
        template="campaigns/campaign_form.html",
        context={
            "campaign": campaign,
            "cancel_url": reverse("campaigns:campaign-detail", args=[campaign.pk]),
        },
        next_url=lambda saved: reverse("campaigns:campaign-detail", args=[saved.pk]),
        success=_("Campaign “%(name)s” saved."),
    )
