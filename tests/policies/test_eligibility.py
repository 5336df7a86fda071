"""The eligibility engine: a table of cases for each criterion, the age and month boundaries, amounts
by tier, degree, default and fixed, and the facts taken from a talent or typed in."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.eligibility import (
    Attributes,
    add_months,
    attributes_for_talent,
    attributes_from_data,
    evaluate,
    evaluate_talent,
)
from policies.models import Benefit, PolicyStatus
from tests import factories

from .conftest import ON, degree, tier

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def make_benefit(fund_obj, policy_obj):
    def make(criteria=(), amount_rule=None, installments=()):
        return factories.benefit(
            policy_obj=policy_obj,
            fund_obj=fund_obj,
            criteria=list(criteria),
            amount_rule=amount_rule or {"type": "fixed", "amount": "100000"},
            installments=list(installments),
        )

    return make


def check(benefit, **facts):
    (result,) = evaluate(Attributes(**facts), on=ON, benefits=[benefit])
    return result


CRITERION_CASES = [
    # (criterion, facts, passes, words of the reason)
    ({"type": "min_degree", "degree": "MASTER"}, {"degree": "DOCTOR"}, True, "meets the minimum"),
    ({"type": "min_degree", "degree": "MASTER"}, {"degree": "MASTER"}, True, "meets the minimum"),
    ({"type": "min_degree", "degree": "MASTER"}, {"degree": "BACHELOR"}, False, "is below the minimum"),
    ({"type": "min_degree", "degree": "MASTER"}, {}, False, "No highest degree recorded"),
    ({"type": "tier_in", "tiers": ["A", "B"]}, {"tier": "B"}, True, "is one of"),
    ({"type": "tier_in", "tiers": ["A", "B"]}, {"tier": "C"}, False, "is not one of"),
    ({"type": "tier_in", "tiers": ["A", "B"]}, {}, False, "No talent tier recorded"),
    # Age on the evaluation date (2025) from the birth year: exactly 35 is in, 36 is out.
    ({"type": "max_age", "years": 35}, {"birth_year": 1990}, True, "Aged 35 in 2025, within the limit of 35"),
    ({"type": "max_age", "years": 35}, {"birth_year": 1989}, False, "Aged 36 in 2025, over the limit of 35"),
    ({"type": "max_age", "years": 35}, {"birth_year": 2000}, True, "within the limit"),
    ({"type": "max_age", "years": 35}, {}, False, "Birth year unknown"),
    (
        {"type": "employed_in_district", "full_time": True},
        {"employed_in_district": True, "full_time": True},
        True,
        "Employed full-time",
    ),
    (
        {"type": "employed_in_district", "full_time": True},
        {"employed_in_district": True, "full_time": False},
        False,
        "but not full-time",
    ),
    (
        {"type": "employed_in_district", "full_time": True},
        {"employed_in_district": False, "full_time": True},
        False,
        "Not employed at an enterprise in the district",
    ),
    (
        {"type": "employed_in_district", "full_time": False},
        {"employed_in_district": True, "full_time": False},
        True,
        "Employed at an enterprise in the district",
    ),
    # Within 24 months: up to and including the same day two years later.
    (
        {"type": "onboarded_within_months", "months": 24},
        {"onboarded_on": D(2023, 6, 30)},
        True,
        "within 24 months",
    ),
    (
        {"type": "onboarded_within_months", "months": 24},
        {"onboarded_on": D(2023, 6, 29)},
        False,
        "more than 24",
    ),
    (
        {"type": "onboarded_within_months", "months": 24},
        {"onboarded_on": D(2025, 6, 30)},
        True,
        "within 24 months",
    ),
    (
        {"type": "onboarded_within_months", "months": 24},
        {"onboarded_on": D(2025, 7, 1)},
        False,
        "Not onboarded yet",
    ),
    ({"type": "onboarded_within_months", "months": 24}, {}, False, "Not onboarded yet"),
    ({"type": "not_already_granted"}, {}, True, "Not granted this benefit before"),
    ({"type": "not_already_granted"}, {"already_granted": True}, False, "Already granted"),
]


@pytest.mark.parametrize(("criterion", "facts", "passes", "words"), CRITERION_CASES)
def test_each_criterion_true_and_false(make_benefit, criterion, facts, passes, words):
    benefit = make_benefit(criteria=[criterion])
    result = check(benefit, **facts)
    first = result.reasons[0]
    assert (first.type, first.passed) == (criterion["type"], passes)
    assert words in first.reason
    assert result.eligible is passes


def test_not_already_granted_looks_at_this_benefit_only(make_benefit):
    benefit = make_benefit(criteria=[{"type": "not_already_granted"}])
    other = make_benefit()
    assert not check(benefit, granted_benefit_ids=frozenset({benefit.pk})).eligible
    assert check(benefit, granted_benefit_ids=frozenset({other.pk})).eligible


@pytest.mark.parametrize(
    ("onboarded_on", "months", "last_day"),
    [
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # a leap February
        (D(2022, 8, 31), 6, D(2023, 2, 28)),
        (D(2024, 1, 15), 12, D(2025, 1, 15)),
        (D(2024, 12, 31), 1, D(2025, 1, 31)),
    ],
)
def test_month_boundaries_at_the_end_of_a_month(make_benefit, onboarded_on, months, last_day):
    assert add_months(onboarded_on, months) == last_day
    benefit = make_benefit(criteria=[{"type": "onboarded_within_months", "months": months}])
    facts = Attributes(onboarded_on=onboarded_on)
    assert evaluate(facts, on=last_day, benefits=[benefit])[0].eligible
    assert not evaluate(facts, on=last_day + datetime.timedelta(days=1), benefits=[benefit])[0].eligible


def test_all_criteria_must_hold_and_each_is_explained(make_benefit):
    benefit = make_benefit(
        criteria=[
            {"type": "min_degree", "degree": "MASTER"},
            {"type": "max_age", "years": 35},
            {"type": "employed_in_district", "full_time": True},
        ]
    )
    result = check(benefit, degree="DOCTOR", birth_year=1980, employed_in_district=True, full_time=True)
    assert not result.eligible
    assert [(reason.type, reason.passed) for reason in result.reasons] == [
        ("min_degree", True),
        ("max_age", False),
        ("employed_in_district", True),
        ("amount", True),
    ]
    assert [reason.type for reason in result.failing] == ["max_age"]


TIERED = {
    "type": "by_tier_degree",
    "by_tier": {"A": "1000000", "B": "500000"},
    "by_degree": {"DOCTOR": "200000", "MASTER": "50000"},
    "default": "0",
}


@pytest.mark.parametrize(
    ("rule", "facts", "amount", "words"),
    [
        (TIERED, {"tier": "A", "degree": "MASTER"}, "1000000", "Amount for talent tier"),  # tier wins
        (TIERED, {"tier": "B", "degree": "DOCTOR"}, "500000", "Amount for talent tier"),
        (TIERED, {"tier": "C", "degree": "DOCTOR"}, "200000", "Amount for degree"),
        (TIERED, {"degree": "MASTER"}, "50000", "Amount for degree"),
        (TIERED, {"degree": "BACHELOR"}, "0", "No amount applies"),
        (TIERED, {}, "0", "No amount applies"),
        # Degrees are nested: a doctor holds a master's, and gets the MASTER amount when only it is listed.
        (
            {"type": "by_tier_degree", "by_degree": {"MASTER": "50000"}},
            {"degree": "DOCTOR"},
            "50000",
            "degree",
        ),
        (
            {"type": "by_tier_degree", "by_degree": {"DOCTOR": "9"}, "default": "1000"},
            {"degree": "BACHELOR"},
            "1000",
            "Default amount",
        ),
        ({"type": "fixed", "amount": "88000"}, {}, "88000", "Fixed amount: 88,000.00 yuan"),
    ],
)
def test_amounts_by_tier_degree_default_and_fixed(make_benefit, rule, facts, amount, words):
    result = check(make_benefit(amount_rule=rule), **facts)
    assert result.amount == Decimal(amount)
    assert result.eligible is (Decimal(amount) > 0)
    assert words in result.reasons[-1].reason


def test_installments_sum_exactly_to_the_amount(make_benefit):
    benefit = make_benefit(
        amount_rule={"type": "fixed", "amount": "100000.01"}, installments=["0.3", "0.3", "0.4"]
    )
    result = check(benefit)
    assert result.installments == [Decimal("30000.00"), Decimal("30000.00"), Decimal("40000.01")]
    assert sum(result.installments) == result.amount
    assert check(make_benefit()).installments == [Decimal("100000.00")]


def test_only_benefits_in_force_are_evaluated(fund_obj, policy_obj, make_benefit):
    live = make_benefit()
    inactive = make_benefit()
    Benefit.objects.filter(pk=inactive.pk).update(is_active=False)
    expired = factories.policy(effective_from=D(2020, 1, 1), effective_to=D(2024, 12, 31))
    factories.benefit(policy_obj=expired, fund_obj=fund_obj)
    draft = factories.policy(status=PolicyStatus.DRAFT)
    factories.benefit(policy_obj=draft, fund_obj=fund_obj)
    future = factories.policy(effective_from=ON + datetime.timedelta(days=1))
    factories.benefit(policy_obj=future, fund_obj=fund_obj)
    assert [result.benefit.pk for result in evaluate(Attributes(), on=ON)] == [live.pk]


def test_stored_rules_that_no_longer_parse_make_the_benefit_ineligible_not_the_evaluation_fail(make_benefit):
    broken = make_benefit()
    fine = make_benefit()
    # Written around the service on purpose: as if a degree code had been renamed since.
    Benefit.objects.filter(pk=broken.pk).update(criteria=[{"type": "min_degree", "degree": "GONE"}])
    results = {result.benefit.pk: result for result in evaluate(Attributes(), on=ON)}
    assert not results[broken.pk].eligible
    assert results[broken.pk].reasons[0].type == "rules"
    assert "GONE" in results[broken.pk].reasons[0].reason
    assert results[fine.pk].eligible


class TestTalentFacts:
    def test_facts_come_from_the_talent_record(self, district_talent):
        facts = attributes_for_talent(district_talent)
        assert facts == Attributes(
            degree="MASTER",
            tier="E",
            birth_year=1995,
            employed_in_district=True,
            full_time=True,
            onboarded_on=datetime.date.today(),
        )

    def test_flexible_talent_elsewhere(self, officer):
        talent = factories.talent(by=officer, mode="flexible", highest_degree=None)
        facts = attributes_for_talent(talent)
        assert (facts.degree, facts.employed_in_district, facts.full_time, facts.onboarded_on) == (
            None,
            False,
            False,
            None,
        )

    def test_evaluate_talent_runs_the_same_queries_for_one_benefit_or_ten(
        self, district_talent, make_benefit
    ):
        rules = [{"type": "min_degree", "degree": "MASTER"}, {"type": "not_already_granted"}]
        make_benefit(criteria=rules)
        with CaptureQueriesContext(connection) as one:
            assert len(evaluate_talent(district_talent)) == 1
        for _index in range(9):
            make_benefit(criteria=rules)
        with CaptureQueriesContext(connection) as ten:
            assert len(evaluate_talent(district_talent)) == 10
        assert len(one) == len(ten) == 5


class TestTypedFacts:
    def test_age_or_birth_year(self):
        on = D(2025, 3, 1)
        assert attributes_from_data({"age": 30}, on=on).birth_year == 1995
        assert attributes_from_data({"birth_year": "1990"}, on=on).birth_year == 1990
        assert attributes_from_data({}, on=on) == Attributes()

    def test_all_facts(self):
        facts = attributes_from_data(
            {
                "degree": "DOCTOR",
                "tier": "B",
                "birth_year": 1988,
                "employed_in_district": "true",
                "full_time": True,
                "onboarded_on": "2024-05-01",
                "already_granted": False,
            },
            on=ON,
        )
        assert facts == Attributes(
            degree="DOCTOR",
            tier="B",
            birth_year=1988,
            employed_in_district=True,
            full_time=True,
            onboarded_on=D(2024, 5, 1),
        )

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"degree": "PHD"}, "degree"),
            ({"tier": "Z"}, "tier"),
            ({"birth_year": "nineteen"}, "birth_year"),
            ({"birth_year": 1850}, "birth_year"),
            ({"age": -1}, "age"),
            ({"age": 30, "birth_year": 1980}, "age"),
            ({"onboarded_on": "2024-13-01"}, "onboarded_on"),
            ({"onboarded_on": "yesterday"}, "onboarded_on"),
            ({"full_time": "maybe"}, "full_time"),
        ],
    )
    def test_bad_facts_are_refused_naming_the_field(self, data, field):
        with pytest.raises(ValidationError) as info:
            attributes_from_data(data, on=ON)
        assert field in info.value.message_dict

    def test_typed_facts_evaluate_like_a_talent(self, make_benefit):
        benefit = make_benefit(
            criteria=[{"type": "max_age", "years": 35}, {"type": "tier_in", "tiers": ["B"]}]
        )
        facts = attributes_from_data({"age": 35, "tier": "B"}, on=ON)
        assert evaluate(facts, on=ON, benefits=[benefit])[0].eligible
        facts = attributes_from_data({"age": 36, "tier": "B"}, on=ON)
        assert not evaluate(facts, on=ON, benefits=[benefit])[0].eligible


def test_reference_names_appear_in_reasons(make_benefit):
    benefit = make_benefit(criteria=[{"type": "min_degree", "degree": "MASTER"}])
    result = check(benefit, degree="BACHELOR")
    assert degree("BACHELOR").name in result.reasons[0].reason
    assert degree("MASTER").name in result.reasons[0].reason
    benefit = make_benefit(criteria=[{"type": "tier_in", "tiers": ["A"]}])
    assert tier("A").name in check(benefit, tier="A").reasons[0].reason
