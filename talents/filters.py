"""The FilterSet of the talent list, used by the page, the API and the export alike."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.filters import FilterSet, SearchFilter, StableOrderingFilter, code_choices
from jinjin_crm.core.models import Degree, Discipline, Park, TalentTier, User
from jinjin_crm.core.roles import Role

from .models import Mode, Source, Stage, Talent, Team
from .search import talent_search


def owners():
    return User.objects.filter(groups__name=Role.OFFICER, is_active=True).order_by("name")


class TalentFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, distinct=False, label=_("stage"))
    tier = code_choices(TalentTier, "tier", label=_("tier"))
    degree = code_choices(Degree, "highest_degree", label=_("highest degree"))
    discipline = django_filters.ModelMultipleChoiceFilter(
        to_field_name="code",
        queryset=Discipline.objects.filter(is_active=True),
        method="filter_discipline",
        distinct=False,
        label=_("discipline"),
    )
    park = code_choices(Park, "employer_enterprise__park", label=_("park of the employer"))
    owner = django_filters.ModelChoiceFilter(queryset=owners(), label=_("owner officer"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("source"))
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("mode"))
    signed_on = django_filters.DateFromToRangeFilter(label=_("signed between"))
    onboarded_on = django_filters.DateFromToRangeFilter(label=_("onboarded between"))
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("birth_year", "birth_year"),
            ("stage", "stage"),
            ("updated_at", "updated_at"),
        ),
        label=_("order by"),
    )

    class Meta:
        model = Talent
        fields = []

    def filter_search(self, queryset, name, value):
        return talent_search(queryset, value)

    def filter_discipline(self, queryset, name, value):
        if not value:
            return queryset
        through = Talent.disciplines.through
        return queryset.filter(Exists(through.objects.filter(talent_id=OuterRef("pk"), discipline__in=value)))


class TeamFilter(FilterSet):
    search = SearchFilter(fields=("name", "leader__name", "host_enterprise__name"))
    park = code_choices(Park, "host_enterprise__park", label=_("park of the host enterprise"))
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("mode"))
    introduced_on = django_filters.DateFromToRangeFilter(label=_("introduced between"))
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("introduced_on", "introduced_on"), ("created_at", "created_at")),
        label=_("order by"),
    )

    class Meta:
        model = Team
        fields = []
