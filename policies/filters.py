"""The FilterSets of the policies app, used by the pages, the API and the exports alike."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.filters import (
    FilterSet,
    SearchFilter,
    StableOrderingFilter,
    code_choices,
    moment_range_lookups,
)
from jinjin_crm.core.models import Park
from talents.filters import owners

from .models import (
    SERVICE_OPEN_STATES,
    ApplicationState,
    Benefit,
    BenefitKind,
    Fund,
    FundMovement,
    MovementKind,
    Policy,
    PolicyApplication,
    PolicySeries,
    PolicyStatus,
    ServiceKind,
    ServiceRequest,
    ServiceState,
)


class PolicyFilter(FilterSet):
    search = SearchFilter(fields=("title", "document_number", "summary"))
    status = django_filters.MultipleChoiceFilter(
        choices=PolicyStatus.choices, distinct=False, label=_("status")
    )
    series = django_filters.MultipleChoiceFilter(
        choices=PolicySeries.choices, distinct=False, label=_("series")
    )
    ordering = StableOrderingFilter(
        fields=(("effective_from", "effective_from"), ("title", "title"), ("updated_at", "updated_at")),
        label=_("order by"),
    )

    class Meta:
        model = Policy
        fields = []


class ApplicationFilter(FilterSet):
    search = SearchFilter(fields=("talent__name",), label=_("talent name"))
    state = django_filters.MultipleChoiceFilter(
        choices=ApplicationState.choices, distinct=False, label=_("state")
    )
    benefit = django_filters.ModelMultipleChoiceFilter(
        queryset=Benefit.objects.select_related("policy"), distinct=False, label=_("benefit")
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="benefit__kind", choices=BenefitKind.choices, distinct=False, label=_("kind")
    )
    fund = django_filters.ModelChoiceFilter(queryset=Fund.objects.all(), label=_("fund"))
    owner = django_filters.ModelChoiceFilter(queryset=owners(), label=_("owner officer"))
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("talent"))
    proposed_automatically = django_filters.BooleanFilter(label=_("proposed automatically"))
    park = code_choices(Park, "talent__employer_enterprise__park", label=_("park of the employer"))
    decided_on = django_filters.DateFromToRangeFilter(method="filter_decided_on", label=_("decided between"))
    paid_on = django_filters.DateFromToRangeFilter(method="filter_paid_on", label=_("paid between"))
    ordering = StableOrderingFilter(
        fields=(
            ("created_at", "created_at"),
            ("submitted_at", "submitted_at"),
            ("decided_at", "decided_at"),
            ("amount", "amount"),
            ("updated_at", "updated_at"),
        ),
        label=_("order by"),
    )

    class Meta:
        model = PolicyApplication
        fields = []

    def filter_decided_on(self, queryset, name, value):
        lookups = moment_range_lookups("decided_at", value)
        return queryset.filter(**lookups) if lookups else queryset

    def filter_paid_on(self, queryset, name, value):
        """Applications with a payment (a disbursement from their fund) made in the range."""
        lookups = moment_range_lookups("at", value)
        if not lookups:
            return queryset
        payments = FundMovement.objects.filter(
            application=OuterRef("pk"), kind=MovementKind.DISBURSE, **lookups
        )
        return queryset.filter(Exists(payments))


class ServiceRequestFilter(FilterSet):
    search = SearchFilter(fields=("talent__name", "description"))
    state = django_filters.MultipleChoiceFilter(
        choices=ServiceState.choices, distinct=False, label=_("state")
    )
    kind = django_filters.MultipleChoiceFilter(choices=ServiceKind.choices, distinct=False, label=_("kind"))
    owner = django_filters.ModelChoiceFilter(queryset=owners(), label=_("owner officer"))
    talent = django_filters.NumberFilter(field_name="talent_id", label=_("talent"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    park = code_choices(Park, "talent__employer_enterprise__park", label=_("park of the employer"))
    ordering = StableOrderingFilter(
        fields=(("due_on", "due_on"), ("created_at", "created_at"), ("updated_at", "updated_at")),
        label=_("order by"),
    )

    class Meta:
        model = ServiceRequest
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_on__lt=timezone.localdate(), state__in=SERVICE_OPEN_STATES)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
