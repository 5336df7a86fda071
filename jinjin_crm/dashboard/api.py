"""The statistics API: the leadership's figures for park systems and for officers and leaders.

- ``GET /api/v1/stats/summary/?period=2024-H1[&park=SF]``: every metric that applies to the scope
  (the district, or one park), each with its target for exactly that period, the share of the
  target reached and the red / amber / green flag of ``dashboard.targets``.
- ``GET /api/v1/stats/metrics/{code}/?period=…[&park=…]``: one metric, and for officers and leaders
  its value in each of the ranked parks (``by_park``).

A park system's client counts its own park only: without ``park`` it gets its park; naming any
other code (another park, or none that exists) is a 404, so the answer never tells whether a code
exists; it never sees the district's figures nor ``by_park``. People who sign in get the district or
any park; an unknown park is a 400 naming ``park`` for them. The period defaults to the current year.

Figures come from ``dashboard.metrics``, the same definitions the dashboard, the targets ledger and
the ranking evaluate, in a number of queries that depends on the metrics, never on the parks.
Counts are integers; money (``unit`` ``wan``: 万元, ``yuan``: 元) is a string with two decimals, as
everywhere in this API, so sums match the books.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .metrics import COUNT, METRIC_BY_CODE, METRICS, UNIT_LABELS, Metric
from .periods import YEAR, Period, parse_period, period_of
from .scopes import DISTRICT, PARK, Scope, district, park_scope, parse_park, ranked_parks
from .targets import AMBER, GREEN, NONE, RED, progress, targets_for

FLAGS = (GREEN, AMBER, RED, NONE)
_MONEY = serializers.DecimalField(max_digits=None, decimal_places=2)
_FIGURE_SCHEMA = {
    "oneOf": [{"type": "integer"}, {"type": "string", "format": "decimal", "pattern": r"^-?\d+\.\d{2}$"}],
}


def _figure(metric: Metric, value) -> int | str:
    """A count as an integer; money as a string with two decimals. A count target entered with
    decimals (the targets ledger allows them) keeps them, as a string."""
    if metric.unit == COUNT:
        value = Decimal(value)
        if value == value.to_integral_value():
            return int(value)
    return _MONEY.to_representation(value)


# --- The query ------------------------------------------------------------------------------------


def _field_error(exc: DjangoValidationError, field: str, code: str) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message_dict[field], code=code)


class StatsQuerySerializer(serializers.Serializer):
    """The period and the scope asked for; validated into a ``Period`` and a ``Scope``."""

    period = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "A year (2024), a half (2024-H1), a quarter (2024-Q2), a month (2024-03) or an ISO week "
            "(2024-W23); default the current year."
        ),
    )
    park = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "A park's code (see /api/v1/parks/); default the whole district, or a park system's own park. "
            "A park system naming any other code gets a 404."
        ),
    )

    def validate_period(self, value: str) -> Period | None:
        if not value.strip():
            return None
        try:
            return parse_period(value)
        except DjangoValidationError as exc:
            raise _field_error(exc, "period", "invalid_period") from None

    def validate_park(self, value: str) -> Scope:
        client = getattr(self.context["request"].user, "client", None)
        code = value.strip()
        if client is not None:
            # Only its own park exists for a park system: any other code, real or not, is not found.
            if code and code.casefold() != client.park.code.casefold():
                raise NotFound()
            return park_scope(client.park)
        try:
            park = parse_park(code)
        except DjangoValidationError as exc:
            raise _field_error(exc, "park", "unknown_park") from None
        return park_scope(park) if park else district()

    def validate(self, attrs):
        if "park" not in attrs:  # not given: the field's own validation did not run
            attrs["park"] = self.validate_park("")
        return {
            "period": attrs.get("period") or period_of(YEAR, timezone.localdate()),
            "scope": attrs["park"],
        }


def _query(request) -> tuple[Period, Scope]:
    serializer = StatsQuerySerializer(data=request.query_params, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["period"], serializer.validated_data["scope"]


def _is_park_system(request) -> bool:
    return getattr(request.user, "client", None) is not None


def _per_park(metric: Metric) -> bool:
    return metric.park_param is not None


# --- The figures ----------------------------------------------------------------------------------


def _figures(metrics: list[Metric], period: Period, scopes: list[Scope]) -> dict[str, dict[str, dict]]:
    """``{metric code: {scope key: row}}``, each row the value with its target and progress: one
    query for the targets and one or two per metric (the parks grouped in one), whatever the number
    of scopes."""
    targets = targets_for(period, scopes)
    figures: dict[str, dict[str, dict]] = {}
    for metric in metrics:
        values = metric.evaluate(period, scopes)
        rows = {}
        for scope in scopes:
            if scope.key not in values:  # the metric is not counted for this kind of scope
                continue
            value = values[scope.key].value
            target = targets.get((metric.code, scope.key))
            rows[scope.key] = {
                "metric": metric,
                "scope": scope,
                "value": value,
                "target": target,
                "progress": progress(value, target, period),
            }
        figures[metric.code] = rows
    return figures


# --- Serializers ----------------------------------------------------------------------------------


class StatsPeriodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("As given in `period`, normalised (2024-H1)."))
    label = serializers.CharField()
    start = serializers.DateField(help_text=gettext_lazy("First day, inclusive."))
    end = serializers.DateField(help_text=gettext_lazy("Last day, inclusive."))


class StatsScopeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[DISTRICT, PARK])
    park = serializers.CharField(
        source="park.code", allow_null=True, help_text=gettext_lazy("The park's code; null for the district.")
    )


# The figure fields of a metric in one scope, shared by the metric and its parks' rows.


def _value_field():
    return serializers.SerializerMethodField(
        help_text=gettext_lazy("An integer for counts; a string with two decimals for money (see `unit`).")
    )


def _target_field():
    return serializers.SerializerMethodField(
        help_text=gettext_lazy("The target set for exactly this period and scope, as `value`; null if none.")
    )


def _done_percent_field():
    return serializers.DecimalField(
        source="progress.done_percent",
        max_digits=None,
        decimal_places=1,
        allow_null=True,
        help_text=gettext_lazy("Share of the target reached, in percent; null without a target."),
    )


def _flag_field():
    return serializers.ChoiceField(
        source="progress.flag",
        choices=FLAGS,
        help_text=gettext_lazy(
            "green: on pace or ahead (the share of the target reached is at least the share of the period "
            "elapsed); amber: behind, but at least four fifths of the pace; red: further behind; "
            "none: no target, or the period has not begun."
        ),
    )


class FigureMethods:
    @extend_schema_field(_FIGURE_SCHEMA)
    def get_value(self, row) -> int | str:
        return _figure(row["metric"], row["value"])

    @extend_schema_field({**_FIGURE_SCHEMA, "nullable": True})
    def get_target(self, row) -> int | str | None:
        return None if row["target"] is None else _figure(row["metric"], row["target"])


class StatsMetricSerializer(FigureMethods, serializers.Serializer):
    code = serializers.CharField(source="metric.code")
    label = serializers.CharField(source="metric.label")
    unit = serializers.ChoiceField(
        source="metric.unit",
        choices=list(UNIT_LABELS.items()),
        help_text=gettext_lazy("count, wan (万元, 10k yuan) or yuan (元)."),
    )
    value = _value_field()
    target = _target_field()
    done_percent = _done_percent_field()
    flag = _flag_field()
    snapshot = serializers.BooleanField(
        source="metric.snapshot",
        help_text=gettext_lazy("True for figures as of today, which the period does not change."),
    )


class StatsMetricDetailSerializer(StatsMetricSerializer):
    description = serializers.CharField(
        source="metric.description", help_text=gettext_lazy("What the figure counts.")
    )


class StatsParkSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StatsParkFigureSerializer(FigureMethods, serializers.Serializer):
    park = StatsParkSerializer(source="scope.park")
    value = _value_field()
    target = _target_field()
    done_percent = _done_percent_field()
    flag = _flag_field()


class StatsSummarySerializer(serializers.Serializer):
    period = StatsPeriodSerializer()
    scope = StatsScopeSerializer()
    metrics = StatsMetricSerializer(many=True)


class StatsMetricResponseSerializer(serializers.Serializer):
    period = StatsPeriodSerializer()
    scope = StatsScopeSerializer()
    metric = StatsMetricDetailSerializer()
    by_park = StatsParkFigureSerializer(
        many=True,
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The metric in each of the ranked parks, for officers and leaders only (absent for park "
            "systems); null for a metric that is not counted per park."
        ),
    )


# --- The endpoints --------------------------------------------------------------------------------

QUERY_ERRORS = {
    400: OpenApiResponse(
        description="`period` does not parse, or (for officers and leaders) `park` names no park; `attr` "
        "names the parameter."
    ),
    404: OpenApiResponse(description="A park system named a park other than its own."),
}
CODE_PARAMETER = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=[metric.code for metric in METRICS],
    description="The metric's code.",
)


class StatsViewSet(viewsets.ViewSet):
    """The leadership's figures against their targets, for the district or one park."""

    @extend_schema(
        summary="All figures of a period",
        parameters=[StatsQuerySerializer],
        responses={200: StatsSummarySerializer, **QUERY_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Every metric that applies to the scope (campaign figures are the district's only), with its
        target for exactly that period and its progress. A park system gets its own park's."""
        period, scope = _query(request)
        metrics = [metric for metric in METRICS if metric.applies_to(scope)]
        figures = _figures(metrics, period, [scope])
        body = {
            "period": period,
            "scope": scope,
            "metrics": [figures[metric.code][scope.key] for metric in metrics],
        }
        return Response(StatsSummarySerializer(body).data)

    @extend_schema(
        summary="One figure, with each park's",
        parameters=[CODE_PARAMETER, StatsQuerySerializer],
        responses={
            200: StatsMetricResponseSerializer,
            400: OpenApiResponse(
                description=f"{QUERY_ERRORS[400].description} Or `park` is given for a metric that is not "
                "counted per park (`not_per_park`, `attr` is `park`)."
            ),
            404: OpenApiResponse(
                description="No metric has this code, or it is not counted per park and the caller is a park "
                "system, or a park system named a park other than its own."
            ),
        },
    )
    @action(detail=False, methods=["get"], url_path=r"metrics/(?P<code>[^/.]+)", url_name="metric")
    def metric(self, request, code=None):
        """The metric for the district or one park, and (for officers and leaders) its value in each
        of the ranked parks. Park systems get their own park's figure only."""
        metric = METRIC_BY_CODE.get(code)
        if metric is None:
            raise NotFound(_("There is no metric with the code “%(code)s”.") % {"code": code})
        period, scope = _query(request)
        park_system = _is_park_system(request)
        if not metric.applies_to(scope):
            if park_system:  # a district-only figure: not a park system's to read
                raise NotFound()
            raise serializers.ValidationError(
                {
                    "park": [
                        _("“%(metric)s” is counted for the whole district only, not per park.")
                        % {"metric": metric.label}
                    ]
                },
                code="not_per_park",
            )
        per_park = _per_park(metric)
        parks = ranked_parks() if per_park and not park_system else []
        scopes = [scope, *(park_scope(park) for park in parks)]
        rows = _figures([metric], period, list(dict.fromkeys(scopes)))[metric.code]
        body = {"period": period, "scope": scope, "metric": rows[scope.key]}
        if not park_system:
            body["by_park"] = [rows[park_scope(park).key] for park in parks] if per_park else None
        data = StatsMetricResponseSerializer(body).data
        if park_system:
            data.pop("by_park", None)
        return Response(data)


ROUTES = [("stats", StatsViewSet, "stats")]
