"""Merging two talents who both hold a live application for the same benefit is refused clearly."""

import pytest
from django.core.exceptions import ValidationError

from policies.models import PolicyApplication
from talents.models import Talent
from talents.services import talent_merge
from tests import factories

pytestmark = pytest.mark.django_db


def test_two_live_applications_for_one_benefit_refuse_the_merge(officer):
    keep, drop = factories.onboarded_talent(by=officer), factories.onboarded_talent(by=officer)
    benefit = factories.benefit()
    factories.policy_application(talent_obj=keep, benefit_obj=benefit, by=officer)
    factories.policy_application(talent_obj=drop, benefit_obj=benefit, by=officer)

    with pytest.raises(ValidationError) as caught:
        talent_merge(keep=keep, drop=drop, by=officer)

    assert "drop" in caught.value.message_dict
    assert Talent.objects.filter(pk=drop.pk).exists()
    assert PolicyApplication.objects.filter(talent=drop).count() == 1


def test_applications_for_different_benefits_move_to_the_kept_record(officer):
    keep, drop = factories.onboarded_talent(by=officer), factories.onboarded_talent(by=officer)
    factories.policy_application(talent_obj=keep, benefit_obj=factories.benefit(name="安家补助"), by=officer)
    factories.policy_application(talent_obj=drop, benefit_obj=factories.benefit(name="家属津贴"), by=officer)

    talent_merge(keep=keep, drop=drop, by=officer)

    assert PolicyApplication.objects.filter(talent=keep).count() == 2
