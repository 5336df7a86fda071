"""The eligibility engine: which benefits a talent (or a bare set of facts) qualifies for, why, and
how much.

``evaluate`` checks every criterion of every benefit in force (or of the benefits given) and returns,
per benefit, whether all hold, a reason sentence for each, and the amount with its installments. It
runs a constant number of queries whatever the number of benefits: the benefits with their policy
and fund in one, the degree and tier codes in one each.

Choices the rules leave to the engine:

- Age is ``on.year - birth_year``: the birth year is all the record keeps (the ID number's full
  birth date is stored encrypted and not read for this). "At most 35" admits someone turning 35 in
  the year of the application; 36 is refused. An unknown birth year fails the age criterion.
- "Onboarded within N months" holds up to and including the same day N calendar months after the
  onboarding date (the 31st + 1 month is the last day of the next month); an onboarding date after
  ``on`` means not yet onboarded.
- A benefit whose stored rules no longer parse (a degree code renamed since) is reported as not
  eligible with the reason, rather than failing the whole evaluation.
- An amount of 0 makes the talent not eligible: "no amount applies".
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .models import GRANTED_STATES, Benefit, FundMovement, MovementKind, PolicyApplication
from .rules import (
    AmountBasis,
    BenefitRules,
    EmployedInDistrict,
    MaxAge,
    MinDegree,
    NotAlreadyGranted,
    OnboardedWithinMonths,
    Reference,
    TierIn,
    format_amount,
    parse_benefit_rules,
    split_amount,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Attributes:
    """The facts eligibility depends on. ``degree`` and ``tier`` are reference-data codes.

    ``granted_benefit_ids`` are the benefits the talent already holds or applied for (see
    ``GRANTED_STATES``); ``already_granted`` is the calculator's answer to "already received these
    benefits?" for a bare set of facts, and fails ``not_already_granted`` for every benefit.
    """

    degree: str | None = None
    tier: str | None = None
    birth_year: int | None = None
    employed_in_district: bool = False
    full_time: bool = False
    onboarded_on: datetime.date | None = None
    granted_benefit_ids: frozenset[int] = frozenset()
    already_granted: bool = False


@dataclass(frozen=True)
class CriterionResult:
    type: str
    passed: bool
    reason: str

    def as_data(self) -> dict:
        return {"type": self.type, "passed": self.passed, "reason": self.reason}


@dataclass(frozen=True)
class BenefitResult:
    benefit: Benefit
    eligible: bool
    amount: Decimal
    installments: list[Decimal]
    reasons: list[CriterionResult] = field(default_factory=list)

    @property
    def failing(self) -> list[CriterionResult]:
        return [reason for reason in self.reasons if not reason.passed]

    def as_snapshot(self, on: datetime.date) -> dict:
        """What an application keeps of the check: JSON, with the reasons as they read then."""
        return {
            "on": on.isoformat(),
            "eligible": self.eligible,
            "amount": str(self.amount),
            "installments": [str(part) for part in self.installments],
            "reasons": [reason.as_data() for reason in self.reasons],
        }


# --- Attributes ---------------------------------------------------------------------------------------


def attributes_for_talent(talent) -> Attributes:
    """The talent's facts as stored now, in two queries (the talent's codes, its applications)."""
    from talents.models import Mode, Talent

    row = (
        Talent.objects.filter(pk=talent.pk)
        .values(
            "highest_degree__code",
            "tier__code",
            "birth_year",
            "employer_enterprise_id",
            "mode",
            "onboarded_on",
        )
        .get()
    )
    # Money paid counts as granted even when the approval was later revoked: a benefit is paid once.
    paid = FundMovement.objects.filter(application=OuterRef("pk"), kind=MovementKind.DISBURSE)
    granted = (
        PolicyApplication.objects.filter(talent_id=talent.pk)
        .filter(Q(state__in=GRANTED_STATES) | Exists(paid))
        .values_list("benefit_id", flat=True)
    )
    return Attributes(
        degree=row["highest_degree__code"],
        tier=row["tier__code"],
        birth_year=row["birth_year"],
        employed_in_district=row["employer_enterprise_id"] is not None,
        full_time=row["mode"] == Mode.FULL_TIME,
        onboarded_on=row["onboarded_on"],
        granted_benefit_ids=frozenset(granted),
    )


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _boolean(value, name: str, errors: dict) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if value is None:
        return False
    errors[name] = _("Say yes or no (true or false).")
    return False


def _whole_number(value, name: str, low: int, high: int, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        errors[name] = _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return number


def attributes_from_data(
    data: dict, *, on: datetime.date | None = None, reference: Reference | None = None
) -> Attributes:
    """Facts typed into the calculator or posted to the eligibility endpoint: ``degree`` and ``tier``
    (codes), ``birth_year`` or ``age`` (on ``on``), ``employed_in_district``, ``full_time``,
    ``onboarded_on`` (a date or ``YYYY-MM-DD``), ``already_granted``. Everything is optional; a value
    that does not parse is refused with ``ValidationError`` keyed by its name."""
    on = on or timezone.localdate()
    reference = reference or Reference.load()
    errors: dict[str, str] = {}
    degree = data.get("degree") or None
    if degree is not None and degree not in reference.degrees:
        errors["degree"] = _("Unknown degree code “%(code)s”.") % {"code": degree}
    tier = data.get("tier") or None
    if tier is not None and tier not in reference.tiers:
        errors["tier"] = _("Unknown talent tier code “%(code)s”.") % {"code": tier}
    birth_year = _whole_number(data.get("birth_year"), "birth_year", 1900, on.year, errors)
    age = _whole_number(data.get("age"), "age", 0, 120, errors)
    if birth_year is not None and age is not None and on.year - birth_year != age:
        errors["age"] = _("Give the birth year or the age, not two that disagree.")
    if birth_year is None and age is not None:
        birth_year = on.year - age
    onboarded_on = data.get("onboarded_on") or None
    if isinstance(onboarded_on, str):
        try:
            onboarded_on = parse_date(onboarded_on.strip())
        except ValueError:
            onboarded_on = None
        if onboarded_on is None:
            errors["onboarded_on"] = _("Give a date as YYYY-MM-DD.")
    elif onboarded_on is not None and not isinstance(onboarded_on, datetime.date):
        errors["onboarded_on"] = _("Give a date as YYYY-MM-DD.")
        onboarded_on = None
    attributes = Attributes(
        degree=degree,
        tier=tier,
        birth_year=birth_year,
        employed_in_district=_boolean(data.get("employed_in_district"), "employed_in_district", errors),
        full_time=_boolean(data.get("full_time"), "full_time", errors),
        onboarded_on=onboarded_on,
        already_granted=_boolean(data.get("already_granted"), "already_granted", errors),
    )
    if errors:
        raise ValidationError(errors)
    return attributes


# --- Criteria ---------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later, or the month's last day when it has fewer."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _min_degree(criterion: MinDegree, attributes: Attributes, on, benefit, reference: Reference):
    minimum = reference.degree_name(criterion.degree)
    if attributes.degree not in reference.degrees:
        return False, _("No highest degree recorded; the minimum is %(minimum)s.") % {"minimum": minimum}
    values = {"degree": reference.degree_name(attributes.degree), "minimum": minimum}
    if reference.degrees[attributes.degree][0] >= reference.degrees[criterion.degree][0]:
        return True, _("Highest degree %(degree)s meets the minimum %(minimum)s.") % values
    return False, _("Highest degree %(degree)s is below the minimum %(minimum)s.") % values


def _tier_in(criterion: TierIn, attributes: Attributes, on, benefit, reference: Reference):
    tiers = "、".join(reference.tier_name(code) for code in criterion.tiers)
    if not attributes.tier:
        return False, _("No talent tier recorded; required: %(tiers)s.") % {"tiers": tiers}
    values = {"tier": reference.tier_name(attributes.tier), "tiers": tiers}
    if attributes.tier in criterion.tiers:
        return True, _("Talent tier %(tier)s is one of %(tiers)s.") % values
    return False, _("Talent tier %(tier)s is not one of %(tiers)s.") % values


def _max_age(criterion: MaxAge, attributes: Attributes, on, benefit, reference: Reference):
    if attributes.birth_year is None:
        return False, _("Birth year unknown; the age limit is %(years)d.") % {"years": criterion.years}
    age = on.year - attributes.birth_year
    values = {"age": age, "years": criterion.years, "year": on.year}
    if age <= criterion.years:
        return True, _("Aged %(age)d in %(year)d, within the limit of %(years)d.") % values
    return False, _("Aged %(age)d in %(year)d, over the limit of %(years)d.") % values


def _employed_in_district(criterion: EmployedInDistrict, attributes: Attributes, on, benefit, reference):
    if not attributes.employed_in_district:
        return False, _("Not employed at an enterprise in the district.")
    if criterion.full_time and not attributes.full_time:
        return False, _("Employed at an enterprise in the district, but not full-time.")
    if criterion.full_time:
        return True, _("Employed full-time at an enterprise in the district.")
    return True, _("Employed at an enterprise in the district.")


def _onboarded_within(criterion: OnboardedWithinMonths, attributes: Attributes, on, benefit, reference):
    onboarded = attributes.onboarded_on
    if onboarded is None or onboarded > on:
        return False, _(
            "Not onboarded yet; the benefit is for talents onboarded within %(months)d months."
        ) % {"months": criterion.months}
    values = {"date": onboarded.isoformat(), "months": criterion.months}
    if on <= add_months(onboarded, criterion.months):
        return True, _("Onboarded on %(date)s, within %(months)d months.") % values
    return False, _("Onboarded on %(date)s, more than %(months)d months ago.") % values


def _not_already_granted(criterion: NotAlreadyGranted, attributes: Attributes, on, benefit, reference):
    if attributes.already_granted or benefit.pk in attributes.granted_benefit_ids:
        return False, _("Already granted this benefit, or an application for it is in progress.")
    return True, _("Not granted this benefit before.")


CHECKS = {
    MinDegree: _min_degree,
    TierIn: _tier_in,
    MaxAge: _max_age,
    EmployedInDistrict: _employed_in_district,
    OnboardedWithinMonths: _onboarded_within,
    NotAlreadyGranted: _not_already_granted,
}


def _amount_reason(basis: AmountBasis, reference: Reference) -> str:
    values = {"amount": format_amount(basis.amount)}
    if basis.source == "fixed":
        return _("Fixed amount: %(amount)s yuan.") % values
    if basis.source == "tier":
        return _("Amount for talent tier %(tier)s: %(amount)s yuan.") % {
            **values,
            "tier": reference.tier_name(basis.code),
        }
    if basis.source == "degree":
        return _("Amount for degree %(degree)s: %(amount)s yuan.") % {
            **values,
            "degree": reference.degree_name(basis.code),
        }
    return _("Default amount: %(amount)s yuan.") % values


def evaluate_benefit(
    benefit: Benefit,
    attributes: Attributes,
    *,
    on: datetime.date,
    reference: Reference,
    rules: BenefitRules | None = None,
) -> BenefitResult:
    """One benefit against the facts: every criterion's result, then the amount (no queries)."""
    if rules is None:
        try:
            rules = parse_benefit_rules(
                criteria=benefit.criteria,
                amount_rule=benefit.amount_rule,
                installments=benefit.installments,
                reference=reference,
            )
        except ValidationError as exc:
            reason = _(
                "The benefit's rules cannot be read (%(problem)s); ask an administrator to correct them."
            ) % {"problem": "；".join(exc.messages)}
            return BenefitResult(benefit, False, ZERO, [], [CriterionResult("rules", False, reason)])
    reasons = []
    for criterion in rules.criteria:
        passed, reason = CHECKS[type(criterion)](criterion, attributes, on, benefit, reference)
        reasons.append(CriterionResult(criterion.type, passed, reason))
    basis = rules.amount_rule.amount_for(tier=attributes.tier, degree=attributes.degree, reference=reference)
    if basis.amount > 0:
        reasons.append(CriterionResult("amount", True, _amount_reason(basis, reference)))
    else:
        reasons.append(CriterionResult("amount", False, _("No amount applies to this talent.")))
    eligible = all(reason.passed for reason in reasons)
    installments = split_amount(basis.amount, rules.installments) if basis.amount > 0 else []
    return BenefitResult(benefit, eligible, basis.amount, installments, reasons)


def evaluate(
    attributes: Attributes,
    *,
    on: datetime.date | None = None,
    benefits: Iterable[Benefit] | None = None,
    reference: Reference | None = None,
) -> list[BenefitResult]:
    """Every benefit in force on ``on`` (today) — or the ``benefits`` given — against the facts, in
    the order of the policy system. Three queries (fewer when ``benefits`` or ``reference`` are
    given), whatever the number of benefits; pass benefits loaded with ``select_related("policy",
    "fund")`` to keep it so."""
    on = on or timezone.localdate()
    reference = reference or Reference.load()
    if benefits is None:
        benefits = Benefit.objects.in_force(on)
    return [evaluate_benefit(benefit, attributes, on=on, reference=reference) for benefit in benefits]


def evaluate_talent(talent, *, on: datetime.date | None = None, benefits=None) -> list[BenefitResult]:
    """``evaluate`` for a talent's stored facts: five queries whatever the number of benefits."""
    return evaluate(attributes_for_talent(talent), on=on, benefits=benefits)
