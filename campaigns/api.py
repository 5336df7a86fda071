"""The campaigns API: serializers and viewsets, registered by ``jinjin_crm.api.urls`` from ROUTES.

- ``/api/v1/campaigns/``: campaigns with their funnel (consulted → intents → master's or above among
  intents → signed → onboarded) counted from the contacts in the list query itself, and for
  investment promotion trips their yield (projects met, signed, agreed investment in 万元), computed
  for the whole page in one query. Read-only, for officers and park systems alike: a campaign holds
  no personal data, only counts.
- ``/api/v1/placements/``: 科技副总 placements with their outcomes. A park system sees the placements
  whose host enterprise is in its park (another park's is a 404); officers see all. The expert is
  named, never described: no personal data.

Filters, search and ordering are the pages' FilterSets. Each list runs a constant number of queries
whatever the page size.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets

from jinjin_crm.core.viewsets import ParkScopedMixin

from . import selectors
from .filters import CampaignFilter, PlacementFilter
from .models import Campaign, Kind, Placement, PlacementOutcome, TermStatus

# --- Campaigns ------------------------------------------------------------------------------------


class ApiCampaignFilter(CampaignFilter):
    """The pages' ``CampaignFilter``, typed for the schema where it cannot tell from a filter method."""

    @extend_schema_field(OpenApiTypes.INT)
    def filter_officer(self, queryset, name, value):
        return super().filter_officer(queryset, name, value)


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FunnelSerializer(serializers.Serializer):
    consulted = serializers.IntegerField(help_text=_("People met (every contact)."))
    intents = serializers.IntegerField(help_text=_("Contacts with an outcome of intent or signed."))
    masters = serializers.IntegerField(help_text=_("Intents holding (or completing) a master's or above."))
    signed = serializers.IntegerField(help_text=_("Contacts with an outcome of signed."))
    onboarded = serializers.IntegerField(help_text=_("Contacts whose talent has since been onboarded."))


class TargetsSerializer(serializers.Serializer):
    consultations = serializers.IntegerField(allow_null=True, source="target_consultations")
    intents = serializers.IntegerField(allow_null=True, source="target_intents")
    masters = serializers.IntegerField(allow_null=True, source="target_masters")
    signed = serializers.IntegerField(allow_null=True, source="target_signed")
    projects = serializers.IntegerField(allow_null=True, source="target_projects")
    investment = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        source="target_investment",
        help_text=_("Agreed investment targeted, in 10k yuan."),
    )


class YieldSerializer(serializers.Serializer):
    projects = serializers.IntegerField(help_text=_("Projects met on the trip."))
    signed = serializers.IntegerField(help_text=_("Of them, signed or further along."))
    agreed_investment = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("Agreed investment of the signed ones, in 10k yuan.")
    )


class CampaignListSerializer(serializers.ListSerializer):
    """Loads the yields of the page's promotion trips in one query before the rows are written."""

    def to_representation(self, data):
        campaigns = list(data.all() if hasattr(data, "all") else data)
        self.child.yields = selectors.trip_yields(
            campaign.pk for campaign in campaigns if campaign.kind == Kind.PROMOTION_TRIP
        )
        return super().to_representation(campaigns)


class CampaignSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    university = serializers.SerializerMethodField()
    lead_officer = serializers.SerializerMethodField()
    targets = TargetsSerializer(source="*", read_only=True)
    funnel = serializers.SerializerMethodField()
    # ``yield`` is a Python keyword: declared under another name, renamed in ``get_fields``.
    trip_yield = serializers.SerializerMethodField(
        method_name="get_trip_yield",
        help_text=_("For investment promotion trips: what the trip brought; null for other campaigns."),
    )

    # Filled for a whole page by CampaignListSerializer; a single campaign computes its own.
    yields = None

    class Meta:
        model = Campaign
        list_serializer_class = CampaignListSerializer
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "starts_on",
            "ends_on",
            "season",
            "place",
            "university",
            "leader",
            "lead_officer",
            "targets",
            "funnel",
            "trip_yield",
        ]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        fields["yield"] = fields.pop("trip_yield")
        return fields

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_university(self, campaign):
        university = campaign.university
        return {"id": university.pk, "name": university.name} if university else None

    @extend_schema_field(NamedSerializer)
    def get_lead_officer(self, campaign):
        officer = campaign.lead_officer
        return {"id": officer.pk, "name": officer.name or officer.username}

    @extend_schema_field(FunnelSerializer)
    def get_funnel(self, campaign):
        # Counted by ``campaign_list`` in the list query; a campaign loaded otherwise counts its own.
        if hasattr(campaign, "consulted"):
            return {name: getattr(campaign, name) for name in selectors.FUNNEL_STEPS}
        return selectors.campaign_funnel(campaign).as_dict()

    @extend_schema_field(YieldSerializer(allow_null=True))
    def get_trip_yield(self, campaign):
        if campaign.kind != Kind.PROMOTION_TRIP:
            return None
        found = (self.yields or {}).get(campaign.pk) or selectors.trip_yield(campaign)
        return YieldSerializer(found).data


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Campaigns with their funnel and, for promotion trips, their yield. Every caller reads every
    campaign: they hold counts, no personal data."""

    serializer_class = CampaignSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiCampaignFilter

    def get_queryset(self):
        # The funnel is counted in the same query as the rows (``campaign_list``); the FilterSet is
        # applied by the filter backend, from the same parameters as the pages.
        return selectors.campaign_list()


# --- Placements -----------------------------------------------------------------------------------


class PlacementOutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlacementOutcome
        fields = ["kind", "title", "achieved_on", "amount"]


class PlacementSerializer(serializers.ModelSerializer):
    expert = serializers.SerializerMethodField()
    host_enterprise = serializers.SerializerMethodField()
    batch = serializers.IntegerField(source="batch.number", read_only=True, help_text=_("Batch number."))
    status = serializers.SerializerMethodField()
    outcomes = PlacementOutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id",
            "expert",
            "host_enterprise",
            "batch",
            "term_start",
            "term_end",
            "ended_on",
            "status",
            "extensions",
            "task_book",
            "goals",
            "grade",
            "evaluated_on",
            "outcomes",
        ]
        read_only_fields = fields

    @extend_schema_field(NamedSerializer)
    def get_expert(self, placement):
        return {"id": placement.expert_id, "name": placement.expert.name}

    @extend_schema_field(
        inline_serializer(
            "PlacementHostEnterprise",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "park": serializers.CharField(help_text=_("Park code.")),
            },
        )
    )
    def get_host_enterprise(self, placement):
        enterprise = placement.host_enterprise
        return {"id": enterprise.pk, "name": enterprise.name, "park": enterprise.park.code}

    @extend_schema_field(serializers.ChoiceField(choices=TermStatus.choices))
    def get_status(self, placement):
        return placement.status


class PlacementViewSet(
    ParkScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """科技副总 placements and their outcomes; a park system sees those in its park's enterprises."""

    # One query for the rows with expert, enterprise, park and batch, one for all their outcomes.
    queryset = Placement.objects.for_list().prefetch_related(
        Prefetch("outcomes", queryset=PlacementOutcome.objects.order_by("-achieved_on", "-id"))
    )
    serializer_class = PlacementSerializer
    park_path = "host_enterprise__park"
    filter_backends = [DjangoFilterBackend]
    filterset_class = PlacementFilter


ROUTES = [
    ("campaigns", CampaignViewSet, "campaign"),
    ("placements", PlacementViewSet, "placement"),
]
