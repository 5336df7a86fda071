from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per API client, per signed-in user, or per address for anonymous callers."""

    scope = "principal"

    def get_rate(self):
        # Read the setting at call time (DRF binds it at import), so it can be changed per deployment.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        client = getattr(request.user, "client", None)
        if client is not None:
            ident = f"client:{client.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
