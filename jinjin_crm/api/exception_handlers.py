"""Turns every exception an API view raises into the error shape of ``core.api_errors``.

``type`` is ``validation_error`` (400 with field errors), ``client_error`` (other 4xx) or
``server_error`` (5xx); ``attr`` names the field (dotted for nested ones) or is null.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from jinjin_crm.core.api_errors import error_body, server_error_body
from jinjin_crm.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def _flatten(detail, attr=None):
    """Turn DRF's nested error detail into a flat list of errors with dotted field paths."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            child = (
                None
                if key in (NON_FIELD, "__all__") and attr is None
                else (f"{attr}.{key}" if attr else str(key))
            )
            yield from _flatten(value, child)
    elif isinstance(detail, list):
        nested = any(isinstance(item, (dict, list)) for item in detail)
        for index, item in enumerate(detail):
            if nested:
                yield from _flatten(item, f"{attr}.{index}" if attr else str(index))
            else:
                yield from _flatten(item, attr)
    else:
        yield {"code": getattr(detail, "code", None) or "invalid", "detail": str(detail), "attr": attr}


def _type_for(status_code: int, exc) -> str:
    if status_code >= 500:
        return "server_error"
    if isinstance(exc, exceptions.ValidationError):
        return "validation_error"
    return "client_error"


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = error_body(
            "validation_error" if exc.status_code == 400 else "client_error",
            [{"code": exc.code, "detail": exc.message, "attr": exc.attr}],
        )
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in API view", exc_info=exc)
        return Response(server_error_body(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    if isinstance(exc, exceptions.ValidationError):
        errors = list(_flatten(exc.detail))
    else:
        codes = exc.get_codes()
        errors = [
            {
                "code": codes if isinstance(codes, str) else exc.default_code,
                "detail": str(exc.detail),
                "attr": None,
            }
        ]
    response.data = error_body(_type_for(response.status_code, exc), errors)
    return response
