import logging

from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per API client, per signed-in user, or per address for anonymous callers.

    The counts live in the cache; when it does not answer the request is allowed and a warning
    logged (fail open): a park system is not turned away because Redis is down (issue 13).
    """

    scope = "principal"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            logger.warning("API throttle not applied, the cache is down: %s: %s", exc.__class__.__name__, exc)
            return True

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
