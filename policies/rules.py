"""The rules of a benefit as data: eligibility criteria, amount rule and installments.

An administrator writes them as JSON on the benefit; this module parses them into typed objects and
refuses, with a message naming the item and the problem, whatever does not parse. The shapes:

``criteria`` — a list (all must hold; empty: everyone qualifies), each item an object with a type:

- ``{"type": "min_degree", "degree": "MASTER"}``: highest degree at least this one (compared by the
  rank of ``core.Degree``).
- ``{"type": "tier_in", "tiers": ["A", "B"]}``: talent tier is one of these ``core.TalentTier`` codes.
- ``{"type": "max_age", "years": 35}``: at most this old on the application date.
- ``{"type": "employed_in_district", "full_time": true}``: works at an enterprise of the district
  (and, with ``full_time``, full-time).
- ``{"type": "onboarded_within_months", "months": 24}``: onboarded at most this many months before.
- ``{"type": "not_already_granted"}``: no other application of the talent for this benefit is
  submitted, under review, approved or paid.

``amount_rule`` — an object:

- ``{"type": "fixed", "amount": "100000"}``, or
- ``{"type": "by_tier_degree", "by_tier": {"A": "1000000"}, "by_degree": {"DOCTOR": "200000",
  "MASTER": "50000"}, "default": "0"}``: the tier's amount if the talent's tier is listed; else the
  amount of the highest listed degree the talent holds (a doctor holds a master's, so with only
  MASTER listed a doctor gets the MASTER amount); else ``default`` (0 if absent). Tiers are
  distinct programmes, matched exactly; degrees are nested, matched by rank.

Amounts are yuan, as strings or numbers, at least 0 with at most two decimals.

``installments`` — shares of the amount paid in turn, summing exactly to 1 (``[0.5, 0.25, 0.25]``);
empty means paid at once. ``split_amount`` turns a share list into amounts summing exactly to the
total (the last installment takes the rounding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # what Decimal(14, 2) holds
MAX_INSTALLMENTS = 12


def format_amount(amount: Decimal) -> str:
    """Yuan with thousands separators and two decimals: ``1,000,000.00``."""
    return f"{Decimal(amount):,.2f}"


@dataclass(frozen=True)
class Reference:
    """The degree and tier codes rules may name: ``code → (rank, name)``. Loaded in two queries."""

    degrees: dict[str, tuple[int, str]]
    tiers: dict[str, tuple[int, str]]

    @classmethod
    def load(cls) -> Reference:
        from jinjin_crm.core.models import Degree, TalentTier

        # Inactive codes stay valid: rules written while they were active must keep working.
        return cls(
            degrees={
                code: (rank, name) for code, rank, name in Degree.objects.values_list("code", "rank", "name")
            },
            tiers={
                code: (rank, name)
                for code, rank, name in TalentTier.objects.values_list("code", "rank", "name")
            },
        )

    def degree_name(self, code: str | None) -> str:
        return self.degrees[code][1] if code in self.degrees else (code or "—")

    def tier_name(self, code: str | None) -> str:
        return self.tiers[code][1] if code in self.tiers else (code or "—")


# --- Criteria ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinDegree:
    type: ClassVar[str] = "min_degree"
    degree: str

    def to_data(self) -> dict:
        return {"type": self.type, "degree": self.degree}

    def describe(self, reference: Reference) -> str:
        return _("Highest degree at least %(degree)s") % {"degree": reference.degree_name(self.degree)}


@dataclass(frozen=True)
class TierIn:
    type: ClassVar[str] = "tier_in"
    tiers: tuple[str, ...]

    def to_data(self) -> dict:
        return {"type": self.type, "tiers": list(self.tiers)}

    def describe(self, reference: Reference) -> str:
        return _("Talent tier is one of: %(tiers)s") % {
            "tiers": "、".join(reference.tier_name(code) for code in self.tiers)
        }


@dataclass(frozen=True)
class MaxAge:
    type: ClassVar[str] = "max_age"
    years: int

    def to_data(self) -> dict:
        return {"type": self.type, "years": self.years}

    def describe(self, reference: Reference) -> str:
        return _("At most %(years)d years old on the application date") % {"years": self.years}


@dataclass(frozen=True)
class EmployedInDistrict:
    type: ClassVar[str] = "employed_in_district"
    full_time: bool = False

    def to_data(self) -> dict:
        return {"type": self.type, "full_time": self.full_time}

    def describe(self, reference: Reference) -> str:
        if self.full_time:
            return _("Works full-time at an enterprise in the district")
        return _("Works at an enterprise in the district")


@dataclass(frozen=True)
class OnboardedWithinMonths:
    type: ClassVar[str] = "onboarded_within_months"
    months: int

    def to_data(self) -> dict:
        return {"type": self.type, "months": self.months}

    def describe(self, reference: Reference) -> str:
        return _("Onboarded within the last %(months)d months") % {"months": self.months}


@dataclass(frozen=True)
class NotAlreadyGranted:
    type: ClassVar[str] = "not_already_granted"

    def to_data(self) -> dict:
        return {"type": self.type}

    def describe(self, reference: Reference) -> str:
        return _("Has not been granted this benefit before")


Criterion = MinDegree | TierIn | MaxAge | EmployedInDistrict | OnboardedWithinMonths | NotAlreadyGranted
CRITERION_TYPES: dict[str, type] = {
    kind.type: kind
    for kind in (MinDegree, TierIn, MaxAge, EmployedInDistrict, OnboardedWithinMonths, NotAlreadyGranted)
}
# The parameters each type takes: name → (required, kind).
CRITERION_PARAMETERS: dict[str, dict[str, tuple[bool, str]]] = {
    "min_degree": {"degree": (True, "degree")},
    "tier_in": {"tiers": (True, "tiers")},
    "max_age": {"years": (True, "years")},
    "employed_in_district": {"full_time": (False, "bool")},
    "onboarded_within_months": {"months": (True, "months")},
    "not_already_granted": {},
}
WHOLE_NUMBER_RANGES = {"years": (1, 120), "months": (1, 600)}


def _known(codes) -> str:
    return ", ".join(sorted(codes)) or "—"


def _is_whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_parameter(kind: str, key: str, value, reference: Reference, prefix: str, errors: list[str]):
    """The parsed value of one criterion parameter, or None after appending an error."""
    if kind == "degree":
        if not isinstance(value, str) or value not in reference.degrees:
            errors.append(
                _("%(prefix)s: unknown degree code “%(code)s”; known codes: %(known)s.")
                % {"prefix": prefix, "code": value, "known": _known(reference.degrees)}
            )
            return None
        return value
    if kind == "tiers":
        if not isinstance(value, list) or not value or not all(isinstance(code, str) for code in value):
            errors.append(
                _("%(prefix)s: “%(key)s” must be a non-empty list of tier codes.")
                % {"prefix": prefix, "key": key}
            )
            return None
        unknown = [code for code in value if code not in reference.tiers]
        if unknown:
            errors.append(
                _("%(prefix)s: unknown tier code “%(code)s”; known codes: %(known)s.")
                % {"prefix": prefix, "code": "、".join(unknown), "known": _known(reference.tiers)}
            )
            return None
        return tuple(dict.fromkeys(value))
    if kind == "bool":
        if not isinstance(value, bool):
            errors.append(_("%(prefix)s: “%(key)s” must be true or false.") % {"prefix": prefix, "key": key})
            return None
        return value
    low, high = WHOLE_NUMBER_RANGES[kind]
    if not _is_whole_number(value) or not low <= value <= high:
        errors.append(
            _("%(prefix)s: “%(key)s” must be a whole number from %(low)d to %(high)d.")
            % {"prefix": prefix, "key": key, "low": low, "high": high}
        )
        return None
    return value


def parse_criteria(data, reference: Reference) -> list[Criterion]:
    """The criteria as typed objects. Raises ``ValidationError({"criteria": [...]})`` naming every
    problem: not a list, an item without a known type, a missing, unexpected or ill-typed parameter,
    an unknown degree or tier code, the same type twice."""
    if data is None:
        data = []
    if not isinstance(data, list):
        raise ValidationError({"criteria": _("The criteria must be a list of objects, or empty.")})
    errors: list[str] = []
    parsed: list[Criterion] = []
    seen: set[str] = set()
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            errors.append(_("Criterion %(index)d must be an object with a “type”.") % {"index": index})
            continue
        kind = item["type"]
        if kind not in CRITERION_TYPES:
            errors.append(
                _("Criterion %(index)d: unknown type “%(type)s”; known types: %(known)s.")
                % {"index": index, "type": kind, "known": ", ".join(CRITERION_TYPES)}
            )
            continue
        prefix = _("Criterion %(index)d (%(type)s)") % {"index": index, "type": kind}
        if kind in seen:
            errors.append(_("%(prefix)s: this type appears more than once.") % {"prefix": prefix})
            continue
        seen.add(kind)
        parameters = CRITERION_PARAMETERS[kind]
        item_errors: list[str] = []
        for key in item:
            if key != "type" and key not in parameters:
                item_errors.append(
                    _("%(prefix)s: unexpected key “%(key)s”.") % {"prefix": prefix, "key": key}
                )
        values = {}
        for key, (required, parameter_kind) in parameters.items():
            if key not in item:
                if required:
                    item_errors.append(
                        _("%(prefix)s: “%(key)s” is missing.") % {"prefix": prefix, "key": key}
                    )
                continue
            values[key] = _parse_parameter(parameter_kind, key, item[key], reference, prefix, item_errors)
        if item_errors:
            errors.extend(item_errors)
            continue
        parsed.append(CRITERION_TYPES[kind](**values))
    if errors:
        raise ValidationError({"criteria": errors})
    return parsed


# --- Amount rules -----------------------------------------------------------------------------------


def parse_amount(value) -> Decimal | None:
    """A yuan amount from a string or number (``"100000"``, ``100000``, ``"1,000.50"``), or None
    when it is not one: negative, more than two decimals, too large, or not a number at all."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        return None
    return amount.quantize(CENT)


@dataclass(frozen=True)
class AmountBasis:
    """What an amount rule gave and why: ``source`` is fixed, tier, degree or default."""

    amount: Decimal
    source: str
    code: str = ""


@dataclass(frozen=True)
class FixedAmount:
    type: ClassVar[str] = "fixed"
    amount: Decimal

    def to_data(self) -> dict:
        return {"type": self.type, "amount": str(self.amount)}

    def amount_for(self, *, tier: str | None, degree: str | None, reference: Reference) -> AmountBasis:
        return AmountBasis(self.amount, "fixed")

    def describe(self, reference: Reference) -> str:
        return _("%(amount)s yuan") % {"amount": format_amount(self.amount)}


@dataclass(frozen=True)
class ByTierDegree:
    type: ClassVar[str] = "by_tier_degree"
    by_tier: dict[str, Decimal] = field(default_factory=dict)
    by_degree: dict[str, Decimal] = field(default_factory=dict)
    default: Decimal = Decimal("0.00")

    def to_data(self) -> dict:
        return {
            "type": self.type,
            "by_tier": {code: str(amount) for code, amount in self.by_tier.items()},
            "by_degree": {code: str(amount) for code, amount in self.by_degree.items()},
            "default": str(self.default),
        }

    def amount_for(self, *, tier: str | None, degree: str | None, reference: Reference) -> AmountBasis:
        """The tier's amount if listed; else the highest listed degree the talent holds; else default."""
        if tier and tier in self.by_tier:
            return AmountBasis(self.by_tier[tier], "tier", tier)
        if degree in reference.degrees:
            rank = reference.degrees[degree][0]
            held = [
                code
                for code in self.by_degree
                if code in reference.degrees and reference.degrees[code][0] <= rank
            ]
            if held:
                best = max(held, key=lambda code: reference.degrees[code][0])
                return AmountBasis(self.by_degree[best], "degree", best)
        return AmountBasis(self.default, "default")

    def describe(self, reference: Reference) -> str:
        parts = [
            f"{reference.tier_name(code)} {format_amount(amount)}" for code, amount in self.by_tier.items()
        ] + [
            f"{reference.degree_name(code)} {format_amount(amount)}"
            for code, amount in self.by_degree.items()
        ]
        return _("%(amounts)s; otherwise %(default)s (yuan)") % {
            "amounts": "；".join(parts),
            "default": format_amount(self.default),
        }


AmountRule = FixedAmount | ByTierDegree
AMOUNT_RULE_KEYS = {
    "fixed": {"type", "amount"},
    "by_tier_degree": {"type", "by_tier", "by_degree", "default"},
}


def _amount_map(data, key: str, known: dict, unknown_message: str, errors: list[str]) -> dict[str, Decimal]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        errors.append(_("Amount rule: “%(key)s” must be an object of code → amount.") % {"key": key})
        return {}
    amounts: dict[str, Decimal] = {}
    for code, raw in value.items():
        if code not in known:
            errors.append(unknown_message % {"code": code, "key": key, "known": _known(known)})
            continue
        amount = parse_amount(raw)
        if amount is None:
            errors.append(_bad_amount(f"{key}.{code}", raw))
            continue
        amounts[code] = amount
    return amounts


def _bad_amount(key: str, value) -> str:
    return _(
        "Amount rule: “%(key)s” must be an amount in yuan, at least 0 with at most two decimals "
        "(got “%(value)s”)."
    ) % {"key": key, "value": value}


def parse_amount_rule(data, reference: Reference) -> AmountRule:
    """The amount rule as a typed object, or ``ValidationError({"amount_rule": [...]})`` naming
    every problem: no type, an unknown type, a missing or bad amount, an unknown code, a stray key."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ValidationError(
            {"amount_rule": _("The amount rule must be an object with a “type”: fixed or by_tier_degree.")}
        )
    kind = data["type"]
    if kind not in AMOUNT_RULE_KEYS:
        raise ValidationError(
            {
                "amount_rule": _("Unknown amount rule type “%(type)s”; known types: fixed, by_tier_degree.")
                % {"type": kind}
            }
        )
    errors = [
        _("Amount rule: unexpected key “%(key)s”.") % {"key": key}
        for key in data
        if key not in AMOUNT_RULE_KEYS[kind]
    ]
    rule: AmountRule | None = None
    if kind == "fixed":
        if "amount" not in data:
            errors.append(_("Amount rule: “%(key)s” is missing.") % {"key": "amount"})
        else:
            amount = parse_amount(data["amount"])
            if amount is None:
                errors.append(_bad_amount("amount", data["amount"]))
            else:
                rule = FixedAmount(amount)
    else:
        by_tier = _amount_map(
            data,
            "by_tier",
            reference.tiers,
            _("Amount rule: unknown tier code “%(code)s” in “%(key)s”; known codes: %(known)s."),
            errors,
        )
        by_degree = _amount_map(
            data,
            "by_degree",
            reference.degrees,
            _("Amount rule: unknown degree code “%(code)s” in “%(key)s”; known codes: %(known)s."),
            errors,
        )
        default = parse_amount(data.get("default", "0"))
        if default is None:
            errors.append(_bad_amount("default", data.get("default")))
        if not data.get("by_tier") and not data.get("by_degree"):
            errors.append(_("Amount rule: give at least one amount in “by_tier” or “by_degree”."))
        rule = ByTierDegree(by_tier=by_tier, by_degree=by_degree, default=default or Decimal("0.00"))
    if errors:
        raise ValidationError({"amount_rule": errors})
    return rule


# --- Installments -----------------------------------------------------------------------------------


def parse_installments(data) -> tuple[Decimal, ...]:
    """The shares, each in (0, 1], summing exactly to 1; empty: paid at once.
    Raises ``ValidationError({"installments": [...]})``."""
    if data in (None, []):
        return ()
    if not isinstance(data, list):
        raise ValidationError(
            {
                "installments": _(
                    "The installments must be a list of shares, such as [0.5, 0.25, 0.25], or empty."
                )
            }
        )
    if len(data) > MAX_INSTALLMENTS:
        raise ValidationError(
            {"installments": _("At most %(count)d installments.") % {"count": MAX_INSTALLMENTS}}
        )
    errors: list[str] = []
    shares: list[Decimal] = []
    for index, value in enumerate(data, start=1):
        share = None
        if not isinstance(value, bool) and isinstance(value, (int, float, str, Decimal)):
            try:
                share = Decimal(str(value).strip())
            except InvalidOperation:
                share = None
        if share is None or not share.is_finite() or not Decimal(0) < share <= 1:
            errors.append(
                _("Installment %(index)d must be a share greater than 0 and at most 1 (got “%(value)s”).")
                % {"index": index, "value": value}
            )
            continue
        shares.append(share)
    if not errors and sum(shares) != 1:
        errors.append(
            _("The installment shares must add up to exactly 1 (they add up to %(total)s).")
            % {"total": sum(shares)}
        )
    if errors:
        raise ValidationError({"installments": errors})
    return tuple(shares)


def split_amount(amount: Decimal, shares: tuple[Decimal, ...] | list[Decimal]) -> list[Decimal]:
    """``amount`` cut into installments by ``shares``: each rounded down to the fen, the last taking
    the rest, so they add up to ``amount`` exactly. No shares: one installment."""
    amount = Decimal(amount).quantize(CENT)
    if not shares:
        return [amount]
    parts = [(amount * share).quantize(CENT, rounding=ROUND_DOWN) for share in shares[:-1]]
    parts.append(amount - sum(parts, Decimal("0.00")))
    return parts


# --- A benefit's rules together ---------------------------------------------------------------------


@dataclass(frozen=True)
class BenefitRules:
    criteria: list[Criterion]
    amount_rule: AmountRule
    installments: tuple[Decimal, ...]


def parse_benefit_rules(*, criteria, amount_rule, installments, reference: Reference) -> BenefitRules:
    """All three parsed; a ``ValidationError`` keyed by field collects the problems of all three."""
    errors: dict[str, list[str]] = {}
    parsed = {}
    for name, parser, data in (
        ("criteria", parse_criteria, criteria),
        ("amount_rule", parse_amount_rule, amount_rule),
        ("installments", None, installments),
    ):
        try:
            parsed[name] = parser(data, reference) if parser else parse_installments(data)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return BenefitRules(**parsed)


def normalise_benefit_rules(*, criteria, amount_rule, installments, reference: Reference) -> dict:
    """The canonical JSON of the three (amounts as strings, duplicate tier codes dropped), or the
    ``ValidationError`` of ``parse_benefit_rules``."""
    rules = parse_benefit_rules(
        criteria=criteria, amount_rule=amount_rule, installments=installments, reference=reference
    )
    return {
        "criteria": [criterion.to_data() for criterion in rules.criteria],
        "amount_rule": rules.amount_rule.to_data(),
        "installments": [str(share) for share in rules.installments],
    }
