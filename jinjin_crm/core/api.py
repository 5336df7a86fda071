"""Reference data over the API: read-only, so park systems can use the same codes."""

from rest_framework import serializers, viewsets

from .models import Degree, Discipline, IndustryChain, Park, Region, TalentTier
from .viewsets import ParkScopedMixin


class ParkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Park
        fields = ["code", "name", "kind", "description"]


class IndustryChainSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryChain
        fields = ["code", "name", "is_lead"]


class DisciplineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Discipline
        fields = ["code", "name", "category_code", "category_name"]


class RankedSerializer(serializers.ModelSerializer):
    class Meta:
        fields = ["code", "name", "rank"]


class DegreeSerializer(RankedSerializer):
    class Meta(RankedSerializer.Meta):
        model = Degree


class TalentTierSerializer(RankedSerializer):
    class Meta(RankedSerializer.Meta):
        model = TalentTier
        fields = [*RankedSerializer.Meta.fields, "description"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Active entries, looked up by code, searchable by code and name."""

    lookup_field = "code"
    search_fields = ["code", "name"]
    ordering_fields = ["sort_order", "code", "name"]
    ordering = ["sort_order", "code"]

    def get_queryset(self):
        return self.serializer_class.Meta.model.objects.filter(is_active=True)


class ParkViewSet(ParkScopedMixin, ReferenceViewSet):
    """Parks and industrial zones. A park system sees only its own park."""

    serializer_class = ParkSerializer
    park_path = "pk"
    filterset_fields = ["kind"]


class IndustryChainViewSet(ReferenceViewSet):
    serializer_class = IndustryChainSerializer
    filterset_fields = ["is_lead"]


class DisciplineViewSet(ReferenceViewSet):
    serializer_class = DisciplineSerializer
    filterset_fields = ["category_code"]


class DegreeViewSet(ReferenceViewSet):
    serializer_class = DegreeSerializer
    ordering_fields = ["rank", "code"]
    ordering = ["rank"]


class TalentTierViewSet(ReferenceViewSet):
    serializer_class = TalentTierSerializer
    ordering_fields = ["rank", "code"]
    ordering = ["rank"]


class RegionViewSet(ReferenceViewSet):
    serializer_class = RegionSerializer
