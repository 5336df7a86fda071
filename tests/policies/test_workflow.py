"""The application workflow through its services: legal and illegal steps, the fund ledger each step
writes, and refusals that leave nothing behind."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jinjin_crm.core.exceptions import ApplicationError, IllegalTransition
from jinjin_crm.core.models import StageChange
from policies import services
from policies.models import (
    APPLICATION_ACTIONS,
    ApplicationState,
    Fund,
    FundMovement,
    MovementKind,
    Policy,
    PolicyApplication,
)
from policies.selectors import application_money, fund_figures
from talents.services import talent_update
from tests import factories

from .conftest import tier

pytestmark = pytest.mark.django_db

S = ApplicationState


@pytest.fixture
def benefit_obj(fund_obj, policy_obj):
    """安家补助: masters and above working full-time in the district; 100,000 yuan in three installments."""
    return factories.benefit(
        policy_obj=policy_obj,
        fund_obj=fund_obj,
        criteria=[
            {"type": "min_degree", "degree": "MASTER"},
            {"type": "employed_in_district", "full_time": True},
            {"type": "not_already_granted"},
        ],
        amount_rule={"type": "by_tier_degree", "by_tier": {"A": "300000"}, "by_degree": {"MASTER": "100000"}},
        installments=[0.5, 0.25, 0.25],
    )


@pytest.fixture
def application(district_talent, benefit_obj, officer):
    return services.application_create(talent=district_talent, benefit=benefit_obj, by=officer)


def to_state(application, state, by):
    """Walk an application to ``state`` through the services."""
    steps = {
        S.SUBMITTED: [services.application_submit],
        S.UNDER_REVIEW: [services.application_submit, services.application_review_start],
        S.APPROVED: [
            services.application_submit,
            services.application_review_start,
            services.application_approve,
        ],
    }
    for step in steps.get(state, []):
        application = step(application=application, by=by)
    if state == S.DISBURSED:
        application = to_state(application, S.APPROVED, by)
        application = services.application_disburse(application=application, by=by, amount=application.amount)
    elif state == S.REJECTED:
        application = to_state(application, S.UNDER_REVIEW, by)
        application = services.application_reject(application=application, by=by, opinion="材料不符")
    elif state == S.WITHDRAWN:
        application = services.application_withdraw(application=application, by=by)
    assert application.state == state
    return application


def ledger(application) -> list[tuple[str, Decimal]]:
    return list(application.movements.order_by("id").values_list("kind", "amount"))


def history(application) -> list[tuple[str, str, str]]:
    return [
        (change.from_stage, change.to_stage, change.note)
        for change in StageChange.objects.filter(
            object_id=application.pk, content_type__model="policyapplication"
        ).order_by("changed_at", "id")
    ]


class TestTheWholeWay:
    def test_draft_to_fully_paid_in_installments(self, application, officer, fund_obj):
        assert (application.state, application.amount) == (S.DRAFT, Decimal("100000.00"))
        assert application.installment_plan == ["50000.00", "25000.00", "25000.00"]
        assert application.owner == officer
        assert application.eligibility["eligible"] is True
        assert [reason["type"] for reason in application.eligibility["reasons"]] == [
            "min_degree",
            "employed_in_district",
            "not_already_granted",
            "amount",
        ]

        application = services.application_submit(application=application, by=officer)
        assert application.state == S.SUBMITTED
        assert application.submitted_at is not None
        application = services.application_review_start(application=application, by=officer)
        assert application.state == S.UNDER_REVIEW
        application = services.application_approve(
            application=application, by=officer, opinion="符合条件，同意"
        )
        assert application.state == S.APPROVED
        assert application.decided_at is not None
        assert fund_figures(fund_obj).committed == Decimal("100000.00")

        application = services.application_disburse(application=application, by=officer)
        assert application.state == S.APPROVED  # partly paid stays approved
        assert application_money(application).disbursed == Decimal("50000.00")
        application = services.application_disburse(application=application, by=officer)
        application = services.application_disburse(application=application, by=officer)
        assert application.state == S.DISBURSED

        assert ledger(application) == [
            (MovementKind.COMMIT, Decimal("100000.00")),
            (MovementKind.DISBURSE, Decimal("50000.00")),
            (MovementKind.DISBURSE, Decimal("25000.00")),
            (MovementKind.DISBURSE, Decimal("25000.00")),
        ]
        figures = fund_figures(fund_obj)
        assert (figures.committed, figures.disbursed, figures.remaining) == (
            Decimal("0.00"),
            Decimal("100000.00"),
            Decimal("900000.00"),
        )
        steps = history(application)
        assert [(start, end) for start, end, _note in steps] == [
            ("", S.DRAFT),
            (S.DRAFT, S.SUBMITTED),
            (S.SUBMITTED, S.UNDER_REVIEW),
            (S.UNDER_REVIEW, S.APPROVED),
            (S.APPROVED, S.APPROVED),
            (S.APPROVED, S.APPROVED),
            (S.APPROVED, S.DISBURSED),
        ]
        assert steps[3][2] == "符合条件，同意"
        assert steps[4][2] == "Installment 1 of 3: 50,000.00 yuan"
        assert steps[6][2] == "Installment 3 of 3: 25,000.00 yuan"

    def test_a_payment_of_any_amount_up_to_what_is_left(self, application, officer):
        application = to_state(application, S.APPROVED, officer)
        application = services.application_disburse(
            application=application, by=officer, amount=Decimal("60000")
        )
        assert history(application)[-1][2] == "Payment of 60,000.00 yuan"
        # The next installment completes the second share (75,000 in all).
        application = services.application_disburse(application=application, by=officer)
        assert application_money(application).disbursed == Decimal("75000.00")
        assert history(application)[-1][2] == "Installment 2 of 3: 15,000.00 yuan"


ALL_STEPS = {
    "submit": lambda app, by: services.application_submit(application=app, by=by),
    "review_start": lambda app, by: services.application_review_start(application=app, by=by),
    "approve": lambda app, by: services.application_approve(application=app, by=by),
    "reject": lambda app, by: services.application_reject(application=app, by=by, opinion="不符合"),
    "return": lambda app, by: services.application_return(application=app, by=by, opinion="补充材料"),
    "withdraw": lambda app, by: services.application_withdraw(application=app, by=by),
    "disburse": lambda app, by: services.application_disburse(application=app, by=by),
}


class TestIllegalSteps:
    @pytest.mark.parametrize(
        ("state", "action"),
        [
            (state, action)
            for state in (
                S.DRAFT,
                S.SUBMITTED,
                S.UNDER_REVIEW,
                S.APPROVED,
                S.DISBURSED,
                S.REJECTED,
                S.WITHDRAWN,
            )
            for action in ALL_STEPS
            if action not in APPLICATION_ACTIONS[state]
        ],
    )
    def test_a_step_the_state_does_not_allow_is_refused_and_changes_nothing(
        self, application, officer, state, action
    ):
        application = to_state(application, state, officer)
        movements, changes = FundMovement.objects.count(), StageChange.objects.count()
        with pytest.raises(IllegalTransition) as info:
            ALL_STEPS[action](application, officer)
        assert info.value.status_code == 409
        assert "possible now" in info.value.message
        application.refresh_from_db()
        assert application.state == state
        assert (FundMovement.objects.count(), StageChange.objects.count()) == (movements, changes)

    def test_approving_twice_is_refused_and_commits_once(self, application, officer, fund_obj):
        application = to_state(application, S.APPROVED, officer)
        with pytest.raises(IllegalTransition):
            services.application_approve(application=application, by=officer)
        assert ledger(application) == [(MovementKind.COMMIT, Decimal("100000.00"))]
        assert fund_figures(fund_obj).committed == Decimal("100000.00")

    def test_approving_a_stale_copy_twice_is_refused_too(self, application, officer):
        application = to_state(application, S.UNDER_REVIEW, officer)
        stale = PolicyApplication.objects.get(pk=application.pk)
        services.application_approve(application=application, by=officer)
        with pytest.raises(IllegalTransition):
            services.application_approve(application=stale, by=officer)
        assert len(ledger(application)) == 1


class TestRefusals:
    def test_disbursing_more_than_approved_is_refused_and_nothing_is_written(
        self, application, officer, fund_obj
    ):
        application = to_state(application, S.APPROVED, officer)
        services.application_disburse(application=application, by=officer, amount=Decimal("90000"))
        before = ledger(application)
        with pytest.raises(ValidationError) as info:
            services.application_disburse(application=application, by=officer, amount=Decimal("10000.01"))
        assert "still to pay" in info.value.message_dict["amount"][0]
        assert ledger(application) == before
        application.refresh_from_db()
        assert application.state == S.APPROVED
        assert fund_figures(fund_obj).disbursed == Decimal("90000.00")

    @pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), Decimal("1.005"), "abc"])
    def test_a_payment_must_be_a_positive_amount(self, application, officer, amount):
        application = to_state(application, S.APPROVED, officer)
        with pytest.raises(ValidationError) as info:
            services.application_disburse(application=application, by=officer, amount=amount)
        assert "amount" in info.value.message_dict
        assert len(ledger(application)) == 1

    def test_an_ineligible_talent_is_refused_with_the_failing_reasons(self, officer, benefit_obj):
        talent = factories.onboarded_talent(by=officer, mode="flexible")  # no employer in the district
        with pytest.raises(ValidationError) as info:
            services.application_create(talent=talent, benefit=benefit_obj, by=officer)
        messages = info.value.message_dict["benefit"]
        assert "does not qualify" in messages[0]
        assert any("Not employed at an enterprise in the district" in message for message in messages)
        assert not any("meets the minimum" in message for message in messages)  # only the failing ones
        assert info.value.error_dict["benefit"][0].code == "not_eligible"
        assert not PolicyApplication.objects.exists()

    def test_one_live_application_per_talent_and_benefit(
        self, application, district_talent, benefit_obj, officer
    ):
        with pytest.raises(ValidationError) as info:
            services.application_create(talent=district_talent, benefit=benefit_obj, by=officer)
        assert "already has an application" in info.value.message_dict["benefit"][0]
        to_state(application, S.WITHDRAWN, officer)
        again = services.application_create(talent=district_talent, benefit=benefit_obj, by=officer)
        assert again.pk != application.pk

    def test_a_benefit_of_a_policy_not_in_force_is_refused(self, district_talent, benefit_obj, officer):
        services.policy_update(policy=benefit_obj.policy, by=officer, status="repealed")
        with pytest.raises(ValidationError) as info:
            services.application_create(talent=district_talent, benefit=benefit_obj, by=officer)
        assert info.value.error_dict["benefit"][0].code == "not_open"

    def test_a_closed_fund_refuses_approvals(self, application, officer, fund_obj):
        application = to_state(application, S.UNDER_REVIEW, officer)
        services.fund_update(fund=fund_obj, by=officer, is_active=False)
        with pytest.raises(ApplicationError) as info:
            services.application_approve(application=application, by=officer)
        assert info.value.code == "fund_inactive"
        assert ledger(application) == []

    def test_a_fund_that_cannot_cover_the_amount_refuses_and_nothing_is_written(self, officer, policy_obj):
        small = factories.fund(budget="150000")
        benefit = factories.benefit(policy_obj=policy_obj, fund_obj=small)
        factories.policy_application(
            talent_obj=factories.onboarded_talent(), benefit_obj=benefit, by=officer, state="approved"
        )
        second = factories.policy_application(
            talent_obj=factories.onboarded_talent(), benefit_obj=benefit, by=officer, state="under_review"
        )
        with pytest.raises(services.FundExhausted) as info:
            services.application_approve(application=second, by=officer)
        assert (info.value.code, info.value.attr, info.value.status_code) == ("fund_exhausted", "amount", 409)
        assert "50,000.00 yuan left" in info.value.message
        assert "needs 100,000.00 yuan" in info.value.message
        assert small.name in info.value.message
        second.refresh_from_db()
        assert second.state == S.UNDER_REVIEW
        assert ledger(second) == []


class TestReturnRejectWithdraw:
    @pytest.mark.parametrize("start", [S.SUBMITTED, S.UNDER_REVIEW])
    def test_return_needs_an_opinion_and_goes_back_to_draft(self, application, officer, start):
        application = to_state(application, start, officer)
        with pytest.raises(ValidationError) as info:
            services.application_return(application=application, by=officer, opinion="  ")
        assert "opinion" in info.value.message_dict
        application = services.application_return(
            application=application, by=officer, opinion="请补充劳动合同"
        )
        assert (application.state, application.returned_count) == (S.DRAFT, 1)
        assert history(application)[-1] == (start, S.DRAFT, "请补充劳动合同")

    def test_resubmission_judges_again_and_recomputes_the_amount(self, application, officer, district_talent):
        application = to_state(application, S.SUBMITTED, officer)
        application = services.application_return(application=application, by=officer, opinion="层次认定有误")
        talent_update(talent=district_talent, by=officer, tier=tier("A"))
        application = services.application_submit(application=application, by=officer)
        assert application.amount == Decimal("300000.00")
        assert application.installment_plan == ["150000.00", "75000.00", "75000.00"]

    def test_resubmission_of_a_talent_who_no_longer_qualifies_is_refused(
        self, application, officer, district_talent
    ):
        application = to_state(application, S.SUBMITTED, officer)
        application = services.application_return(application=application, by=officer, opinion="核实就业")
        talent_update(talent=district_talent, by=officer, employer_enterprise=None)
        with pytest.raises(ValidationError) as info:
            services.application_submit(application=application, by=officer)
        assert any("Not employed" in message for message in info.value.message_dict["benefit"])
        application.refresh_from_db()
        assert application.state == S.DRAFT

    def test_reject_needs_an_opinion(self, application, officer):
        application = to_state(application, S.UNDER_REVIEW, officer)
        with pytest.raises(ValidationError) as info:
            services.application_reject(application=application, by=officer, opinion="")
        assert "opinion" in info.value.message_dict
        application = services.application_reject(application=application, by=officer, opinion="学历不符")
        assert application.state == S.REJECTED
        assert ledger(application) == []  # nothing was committed, nothing to release

    def test_revoking_an_approval_releases_what_is_unpaid(self, application, officer, fund_obj):
        application = to_state(application, S.APPROVED, officer)
        application = services.application_disburse(application=application, by=officer)
        application = services.application_reject(application=application, by=officer, opinion="人才已离职")
        assert application.state == S.REJECTED
        assert ledger(application)[-1] == (MovementKind.RELEASE, Decimal("50000.00"))
        figures = fund_figures(fund_obj)
        assert (figures.committed, figures.disbursed) == (Decimal("0.00"), Decimal("50000.00"))

    def test_withdrawal_after_approval_releases_the_commitment(self, application, officer, fund_obj):
        application = to_state(application, S.APPROVED, officer)
        application = services.application_withdraw(application=application, by=officer, note="本人放弃")
        assert application.state == S.WITHDRAWN
        assert ledger(application) == [
            (MovementKind.COMMIT, Decimal("100000.00")),
            (MovementKind.RELEASE, Decimal("100000.00")),
        ]
        assert fund_figures(fund_obj).remaining == fund_obj.budget

    def test_withdrawal_after_a_payment_is_refused(self, application, officer):
        application = to_state(application, S.APPROVED, officer)
        application = services.application_disburse(application=application, by=officer)
        with pytest.raises(IllegalTransition) as info:
            services.application_withdraw(application=application, by=officer)
        assert "reject it" in info.value.message
        assert len(ledger(application)) == 2


class TestBulkApproval:
    def test_each_in_its_own_transaction_earliest_submitted_first(self, officer, policy_obj):
        fund = factories.fund(budget="200000")
        benefit = factories.benefit(policy_obj=policy_obj, fund_obj=fund)
        queue = [
            factories.policy_application(
                talent_obj=factories.onboarded_talent(), benefit_obj=benefit, by=officer, state="under_review"
            )
            for _index in range(3)
        ]
        done = factories.policy_application(
            talent_obj=factories.onboarded_talent(),
            benefit_obj=factories.benefit(policy_obj=policy_obj),
            by=officer,
        )
        batch = services.application_approve_many(
            applications=[*reversed(queue), done], by=officer, opinion="同意"
        )
        assert [app.pk for app in batch.approved] == [queue[0].pk, queue[1].pk]
        assert [(refusal.application.pk, refusal.code) for refusal in batch.refused] == [
            (queue[2].pk, "fund_exhausted"),
            (done.pk, "illegal_transition"),
        ]
        assert fund_figures(fund).remaining == Decimal("0.00")


class TestFundsAndPolicies:
    def test_fund_figures_equal_the_sums_of_the_ledger(self, officer, policy_obj, fund_obj):
        benefit = factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj, installments=[0.5, 0.5])
        apps = [
            factories.policy_application(
                talent_obj=factories.onboarded_talent(), benefit_obj=benefit, by=officer, state="approved"
            )
            for _index in range(4)
        ]
        services.application_disburse(application=apps[0], by=officer)
        services.application_disburse(application=apps[1], by=officer)
        services.application_disburse(application=apps[1], by=officer)
        services.application_reject(application=apps[2], by=officer, opinion="撤销")
        services.application_disburse(application=apps[3], by=officer, amount=Decimal("12345.67"))

        sums = {kind: Decimal("0") for kind in MovementKind.values}
        for kind, amount in FundMovement.objects.filter(fund=fund_obj).values_list("kind", "amount"):
            sums[kind] += amount
        figures = fund_figures(fund_obj)
        assert figures.committed == sums["commit"] - sums["release"] - sums["disburse"]
        assert figures.disbursed == sums["disburse"]
        assert figures.remaining == fund_obj.budget - figures.committed - figures.disbursed
        assert (figures.committed, figures.disbursed) == (Decimal("137654.33"), Decimal("162345.67"))

        from policies.selectors import funds_with_figures

        annotated = funds_with_figures().get(pk=fund_obj.pk)
        assert (annotated.committed, annotated.disbursed, annotated.remaining) == (
            figures.committed,
            figures.disbursed,
            figures.remaining,
        )

    def test_a_budget_below_what_is_committed_and_paid_is_refused(self, application, officer, fund_obj):
        application = to_state(application, S.APPROVED, officer)
        services.application_disburse(application=application, by=officer)
        with pytest.raises(ValidationError) as info:
            services.fund_update(fund=fund_obj, by=officer, budget=Decimal("99999.99"))
        message = info.value.message_dict["budget"][0]
        assert "committed (50,000.00 yuan) and disbursed (50,000.00 yuan)" in message
        fund_obj.refresh_from_db()
        assert fund_obj.budget == Decimal("1000000.00")
        services.fund_update(fund=fund_obj, by=officer, budget=Decimal("100000"))
        assert fund_obj.budget == Decimal("100000.00")

    def test_fund_name_and_year_are_unique(self, officer, fund_obj):
        with pytest.raises(ValidationError) as info:
            factories.fund(name=fund_obj.name, year=fund_obj.year)
        assert "name" in info.value.message_dict
        assert factories.fund(name=fund_obj.name, year=fund_obj.year + 1).pk
        assert Fund.objects.count() == 2

    def test_a_policy_cannot_end_before_it_starts(self, officer):
        with pytest.raises(ValidationError) as info:
            factories.policy(
                effective_from=datetime.date(2024, 6, 1), effective_to=datetime.date(2024, 5, 31)
            )
        assert "effective_to" in info.value.message_dict
        assert not Policy.objects.exists()

    def test_policies_in_force_on_a_date(self):
        current = factories.policy(effective_to=datetime.date(2025, 12, 31))
        factories.policy(status="draft")
        assert list(Policy.objects.active(datetime.date(2025, 12, 31))) == [current]
        assert not Policy.objects.active(datetime.date(2026, 1, 1)).exists()
        assert not Policy.objects.active(datetime.date(2023, 12, 31)).exists()
