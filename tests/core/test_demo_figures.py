"""At its default size the demo holds the district's report (DESIGN §1) exactly, and the seed says as
it goes what it is writing and how far it is."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from campaigns import demo as campaigns_demo
from campaigns.models import Contact, Kind, Placement, PlacementBatch
from campaigns.selectors import funnel
from jinjin_crm.core import demo as core_demo
from policies.models import Fund
from projects.models import InvestmentProject, TalentDemand
from talents import demo as talents_demo
from talents.models import Talent

H1_2024 = (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))


@pytest.mark.django_db
def test_at_the_default_size_the_demo_is_the_report(monkeypatch):
    monkeypatch.setenv("DEMO_TALENTS", str(talents_demo.DEFAULT_COUNT))
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)

    # 30 projects from outside the city signed in H1 2024, 411亿元 agreed, the 51亿元 HQ among them.
    h1 = InvestmentProject.objects.filter(source__code="OUTSIDE_CITY", signed_on__range=H1_2024, kind="new")
    assert h1.count() == 30
    assert h1.aggregate(total=Sum("agreed_investment"))["total"] == Decimal("4110000")  # 万元
    assert h1.filter(agreed_investment=Decimal("510000"), name__contains="机器视觉").exists()
    # Their talent demands hold the 40 PhDs planned.
    phds = TalentDemand.objects.filter(project__in=h1, min_degree__code="DOCTOR")
    assert phds.aggregate(total=Sum("headcount"))["total"] == 40

    # The 2024 spring university visits: 5,736 consultations, 324 intents, 180 master's or above.
    visits = Contact.objects.filter(
        campaign__season=campaigns_demo.REPORTED_SEASON, campaign__kind=Kind.UNIVERSITY_VISIT
    )
    figures = funnel(visits)
    assert (figures.consulted, figures.intents, figures.masters) == (5736, 324, 180)
    assert figures.as_dict() == campaigns_demo.REPORTED
    assert {"南开大学", "北京理工大学"} <= set(visits.values_list("campaign__university__name", flat=True))

    # 65 科技副总 in 4 batches.
    assert Placement.objects.count() == 65
    batches = PlacementBatch.objects.annotate(n=Count("placements")).order_by("number")
    assert [batch.n for batch in batches] == [18, 16, 16, 15]

    # Funds: 2.5亿元 high-quality-development incentive fund, 10亿元 industry fund, ≥ 1亿元 a year for talent.
    assert Fund.objects.get(name="高质量发展激励资金").budget == Decimal("250000000")
    assert Fund.objects.get(name="成渝团结湖战略新兴产业投资基金").budget == Decimal("1000000000")
    assert Fund.objects.get(name="人才发展专项资金", year=2024).budget >= Decimal("100000000")

    # 2,000 generated talents, besides the people met on campaigns and the experts placed.
    generated = Talent.objects.filter(campaign_contacts__isnull=True, placements__isnull=True)
    assert generated.count() == talents_demo.DEFAULT_COUNT

    # What the seed said: each app as it starts and ends, and how far the long parts are.
    lines = out.getvalue().splitlines()
    assert any(re.fullmatch(r"\s+\[\s*\d+ s\] talents …", line) for line in lines)
    assert any(line.startswith("Demo data, talents: ") and line.endswith(" s).") for line in lines)
    counts = [line for line in lines if re.search(r"\] 人才: [\d,]+/2,000$", line)]
    assert counts
    assert counts[-1].endswith("人才: 2,000/2,000")
    assert any(line.endswith("/7,641") for line in lines)  # the people met on campaigns
    assert lines[-1].startswith("Demo data seeded in ")


def test_progress_says_at_most_a_line_a_second(monkeypatch):
    clock = iter([0.0, 0.0, 0.3, 0.6, 1.2, 1.5, 1.9, 2.0, 2.1])
    monkeypatch.setattr(core_demo.time, "monotonic", lambda: next(clock))
    said = []
    with core_demo.progress_to(said.append):
        counter = core_demo.progress("人才", 6)
        for _ in range(6):
            counter.advance()
        counter.finish()
        core_demo.progress_note("campaigns …")
    texts = [line.split("] ", 1)[1] for line in said]
    # Lines at 0 and 1.2 s, none at 1.9; the finish says the total, and a note is said at once.
    assert texts == ["人才: 1/6", "人才: 4/6", "人才: 6/6", "campaigns …"]
    # Outside the seed command (a test calling a demo module's seed()) nothing is said.
    quiet = core_demo.progress("人才", 2)
    quiet.advance(2)
    quiet.finish()
