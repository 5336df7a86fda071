"""Matches over the API: (prefix, viewset, basename) for the v1 router.

- ``/api/v1/demands/{id}/matches/``: a demand's ranked candidates. A park system sees the matches of
  its park's demands only (another park's demand is a 404); the talents behind them are not its
  records, so it gets them masked: the surname only, the mobile masked, no employer.
- ``/api/v1/talents/{id}/matches/``: the demands a talent fits, for people who sign in (officers,
  leaders, administrators). A park system gets a 404, as for any record outside its scope.

Reads only; the workflow moves on the pages (``matching.services.match_transition``).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from jinjin_crm.core.masking import mask_phone
from jinjin_crm.core.viewsets import PageNumberPagination, scope_for
from projects.models import TalentDemand
from talents.models import Talent

from . import selectors
from .models import Match


def _park_system(request) -> bool:
    return not scope_for(request.user).is_district_wide


class MatchedTalentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text=gettext_lazy("For park systems, the surname only."))
    phone = serializers.CharField(help_text=gettext_lazy("Always masked."))
    highest_degree = serializers.CharField(allow_null=True, help_text=gettext_lazy("Degree code."))
    tier = serializers.CharField(allow_null=True, help_text=gettext_lazy("Tier code."))
    university = serializers.CharField()
    stage = serializers.CharField()


class MatchedDemandSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.CharField()
    park = serializers.CharField(help_text=gettext_lazy("Park code."))
    enterprise = serializers.CharField(allow_null=True)
    project = serializers.CharField(allow_null=True)
    min_degree = serializers.CharField(help_text=gettext_lazy("Degree code."))
    status = serializers.CharField()


class MatchSerializer(serializers.ModelSerializer):
    reasons = serializers.JSONField(
        help_text=gettext_lazy(
            'The parts of the score: {"discipline": {"points": 30, "detail": ["0812"]}, …}; the points add '
            "up to the score."
        )
    )
    talent = serializers.SerializerMethodField()
    demand = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = ["id", "score", "reasons", "status", "status_changed_at", "computed_at", "talent", "demand"]

    @extend_schema_field(MatchedTalentSerializer)
    def get_talent(self, match):
        talent = match.talent
        masked = self.context.get("masked", True)
        return {
            "id": talent.pk,
            "name": (talent.name[:1] + "*" * max(len(talent.name) - 1, 1)) if masked else talent.name,
            "phone": mask_phone(talent.phone),
            "highest_degree": talent.highest_degree.code if talent.highest_degree else None,
            "tier": talent.tier.code if talent.tier else None,
            "university": talent.university,
            "stage": talent.stage,
        }

    @extend_schema_field(MatchedDemandSerializer)
    def get_demand(self, match):
        demand = match.demand
        return {
            "id": demand.pk,
            "position": demand.position,
            "park": demand.park.code,
            "enterprise": demand.enterprise.name if demand.enterprise else None,
            "project": demand.project.name if demand.project else None,
            "min_degree": demand.min_degree.code,
            "status": demand.status,
        }


class _MatchListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MatchSerializer
    pagination_class = PageNumberPagination

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "masked": _park_system(self.request)}


@extend_schema_view(
    list=extend_schema(
        summary="A demand's ranked candidates",
        parameters=[OpenApiParameter("demand_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
)
class DemandMatchViewSet(_MatchListViewSet):
    """The talents matched to a demand, best first. Park systems: their park's demands only, masked."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        demands = scope_for(self.request.user).apply(TalentDemand.objects.all(), "park")
        demand = get_object_or_404(demands, pk=self.kwargs["demand_pk"])
        return selectors.demand_matches(demand=demand)


@extend_schema_view(
    list=extend_schema(
        summary="The demands a talent fits",
        parameters=[OpenApiParameter("talent_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
)
class TalentMatchViewSet(_MatchListViewSet):
    """The demands a talent fits, best first. For people who sign in; park systems get a 404."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        if _park_system(self.request):
            raise Http404
        talent = get_object_or_404(Talent, pk=self.kwargs["talent_pk"])
        return selectors.talent_matches(talent=talent)


ROUTES = [
    (r"demands/(?P<demand_pk>\d+)/matches", DemandMatchViewSet, "demand-match"),
    (r"talents/(?P<talent_pk>\d+)/matches", TalentMatchViewSet, "talent-match"),
]
