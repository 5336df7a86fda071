"""Filter pieces shared by every app's FilterSets."""

import django_filters
from django.db.models import Q
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from .models import JobRun


def blanks_dropped(data):
    """``data`` without its blank values: a key given only as "" is left out, and "" is left out of a
    key's several values (``?park=&park=SF`` is ``park=SF``). A QueryDict stays a QueryDict (the pages'
    ``request.GET``, DRF's ``request.query_params``); a plain mapping (the dashboard's links) stays a
    dict; None (unbound) stays None."""
    if data is None:
        return None
    if isinstance(data, MultiValueDict):
        kept = data.copy()
        for key in data:
            values = [value for value in data.getlist(key) if value != ""]
            if values:
                kept.setlist(key, values)
            else:
                del kept[key]
        return kept
    kept = {}
    for key, value in data.items():
        if isinstance(value, (list, tuple)):
            value = [item for item in value if item != ""]
            if not value:
                continue
        elif value == "":
            continue
        kept[key] = value
    return kept


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet here: a blank value means "no filter".

    A browser sends a select left at 全部 as ``stage=``, which a choice or model-choice filter would
    reject ("选择一个有效的选项", "“”不是一个有效的值") while still listing every row. Blank values are
    dropped from the bound data before the form sees them, so pages, the API, the exports and the
    dashboard read the same query the same way; every other value is validated as before."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(blanks_dropped(data), *args, **kwargs)


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


def date_range(value) -> tuple:
    """The (start, stop) of a ``DateFromToRangeFilter`` value, either end possibly None."""
    return (value.start, value.stop) if value else (None, None)


def range_lookups(field: str, value) -> dict:
    """``{field}__gte`` / ``{field}__lte`` for the ends of a date range that are given."""
    start, stop = date_range(value)
    lookups = {}
    if start is not None:
        lookups[f"{field}__gte"] = start
    if stop is not None:
        lookups[f"{field}__lte"] = stop
    return lookups


def day_bounds(start, stop) -> tuple:
    """The moments a range of local days covers, as ``(from, until)``: from the first day's midnight
    up to, not including, the midnight after the last day (either end may be None). A timestamp
    column compared with these uses its index; ``column__date`` turns each row's time into a local
    date first, which no index serves and the planner cannot estimate."""
    import datetime

    from django.utils import timezone

    def midnight(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return (
        midnight(start) if start is not None else None,
        midnight(stop + datetime.timedelta(days=1)) if stop is not None else None,
    )


def moment_range_lookups(field: str, value) -> dict:
    """``{field}__gte`` / ``{field}__lt`` for a timestamp column, over the local days of a date range."""
    since, until = day_bounds(*date_range(value))
    lookups = {}
    if since is not None:
        lookups[f"{field}__gte"] = since
    if until is not None:
        lookups[f"{field}__lt"] = until
    return lookups


# Filters an earlier app declares and a later app implements (the demand list's "with candidates",
# which only the matching app can answer), registered in the later app's ``AppConfig.ready()``.
_filter_hooks: dict = {}


def filter_hook_register(name: str, function) -> None:
    """Let ``function(queryset, value)`` answer the hooked filter ``name``."""
    _filter_hooks[name] = function


class HookChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter answered by the function registered under ``hook``; with none registered the
    filter keeps no row, rather than silently keeping every row."""

    def __init__(self, *args, hook: str, **kwargs):
        self.hook = hook
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        function = _filter_hooks.get(self.hook)
        return function(qs, value) if function else qs.none()


def job_kind_choices():
    """The kinds the jobs page names, then any other kind found in the records, shown as its code."""
    from .jobs import JOB_KIND_LABELS

    others = JobRun.objects.exclude(kind__in=JOB_KIND_LABELS).order_by("kind").values_list("kind", flat=True)
    return [*JOB_KIND_LABELS.items(), *((kind, kind) for kind in others.distinct())]


class JobFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=job_kind_choices, label=_("kind"))
    state = django_filters.MultipleChoiceFilter(
        choices=JobRun.State.choices, distinct=False, label=_("state")
    )

    class Meta:
        model = JobRun
        fields = []
