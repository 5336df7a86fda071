"""The demo talents say what talents/demo.py promises: every stage, 20 duplicate pairs, the three
flexible teams, the talent-founded 重庆多弧科技有限公司, and an officer's worklist with work on it."""

import itertools

import pytest
from django.core.management import call_command

from jinjin_crm.core.models import StageChange, User
from jinjin_crm.core.validators import check_national_id, normalize_mobile
from talents import demo
from talents.models import TRANSITIONS, FoundedEnterprise, Mode, Stage, Talent, Team
from talents.search import search_text_for
from talents.selectors import duplicate_pairs, worklist

pytestmark = pytest.mark.django_db

COUNT = 150


def test_the_demo_holds_what_it_promises(monkeypatch):
    # Fewer than the default 2,000: the facts do not depend on the number. One seed for all the
    # checks, since seeding is the slow part.
    monkeypatch.setenv("DEMO_TALENTS", str(COUNT))
    call_command("seed_demo", "--force")
    check_stages()
    check_generated_talents_are_as_the_services_write_them()
    check_personal_data()
    check_duplicates_teams_and_founders()
    check_worklists()
    check_seeding_again_adds_nothing()


def check_stages():
    # The campaigns demo adds the people met on campaigns and the experts it places; not counted here.
    assert Talent.objects.filter(campaign_contacts__isnull=True, placements__isnull=True).count() == COUNT
    for stage in Stage.values:
        assert Talent.objects.filter(stage=stage).exists(), stage
    onboarded = Talent.objects.filter(stage=Stage.ONBOARDED).first()
    history = list(
        StageChange.objects.filter(object_id=onboarded.pk, content_type__model="talent")
        .order_by("changed_at", "id")
        .values_list("to_stage", flat=True)
    )
    assert history == ["lead", "contacted", "intent", "signed", "onboarded"]
    assert onboarded.created_at < onboarded.stage_changes.order_by("-changed_at").first().changed_at
    assert all(Talent.objects.filter(stage=Stage.LOST).values_list("lost_reason", flat=True))
    assert Talent.objects.filter(stage=Stage.ONBOARDED, employer_enterprise__isnull=False).exists()
    assert set(Talent.objects.values_list("owner__username", flat=True)) <= {
        "officer_dg",
        "officer_sf",
        "officer_lh",
        "officer_bs",
    }


def check_generated_talents_are_as_the_services_write_them():
    """The generated talents go in in bulk: each still has the search tokens, the stage history (one
    legal, dated move after another, the creation first) and the audit history the services write."""
    generated = Talent.objects.filter(campaign_contacts__isnull=True, placements__isnull=True)
    for talent in generated.prefetch_related("disciplines").order_by("-pk")[:40]:
        assert talent.search_text == search_text_for(
            name=talent.name,
            university=talent.university,
            disciplines=list(talent.disciplines.all()),
            keywords=talent.research_keywords,
            phone=talent.phone,
        )
        moves = list(
            StageChange.objects.filter(object_id=talent.pk, content_type__model="talent").order_by(
                "changed_at", "id"
            )
        )
        assert (moves[0].from_stage, moves[0].to_stage) == ("", Stage.LEAD)
        # (assigned then, unless handed over to another officer this week)
        assert moves[0].changed_at == talent.created_at <= talent.assigned_at
        for before, after in itertools.pairwise(moves):
            assert after.from_stage == before.to_stage
            assert after.to_stage in TRANSITIONS[before.to_stage]
            assert after.changed_at >= before.changed_at
        assert moves[-1].to_stage == talent.stage
        if talent.assigned_at == talent.created_at:
            assert talent.owner_id == moves[0].changed_by_id
        history = list(
            talent.history.order_by("history_date", "history_id").values_list("history_type", "stage")
        )
        # (a reassignment this week adds its own row after them)
        assert history[: len(moves)] == [("+", Stage.LEAD)] + [("~", move.to_stage) for move in moves[1:]]
        if talent.stage == Stage.LOST:
            assert talent.lost_reason == moves[-1].note
        if talent.onboarded_on:
            assert talent.onboarded_on == moves[-1].changed_at.date()


def check_personal_data():
    with_id = Talent.objects.exclude(id_number_hash="")
    assert with_id.count() > COUNT // 5
    for talent in with_id[:50]:
        checked = check_national_id(talent.id_number)
        assert not checked.warnings  # area codes in use in the holder's birth year
        assert checked.birth_date.year == talent.birth_year
    assert with_id.values("id_number_hash").distinct().count() == with_id.count()
    for talent in Talent.objects.exclude(phone_hash="")[:50]:
        assert normalize_mobile(talent.phone) == talent.phone


def check_duplicates_teams_and_founders():
    pairs = duplicate_pairs()
    assert len(pairs) == demo.DUPLICATE_PAIRS
    assert {pair.certain for pair in pairs} == {True, False}
    assert all(pair.first.name == pair.second.name for pair in pairs)

    teams = Team.objects.select_related("leader__tier", "host_enterprise")
    assert teams.count() == 3
    for team in teams:
        assert team.mode == Mode.FLEXIBLE
        assert team.leader.tier.code in ("A", "B")
        assert team.host_enterprise is not None
        assert team.memberships.count() >= 4

    duohu = FoundedEnterprise.objects.get(name="重庆多弧科技有限公司")
    assert duohu.enterprise.name == "重庆多弧科技有限公司"
    assert "第十届中国创新创业大赛全国总决赛" in duohu.awards


def check_worklists():
    for username in ("officer_sf", "officer_dg"):
        day = worklist(user=User.objects.get(username=username))
        assert day["due_today"]
        assert day["overdue"]
        assert day["cold"]
        assert day["recently_assigned"]


def check_seeding_again_adds_nothing():
    talents, changes = Talent.objects.count(), StageChange.objects.count()
    assert demo.seed().startswith("0 talents")
    assert (Talent.objects.count(), StageChange.objects.count()) == (talents, changes)
