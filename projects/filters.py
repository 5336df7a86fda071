"""FilterSets of the projects app, used by the pages, the API and the Excel export alike."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.filters import SearchFilter, StableOrderingFilter, code_choices
from jinjin_crm.core.models import Degree, Discipline, IndustryChain, Park, Region, TalentTier, User
from jinjin_crm.core.roles import Role

from .models import DemandStatus, Enterprise, InvestmentProject, Stage, TalentDemand


def officers():
    return User.objects.filter(groups__name=Role.OFFICER, is_active=True).order_by("name")


class ProjectFilter(django_filters.FilterSet):
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


class EnterpriseFilter(django_filters.FilterSet):
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


class DemandFilter(django_filters.FilterSet):
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
    valid_until = django_filters.DateFromToRangeFilter(label=_("valid until"))
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

    def filter_discipline(self, queryset, name, value):
        if not value:
            return queryset
        through = TalentDemand.disciplines.through
        return queryset.filter(
            Exists(through.objects.filter(talentdemand_id=OuterRef("pk"), discipline__in=value))
        )
