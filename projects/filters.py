"""FilterSets of the projects app, used by the pages, the API and the Excel export alike."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.filters import (
    FilterSet,
    HookChoiceFilter,
    SearchFilter,
    StableOrderingFilter,
    code_choices,
    date_range,
    range_lookups,
)
from jinjin_crm.core.models import Degree, Discipline, IndustryChain, Park, Region, TalentTier, User
from jinjin_crm.core.roles import Role

from .models import DemandStatus, Enterprise, FundsArrival, InvestmentProject, Stage, TalentDemand

# The signing rule's follow-up asks for the project's talent demands within this many days.
DEMANDS_DUE_DAYS = 7


def demands_collected_in_time():
    """``Exists`` of a demand of the project registered by the day the signing follow-up fell due
    (``DEMANDS_DUE_DAYS`` after signing): the talent work that follows the investment."""
    return Exists(
        TalentDemand.objects.filter(
            project=OuterRef("pk"),
            created_at__date__lte=OuterRef("signed_on") + datetime.timedelta(days=DEMANDS_DUE_DAYS),
        )
    )


def officers():
    return User.objects.filter(groups__name=Role.OFFICER, is_active=True).order_by("name")


class ProjectFilter(FilterSet):
    search = SearchFilter(fields=("name", "investor", "enterprise__name"))
    park = code_choices(Park, "park", label=_("park"))
    industry = code_choices(IndustryChain, "industry", label=_("industry chain"))
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, distinct=False, label=_("stage"))
    source = code_choices(Region, "source", label=_("source"))
    kind = django_filters.ChoiceFilter(choices=InvestmentProject.Kind.choices, label=_("kind"))
    officer = django_filters.ModelChoiceFilter(
        field_name="lead_officer", queryset=officers(), label=_("lead officer")
    )
    signed_on = django_filters.DateFromToRangeFilter(label=_("signed between"))
    started_on = django_filters.DateFromToRangeFilter(label=_("construction started between"))
    operating_on = django_filters.DateFromToRangeFilter(label=_("in operation between"))
    funds_arrived = django_filters.DateFromToRangeFilter(
        method="filter_funds_arrived", label=_("funds arrived between")
    )
    demands = django_filters.ChoiceFilter(
        choices=(
            ("none", _("no talent demand collected")),
            ("any", _("talent demands collected")),
            ("within_week", _("demands collected within a week of signing")),
        ),
        method="filter_demands",
        label=_("talent demands"),
    )
    investment_min = django_filters.NumberFilter(
        field_name="agreed_investment", lookup_expr="gte", label=_("investment from (10k yuan)")
    )
    investment_max = django_filters.NumberFilter(
        field_name="agreed_investment", lookup_expr="lte", label=_("investment to (10k yuan)")
    )
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("agreed_investment", "agreed_investment"),
            ("signed_on", "signed_on"),
            ("stage", "stage"),
            ("updated_at", "updated_at"),
            ("created_at", "created_at"),
        ),
        label=_("order by"),
    )

    class Meta:
        model = InvestmentProject
        fields = []

    def filter_funds_arrived(self, queryset, name, value):
        """Projects with money arrived in a month of the range (months are recorded by their first day)."""
        start, stop = date_range(value)
        if start is None and stop is None:
            return queryset
        arrivals = FundsArrival.objects.filter(project=OuterRef("pk"), amount__gt=0)
        if start is not None:
            arrivals = arrivals.filter(period__gte=start.replace(day=1))
        if stop is not None:
            arrivals = arrivals.filter(period__lte=stop)
        return queryset.filter(Exists(arrivals))

    def filter_demands(self, queryset, name, value):
        if not value:
            return queryset
        demands = TalentDemand.objects.filter(project=OuterRef("pk"))
        if value == "none":
            return queryset.filter(~Exists(demands))
        if value == "within_week":
            return queryset.filter(signed_on__isnull=False).filter(demands_collected_in_time())
        return queryset.filter(Exists(demands))


class EnterpriseFilter(FilterSet):
    search = SearchFilter(fields=("name", "credit_code", "contact_name"))
    park = code_choices(Park, "park", label=_("park"))
    industry = code_choices(IndustryChain, "industry", label=_("industry chain"))
    is_key = django_filters.BooleanFilter(label=_("key enterprise"))
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("created_at", "created_at"), ("updated_at", "updated_at")),
        label=_("order by"),
    )

    class Meta:
        model = Enterprise
        fields = []


class DemandFilter(FilterSet):
    search = SearchFilter(fields=("position", "keywords", "enterprise__name", "project__name"))
    park = code_choices(Park, "park", label=_("park"))
    status = django_filters.MultipleChoiceFilter(
        choices=DemandStatus.choices, distinct=False, label=_("status")
    )
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label=_("enterprise"))
    project = django_filters.ModelChoiceFilter(queryset=InvestmentProject.objects.all(), label=_("project"))
    # An EXISTS subquery rather than a join, so a demand with two matching disciplines is one row
    # and no DISTINCT is needed.
    discipline = django_filters.ModelMultipleChoiceFilter(
        to_field_name="code",
        queryset=Discipline.objects.filter(is_active=True),
        method="filter_discipline",
        distinct=False,
        label=_("discipline"),
    )
    min_degree = code_choices(Degree, "min_degree", label=_("minimum degree"))
    tier = code_choices(TalentTier, "tier", label=_("talent tier"))
    # The catalogue's rule: a demand's industry is its project's, else its enterprise's.
    industry = django_filters.ModelMultipleChoiceFilter(
        field_name="project__industry",  # for the schema's type; ``filter_industry`` decides
        to_field_name="code",
        queryset=IndustryChain.objects.filter(is_active=True),
        method="filter_industry",
        distinct=False,
        label=_("industry chain"),
    )
    valid_until = django_filters.DateFromToRangeFilter(label=_("valid until"))
    project_signed_on = django_filters.DateFromToRangeFilter(
        method="filter_project_signed_on", label=_("project signed between")
    )
    candidates = HookChoiceFilter(
        hook="projects.demand.candidates",
        choices=(
            ("recommended", _("with candidates")),
            ("interviewing", _("candidates in interview")),
            ("hired", _("candidates hired")),
        ),
        label=_("candidates"),
    )
    ordering = StableOrderingFilter(
        fields=(
            ("valid_until", "valid_until"),
            ("scarcity", "scarcity"),
            ("headcount", "headcount"),
            ("updated_at", "updated_at"),
        ),
        label=_("order by"),
    )

    class Meta:
        model = TalentDemand
        fields = []

    def filter_industry(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(project__industry__in=value) | Q(project__isnull=True, enterprise__industry__in=value)
        )

    def filter_project_signed_on(self, queryset, name, value):
        lookups = range_lookups("project__signed_on", value)
        return queryset.filter(**lookups) if lookups else queryset

    def filter_discipline(self, queryset, name, value):
        if not value:
            return queryset
        through = TalentDemand.disciplines.through
        return queryset.filter(
            Exists(through.objects.filter(talentdemand_id=OuterRef("pk"), discipline__in=value))
        )
