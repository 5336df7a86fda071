"""FilterSets of the campaigns app, used by the pages, the API and the Excel export alike."""

import datetime

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.filters import FilterSet, SearchFilter, StableOrderingFilter, code_choices, date_range
from jinjin_crm.core.models import Park
from projects.filters import officers

from .models import (
    ENDING_SOON_DAYS,
    Campaign,
    Contact,
    Grade,
    Kind,
    Outcome,
    Placement,
    PlacementBatch,
    TermStatus,
    University,
    season_label,
)


def seasons():
    """The seasons with campaigns, newest first: 2026年秋季, 2026年春季, 2025年秋季…"""
    values = Campaign.objects.order_by().values_list("season", flat=True).distinct()

    # The codes ("2026-spring", "2026-autumn") sort spring after autumn as text, so by year and half.
    def newest_first(season):
        year, half = season.split("-")
        return int(year), half == "autumn"

    return [(season, season_label(season)) for season in sorted(values, key=newest_first, reverse=True)]


class CampaignFilter(FilterSet):
    search = SearchFilter(fields=("title", "place", "university__name", "leader"))
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices, distinct=False, label=_("kind"))
    season = django_filters.ChoiceFilter(choices=seasons, label=_("season"))
    university = django_filters.ModelChoiceFilter(
        queryset=University.objects.all(), label=_("university or institute")
    )
    officer = django_filters.ModelChoiceFilter(
        queryset=officers(), method="filter_officer", label=_("officer")
    )
    starts_on = django_filters.DateFromToRangeFilter(label=_("starts between"))
    ordering = StableOrderingFilter(
        fields=(("starts_on", "starts_on"), ("title", "title"), ("created_at", "created_at")),
        label=_("order by"),
    )

    class Meta:
        model = Campaign
        fields = []

    def filter_officer(self, queryset, name, value):
        if not value:
            return queryset
        # The responsible officer or one of the team; a subquery keeps one row per campaign.
        team = Campaign.officers.through.objects.filter(user=value).values("campaign_id")
        return queryset.filter(Q(lead_officer=value) | Q(pk__in=team))


class ContactFilter(FilterSet):
    search = SearchFilter(fields=("talent__name", "talent__university", "notes"))
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices, distinct=False, label=_("outcome"))

    class Meta:
        model = Contact
        fields = []


class UniversityFilter(FilterSet):
    search = SearchFilter(fields=("name", "city"))
    kind = django_filters.ChoiceFilter(choices=University.Kind.choices, label=_("kind"))
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("campaign_count", "campaign_count"), ("talent_count", "talent_count")),
        label=_("order by"),
    )

    class Meta:
        model = University
        fields = []


class PlacementFilter(FilterSet):
    search = SearchFilter(fields=("expert__name", "host_enterprise__name", "task_book"))
    batch = django_filters.ModelChoiceFilter(
        queryset=PlacementBatch.objects.all(), to_field_name="number", label=_("batch")
    )
    park = code_choices(Park, "host_enterprise__park", label=_("park"))
    status = django_filters.ChoiceFilter(choices=TermStatus.choices, method="filter_status", label=_("term"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("evaluation grade"))
    term_start = django_filters.DateFromToRangeFilter(label=_("term starts between"))
    serving = django_filters.DateFromToRangeFilter(method="filter_serving", label=_("serving between"))
    ordering = StableOrderingFilter(
        fields=(("term_start", "term_start"), ("term_end", "term_end"), ("batch__number", "batch")),
        label=_("order by"),
    )

    class Meta:
        model = Placement
        fields = []

    def filter_serving(self, queryset, name, value):
        """Terms that overlap the range: begun by its end, and not over (ended early, or at term's end)
        before its start."""
        start, stop = date_range(value)
        if stop is not None:
            queryset = queryset.filter(term_start__lte=stop)
        if start is not None:
            queryset = queryset.filter(term_end__gte=start).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=start)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        """The rules of ``Placement.term_status``, as a query."""
        if not value:
            return queryset
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=ENDING_SOON_DAYS)
        early = Q(ended_on__isnull=False, ended_on__lt=F("term_end"))
        on_term = Q(ended_on__isnull=True) | Q(ended_on__gte=F("term_end"))
        conditions = {
            TermStatus.ENDED_EARLY: early & Q(ended_on__lte=today),
            TermStatus.UPCOMING: on_term & Q(term_start__gt=today),
            TermStatus.COMPLETED: on_term & Q(term_end__lt=today),
            TermStatus.ENDING: on_term & Q(term_start__lte=today, term_end__gte=today, term_end__lte=soon),
            TermStatus.ACTIVE: (early & Q(ended_on__gt=today))
            | (on_term & Q(term_start__lte=today, term_end__gt=soon)),
        }
        return queryset.filter(conditions[value])
