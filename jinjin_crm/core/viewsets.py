"""What every API viewset shares: the caller's park scope applied to its queryset.

It lives in core, not in the api app, because each domain app's ``api.py`` builds on it and
nothing may import the api app.
"""

from rest_framework import pagination

from jinjin_crm.core.pages import IdsFirstPaginator
from jinjin_crm.core.scoping import ParkScope


class PageNumberPagination(pagination.PageNumberPagination):
    """``page`` and ``page_size`` (at most 200), for every list endpoint."""

    page_size_query_param = "page_size"
    max_page_size = 200


class IdsFirstPagination(PageNumberPagination):
    """For lists whose search can be selective enough to mislead the planner (see IdsFirstPaginator)."""

    django_paginator_class = IdsFirstPaginator


def scope_for(user) -> ParkScope:
    """A park system's client carries its own scope; people who sign in work district-wide."""
    return getattr(user, "scope", None) or ParkScope.everything()


class ParkScopedMixin:
    """Limits ``get_queryset()`` to the caller's parks, so out-of-scope records are 404.

    ``park_path`` leads from the viewset's model to its Park (``"park"``, ``"enterprise__park"``,
    ``"pk"`` for parks themselves).
    """

    park_path = "park"

    @property
    def scope(self) -> ParkScope:
        return scope_for(self.request.user)

    def get_queryset(self):
        return self.scope.apply(super().get_queryset(), self.park_path)
