import datetime

import pytest

from jinjin_crm.core.models import Degree, TalentTier
from tests import factories

# A fixed evaluation date, so the age and month boundaries below do not depend on today.
ON = datetime.date(2025, 6, 30)


def degree(code: str) -> Degree:
    return Degree.objects.get(code=code)


def tier(code: str) -> TalentTier:
    return TalentTier.objects.get(code=code)


@pytest.fixture
def fund_obj(db):
    return factories.fund(budget="1000000")


@pytest.fixture
def policy_obj(db):
    return factories.policy()


@pytest.fixture
def district_talent(db, officer):
    """An onboarded master's graduate working full-time at an enterprise of the district."""
    return factories.onboarded_talent(
        by=officer, employer_enterprise=factories.enterprise(), birth_year=1995, tier=tier("E")
    )


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked against their English source text, whatever the catalogue says."""
    from django.utils import translation

    with translation.override("en"):
        yield
