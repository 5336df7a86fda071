"""Talents over the REST API, for officers (session) and park systems (token).

Scope: officers, leaders and administrators work district-wide. A park system sees the talents working
at its park's enterprises (``employer_enterprise.park``); another park's talent, or one with no employer
in the district, is a 404 for it. Once talents are matched to demands, the scope of a park system widens
to the talents matched to its park's demands as well; that rule belongs with the matching work, so only
the employer rule is applied here.

Personal data: ``id_number`` and ``phone`` are written in the clear and always read masked
(``5001**********1234``, ``138****5678``), except on retrieve for a signed-in user holding
``talents.view_personal_data`` who asks ``?unmasked=1&reason=…``; each such read is written to the
access log (kind API) before the values are serialised. Park systems always get masked values and no
``email``.

Writes go through ``talents.services``; a suspected duplicate is a 409 ``possible_duplicate`` listing
the records it may duplicate (masked), which the caller overrides with ``confirmed_not_duplicate``.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jinjin_crm.core.api_errors import error_body
from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.models import Degree, Discipline, PersonalDataAccess, TalentTier, User
from jinjin_crm.core.services import personal_data_access_log
from jinjin_crm.core.viewsets import IdsFirstPagination, ParkScopedMixin, scope_for
from projects.api import ScopedPrimaryKeyField
from projects.models import Enterprise

from . import services
from .filters import TalentFilter, owners
from .models import Stage, Talent

PERSONAL_DATA_PERMISSION = "talents.view_personal_data"
TARGET_STAGES = [(stage, label) for stage, label in Stage.choices if stage != Stage.LEAD]


def _person(user) -> User | None:
    """The person behind a request; a park system is not one (services record ``by=None``)."""
    return user if isinstance(user, User) else None


def _is_park_system(user) -> bool:
    return not scope_for(user).is_district_wide


def _code_field(model, **kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=model.objects.filter(is_active=True), **kwargs
    )


class ApiTalentFilter(TalentFilter):
    """The pages' ``TalentFilter``, typed for the schema where it cannot tell from a filter method."""

    @extend_schema_field(OpenApiTypes.STR)
    def filter_discipline(self, queryset, name, value):
        return super().filter_discipline(queryset, name, value)


class TalentSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=30,
        help_text=gettext_lazy(
            "Resident ID number. Sent in the clear; read back masked unless an unmasked retrieve is allowed."
        ),
    )
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=30,
        help_text=gettext_lazy("Mainland mobile. Sent in the clear; read back masked like `id_number`."),
    )
    email = serializers.EmailField(
        required=False, allow_blank=True, help_text=gettext_lazy("Not shown to park systems.")
    )
    highest_degree = _code_field(Degree, required=False, allow_null=True)
    disciplines = _code_field(
        Discipline, many=True, required=False, help_text=gettext_lazy("Discipline codes, e.g. 0812.")
    )
    tier = _code_field(TalentTier, required=False, allow_null=True)
    employer_enterprise = ScopedPrimaryKeyField(
        queryset=Enterprise.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The employer, when it is an enterprise of the district (its id). A park system must name "
            "one of its park's enterprises: it sees only the talents working there."
        ),
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        default=Stage.LEAD,
        help_text=gettext_lazy(
            "Set when creating; then changed only through the transition endpoint. "
            "Codes: lead, contacted, intent, signed, onboarded, lost."
        ),
    )
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    allowed_transitions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=gettext_lazy("The stages the talent may move to now (codes, as in `stage`)."),
    )
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=owners(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "An officer's username; an officer creating a talent owns it unless another is named."
        ),
    )
    confirmed_not_duplicate = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text=gettext_lazy(
            "Create even though the talent looks like a registered one (same mobile, or same name, birth "
            "year and university): the caller checked they are different people. A registered ID number "
            "is refused whatever this says."
        ),
    )

    class Meta:
        model = Talent
        fields = [
            "id",
            "name",
            "gender",
            "birth_year",
            "id_number",
            "phone",
            "email",
            "highest_degree",
            "university",
            "disciplines",
            "research_keywords",
            "title",
            "tier",
            "employer",
            "employer_enterprise",
            "location",
            "source",
            "source_detail",
            "mode",
            "stage",
            "stage_label",
            "allowed_transitions",
            "owner",
            "confirmed_not_duplicate",
            "created_at",
            "updated_at",
        ]

    def validate_stage(self, value):
        if self.instance is not None and value != self.instance.stage:
            raise serializers.ValidationError(
                _("The stage changes only through POST /api/v1/talents/{id}/transition/.")
            )
        return value

    def validate_owner(self, value):
        if value is None and self.instance is not None:
            raise serializers.ValidationError(_("A talent keeps an owner; name another officer instead."))
        return value

    def validate(self, attrs):
        # A park system sees only talents employed in its park: it may not create or move one out of sight.
        if _is_park_system(self.context["request"].user):
            creating_without = self.instance is None and attrs.get("employer_enterprise") is None
            if creating_without or ("employer_enterprise" in attrs and attrs["employer_enterprise"] is None):
                raise serializers.ValidationError(
                    {"employer_enterprise": _("Name the enterprise of your park where the talent works.")}
                )
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("unmasked"):
            data["id_number"] = mask_national_id(instance.id_number)
            data["phone"] = mask_phone(instance.phone)
        if _is_park_system(self.context["request"].user):
            data.pop("email", None)
        return data


class TalentTransitionSerializer(serializers.Serializer):
    # Any stage but the first: whether the move is allowed from where the talent is now is the
    # pipeline's decision (409), not a matter of the field's format.
    to = serializers.ChoiceField(choices=TARGET_STAGES)
    note = serializers.CharField(
        default="", allow_blank=True, help_text=gettext_lazy("Why; required when the talent is lost.")
    )
    on = serializers.DateField(
        default=None, allow_null=True, help_text=gettext_lazy("Date of the move; default today.")
    )


# --- The 409 of a suspected duplicate, for the schema ---------------------------------------------


class ErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class DuplicateItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    certain = serializers.BooleanField(help_text=gettext_lazy("Same ID number or mobile (else: probable)."))
    reason = serializers.CharField()
    id_number = serializers.CharField(help_text=gettext_lazy("Masked."))
    phone = serializers.CharField(help_text=gettext_lazy("Masked."))


class DuplicateErrorSerializer(serializers.Serializer):
    type = serializers.CharField()
    errors = ErrorItemSerializer(many=True)
    duplicates = DuplicateItemSerializer(
        many=True,
        help_text=gettext_lazy(
            "The registered records this one may duplicate, within the caller's scope, masked."
        ),
    )


def _duplicate_body(exc: services.DuplicateSuspected, *, user) -> dict:
    scope = scope_for(user)
    found = [duplicate.talent.pk for duplicate in exc.duplicates]
    # A park system is shown only the records in its scope, like everywhere else in the API.
    visible = set(
        scope.apply(Talent.objects.filter(pk__in=found), "employer_enterprise__park").values_list(
            "pk", flat=True
        )
    )
    # A park system is told that a record exists, not whose it is when it is outside its park.
    detail = exc.message if scope.is_district_wide else _("This person may already be registered.")
    return {
        **error_body("client_error", [{"code": exc.code, "detail": detail, "attr": None}]),
        "duplicates": [
            {
                "id": duplicate.talent.pk,
                "name": duplicate.talent.name,
                "certain": duplicate.certain,
                "reason": duplicate.reason,
                "id_number": mask_national_id(duplicate.talent.id_number),
                "phone": mask_phone(duplicate.talent.phone),
            }
            for duplicate in exc.duplicates
            if duplicate.talent.pk in visible
        ],
    }


class TalentViewSet(
    ParkScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Talents; a park system sees the talents working at its park's enterprises, masked. The stage
    moves only through ``transition``."""

    # One query for the rows with their degree, tier, owner and employer, one for all their disciplines.
    queryset = Talent.objects.for_list().prefetch_related("disciplines")
    serializer_class = TalentSerializer
    park_path = "employer_enterprise__park"
    # The page's ids first, then their rows: a selective search must not join every match.
    pagination_class = IdsFirstPagination
    # The FilterSet brings its own ``search`` and ``ordering``, the same as on the pages.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiTalentFilter
    # Updates are partial: a caller sends what changed, never a whole record.
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Set by ``retrieve`` once an unmasked read is allowed and logged; every other response is masked.
    unmasked = False

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "unmasked": self.unmasked}

    @extend_schema(
        responses={
            201: TalentSerializer,
            400: OpenApiResponse(description="A field is missing or invalid; `attr` names it."),
            409: OpenApiResponse(
                response=DuplicateErrorSerializer,
                description="The talent may already be registered (`possible_duplicate`); resend with "
                "`confirmed_not_duplicate: true` if it is a different person.",
            ),
        }
    )
    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        except services.DuplicateSuspected as exc:
            return Response(_duplicate_body(exc, user=request.user), status=status.HTTP_409_CONFLICT)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        serializer.instance = services.talent_create(
            by=_person(self.request.user),
            disciplines=fields.pop("disciplines", []),
            stage=fields.pop("stage", Stage.LEAD),
            confirmed_not_duplicate=fields.pop("confirmed_not_duplicate", False),
            **fields,
        )

    @transaction.atomic
    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("stage", None)
        fields.pop("confirmed_not_duplicate", None)
        by = _person(self.request.user)
        talent = serializer.instance
        owner = fields.pop("owner", talent.owner)
        if owner is not None and owner != talent.owner:
            services.talent_assign(talent=talent, owner=owner, by=by)
        serializer.instance = services.talent_update(
            talent=talent, by=by, disciplines=fields.pop("disciplines", None), **fields
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unmasked",
                OpenApiTypes.BOOL,
                description="`1`: ID number and mobile in the clear, for a user holding the "
                "“view personal data” permission (403 otherwise, and always for park systems); logged.",
            ),
            OpenApiParameter("reason", OpenApiTypes.STR, description="Why, required with `unmasked`."),
        ],
        responses={
            200: TalentSerializer,
            400: OpenApiResponse(description="`unmasked` without a `reason`."),
            403: OpenApiResponse(description="`unmasked` without the permission."),
            404: OpenApiResponse(description="No such talent in the caller's scope."),
        },
    )
    def retrieve(self, request, *args, **kwargs):
        talent = self.get_object()
        unmasked = request.query_params.get("unmasked") in ("1", "true")
        if unmasked:
            person = _person(request.user)
            if person is None or not person.has_perm(PERSONAL_DATA_PERMISSION):
                raise PermissionDenied(_("You may not see personal data in the clear."))
            # Logged before the values are serialised; a missing reason is a 400 naming ``reason``.
            personal_data_access_log(
                user=person,
                kind=PersonalDataAccess.Kind.API,
                fields=["id_number", "phone"],
                reason=request.query_params.get("reason", ""),
                record=talent,
            )
        self.unmasked = unmasked
        response = Response(self.get_serializer(talent).data)
        if unmasked:
            response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        request=TalentTransitionSerializer,
        responses={
            200: TalentSerializer,
            400: OpenApiResponse(description="A field is missing or invalid; `attr` names it."),
            404: OpenApiResponse(description="No such talent in the caller's scope."),
            409: OpenApiResponse(
                description="The pipeline does not allow this move from the current stage "
                "(`illegal_transition`, `attr` is `to`)."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the talent one step along the pipeline, or mark it lost (with a note); the move is
        recorded in its history."""
        talent = self.get_object()
        serializer = TalentTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.talent_transition(talent=talent, by=_person(request.user), **serializer.validated_data)
        return Response(self.get_serializer(talent).data)
