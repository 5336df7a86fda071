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


class CodeMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Chosen by code in the URL, filtered by the object.

    django-filter's own predicate uses the ``to_field_name`` value (``park="SF"``), which would
    compare a foreign key's id with a code.
    """

    def __init__(self, *args, **kwargs):
        # A foreign key's choices never multiply rows, so no DISTINCT (which costs a sort per query).
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, v):
        return {self.field_name: v}


def code_choices(model, field_name: str = "code", **kwargs):
    """A multiple-choice filter over active reference data, by code (``?park=SF&park=DG``)."""
    return CodeMultipleChoiceFilter(
        field_name=field_name,
        to_field_name="code",
        queryset=model.objects.filter(is_active=True),
        **kwargs,
    )
