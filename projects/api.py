"""Enterprises, investment projects and talent demands over the REST API.

Serializers describe the contract with the park systems (codes for reference data, labels beside
them); viewsets apply the caller's park scope and write through ``projects.services``. Related
records a caller names (an enterprise, a project, a park) are looked up within its scope, so another
park's record reads as "does not exist", exactly like a missing one.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jinjin_crm.core.models import Degree, Discipline, IndustryChain, Park, Region, TalentTier, User
from jinjin_crm.core.viewsets import ParkScopedMixin, scope_for

from . import services
from .filters import DemandFilter, EnterpriseFilter, ProjectFilter, officers
from .models import DemandStatus, Enterprise, InvestmentProject, Stage, TalentDemand


def _person(user) -> User | None:
    """The person behind a request; a park system is not one (services record ``by=None``)."""
    return user if isinstance(user, User) else None


class ScopedQuerysetMixin:
    """A related field offering only records in the caller's park scope."""

    def __init__(self, *args, park_path: str = "park", **kwargs):
        self.park_path = park_path
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        return scope_for(self.context["request"].user).apply(super().get_queryset(), self.park_path)


class ScopedPrimaryKeyField(ScopedQuerysetMixin, serializers.PrimaryKeyRelatedField):
    pass


class ScopedSlugField(ScopedQuerysetMixin, serializers.SlugRelatedField):
    pass


def _code_field(model, **kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=model.objects.filter(is_active=True), **kwargs
    )


def _park_field() -> ScopedSlugField:
    return ScopedSlugField(slug_field="code", queryset=Park.objects.filter(is_active=True), park_path="pk")


# --- Enterprises ----------------------------------------------------------------------------------


class EnterpriseSerializer(serializers.ModelSerializer):
    park = _park_field()
    park_name = serializers.CharField(source="park.name", read_only=True)
    industry = _code_field(IndustryChain, required=False, allow_null=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "park",
            "park_name",
            "industry",
            "industry_name",
            "is_key",
            "address",
            "contact_name",
            "contact_title",
            "contact_phone",
            "notes",
            "created_at",
            "updated_at",
        ]


class EnterpriseViewSet(
    ParkScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprises; a park system sees and changes only its park's."""

    queryset = Enterprise.objects.select_related("park", "industry")
    serializer_class = EnterpriseSerializer
    # The FilterSet brings its own ``search`` and ``ordering``, the same as on the pages.
    filter_backends = [DjangoFilterBackend]
    filterset_class = EnterpriseFilter

    def perform_create(self, serializer):
        serializer.instance = services.enterprise_create(
            by=_person(self.request.user), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.enterprise_update(
            enterprise=serializer.instance, by=_person(self.request.user), **serializer.validated_data
        )


# --- Projects -------------------------------------------------------------------------------------

TARGET_STAGES = [(stage, label) for stage, label in Stage.choices if stage != Stage.LEAD]


class ProjectSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True)
    credit_code = serializers.CharField(
        source="enterprise.credit_code",
        read_only=True,
        allow_null=True,
        help_text=_("The project enterprise's unified social credit code."),
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    expands = ScopedPrimaryKeyField(queryset=InvestmentProject.objects.all(), required=False, allow_null=True)
    source = _code_field(Region)
    source_name = serializers.CharField(source="source.name", read_only=True)
    industry = _code_field(IndustryChain)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    park = _park_field()
    park_name = serializers.CharField(source="park.name", read_only=True)
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        default=Stage.LEAD,
        help_text=_(
            "Set when creating (a ledger may bring a project at any stage); then changed only "
            "through the transition endpoint."
        ),
    )
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    allowed_transitions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The stages the project may move to now (codes, as in `stage`)."),
    )
    lead_officer = serializers.SlugRelatedField(
        slug_field="username",
        queryset=officers(),
        required=False,
        help_text=_("An officer's username; an officer creating a project leads it unless another is named."),
    )
    lead_officer_name = serializers.StringRelatedField(source="lead_officer")

    class Meta:
        model = InvestmentProject
        fields = [
            "id",
            "name",
            "investor",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "kind",
            "kind_label",
            "expands",
            "source",
            "source_name",
            "industry",
            "industry_name",
            "park",
            "park_name",
            "stage",
            "stage_label",
            "allowed_transitions",
            "agreed_investment",
            "fixed_asset_investment",
            "lead_officer",
            "lead_officer_name",
            "sponsor",
            "first_contact_on",
            "signed_on",
            "started_on",
            "operating_on",
            "at_capacity_on",
            "terminated_on",
            "termination_reason",
            "description",
            "created_at",
            "updated_at",
        ]

    def validate_stage(self, value):
        if self.instance is not None and value != self.instance.stage:
            raise serializers.ValidationError(
                _("The stage changes only through POST /api/v1/projects/{id}/transition/.")
            )
        return value


class ProjectTransitionSerializer(serializers.Serializer):
    # Any stage but the first: whether the move is allowed from where the project is now is the
    # lifecycle's decision (409), not a matter of the field's format.
    to = serializers.ChoiceField(choices=TARGET_STAGES)
    note = serializers.CharField(default="", allow_blank=True, help_text=_("Why; required when terminating."))
    on = serializers.DateField(default=None, allow_null=True, help_text=_("Date of the move; default today."))
    agreed_investment = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=None,
        allow_null=True,
        help_text=_("Agreed investment in 10k yuan, when signing."),
    )


class ProjectViewSet(
    ParkScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Investment projects; a park system sees and changes only its park's. The stage moves only
    through ``transition``."""

    queryset = InvestmentProject.objects.for_ledger()
    serializer_class = ProjectSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilter
    # Updates are partial: a park system sends what changed, never a whole project.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        fields.setdefault("lead_officer", _person(self.request.user))
        serializer.instance = services.project_create(by=_person(self.request.user), **fields)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("stage", None)
        serializer.instance = services.project_update(
            project=serializer.instance, by=_person(self.request.user), **fields
        )

    @extend_schema(
        request=ProjectTransitionSerializer,
        responses={
            200: ProjectSerializer,
            400: OpenApiResponse(description="A field is missing or invalid; `attr` names it."),
            404: OpenApiResponse(description="No such project in the caller's scope."),
            409: OpenApiResponse(
                description="The lifecycle does not allow this move from the current stage "
                "(`illegal_transition`, `attr` is `to`)."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the project to its next stage, or terminate it; the move is recorded in its history."""
        project = self.get_object()
        serializer = ProjectTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.project_transition(project=project, by=_person(request.user), **serializer.validated_data)
        return Response(self.get_serializer(project).data)


# --- Talent demands -------------------------------------------------------------------------------


class ScopedDemandFilter(DemandFilter):
    """The pages' ``DemandFilter``, with enterprise and project choices narrowed to the caller's scope,
    so filtering on another park's record reads like filtering on a missing one."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        scope = scope_for(request.user)
        for name in ("enterprise", "project"):
            self.filters[name].queryset = scope.apply(self.filters[name].queryset)

    # The schema cannot tell the parameter's type from the filter method: discipline codes, e.g. 0812.
    @extend_schema_field(OpenApiTypes.STR)
    def filter_discipline(self, queryset, name, value):
        return super().filter_discipline(queryset, name, value)


class DemandSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True)
    project = ScopedPrimaryKeyField(queryset=InvestmentProject.objects.all(), required=False, allow_null=True)
    project_name = serializers.CharField(source="project.name", read_only=True, allow_null=True)
    park = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("The enterprise's or project's park.")
    )
    park_name = serializers.CharField(source="park.name", read_only=True)
    disciplines = _code_field(Discipline, many=True, help_text=_("Discipline codes, e.g. 0812."))
    min_degree = _code_field(Degree)
    min_degree_name = serializers.CharField(source="min_degree.name", read_only=True)
    tier = _code_field(TalentTier, required=False, allow_null=True)
    tier_name = serializers.CharField(source="tier.name", read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=DemandStatus.choices, required=False)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = TalentDemand
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "project",
            "project_name",
            "park",
            "park_name",
            "position",
            "disciplines",
            "min_degree",
            "min_degree_name",
            "tier",
            "tier_name",
            "years_experience",
            "headcount",
            "salary_min",
            "salary_max",
            "scarcity",
            "keywords",
            "description",
            "valid_until",
            "status",
            "status_label",
            "created_at",
            "updated_at",
        ]


class DemandViewSet(
    ParkScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Talent demands of enterprises and projects; a park system sees and files only its park's."""

    queryset = TalentDemand.objects.for_list()
    serializer_class = DemandSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ScopedDemandFilter

    @transaction.atomic
    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        status = fields.pop("status", None)
        by = _person(self.request.user)
        demand = services.demand_create(by=by, **fields)
        if status is not None and status != demand.status:
            demand = services.demand_set_status(demand=demand, status=status, by=by)
        serializer.instance = demand

    @transaction.atomic
    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        status = fields.pop("status", None)
        by = _person(self.request.user)
        demand = serializer.instance
        # The status first: closing a demand whose date has passed is allowed, and the update's
        # validation must see the status it is going to have.
        if status is not None and status != demand.status:
            services.demand_set_status(demand=demand, status=status, by=by)
        serializer.instance = services.demand_update(demand=demand, by=by, **fields)
