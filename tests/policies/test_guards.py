"""Guards around applications: a benefit paid once, anonymised records, the date of a step, and
免申即享 for a talent recorded as already onboarded."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jinjin_crm.core.exceptions import ApplicationError
from jinjin_crm.core.models import Degree
from policies import services
from policies.models import PolicyApplication
from talents.services import talent_anonymise, talent_create
from tests import factories

pytestmark = pytest.mark.django_db

ONCE = [{"type": "not_already_granted"}]


def test_money_paid_counts_as_granted_even_after_the_approval_is_revoked(officer):
    benefit = factories.benefit(criteria=ONCE, installments=["0.5", "0.5"])
    talent = factories.onboarded_talent(by=officer)
    application = factories.policy_application(
        talent_obj=talent, benefit_obj=benefit, by=officer, state="approved"
    )
    services.application_disburse(application=application, by=officer)
    services.application_reject(application=application, by=officer, opinion="材料不实，撤销批准")

    with pytest.raises(ValidationError) as caught:
        services.application_create(talent=talent, benefit=benefit, by=officer)

    assert "Already granted" in " ".join(caught.value.messages)
    assert PolicyApplication.objects.filter(talent=talent).count() == 1


def test_a_rejection_before_any_payment_leaves_the_benefit_open(officer):
    benefit = factories.benefit(criteria=ONCE)
    talent = factories.onboarded_talent(by=officer)
    application = factories.policy_application(
        talent_obj=talent, benefit_obj=benefit, by=officer, state="under_review"
    )
    services.application_reject(application=application, by=officer, opinion="材料不全")
    again = services.application_create(talent=talent, benefit=benefit, by=officer)
    assert again.amount == Decimal("100000")


def test_nothing_is_applied_for_on_an_anonymised_record(officer):
    benefit = factories.benefit()
    talent = factories.onboarded_talent(by=officer)
    talent_anonymise(talent=talent, by=officer, reason="本人申请删除（编号2026-01）")
    with pytest.raises(ApplicationError) as caught:
        services.application_create(talent=talent, benefit=benefit, by=officer)
    assert caught.value.code == "anonymised"
    assert not PolicyApplication.objects.filter(talent=talent).exists()


def test_a_submission_cannot_be_dated_before_its_draft(officer):
    benefit = factories.benefit()
    talent = factories.onboarded_talent(by=officer, onboarded_on=datetime.date(2025, 1, 10))
    draft = services.application_create(
        talent=talent, benefit=benefit, by=officer, on=datetime.date(2025, 3, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.application_submit(application=draft, by=officer, on=datetime.date(2025, 2, 28))
    assert "on" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.state == "draft"
    submitted = services.application_submit(application=draft, by=officer, on=datetime.date(2025, 3, 1))
    assert submitted.state == "submitted"


def test_a_talent_recorded_as_onboarded_gets_its_benefits_proposed(
    officer, django_capture_on_commit_callbacks
):
    benefit = factories.benefit()
    with django_capture_on_commit_callbacks(execute=True):
        talent = talent_create(
            by=officer,
            name="钱进",
            stage="onboarded",
            confirmed_not_duplicate=True,
            highest_degree=Degree.objects.get(code="DOCTOR"),
        )
    proposed = PolicyApplication.objects.filter(talent=talent, benefit=benefit)
    assert proposed.count() == 1
    assert proposed.get().proposed_automatically
