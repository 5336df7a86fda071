"""The demo data holds the district's reported figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from projects.filters import DEMANDS_DUE_DAYS
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


H1 = (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))


def test_the_forty_planned_phds_sit_on_the_h1_2024_projects(seeded):
    h1 = InvestmentProject.objects.filter(source__code="OUTSIDE_CITY", signed_on__range=H1, kind="new")
    assert h1.count() == 30
    phd_posts = TalentDemand.objects.filter(project__in=h1, min_degree__code="DOCTOR")
    assert phd_posts.aggregate(total=Sum("headcount"))["total"] == 40
    # The academician's and 多弧's PhD posts come on top of the 40.
    others = TalentDemand.objects.filter(min_degree__code="DOCTOR").exclude(project__in=h1)
    assert set(others.values_list("project__name", flat=True)) == {
        "废旧风电叶片回收利用技术及装备项目",
        "重庆多弧科技扩能项目",
    }


def test_demands_are_registered_close_to_the_signing(seeded):
    """Most signed projects had their talent demands registered within a week of signing
    (``DEMANDS_DUE_DAYS``, what the dashboard's follow-through counts), some later, a few not yet."""
    signed = list(InvestmentProject.objects.filter(signed_on__isnull=False, kind="new"))
    now = timezone.now()
    within = later = waiting = 0
    for project in signed:
        demands = list(project.demands.all())
        if not demands:
            waiting += 1
            continue
        first = min(timezone.localtime(demand.created_at).date() for demand in demands)
        assert all(demand.created_at <= now for demand in demands)
        assert first >= project.signed_on
        if first <= project.signed_on + datetime.timedelta(days=DEMANDS_DUE_DAYS):
            within += 1
        else:
            later += 1
    assert within > len(signed) / 2
    assert later >= 2
    assert 1 <= waiting <= 5
    hq = InvestmentProject.objects.get(name__contains="机器视觉装备总部")
    first = min(timezone.localtime(demand.created_at).date() for demand in hq.demands.all())
    assert first <= hq.signed_on + datetime.timedelta(days=DEMANDS_DUE_DAYS)
