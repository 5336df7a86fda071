"""The catalogue over the API: (prefix, viewset, basename) for the v1 router.

A park system sees only its park's lines and, in a diff, only the keys of its park (keys start with
the park code). Read-only: the catalogue is compiled, never written by hand.
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jinjin_crm.core.viewsets import scope_for

from .catalogue import selectors
from .catalogue.filters import CatalogueEntryFilter
from .models import CatalogueEntry, CatalogueVersion


class SourceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["project", "enterprise"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class CatalogueEntrySerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    park = serializers.CharField(source="park.code")
    park_name = serializers.CharField(source="park.name")
    industry = serializers.CharField(source="industry.code", allow_null=True, default=None)
    industry_name = serializers.CharField(source="industry.name", allow_null=True, default=None)
    discipline = serializers.CharField(source="discipline.code")
    discipline_name = serializers.CharField(source="discipline.name")
    min_degree = serializers.CharField(source="min_degree.code")
    min_degree_name = serializers.CharField(source="min_degree.name")
    positions = serializers.ListField(child=serializers.CharField())
    sources = SourceSerializer(many=True)
    demand_ids = serializers.ListField(child=serializers.IntegerField())

    class Meta:
        model = CatalogueEntry
        fields = [
            "key",
            "version",
            "park",
            "park_name",
            "industry",
            "industry_name",
            "discipline",
            "discipline_name",
            "min_degree",
            "min_degree_name",
            "headcount",
            "demand_count",
            "salary_min",
            "salary_max",
            "scarcity",
            "positions",
            "sources",
            "demand_ids",
        ]
        read_only_fields = fields


class DiffCountsSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    changed = serializers.IntegerField()
    withdrawn = serializers.IntegerField()


class ChangedEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    before = serializers.DictField()
    after = serializers.DictField()


class CatalogueDiffSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    added = serializers.ListField(child=serializers.CharField())
    changed = ChangedEntrySerializer(many=True)
    withdrawn = serializers.ListField(child=serializers.CharField())


class CatalogueVersionSerializer(serializers.ModelSerializer):
    """A version; its totals are district-wide, so a park system gets null there and its own counts
    of changes."""

    entry_count = serializers.SerializerMethodField()
    demand_count = serializers.SerializerMethodField()
    headcount = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = CatalogueVersion
        fields = ["number", "compiled_at", "entry_count", "demand_count", "headcount", "changes"]
        read_only_fields = fields

    def _district_wide(self) -> bool:
        return scope_for(self.context["request"].user).is_district_wide

    def get_entry_count(self, version) -> int | None:
        return version.entry_count if self._district_wide() else None

    def get_demand_count(self, version) -> int | None:
        return version.demand_count if self._district_wide() else None

    def get_headcount(self, version) -> int | None:
        return version.headcount if self._district_wide() else None

    @extend_schema_field(DiffCountsSerializer)
    def get_changes(self, version) -> dict:
        diff = selectors.version_diff(version=version, scope=scope_for(self.context["request"].user))
        return {name: len(diff[name]) for name in ("added", "changed", "withdrawn")}


class CatalogueEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The current catalogue's lines (empty before the first compile), filterable by park, industry,
    discipline and degree codes; a park system gets its park's lines only."""

    serializer_class = CatalogueEntrySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CatalogueEntryFilter
    queryset = CatalogueEntry.objects.none()

    def get_queryset(self):
        version = selectors.catalogue_current()
        if version is None:
            return CatalogueEntry.objects.none()
        # The filter backend applies the query parameters; only the version and the scope here.
        return selectors.catalogue_entries(
            version=version, scope=scope_for(self.request.user)
        ).select_related("version")


class CatalogueVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published versions, newest first, and each version's diff against the previous one."""

    serializer_class = CatalogueVersionSerializer
    queryset = CatalogueVersion.objects.order_by("-number")
    lookup_field = "number"
    lookup_value_regex = r"\d+"
    filter_backends = []

    @extend_schema(responses=CatalogueDiffSerializer)
    @action(detail=True, methods=["get"])
    def diff(self, request, number=None):
        version = self.get_object()
        diff = selectors.version_diff(version=version, scope=scope_for(request.user))
        return Response(CatalogueDiffSerializer({"number": version.number, **diff}).data)


ROUTES = [
    # The versions first: "catalogue/versions/" must not read as a line of the catalogue.
    (r"catalogue/versions", CatalogueVersionViewSet, "catalogue-version"),
    (r"catalogue", CatalogueEntryViewSet, "catalogue-entry"),
]
