"""The policies API: serializers and viewsets, registered by ``jinjin_crm.api.urls`` from ROUTES.

- ``/api/v1/policies/``: the "1+10+N" policy library with each policy's benefits (criteria and amount
  rule as data, and in words), read-only, for every caller. Park systems see the published policies
  (not drafts) and their active benefits.
- ``POST /api/v1/policies/eligibility/``: the eligibility calculator. Facts in (degree, tier, age or
  birth year, employment, onboarding date), every benefit in force out: eligible or not, the amount
  in yuan with its installments, and the reason for each criterion. It changes nothing, so every
  caller may use it, leaders and park systems included.
- ``/api/v1/applications/``: policy applications for the district's officers (leaders read them);
  create one, then move it with the POST steps ``submit``, ``review``, ``approve``, ``reject``,
  ``return``, ``withdraw`` and ``disburse``, each a service of ``policies.services``. A step the
  state does not allow is a 409 ``illegal_transition``; a fund that cannot cover an approval a 409
  ``fund_exhausted``.
- ``/api/v1/funds/``: the funds with budget, committed, disbursed and remaining, read-only.

Applications and funds are the district's own business: a park system gets a 404 there, as for any
record outside its scope. Money is in yuan, as strings with two decimals. Each list runs a constant
number of queries, whatever the page size.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from jinjin_crm.core.models import User
from jinjin_crm.core.roles import Role
from jinjin_crm.core.viewsets import scope_for
from talents.models import Talent

from . import selectors, services
from .eligibility import attributes_from_data, evaluate
from .filters import ApplicationFilter, PolicyFilter
from .models import (
    MONEY,
    ZERO,
    ApplicationAction,
    ApplicationState,
    Benefit,
    Fund,
    Policy,
    PolicyApplication,
    PolicyStatus,
)
from .rules import Reference, parse_benefit_rules

# The API names the steps by their endpoints; only "start review" differs from its action code.
STEP_NAMES = {ApplicationAction.REVIEW_START: "review"}


def _person(user) -> User | None:
    """The person behind a request; a park system is not one."""
    return user if isinstance(user, User) else None


def _is_park_system(user) -> bool:
    return not scope_for(user).is_district_wide


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, **kwargs)


class EveryRole(permissions.BasePermission):
    """Any caller the API admits, for a POST that only computes (the calculator): signed-in people
    holding a role, leaders included, and park systems."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(user, "client", None) is not None:
            return True
        return user.is_superuser or bool(user.role_codes & set(Role.values))


class NotForParkSystems(permissions.BasePermission):
    """Applications and funds are not a park system's records: for it they do not exist (404)."""

    def has_permission(self, request, view):
        if _is_park_system(request.user):
            raise Http404
        return True


# --- Small shapes shared by the serializers of this module ----------------------------------------


class FundRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()


class PolicyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    document_number = serializers.CharField()
    series = serializers.CharField()
    version = serializers.CharField()


# --- Policies -------------------------------------------------------------------------------------


class BenefitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    criteria = serializers.JSONField(
        read_only=True,
        help_text=gettext_lazy(
            'Who qualifies, as data: a list of criteria that must all hold, such as {"type": "min_degree", '
            '"degree": "MASTER"}; types: min_degree, tier_in, max_age, employed_in_district, '
            "onboarded_within_months, not_already_granted."
        ),
    )
    criteria_text = serializers.SerializerMethodField(
        help_text=gettext_lazy("The criteria in words, one line each; null if the stored rules do not parse.")
    )
    amount_rule = serializers.JSONField(
        read_only=True,
        help_text=gettext_lazy(
            'How much, as data: {"type": "fixed", "amount": "20000.00"} or {"type": "by_tier_degree", '
            '"by_tier": {"A": "2000000.00"}, "by_degree": {"DOCTOR": "300000.00"}, "default": "0.00"} (yuan).'
        ),
    )
    amount_text = serializers.SerializerMethodField(
        help_text=gettext_lazy("The amount rule in words; null if the stored rules do not parse.")
    )
    installments = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=gettext_lazy("Shares of the amount paid in turn, summing to 1; empty: paid at once."),
    )
    fund = FundRefSerializer(read_only=True)

    class Meta:
        model = Benefit
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "description",
            "criteria",
            "criteria_text",
            "amount_rule",
            "amount_text",
            "installments",
            "fund",
            "is_active",
            "sort_order",
        ]
        read_only_fields = fields

    def _rules(self, benefit):
        """The benefit's rules parsed (once per benefit), or None when they no longer parse."""
        if not hasattr(benefit, "_api_rules"):
            try:
                benefit._api_rules = parse_benefit_rules(
                    criteria=benefit.criteria,
                    amount_rule=benefit.amount_rule,
                    installments=benefit.installments,
                    reference=self.context["reference"],
                )
            except ValidationError:
                benefit._api_rules = None  # shown as data only
        return benefit._api_rules

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_criteria_text(self, benefit):
        rules = self._rules(benefit)
        if rules is None:
            return None
        return [criterion.describe(self.context["reference"]) for criterion in rules.criteria]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_amount_text(self, benefit):
        rules = self._rules(benefit)
        return rules.amount_rule.describe(self.context["reference"]) if rules is not None else None


class PolicySerializer(serializers.ModelSerializer):
    series_label = serializers.CharField(source="get_series_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    in_force = serializers.SerializerMethodField(help_text=gettext_lazy("In force today."))
    benefits = BenefitSerializer(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "title",
            "document_number",
            "series",
            "series_label",
            "version",
            "effective_from",
            "effective_to",
            "status",
            "status_label",
            "in_force",
            "summary",
            "is_demo",
            "benefits",
            "updated_at",
        ]
        read_only_fields = fields

    def get_in_force(self, policy) -> bool:
        return policy.is_in_force(self.context["today"])


# --- The eligibility calculator --------------------------------------------------------------------


class EligibilityRequestSerializer(serializers.Serializer):
    """The facts; all optional. A fact left out counts as unknown (or "no"), which fails the criteria
    that need it. Keys other than these are refused, so a misspelt one is not silently ignored."""

    degree = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=gettext_lazy("Highest degree code (see /api/v1/degrees/), e.g. DOCTOR."),
    )
    tier = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=gettext_lazy("Talent tier code (see /api/v1/talent-tiers/), e.g. C."),
    )
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    age = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Age in the year of `on`; instead of `birth_year`."),
    )
    employed_in_district = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Works at an enterprise of the district.")
    )
    full_time = serializers.BooleanField(required=False, help_text=gettext_lazy("Works there full-time."))
    onboarded_on = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("Date of taking up the post, if taken.")
    )
    already_granted = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy(
            "Already received (or applied for) these benefits: fails every “not granted before” criterion."
        ),
    )
    on = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("Date to judge on; default today.")
    )

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                known = ", ".join(self.fields)
                raise serializers.ValidationError(
                    {key: _("Unknown attribute; known: %(known)s.") % {"known": known} for key in unknown}
                )
        return attrs


class CriterionResultSerializer(serializers.Serializer):
    criterion = serializers.CharField(
        source="type",
        help_text=gettext_lazy(
            "The criterion type, or `amount` for the amount rule, `rules` for unreadable rules."
        ),
    )
    passed = serializers.BooleanField()
    reason = serializers.CharField()


class BenefitResultSerializer(serializers.Serializer):
    benefit = serializers.IntegerField(source="benefit.pk", help_text=gettext_lazy("Benefit id."))
    name = serializers.CharField(source="benefit.name")
    kind = serializers.CharField(
        source="benefit.kind", help_text=gettext_lazy("As `kind` of a policy's benefits.")
    )
    kind_label = serializers.CharField(source="benefit.get_kind_display")
    policy = PolicyRefSerializer(source="benefit.policy")
    fund = FundRefSerializer(source="benefit.fund")
    eligible = serializers.BooleanField()
    amount = _money(help_text=gettext_lazy("Yuan; 0 when no amount applies."))
    installments = serializers.ListField(
        child=_money(), help_text=gettext_lazy("The amount split into its installments (yuan).")
    )
    reasons = CriterionResultSerializer(many=True)


class EligibilityResponseSerializer(serializers.Serializer):
    on = serializers.DateField()
    eligible_count = serializers.IntegerField()
    total_amount = _money(help_text=gettext_lazy("Sum of the amounts of the eligible benefits (yuan)."))
    results = BenefitResultSerializer(many=True)


class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The "1+10+N" policy library with the benefits of each policy. Park systems see the published
    policies and their active benefits."""

    serializer_class = PolicySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PolicyFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        benefits = Benefit.objects.select_related("fund").order_by("sort_order", "id")
        policies = selectors.policy_list().order_by(*Policy._meta.ordering, "id")
        if _is_park_system(self.request.user):
            benefits = benefits.filter(is_active=True)
            policies = policies.exclude(status=PolicyStatus.DRAFT)
        # One query for the page's policies, one for all their benefits with their funds.
        return policies.prefetch_related(Prefetch("benefits", queryset=benefits))

    def get_serializer_context(self):
        # The degree and tier names the benefits are described with: two queries per response.
        return {
            **super().get_serializer_context(),
            "reference": Reference.load(),
            "today": timezone.localdate(),
        }

    @extend_schema(
        summary="Eligibility calculator",
        request=EligibilityRequestSerializer,
        responses={
            200: EligibilityResponseSerializer,
            400: OpenApiResponse(description="A fact is malformed or unknown; `attr` names it."),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[EveryRole],
        filter_backends=[],
        pagination_class=None,
    )
    def eligibility(self, request):
        """Every benefit in force on ``on`` (today) against the facts given: eligible or not, the amount
        and its installments, and the reason for each criterion. Nothing is written."""
        serializer = EligibilityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        facts = dict(serializer.validated_data)
        on = facts.pop("on", None) or timezone.localdate()
        reference = Reference.load()
        attributes = attributes_from_data(facts, on=on, reference=reference)
        results = evaluate(attributes, on=on, reference=reference)
        eligible = [result for result in results if result.eligible]
        body = {
            "on": on,
            "eligible_count": len(eligible),
            "total_amount": sum((result.amount for result in eligible), start=ZERO),
            "results": results,
        }
        return Response(EligibilityResponseSerializer(body).data)


# --- Applications ---------------------------------------------------------------------------------


class TalentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BenefitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    # Not an enum here: the schema names the benefit kinds once, on the policies' benefits.
    kind = serializers.CharField(help_text=gettext_lazy("As `kind` of a policy's benefits."))


class OfficerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class ApplicationSerializer(serializers.ModelSerializer):
    talent = TalentRefSerializer(read_only=True)
    benefit = BenefitRefSerializer(read_only=True)
    policy = PolicyRefSerializer(source="benefit.policy", read_only=True)
    fund = FundRefSerializer(
        read_only=True, help_text=gettext_lazy("The fund the application is committed against and paid from.")
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    amount = _money(read_only=True, help_text=gettext_lazy("Yuan, fixed when made and again when submitted."))
    installment_plan = serializers.ListField(
        child=_money(), read_only=True, help_text=gettext_lazy("The installments of the amount (yuan).")
    )
    disbursed = _money(read_only=True, help_text=gettext_lazy("Paid so far (yuan)."))
    to_pay = serializers.SerializerMethodField(
        help_text=gettext_lazy("Approved and not yet paid (yuan); 0 unless approved.")
    )
    eligibility = serializers.JSONField(
        read_only=True,
        help_text=gettext_lazy(
            'The eligibility check the terms were fixed on: {"on", "eligible", "amount", "installments", '
            '"reasons": [{"type", "passed", "reason"}]}.'
        ),
    )
    owner = OfficerRefSerializer(read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The steps possible now, by the name of their endpoint: submit, review, approve, reject, return, "
            "withdraw, disburse."
        )
    )

    class Meta:
        model = PolicyApplication
        fields = [
            "id",
            "talent",
            "benefit",
            "policy",
            "fund",
            "state",
            "state_label",
            "amount",
            "installment_plan",
            "disbursed",
            "to_pay",
            "eligibility",
            "proposed_automatically",
            "owner",
            "returned_count",
            "allowed_actions",
            "created_at",
            "updated_at",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(_money())
    def get_to_pay(self, application):
        if application.state != ApplicationState.APPROVED:
            return _money().to_representation(ZERO)
        return _money().to_representation(application.amount - application.disbursed)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, application):
        return [STEP_NAMES.get(step, str(step)) for step in application.allowed_actions]


class ApplicationCreateSerializer(serializers.Serializer):
    talent = serializers.PrimaryKeyRelatedField(
        queryset=Talent.objects.all(), help_text=gettext_lazy("Talent id.")
    )
    benefit = serializers.PrimaryKeyRelatedField(
        queryset=Benefit.objects.select_related("policy", "fund"), help_text=gettext_lazy("Benefit id.")
    )
    on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Date the talent's eligibility is judged on; default today, never in the future."
        ),
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class SubmitSerializer(NoteSerializer):
    on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Submission date eligibility is judged on again; default today."),
    )


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RequiredOpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(max_length=2000, help_text=gettext_lazy("Required: the reason."))


class DisburseSerializer(NoteSerializer):
    amount = _money(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Yuan to pay now; default the next installment. More than is still to pay is refused (400)."
        ),
    )


def _step_schema(request_serializer, *, summary: str, conflict: str):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={
            200: ApplicationSerializer,
            400: OpenApiResponse(description="A field is missing or invalid; `attr` names it."),
            404: OpenApiResponse(description="No such application (or the caller is a park system)."),
            409: OpenApiResponse(description=conflict),
        },
    )


ILLEGAL = "The state does not allow this step now (`illegal_transition`, `attr` is `state`)."


class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Policy applications, for the district's officers (leaders read them). Made with POST, then moved
    through the workflow by the POST steps; every change goes through ``policies.services``."""

    serializer_class = ApplicationSerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, NotForParkSystems]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApplicationFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        # One query for a page: talent, benefit, policy, fund and owner joined, ``disbursed`` summed.
        return PolicyApplication.objects.for_list()

    def _respond(self, application: PolicyApplication, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={
            201: ApplicationSerializer,
            400: OpenApiResponse(
                description="A field is invalid, the benefit is not open, the talent already has a live "
                "application for it, or the talent does not qualify (`not_eligible`, one error per failing "
                "criterion, `attr` is `benefit`)."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        """A draft application of a talent for a benefit, its amount fixed by the benefit's rules."""
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_create(by=_person(request.user), **serializer.validated_data)
        return self._respond(application, status.HTTP_201_CREATED)

    @_step_schema(SubmitSerializer, summary="Submit a draft", conflict=ILLEGAL)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Draft → submitted; eligibility is judged again and the terms fixed anew (400 if the talent no
        longer qualifies)."""
        application = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_submit(
            application=application, by=_person(request.user), **serializer.validated_data
        )
        return self._respond(application)

    @_step_schema(NoteSerializer, summary="Start the review", conflict=ILLEGAL)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Submitted → under review."""
        application = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_review_start(
            application=application, by=_person(request.user), **serializer.validated_data
        )
        return self._respond(application)

    @_step_schema(
        OpinionSerializer,
        summary="Approve",
        conflict=f"{ILLEGAL} Or the fund has less left than the amount (`fund_exhausted`), or is closed "
        "(`fund_inactive`, 400).",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Under review → approved, committing the amount against the fund. Approving twice is a 409."""
        application = self.get_object()
        serializer = OpinionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_approve(
            application=application, by=_person(request.user), **serializer.validated_data
        )
        return self._respond(application)

    @_step_schema(RequiredOpinionSerializer, summary="Reject", conflict=ILLEGAL)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Under review or approved → rejected; an approval revoked releases what is still unpaid."""
        application = self.get_object()
        serializer = RequiredOpinionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_reject(
            application=application, by=_person(request.user), **serializer.validated_data
        )
        return self._respond(application)

    @_step_schema(RequiredOpinionSerializer, summary="Return for correction", conflict=ILLEGAL)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_correction(self, request, pk=None):
        """Submitted or under review → back to draft, saying what to correct."""
        application = self.get_object()
        serializer = RequiredOpinionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_return(
            application=application, by=_person(request.user), **serializer.validated_data
        )
        return self._respond(application)

    @_step_schema(NoteSerializer, summary="Withdraw", conflict=f"{ILLEGAL} Or part of it is paid already.")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Draft, submitted, under review or approved (nothing paid) → withdrawn; a commitment is released."""
        application = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_withdraw(
            application=application, by=_person(request.user), **serializer.validated_data
        )
        return self._respond(application)

    @_step_schema(DisburseSerializer, summary="Disburse a payment", conflict=ILLEGAL)
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        """Pay an approved application: the amount given or the next installment. It becomes "disbursed"
        once fully paid."""
        application = self.get_object()
        serializer = DisburseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_disburse(
            application=application, by=_person(request.user), **serializer.validated_data
        )
        return self._respond(application)


# --- Funds ----------------------------------------------------------------------------------------


class FundSerializer(serializers.ModelSerializer):
    budget = _money(read_only=True)
    committed = _money(read_only=True, help_text=gettext_lazy("Approved and not yet paid (yuan)."))
    disbursed = _money(read_only=True, help_text=gettext_lazy("Paid (yuan)."))
    remaining = _money(read_only=True, help_text=gettext_lazy("Budget − committed − disbursed (yuan)."))

    class Meta:
        model = Fund
        fields = [
            "id",
            "name",
            "year",
            "budget",
            "committed",
            "disbursed",
            "remaining",
            "is_active",
            "description",
        ]
        read_only_fields = fields


class FundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The funds and their money, from the ledger; for the district's officers and leaders."""

    serializer_class = FundSerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, NotForParkSystems]
    filterset_fields = ["year", "is_active"]
    search_fields = ["name"]
    ordering_fields = ["year", "name", "budget", "remaining"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        # One aggregate query for the page: the figures are summed over the ledger in the list query.
        return selectors.funds_with_figures().order_by("-year", "name", "id")


ROUTES = [
    ("policies", PolicyViewSet, "policy"),
    ("applications", ApplicationViewSet, "application"),
    ("funds", FundViewSet, "fund"),
]
