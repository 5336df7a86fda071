"""A URL conf with a view that fails, to see the 500 the API gives."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView


class FailingView(APIView):
    def get(self, request):
        raise RuntimeError("boom")

    def post(self, request):
        return Response({})


urlpatterns = [
    path("api/v1/failing/", FailingView.as_view()),
    path("api/v1/", include("jinjin_crm.api.urls")),
]
