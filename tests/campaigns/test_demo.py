"""The campaigns demo holds what campaigns/demo promises: the 2024 spring season's funnel as the plan
has it (the district's reported figures at the default size, checked in tests/core/test_demo_figures.py;
scaled with ``DEMO_TALENTS`` here), 65 科技副总 in 4 batches, promotion trips that yielded projects, the
strategic partners, and people who are records like any other (owned, staged, no accidental
duplicates)."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from campaigns import demo
from campaigns.demo.data import LATER_VISITS, RETURNING, SPRING_2024, scaled
from campaigns.demo.recruiting import Recruiting
from campaigns.models import (
    Campaign,
    CampaignProject,
    Contact,
    Grade,
    Kind,
    Partnership,
    Placement,
    PlacementBatch,
    PlacementOutcome,
    TermStatus,
    University,
)
from campaigns.selectors import funnel, funnels_by, trip_yield
from jinjin_crm.core.models import StageChange
from talents import demo as talents_demo
from talents.models import Mode, Source, Stage, Talent
from talents.selectors import duplicate_pairs

pytestmark = pytest.mark.django_db

PARK_OFFICERS = {"officer_dg", "officer_sf", "officer_lh", "officer_bs"}
# A fifth of the default size: the demo's people scale with it, the structure does not.
COUNT = talents_demo.DEFAULT_COUNT // 5
FACTOR = COUNT / talents_demo.DEFAULT_COUNT
STEPS = ("consulted", "intents", "masters", "signed", "onboarded")


def test_the_demo_holds_what_it_promises(monkeypatch):
    # One seed for all the checks, since seeding is the slow part.
    monkeypatch.setenv("DEMO_TALENTS", str(COUNT))
    call_command("seed_demo", "--force")
    check_the_reported_season()
    check_the_people_met()
    check_placements()
    check_trips()
    check_universities()
    check_seeding_again_adds_nothing()


def test_the_people_met_scale_with_the_demo_talents():
    every = [plan for plan in (*SPRING_2024, *LATER_VISITS) if plan.figures[0]]
    default = sum(plan.figures[0] for plan in every)
    assert default > 7000
    for factor in (0.05, FACTOR, 0.5, 1.5):
        people = sum(scaled(plan, factor).figures[0] for plan in every)
        # Each campaign rounds its own share, so the total is within half a person a campaign.
        assert abs(people - default * factor) <= len(every) / 2
    for plan in every:
        assert scaled(plan, 1.0) == plan
        consulted, intents, masters, signed, onboarded = scaled(plan, 0.03).figures
        assert consulted >= intents >= masters
        assert intents >= signed >= onboarded >= 0
    # At the default size the reported season is the report.
    assert season(SPRING_2024) == demo.REPORTED


def season(plans) -> dict:
    return {step: sum(plan.figures[index] for plan in plans) for index, step in enumerate(STEPS)}


def expected_season() -> dict:
    return season([scaled(plan, FACTOR) for plan in SPRING_2024])


def check_the_reported_season():
    seasons = {row.key: row.funnel for row in funnels_by("season")}
    assert seasons[demo.REPORTED_SEASON].as_dict() == expected_season()
    visits = Campaign.objects.filter(season=demo.REPORTED_SEASON, kind=Kind.UNIVERSITY_VISIT)
    assert {"南开大学", "北京理工大学"} <= set(visits.values_list("university__name", flat=True))
    assert funnel(Contact.objects.filter(campaign__in=visits)).as_dict() == expected_season()
    # Proportionally fewer people than the default's: every past campaign's sign-in sheets scaled.
    planned = sum(plan.figures[0] for plan in Recruiting().plans() if plan.starts_on <= timezone.localdate())
    assert Contact.objects.count() == planned
    default = sum(plan.figures[0] for plan in (*SPRING_2024, *LATER_VISITS))
    assert planned < default * FACTOR * 1.1
    # The other seasons and kinds have contacts too, and every one of them is a funnel.
    assert len(seasons) >= 3
    kinds = {row.key for row in funnels_by("kind")}
    assert {Kind.UNIVERSITY_VISIT, Kind.TALENT_EVENT, Kind.JOB_FAIR} <= kinds
    for figures in seasons.values():
        assert figures.consulted >= figures.intents >= figures.masters
        assert figures.intents >= figures.signed >= figures.onboarded
    assert Campaign.objects.filter(title__contains="津鹰人才荟", kind=Kind.TALENT_EVENT).exists()
    assert Campaign.objects.filter(title__contains="青年人才读书荟", kind=Kind.TALENT_EVENT).exists()
    # A campaign still to come shows on the calendar.
    assert Campaign.objects.filter(starts_on__gt=timezone.localdate()).exists()


def check_the_people_met():
    met = Talent.objects.filter(campaign_contacts__isnull=False).distinct()
    assert set(met.values_list("owner__username", flat=True)) <= PARK_OFFICERS
    assert set(met.values_list("source", flat=True)) == {Source.CAMPAIGN}
    assert duplicate_pairs(limit=1000)
    assert len(duplicate_pairs(limit=1000)) == 20
    # Students met in 2024 came back in 2025: linked to their record, not entered twice.
    returning = Talent.objects.annotate(n=Count("campaign_contacts")).filter(n=2)
    assert returning.count() == round(RETURNING[2] * FACTOR) > 0
    # An outcome moves the talent: nobody met is left a lead, and "signed" reached at least signed.
    assert not met.filter(stage=Stage.LEAD).exists()
    signed = Contact.objects.filter(outcome="signed").select_related("talent")
    assert {contact.talent.stage for contact in signed} <= {Stage.SIGNED, Stage.ONBOARDED, Stage.LOST}
    # The story is dated: a sheet was entered on the day it was signed, the moves came later.
    contact = (
        Contact.objects.filter(campaign__season=demo.REPORTED_SEASON, talent__stage=Stage.ONBOARDED)
        .select_related("talent")
        .first()
    )
    talent = contact.talent
    assert talent.created_at.date() == contact.met_on == contact.created_at.date()
    history = list(
        StageChange.objects.filter(content_type__model="talent", object_id=talent.pk)
        .order_by("changed_at", "id")
        .values_list("to_stage", "changed_at")
    )
    assert [stage for stage, _at in history] == ["lead", "contacted", "intent", "signed", "onboarded"]
    assert history[-1][1].date() == talent.onboarded_on > contact.met_on
    assert talent.employer_enterprise is not None


def check_placements():
    assert Placement.objects.count() == demo.PLACEMENTS == 65
    batches = PlacementBatch.objects.annotate(n=Count("placements")).order_by("number")
    assert [(batch.number, batch.n) for batch in batches] == [(1, 18), (2, 16), (3, 16), (4, 15)]
    placements = list(Placement.objects.select_related("expert__highest_degree"))
    assert len({placement.expert_id for placement in placements}) == 65
    statuses = {placement.status for placement in placements}
    assert {TermStatus.COMPLETED, TermStatus.ACTIVE, TermStatus.ENDING, TermStatus.ENDED_EARLY} <= statuses
    assert sum(placement.status == TermStatus.ENDED_EARLY for placement in placements) == 1
    assert any(placement.extensions for placement in placements)
    for placement in placements:
        expert = placement.expert
        assert expert.title in ("教授", "副教授", "研究员")
        assert expert.university
        assert expert.highest_degree.code == "DOCTOR"
        assert expert.mode == Mode.FLEXIBLE
        assert placement.task_book
        assert placement.goals
        if placement.status == TermStatus.COMPLETED:
            assert placement.grade in Grade.values
            assert placement.evaluated_on > placement.term_end
        else:
            assert not placement.grade
    outcomes = PlacementOutcome.objects.all()
    kinds = set(outcomes.values_list("kind", flat=True))
    assert kinds == {"patent", "joint_project", "tech_transfer", "revenue"}
    outside = outcomes.filter(
        Q(achieved_on__lt=F("placement__term_start"))
        | Q(achieved_on__gt=F("placement__term_end"))
        | Q(placement__ended_on__isnull=False, achieved_on__gt=F("placement__ended_on"))
    )
    assert not outside.exists()
    assert not outcomes.filter(kind__in=("revenue", "tech_transfer"), amount__isnull=True).exists()


def check_trips():
    trips = Campaign.objects.filter(kind=Kind.PROMOTION_TRIP)
    yields = [trip_yield(trip) for trip in trips]
    assert sum(figures.projects for figures in yields) > sum(figures.signed for figures in yields) > 0
    assert sum(figures.agreed_investment for figures in yields) > 0
    links = CampaignProject.objects.select_related("campaign", "project")
    hq = links.get(project__name__contains="机器视觉装备总部")
    assert hq.campaign.kind == Kind.PROMOTION_TRIP
    assert hq.campaign.ends_on < hq.project.signed_on
    assert trip_yield(hq.campaign).agreed_investment >= hq.project.agreed_investment == 510000
    # Every project came from a trip that ended before it was signed.
    early = CampaignProject.objects.filter(project__signed_on__lte=F("campaign__ends_on"))
    assert not early.exists()


def check_universities():
    names = set(University.objects.values_list("name", flat=True))
    assert {"南开大学", "北京理工大学", "重庆大学", "清华大学深圳国际研究生院"} <= names
    today = timezone.localdate()
    current = Partnership.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    assert {"重庆大学", "清华大学深圳国际研究生院"} <= set(current.values_list("university__name", flat=True))
    assert Partnership.objects.filter(ends_on__lt=today).exists()


def check_seeding_again_adds_nothing():
    models = (Campaign, Contact, CampaignProject, Placement, PlacementOutcome, Partnership, Talent)
    counts = [model.objects.count() for model in models]
    assert demo.seed().startswith("0 campaigns")
    assert [model.objects.count() for model in models] == counts
