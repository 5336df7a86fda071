from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jinjin_crm.core.models import Park
from jinjin_crm.core.viewsets import scope_for


class MeView(APIView):
    """Who the caller is, and which parks it sees."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "kind": serializers.ChoiceField(choices=["user", "api_client"]),
                "name": serializers.CharField(),
                "username": serializers.CharField(required=False),
                "roles": serializers.ListField(child=serializers.CharField()),
                "parks": serializers.ListField(child=serializers.CharField()),
                "scope": inline_serializer(
                    "Scope",
                    {
                        "district_wide": serializers.BooleanField(),
                        "parks": serializers.ListField(child=serializers.CharField()),
                    },
                ),
                "can_write": serializers.BooleanField(),
            },
        )
    )
    def get(self, request):
        user = request.user
        scope = scope_for(user)
        scope_parks = (
            Park.objects.all() if scope.is_district_wide else Park.objects.filter(pk__in=scope.park_ids)
        )
        body = {
            "scope": {
                "district_wide": scope.is_district_wide,
                "parks": list(scope_parks.values_list("code", flat=True)),
            },
            "can_write": bool(user.can_write),
        }
        client = getattr(user, "client", None)
        if client is not None:
            body |= {"kind": "api_client", "name": client.name, "roles": [], "parks": [client.park.code]}
        else:
            body |= {
                "kind": "user",
                "name": str(user),
                "username": user.username,
                "roles": sorted(user.role_codes),
                "parks": list(user.parks.values_list("code", flat=True)),
            }
        return Response(body)
