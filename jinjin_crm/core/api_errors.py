"""The API's error shape, shared by the DRF exception handler and the site's 404/500 handlers.

``{"type": "validation_error" | "client_error" | "server_error",
   "errors": [{"code": "...", "detail": "...", "attr": "field" | null}]}``
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _


def error_body(error_type: str, errors: list[dict]) -> dict:
    return {"type": error_type, "errors": errors}


def server_error_body() -> dict:
    return error_body(
        "server_error", [{"code": "error", "detail": _("A server error occurred."), "attr": None}]
    )


def json_not_found(request, exception=None, **kwargs):
    """404 for a URL under /api/ that no route matches."""
    body = error_body("client_error", [{"code": "not_found", "detail": _("Not found."), "attr": None}])
    return JsonResponse(body, status=404)


def json_server_error(request):
    return JsonResponse(server_error_body(), status=500)
