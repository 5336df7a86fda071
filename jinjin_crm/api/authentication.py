from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from jinjin_crm.core.scoping import ParkScope

from .services import api_client_authenticate


class ApiClientPrincipal:
    """What ``request.user`` is for a park system: authenticated, scoped to its park, never staff."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    can_write = True
    pk = None
    id = None

    def __init__(self, client):
        self.client = client

    def __str__(self):
        return f"api-client:{self.client.name}"

    @property
    def scope(self) -> ParkScope:
        return ParkScope.single(self.client.park_id)


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>`` for park systems."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be 'Token <key>'."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The API key contains invalid characters.")) from None
        client = api_client_authenticate(key=key)
        if client is None:
            raise exceptions.AuthenticationFailed(_("The API key is not valid or has been revoked."))
        return ApiClientPrincipal(client), client

    def authenticate_header(self, request):
        return self.keyword
