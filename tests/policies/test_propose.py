"""免申即享: onboarding a talent proposes draft applications for the benefits it qualifies for."""

import pytest

from jinjin_crm.core.models import Activity
from policies.models import ApplicationState, PolicyApplication
from policies.services import application_withdraw, benefits_propose
from policies.tasks import propose_benefits
from talents.services import talent_transition
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def benefits(fund_obj, policy_obj):
    """Two benefits a master's graduate in the district qualifies for, and one for top talents only."""
    return {
        "housing": factories.benefit(
            policy_obj=policy_obj,
            fund_obj=fund_obj,
            name="安家补助",
            criteria=[
                {"type": "min_degree", "degree": "MASTER"},
                {"type": "employed_in_district", "full_time": True},
                {"type": "onboarded_within_months", "months": 24},
                {"type": "not_already_granted"},
            ],
        ),
        "position": factories.benefit(
            policy_obj=policy_obj,
            fund_obj=fund_obj,
            name="岗位激励",
            kind="position_incentive",
            amount_rule={"type": "by_tier_degree", "by_degree": {"MASTER": "30000"}},
        ),
        "top": factories.benefit(
            policy_obj=policy_obj,
            fund_obj=fund_obj,
            name="顶尖人才奖励",
            kind="other",
            criteria=[{"type": "tier_in", "tiers": ["A"]}],
        ),
    }


@pytest.fixture
def signed_talent(officer):
    talent = factories.talent(by=officer, employer_enterprise=factories.enterprise())
    for stage in ("contacted", "intent", "signed"):
        talent_transition(talent=talent, to=stage, by=officer)
    return talent


def test_onboarding_proposes_drafts_for_the_eligible_benefits_only(
    benefits, signed_talent, officer, django_capture_on_commit_callbacks
):
    # The request goes out when the transaction commits; tasks run inline in the suite.
    with django_capture_on_commit_callbacks(execute=True):
        talent_transition(talent=signed_talent, to="onboarded", by=officer)
    proposed = PolicyApplication.objects.filter(talent=signed_talent).order_by(
        "benefit__sort_order", "benefit_id"
    )
    assert [app.benefit.name for app in proposed] == ["安家补助", "岗位激励"]
    for app in proposed:
        assert app.state == ApplicationState.DRAFT
        assert app.proposed_automatically is True
        assert app.owner == officer
        assert app.created_by is None
        assert app.eligibility["eligible"] is True
    assert [app.amount for app in proposed] == [100000, 30000]
    follow_up = Activity.objects.for_record(signed_talent).follow_ups_open().get(officer=officer)
    assert "2 benefits were proposed automatically" in follow_up.summary


def test_proposing_again_creates_nothing(benefits, signed_talent, officer):
    talent_transition(talent=signed_talent, to="onboarded", by=officer)
    first = benefits_propose(talent=signed_talent)
    assert len(first) == 2
    assert benefits_propose(talent=signed_talent) == []
    assert propose_benefits(signed_talent.pk) == []
    assert PolicyApplication.objects.filter(talent=signed_talent).count() == 2
    assert Activity.objects.for_record(signed_talent).count() == 1  # one follow-up, from the first run


def test_a_withdrawn_proposal_is_proposed_again_but_a_live_one_is_not(benefits, signed_talent, officer):
    talent_transition(talent=signed_talent, to="onboarded", by=officer)
    housing, _position = sorted(benefits_propose(talent=signed_talent), key=lambda app: app.benefit_id)
    application_withdraw(application=housing, by=officer, note="人才暂不申请")
    again = benefits_propose(talent=signed_talent)
    assert [app.benefit_id for app in again] == [housing.benefit_id]


def test_talents_not_onboarded_get_nothing(benefits, signed_talent):
    assert benefits_propose(talent=signed_talent) == []
    assert propose_benefits(signed_talent.pk) == []
    assert propose_benefits(10**9) == []  # a talent deleted (merged) since the request
    assert not PolicyApplication.objects.exists()
