"""The v1 router: every app's viewsets are registered here, and only here.

Registering through ``V1Router`` gives each viewset the API's shared behaviour (``BASE_MIXINS``).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from campaigns import api as campaigns_api
from jinjin_crm.core import api as core_api
from jinjin_crm.core.api_errors import json_not_found
from jinjin_crm.dashboard import api as dashboard_api
from jinjin_crm.matching import api_catalogue as matching_api_catalogue
from jinjin_crm.matching import api_matches as matching_api_matches
from policies import api as policies_api
from projects import api as projects_api
from talents import api as talents_api

from . import views
from .idempotency import idempotent


class V1Router(DefaultRouter):
    def register(self, prefix, viewset, basename=None):
        super().register(prefix, idempotent(viewset), basename)


router = V1Router(trailing_slash=True)
router.register("parks", core_api.ParkViewSet, basename="park")
router.register("industry-chains", core_api.IndustryChainViewSet, basename="industry-chain")
router.register("disciplines", core_api.DisciplineViewSet, basename="discipline")
router.register("degrees", core_api.DegreeViewSet, basename="degree")
router.register("talent-tiers", core_api.TalentTierViewSet, basename="talent-tier")
router.register("regions", core_api.RegionViewSet, basename="region")
router.register("enterprises", projects_api.EnterpriseViewSet, basename="enterprise")
router.register("projects", projects_api.ProjectViewSet, basename="project")
router.register("demands", projects_api.DemandViewSet, basename="demand")
router.register("talents", talents_api.TalentViewSet, basename="talent")
for prefix, viewset, basename in (
    *matching_api_catalogue.ROUTES,
    *matching_api_matches.ROUTES,
    *campaigns_api.ROUTES,
    *policies_api.ROUTES,
    *dashboard_api.ROUTES,
):
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a 404 in the API's error shape, not an HTML page.
    path("<path:unmatched>", json_not_found),
]
