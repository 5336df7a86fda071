"""Filter pieces shared by every app's FilterSets."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StableOrderingFilter(django_filters.OrderingFilter):
    """``ordering`` with a last tie-breaker on id, so pages never repeat or skip a row."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            return qs.order_by(*qs.query.order_by, "-id")
        return qs


class SearchFilter(django_filters.CharFilter):
    """One box over several text columns (``icontains`` on each, OR-ed)."""

    def __init__(self, *args, fields: tuple[str, ...], **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return qs.filter(condition)


def code_choices(model, field_name: str = "code", **kwargs):
    """A multiple-choice filter over active reference data, by code (``?park=SF&park=DG``)."""
    return django_filters.ModelMultipleChoiceFilter(
        field_name=field_name,
        to_field_name="code",
        queryset=model.objects.filter(is_active=True),
        **kwargs,
    )
