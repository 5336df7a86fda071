"""Criteria, amount rules and installments as data: what parses, and what is refused with a message
naming the problem."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from policies.models import Benefit
from policies.rules import (
    ByTierDegree,
    FixedAmount,
    MaxAge,
    Reference,
    normalise_benefit_rules,
    parse_amount_rule,
    parse_criteria,
    parse_installments,
    split_amount,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    return Reference.load()


def messages_of(exc: ValidationError, field: str) -> str:
    return " ".join(exc.message_dict[field])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"type": "min_degree", "degree": "MASTER"}, "must be a list"),
        (["min_degree"], "must be an object with a “type”"),
        ([{"degree": "MASTER"}], "must be an object with a “type”"),
        ([{"type": "max_salary", "amount": 1}], "unknown type “max_salary”"),
        ([{"type": "min_degree"}], "Criterion 1 (min_degree): “degree” is missing"),
        ([{"type": "min_degree", "degree": "PHD"}], "unknown degree code “PHD”"),
        ([{"type": "tier_in", "tiers": "A"}], "“tiers” must be a non-empty list"),
        ([{"type": "tier_in", "tiers": []}], "“tiers” must be a non-empty list"),
        ([{"type": "tier_in", "tiers": ["A", "Z"]}], "unknown tier code “Z”"),
        ([{"type": "max_age", "years": "35"}], "“years” must be a whole number"),
        ([{"type": "max_age", "years": True}], "“years” must be a whole number"),
        ([{"type": "max_age", "years": 0}], "“years” must be a whole number from 1 to 120"),
        ([{"type": "onboarded_within_months", "months": 2.5}], "“months” must be a whole number"),
        ([{"type": "employed_in_district", "full_time": "yes"}], "“full_time” must be true or false"),
        ([{"type": "max_age", "years": 35, "year": 35}], "unexpected key “year”"),
        ([{"type": "not_already_granted", "benefit": 3}], "unexpected key “benefit”"),
        (
            [{"type": "max_age", "years": 35}, {"type": "max_age", "years": 40}],
            "Criterion 2 (max_age): this type appears more than once",
        ),
    ],
)
def test_malformed_criteria_are_refused_naming_the_problem(reference, data, expected):
    with pytest.raises(ValidationError) as info:
        parse_criteria(data, reference)
    assert expected in messages_of(info.value, "criteria")


def test_every_problem_is_reported_at_once(reference):
    with pytest.raises(ValidationError) as info:
        parse_criteria([{"type": "min_degree", "degree": "PHD"}, {"type": "nope"}], reference)
    assert len(info.value.message_dict["criteria"]) == 2


def test_good_criteria_parse_into_typed_objects(reference):
    parsed = parse_criteria(
        [
            {"type": "min_degree", "degree": "MASTER"},
            {"type": "tier_in", "tiers": ["A", "B", "A"]},
            {"type": "max_age", "years": 35},
            {"type": "employed_in_district", "full_time": True},
            {"type": "onboarded_within_months", "months": 24},
            {"type": "not_already_granted"},
        ],
        reference,
    )
    assert [criterion.type for criterion in parsed] == [
        "min_degree",
        "tier_in",
        "max_age",
        "employed_in_district",
        "onboarded_within_months",
        "not_already_granted",
    ]
    assert parsed[1].tiers == ("A", "B")  # the duplicate is dropped
    assert parsed[2] == MaxAge(years=35)
    assert parse_criteria([], reference) == []
    assert parse_criteria(None, reference) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("100000", "must be an object with a “type”"),
        ({"amount": "100000"}, "must be an object with a “type”"),
        ({"type": "percent", "rate": 5}, "Unknown amount rule type “percent”"),
        ({"type": "fixed"}, "“amount” is missing"),
        ({"type": "fixed", "amount": "-1"}, "“amount” must be an amount in yuan"),
        ({"type": "fixed", "amount": "1.001"}, "at most two decimals"),
        ({"type": "fixed", "amount": "abc"}, "(got “abc”)"),
        ({"type": "fixed", "amount": True}, "“amount” must be an amount in yuan"),
        ({"type": "fixed", "amount": "1e20"}, "“amount” must be an amount in yuan"),
        ({"type": "fixed", "amount": "100", "currency": "CNY"}, "unexpected key “currency”"),
        ({"type": "by_tier_degree", "by_tier": {"Z": "1"}}, "unknown tier code “Z” in “by_tier”"),
        ({"type": "by_tier_degree", "by_degree": {"PHD": "1"}}, "unknown degree code “PHD” in “by_degree”"),
        ({"type": "by_tier_degree", "by_tier": ["A"]}, "“by_tier” must be an object of code → amount"),
        ({"type": "by_tier_degree", "by_tier": {"A": "-5"}}, "“by_tier.A” must be an amount in yuan"),
        ({"type": "by_tier_degree", "default": "10"}, "give at least one amount in “by_tier” or “by_degree”"),
        ({"type": "by_tier_degree", "by_tier": {"A": "1"}, "default": "x"}, "“default” must be an amount"),
    ],
)
def test_malformed_amount_rules_are_refused_naming_the_problem(reference, data, expected):
    with pytest.raises(ValidationError) as info:
        parse_amount_rule(data, reference)
    assert expected in messages_of(info.value, "amount_rule")


def test_amounts_parse_from_strings_and_numbers(reference):
    assert parse_amount_rule({"type": "fixed", "amount": 100000}, reference) == FixedAmount(
        Decimal("100000.00")
    )
    assert parse_amount_rule({"type": "fixed", "amount": "1,000.5"}, reference) == FixedAmount(
        Decimal("1000.50")
    )
    rule = parse_amount_rule({"type": "by_tier_degree", "by_degree": {"DOCTOR": 200000.0}}, reference)
    assert rule == ByTierDegree(by_degree={"DOCTOR": Decimal("200000.00")}, default=Decimal("0.00"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (0.5, "must be a list of shares"),
        ([0, 1], "Installment 1 must be a share greater than 0 and at most 1"),
        ([1.5, -0.5], "Installment 1 must be a share"),
        (["half", "half"], "(got “half”)"),
        ([True], "Installment 1 must be a share"),
        ([0.5, 0.4], "must add up to exactly 1 (they add up to 0.9)"),
        ([0.5] * 13, "At most 12 installments"),
    ],
)
def test_malformed_installments_are_refused_naming_the_problem(data, expected):
    with pytest.raises(ValidationError) as info:
        parse_installments(data)
    assert expected in messages_of(info.value, "installments")


def test_installment_shares_parse_exactly():
    assert parse_installments([0.5, 0.25, 0.25]) == (Decimal("0.5"), Decimal("0.25"), Decimal("0.25"))
    assert parse_installments(["0.3", "0.3", "0.4"]) == (Decimal("0.3"), Decimal("0.3"), Decimal("0.4"))
    assert parse_installments([]) == ()


@pytest.mark.parametrize(
    ("amount", "shares", "expected"),
    [
        ("100000", [], ["100000.00"]),
        ("100000", ["0.5", "0.25", "0.25"], ["50000.00", "25000.00", "25000.00"]),
        ("100.01", ["0.3", "0.3", "0.4"], ["30.00", "30.00", "40.01"]),
        ("0.05", ["0.5", "0.5"], ["0.02", "0.03"]),
    ],
)
def test_installments_add_up_exactly_the_last_taking_the_rounding(amount, shares, expected):
    parts = split_amount(Decimal(amount), [Decimal(share) for share in shares])
    assert parts == [Decimal(part) for part in expected]
    assert sum(parts) == Decimal(amount)


@given(
    cents=st.integers(min_value=1, max_value=10**13),
    weights=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=12),
)
def test_installments_always_sum_to_the_amount(cents, weights):
    total = sum(weights)
    shares = [Decimal(weight) / Decimal(total) for weight in weights]
    amount = Decimal(cents) / 100
    parts = split_amount(amount, shares)
    assert sum(parts) == amount
    assert all(part >= 0 for part in parts)


def test_normalised_rules_are_canonical(reference):
    data = normalise_benefit_rules(
        criteria=[{"type": "tier_in", "tiers": ["A", "A"]}, {"type": "employed_in_district"}],
        amount_rule={"type": "by_tier_degree", "by_tier": {"A": 1000000}},
        installments=[0.5, 0.5],
        reference=reference,
    )
    assert data == {
        "criteria": [
            {"type": "tier_in", "tiers": ["A"]},
            {"type": "employed_in_district", "full_time": False},
        ],
        "amount_rule": {
            "type": "by_tier_degree",
            "by_tier": {"A": "1000000.00"},
            "by_degree": {},
            "default": "0.00",
        },
        "installments": ["0.5", "0.5"],
    }


class TestBenefitSave:
    def test_a_benefit_with_rules_that_do_not_parse_is_refused_and_not_saved(self, fund_obj, policy_obj):
        with pytest.raises(ValidationError) as info:
            factories.benefit(
                policy_obj=policy_obj,
                fund_obj=fund_obj,
                criteria=[{"type": "min_degree", "degree": "PHD"}],
                amount_rule={"type": "fixed"},
                installments=[0.7],
            )
        assert set(info.value.message_dict) == {"criteria", "amount_rule", "installments"}
        assert not Benefit.objects.exists()

    def test_a_good_benefit_is_stored_in_canonical_form(self, fund_obj, policy_obj):
        benefit = factories.benefit(
            policy_obj=policy_obj,
            fund_obj=fund_obj,
            criteria=[{"type": "max_age", "years": 35}],
            amount_rule={"type": "fixed", "amount": 50000},
        )
        benefit.refresh_from_db()
        assert benefit.amount_rule == {"type": "fixed", "amount": "50000.00"}
        assert benefit.criteria == [{"type": "max_age", "years": 35}]

    def test_a_missing_amount_rule_is_refused(self, fund_obj, policy_obj):
        with pytest.raises(ValidationError) as info:
            factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj, amount_rule={})
        assert "amount_rule" in info.value.message_dict
