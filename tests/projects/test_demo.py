"""The demo data holds the district's reported figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from projects.models import InvestmentProject, TalentDemand

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--force")


def test_h1_2024_outside_city_projects_match_the_report(seeded):
    h1 = InvestmentProject.objects.filter(
        source__code="OUTSIDE_CITY",
        signed_on__range=(datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)),
        kind="new",
    )
    assert h1.count() == 30
    assert h1.aggregate(total=Sum("agreed_investment"))["total"] == Decimal("4110000")  # 411亿元
    hq = InvestmentProject.objects.get(name__contains="机器视觉装备总部")
    assert hq.agreed_investment == Decimal("510000")  # 51亿元


def test_forty_phds_are_planned(seeded):
    phd_posts = TalentDemand.objects.filter(min_degree__code="DOCTOR").aggregate(total=Sum("headcount"))
    assert phd_posts["total"] == 40
    assert TalentDemand.objects.filter(project__name__contains="风电叶片").exists()
