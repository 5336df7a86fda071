"""The demo policy system says what policies/demo.py promises: the "1+10+N" system 3.0 marked as demo,
the funds of DESIGN §1, applications in every state whose ledger adds up and never overspends a fund,
免申即享 proposals, and service requests with overdue and resolved ones."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from jinjin_crm.core.models import StageChange
from policies import demo
from policies.models import (
    ApplicationState,
    Benefit,
    BenefitKind,
    Fund,
    FundMovement,
    MovementKind,
    Policy,
    PolicyApplication,
    PolicySeries,
    PolicyStatus,
    ServiceKind,
    ServiceRequest,
    ServiceState,
)
from policies.rules import CRITERION_TYPES
from policies.selectors import application_money, fund_figures, funds_with_figures

pytestmark = pytest.mark.django_db

ZERO = Decimal("0")


def test_the_demo_holds_what_it_promises(monkeypatch):
    # Few talents: the facts do not depend on the number. One seed for all the checks, since seeding
    # is the slow part.
    monkeypatch.setenv("DEMO_TALENTS", "150")
    call_command("seed_demo", "--force")
    check_policy_system()
    check_funds()
    check_applications()
    check_ledger()
    check_service_requests()
    check_seeding_again_adds_nothing()


def check_policy_system():
    policies = Policy.objects.filter(is_demo=True)
    assert not Policy.objects.filter(is_demo=False).exists()
    current = policies.filter(version=demo.VERSION, status=PolicyStatus.ACTIVE)
    assert current.filter(series=PolicySeries.CORE).count() == 1
    assert current.filter(series=PolicySeries.SPECIAL).count() == 10
    assert current.filter(series=PolicySeries.RULES).count() >= 3
    assert policies.filter(status=PolicyStatus.EXPIRED).exists()
    assert policies.filter(status=PolicyStatus.DRAFT).exists()
    for title, number in policies.values_list("title", "document_number"):
        assert "（示例）" in title
        assert not number or "示例" in number
    assert all(policy.is_in_force() for policy in current)

    benefits = Benefit.objects.filter(policy__in=current)
    assert {BenefitKind.HOUSING_SUBSIDY, BenefitKind.POSITION_INCENTIVE, BenefitKind.FAMILY_ALLOWANCE,
            BenefitKind.STARTUP_SUPPORT} <= set(benefits.values_list("kind", flat=True))  # fmt: skip
    used = {
        criterion["type"]
        for criteria in benefits.values_list("criteria", flat=True)
        for criterion in criteria
    }
    assert used == set(CRITERION_TYPES)
    housing = benefits.get(name="高层次人才安家补助")
    assert housing.amount_rule["by_tier"]["A"] == "2000000.00"
    assert housing.amount_rule["by_degree"] == {"DOCTOR": "300000.00", "MASTER": "50000.00"}
    assert housing.installments == ["0.5", "0.25", "0.25"]
    # Every benefit draws on this year's talent development fund.
    assert set(benefits.values_list("fund__name", "fund__year")) == {
        (demo.TALENT_FUND, timezone.localdate().year)
    }


def check_funds():
    talent_funds = {fund.year: fund for fund in Fund.objects.filter(name=demo.TALENT_FUND)}
    assert {2024, 2025} <= set(talent_funds)
    assert all(fund.budget >= Decimal("100000000") for fund in talent_funds.values())
    # 2.5亿元 and 10亿元, as the district reported them (DESIGN §1).
    assert Fund.objects.get(name="高质量发展激励资金").budget == Decimal("250000000")
    assert Fund.objects.get(name="成渝团结湖战略新兴产业投资基金").budget == Decimal("1000000000")
    this_year = timezone.localdate().year
    for year, fund in talent_funds.items():
        assert fund.is_active == (year == this_year)
    # The story spans years: more than one year's fund has paid the applications of its year.
    assert sum(1 for fund in talent_funds.values() if fund_figures(fund).disbursed > 0) >= 2


def check_applications():
    states = set(PolicyApplication.objects.values_list("state", flat=True))
    assert states == set(ApplicationState.values)
    assert PolicyApplication.objects.filter(state=ApplicationState.UNDER_REVIEW).count() >= 3
    proposed = PolicyApplication.objects.filter(proposed_automatically=True, state=ApplicationState.DRAFT)
    assert proposed.exists()
    assert PolicyApplication.objects.filter(state=ApplicationState.DRAFT, returned_count__gt=0).exists()
    # Partly paid: approved, something disbursed, something still to pay.
    partly = [
        application_money(application)
        for application in PolicyApplication.objects.filter(state=ApplicationState.APPROVED)
    ]
    assert any(money.disbursed > 0 and money.committed > 0 for money in partly)
    # Dated by the story, not all "now": the oldest applications are from an earlier year.
    assert PolicyApplication.objects.order_by("created_at").first().created_at.year < timezone.now().year
    for application in PolicyApplication.objects.filter(state=ApplicationState.DISBURSED)[:20]:
        history = list(
            StageChange.objects.filter(content_type__model="policyapplication", object_id=application.pk)
            .order_by("id")
            .values_list("to_stage", "changed_at")
        )
        assert history[0][0] == ApplicationState.DRAFT
        assert history[-1][0] == ApplicationState.DISBURSED
        moments = [moment for _stage, moment in history]
        assert moments == sorted(moments)
        assert application.created_at == moments[0] <= application.submitted_at <= application.decided_at


def check_ledger():
    """Fund figures are the sums of the movements, and no fund is committed beyond its budget."""
    for fund in funds_with_figures():
        sums = {
            kind: FundMovement.objects.filter(fund=fund, kind=kind).aggregate(total=Sum("amount"))["total"]
            or ZERO
            for kind in MovementKind.values
        }
        assert fund.disbursed == sums["disburse"]
        assert fund.committed == sums["commit"] - sums["release"] - sums["disburse"]
        assert fund.committed >= 0
        assert fund.remaining == fund.budget - fund.committed - fund.disbursed >= 0
    assert FundMovement.objects.filter(at__gt=timezone.now()).count() == 0
    for application in PolicyApplication.objects.all():
        money = application_money(application)
        if application.state == ApplicationState.DISBURSED:
            assert (money.disbursed, money.committed) == (application.amount, ZERO)
        elif application.state == ApplicationState.APPROVED:
            assert money.committed + money.disbursed == application.amount
            assert money.committed > 0
        elif application.state in (ApplicationState.REJECTED, ApplicationState.WITHDRAWN):
            assert money.committed == ZERO
        else:
            assert not application.movements.exists()
        # Payments come from the fund the application was committed against.
        assert set(application.movements.values_list("fund_id", flat=True)) <= {application.fund_id}


def check_service_requests():
    requests = ServiceRequest.objects.with_overdue()
    kinds = set(requests.values_list("kind", flat=True))
    assert {ServiceKind.SCHOOLING, ServiceKind.SPOUSE_EMPLOYMENT, ServiceKind.HOUSING} <= kinds
    assert requests.filter(is_overdue=True).exists()
    assert requests.filter(state=ServiceState.RESOLVED).exclude(resolution="").exists()
    assert requests.filter(state=ServiceState.CANCELLED).exists()
    assert requests.filter(is_overdue=False, state__in=(ServiceState.OPEN, ServiceState.IN_PROGRESS)).exists()
    assert set(requests.values_list("owner__username", flat=True)) <= set(demo.OFFICERS)


def check_seeding_again_adds_nothing():
    counts = (Policy.objects.count(), PolicyApplication.objects.count(), FundMovement.objects.count())
    assert demo.seed().startswith("0 policies")
    assert (Policy.objects.count(), PolicyApplication.objects.count(), FundMovement.objects.count()) == counts
