"""OpenAPI descriptions of this API's own authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jinjin_crm.api.authentication.ApiClientTokenAuthentication"
    name = "parkToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A park system's key, sent as `Token <key>`.",
        }
