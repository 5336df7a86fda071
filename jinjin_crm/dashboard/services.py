"""Every write of the dashboard app: the targets ledger (目标台账) and the park ranking's weights.

Guarantees:

- A period, metric and scope target (the district, one park, one officer) has at most one target;
  ``target_set`` creates it or changes its value, and the database's constraints repeat the rule.
- Every service runs in one transaction and, when it refuses, changes nothing: a ``ValidationError``
  keyed by the argument at fault (``period``, ``metric``, ``scope``, ``park``, ``officer``,
  ``value``, ``note``; ``weight``, ``cap`` for weights) with a message for the person who typed it.
- ``targets_import`` writes many targets all or nothing and reports every refused row.
- The author of each change is recorded in the history (``by``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jinjin_crm.core.models import Park, User
from jinjin_crm.core.roles import Role

from .metrics import COUNT, METRIC_BY_CODE, Metric
from .models import RankingWeight, Target
from .periods import TARGET_KINDS, Period, parse_period
from .scopes import OFFICER, PARK, SCOPE_KINDS, Scope

SCOPE_CODES = tuple(code for code, _label in SCOPE_KINDS)
CENT = Decimal("0.01")


def _as_history_user(record, by: User | None) -> None:
    # simple_history records this user as the author (requests set it themselves).
    if by is not None:
        record._history_user = by


def _decimal_field_limit(model, name: str) -> Decimal:
    field = model._meta.get_field(name)
    whole = field.max_digits - field.decimal_places
    return Decimal(10) ** whole - Decimal(1).scaleb(-field.decimal_places)


def _number(value, *, field: str, errors: dict) -> Decimal | None:
    """``value`` (a number or its text) as a Decimal, or an error on ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[field] = _("Give a number.")
        return None
    try:
        number = Decimal(value.strip().replace(",", "") if isinstance(value, str) else str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors[field] = _("“%(value)s” is not a number.") % {"value": value}
        return None
    return number


def _metric(code: str, errors: dict) -> Metric | None:
    metric = METRIC_BY_CODE.get((code or "").strip())
    if metric is None:
        errors["metric"] = _("There is no metric “%(code)s”.") % {"code": code or ""}
    return metric


def _scope_label(scope: str) -> str:
    return str(dict(SCOPE_KINDS)[scope])


# --- Targets ------------------------------------------------------------------------------------


def target_validate(
    *,
    period: str,
    metric: str,
    scope: str,
    park: Park | None = None,
    officer: User | None = None,
    value,
    note: str = "",
) -> dict:
    """Check a target as ``target_set`` will, writing nothing; returns the values it would store
    (the period as a ``Period``, the value as a Decimal to the cent, the note stripped).

    Raises one ``ValidationError`` holding every problem, keyed by the argument at fault.
    """
    errors: dict[str, str] = {}
    try:
        parsed = parse_period(period, field="period", kinds=TARGET_KINDS)
    except ValidationError as exc:
        errors.update({key: messages[0] for key, messages in exc.message_dict.items()})
        parsed = None
    found = _metric(metric, errors)
    if scope not in SCOPE_CODES:
        errors["scope"] = _("“%(value)s” is not a scope; use district, park or officer.") % {
            "value": scope or ""
        }
    if scope == PARK:
        if park is None:
            errors["park"] = _("A park target needs its park.")
        elif not park.is_active:
            errors["park"] = _("The park “%(park)s” is no longer in use.") % {"park": park.name}
    elif park is not None:
        errors["park"] = _("Only a park target names a park.")
    if scope == OFFICER:
        if officer is None:
            errors["officer"] = _("An officer target needs its officer.")
        elif not (officer.is_active and officer.has_role(Role.OFFICER)):
            errors["officer"] = _("%(user)s is not an active officer.") % {"user": officer}
    elif officer is not None:
        errors["officer"] = _("Only an officer target names an officer.")
    if found is not None and scope in SCOPE_CODES and not found.applies_to(Scope(scope)):
        errors["scope"] = _("“%(metric)s” is not counted per %(scope)s.") % {
            "metric": found.label,
            "scope": _scope_label(scope),
        }
    number = _number(value, field="value", errors=errors)
    if number is not None:
        if number < 0:
            errors["value"] = _("The target value cannot be negative.")
        elif found is not None and found.unit == COUNT and number != number.to_integral_value():
            errors["value"] = _("“%(metric)s” counts whole numbers; %(value)s is not one.") % {
                "metric": found.label,
                "value": value,
            }
        elif number.quantize(CENT) > _decimal_field_limit(Target, "value"):
            errors["value"] = _("The target value is too large.")
    note = (note or "").strip()
    limit = Target._meta.get_field("note").max_length
    if len(note) > limit:
        errors["note"] = _("At most %(max)d characters; this has %(count)d.") % {
            "max": limit,
            "count": len(note),
        }
    if errors:
        raise ValidationError(errors)
    return {
        "period": parsed,
        "metric": found.code,
        "scope": scope,
        "park": park if scope == PARK else None,
        "officer": officer if scope == OFFICER else None,
        "value": number.quantize(CENT),
        "note": note,
    }


def target_identity(*, period: Period, metric: str, scope: str, park=None, officer=None) -> dict:
    """The filter that finds the one target of a period, metric and scope."""
    identity = {"period": period.code, "metric": metric, "scope": scope}
    if scope == PARK:
        identity["park"] = park
    elif scope == OFFICER:
        identity["officer"] = officer
    return identity


def _target_save(values: dict, by: User | None) -> Target:
    identity = target_identity(
        period=values["period"],
        metric=values["metric"],
        scope=values["scope"],
        park=values["park"],
        officer=values["officer"],
    )
    # No default ordering: it joins the park and the officer, which FOR UPDATE cannot lock.
    target = Target.objects.select_for_update().filter(**identity).order_by("pk").first()
    if target is None:
        target = Target(
            period=values["period"].code,
            period_start=values["period"].start,
            period_end=values["period"].end,
            metric=values["metric"],
            scope=values["scope"],
            park=values["park"],
            officer=values["officer"],
        )
    target.value, target.note, target.updated_by = values["value"], values["note"], by
    _as_history_user(target, by)
    target.save()
    return target


def _target_write(values: dict, by: User | None) -> Target:
    try:
        # A savepoint: if another request creates the same target first, the row is read again
        # and updated instead.
        with transaction.atomic():
            return _target_save(values, by)
    except IntegrityError:
        return _target_save(values, by)


@transaction.atomic
def target_set(
    *,
    period: str,
    metric: str,
    scope: str,
    park: Park | None = None,
    officer: User | None = None,
    value,
    note: str = "",
    by: User | None,
) -> Target:
    """Set what ``scope`` (``district``; ``park`` with its active ``park``; ``officer`` with a user
    holding the officer role) should reach on ``metric`` in ``period`` (a year, half, quarter or
    month code). The one target of that period, metric and scope is created, or its value and note
    changed. Validation as ``target_validate``; nothing is written when it refuses."""
    values = target_validate(
        period=period, metric=metric, scope=scope, park=park, officer=officer, value=value, note=note
    )
    return _target_write(values, by)


@transaction.atomic
def target_delete(*, target: Target, by: User | None) -> None:
    """Remove a target; its history keeps what it was and who removed it."""
    _as_history_user(target, by)
    target.delete()


def _row_refusal(number: int, field: str, message: str) -> ValidationError:
    return ValidationError(
        _("Row %(row)d, %(field)s: %(message)s") if field else _("Row %(row)d: %(message)s"),
        code="row_refused",
        params={"row": number, "field": field, "message": message},
    )


@transaction.atomic
def targets_import(*, rows: list[tuple[int, dict]], by: User | None) -> list[Target]:
    """Set many targets at once, all or nothing: ``rows`` are (row number, ``target_set``'s keyword
    arguments without ``by``). Each row creates or updates its target as ``target_set`` does.

    Every row is tried; if any is refused, nothing is written and one ``ValidationError`` under
    ``rows`` lists every refusal ("Row n, field: message"), each carrying ``params`` ``row``,
    ``field`` (the argument at fault, "" for the row as a whole) and ``message``. The same target
    twice in ``rows`` is refused: which value stands would be a guess.
    """
    refusals: list[ValidationError] = []
    saved: list[Target] = []
    seen: dict[tuple, int] = {}
    for number, fields in rows:
        try:
            values = target_validate(**fields)
        except ValidationError as exc:
            refusals += [
                _row_refusal(number, field, message)
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            continue
        key = (values["period"].code, values["metric"], values["scope"], values["park"], values["officer"])
        if key in seen:
            refusals.append(
                _row_refusal(number, "", _("This target is already in row %(row)d.") % {"row": seen[key]})
            )
            continue
        seen[key] = number
        try:
            # Each row in its own savepoint, so a refused row leaves the transaction usable and the
            # later rows are still tried; refusing at the end undoes them all.
            with transaction.atomic():
                saved.append(_target_write(values, by))
        except IntegrityError:
            refusals.append(
                _row_refusal(
                    number, "", _("The row conflicts with a record saved meanwhile; upload the file again.")
                )
            )
    if refusals:
        # Raising leaves the atomic block, which undoes the rows already written.
        raise ValidationError({"rows": refusals})
    return saved


# --- Ranking weights ----------------------------------------------------------------------------


def ranking_weight_validate(*, metric: str, weight, cap, sort_order: int = 0) -> dict:
    """Check a ranking weight as ``ranking_weight_set`` will, writing nothing; returns the values it
    would store. One ``ValidationError`` holds every problem, keyed by argument."""
    errors: dict[str, str] = {}
    found = _metric(metric, errors)
    if found is not None and not found.applies_to(Scope(PARK)):
        errors["metric"] = _(
            "“%(metric)s” is not counted per park, so it cannot weigh in the park ranking."
        ) % {"metric": found.label}
    weight_value = _number(weight, field="weight", errors=errors)
    if weight_value is not None:
        if weight_value < 0:
            errors["weight"] = _("A weight cannot be negative.")
        elif weight_value.quantize(CENT) > _decimal_field_limit(RankingWeight, "weight"):
            errors["weight"] = _("The weight is too large.")
    cap_value = _number(cap, field="cap", errors=errors)
    if cap_value is not None:
        if cap_value < 1:
            errors["cap"] = _("The cap is at least 1.")
        elif cap_value.quantize(CENT) > _decimal_field_limit(RankingWeight, "cap"):
            errors["cap"] = _("The cap is too large.")
    if not isinstance(sort_order, int) or isinstance(sort_order, bool) or sort_order < 0:
        errors["sort_order"] = _("The sort order is a whole number, 0 or more.")
    if errors:
        raise ValidationError(errors)
    return {
        "metric": found.code,
        "weight": weight_value.quantize(CENT),
        "cap": cap_value.quantize(CENT),
        "sort_order": sort_order,
    }


@transaction.atomic
def ranking_weight_set(*, metric: str, weight, cap, sort_order: int = 0, by: User | None) -> RankingWeight:
    """How much ``metric`` weighs in the park ranking, and the multiple of its target an achievement
    counts at most (``cap``, at least 1). Creates the metric's weight or changes it; a metric must
    be counted per park to weigh in the park ranking."""
    values = ranking_weight_validate(metric=metric, weight=weight, cap=cap, sort_order=sort_order)
    weight_row = RankingWeight.objects.select_for_update().filter(metric=values["metric"]).first()
    if weight_row is None:
        weight_row = RankingWeight(metric=values["metric"])
    weight_row.weight, weight_row.cap, weight_row.sort_order = values["weight"], values["cap"], sort_order
    _as_history_user(weight_row, by)
    weight_row.save()
    return weight_row


@transaction.atomic
def ranking_weight_delete(*, weight: RankingWeight, by: User | None) -> None:
    """Take a metric out of the park ranking; its history keeps what it weighed."""
    _as_history_user(weight, by)
    weight.delete()
