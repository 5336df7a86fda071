"""Campaigns: the funnel from contacts, contacts moving talents, trip yields, and placements."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns.filters import PlacementFilter
from campaigns.models import Campaign, Contact, Placement, TermStatus, season_of
from campaigns.selectors import campaign_funnel, campaign_list, funnel, funnels_by, trip_yield
from campaigns.services import (
    campaign_create,
    campaign_project_link,
    campaign_update,
    contact_record,
    contact_record_person,
    contact_update,
    partnership_record,
    placement_create,
    placement_end,
    placement_evaluate,
    placement_extend,
    placement_outcome_record,
)
from jinjin_crm.core.models import Degree, StageChange
from projects.services import project_transition
from talents.models import Stage, Talent
from talents.services import talent_transition
from tests import factories

pytestmark = pytest.mark.django_db

APRIL = datetime.date(2024, 4, 10)


def degree(code: str) -> Degree:
    return Degree.objects.get(code=code)


def meet(campaign, outcome: str, degree_code: str = "MASTER", **fields):
    talent = factories.talent(highest_degree=degree(degree_code), **fields)
    return contact_record(campaign=campaign, talent=talent, by=campaign.lead_officer, outcome=outcome)


class TestFunnel:
    def test_figures_come_from_known_contacts(self):
        visit = factories.campaign(starts_on=APRIL)
        for _ in range(4):
            meet(visit, "consulted", "BACHELOR")
        meet(visit, "intent", "BACHELOR")
        meet(visit, "intent", "MASTER")
        meet(visit, "intent", "DOCTOR")
        signed_master = meet(visit, "signed", "MASTER")
        meet(visit, "signed", "BACHELOR")
        talent_transition(talent=signed_master.talent, to=Stage.ONBOARDED, by=None)

        figures = campaign_funnel(visit)

        assert figures.as_dict() == {"consulted": 9, "intents": 5, "masters": 3, "signed": 2, "onboarded": 1}
        assert figures.rate("intents") == pytest.approx(5 / 9)
        # Signed is a share of the intents, not of the master's (a signed person need not hold one).
        assert figures.rate("signed") == pytest.approx(2 / 5)
        assert figures.rate("consulted") is None

    def test_degree_at_the_time_counts_not_the_degree_today(self):
        visit = factories.campaign()
        contact = meet(visit, "intent", "BACHELOR")
        Talent.objects.filter(pk=contact.talent_id).update(highest_degree=degree("DOCTOR"))
        assert campaign_funnel(visit).masters == 0

    def test_per_campaign_university_and_season(self):
        nankai = factories.university("南开大学")
        bit = factories.university("北京理工大学", city="北京")
        spring = factories.campaign(university=nankai, starts_on=APRIL)
        spring_bit = factories.campaign(university=bit, starts_on=datetime.date(2024, 5, 6))
        autumn = factories.campaign(university=nankai, starts_on=datetime.date(2024, 10, 15))
        for visit, outcomes in (
            (spring, ["intent", "consulted"]),
            (spring_bit, ["signed"]),
            (autumn, ["intent"]),
        ):
            for outcome in outcomes:
                meet(visit, outcome)

        by_season = {row.key: row.funnel for row in funnels_by("season")}
        by_university = {row.label: row.funnel for row in funnels_by("university")}
        by_campaign = {row.key: row.funnel for row in funnels_by("campaign")}

        assert by_season["2024-spring"].as_dict() == {
            "consulted": 3,
            "intents": 2,
            "masters": 2,
            "signed": 1,
            "onboarded": 0,
        }
        assert by_season["2024-autumn"].consulted == 1
        assert by_university["南开大学"].consulted == 3
        assert by_university["北京理工大学"].signed == 1
        assert by_campaign[spring.pk].consulted == 2
        assert funnel().consulted == 4

    def test_list_annotations_equal_the_funnel_and_do_not_multiply_rows(self):
        visit = factories.campaign()
        meet(visit, "intent")
        meet(visit, "consulted")
        factories.campaign(title="没有联系人的活动")
        rows = {campaign.pk: campaign for campaign in campaign_list()}
        assert len(rows) == 2
        assert (rows[visit.pk].consulted, rows[visit.pk].intents, rows[visit.pk].masters) == (2, 1, 1)

    def test_season_is_derived_from_the_start(self):
        assert season_of(datetime.date(2024, 6, 30)) == "2024-spring"
        assert season_of(datetime.date(2024, 7, 1)) == "2024-autumn"
        assert factories.campaign(starts_on=datetime.date(2023, 11, 2)).season == "2023-autumn"


class TestCampaigns:
    def test_end_before_start_is_refused_and_nothing_written(self):
        with pytest.raises(ValidationError) as caught:
            factories.campaign(starts_on=APRIL, ends_on=APRIL - datetime.timedelta(days=1))
        assert "ends_on" in caught.value.message_dict
        assert not Campaign.objects.exists()

    def test_lead_officer_defaults_to_creator_and_must_be_an_officer(self, officer, leader):
        visit = campaign_create(
            by=officer, kind="job_fair", title="春季招聘会", starts_on=APRIL, ends_on=APRIL
        )
        assert visit.lead_officer == officer
        with pytest.raises(ValidationError) as caught:
            campaign_update(campaign=visit, by=officer, lead_officer=leader)
        assert "lead_officer" in caught.value.message_dict

    def test_dates_cannot_move_away_from_the_contacts(self):
        visit = factories.campaign(starts_on=APRIL, ends_on=APRIL + datetime.timedelta(days=2))
        contact = meet(visit, "consulted")
        Contact.objects.filter(pk=contact.pk).update(met_on=APRIL + datetime.timedelta(days=2))
        with pytest.raises(ValidationError) as caught:
            campaign_update(campaign=visit, by=None, ends_on=APRIL + datetime.timedelta(days=1))
        assert "ends_on" in caught.value.message_dict
        visit.refresh_from_db()
        assert visit.ends_on == APRIL + datetime.timedelta(days=2)


class TestContacts:
    def test_signed_moves_the_talent_forward_step_by_step(self):
        visit = factories.campaign()
        contact = meet(visit, "signed")
        contact.talent.refresh_from_db()
        assert contact.talent.stage == Stage.SIGNED
        assert contact.talent.signed_on == visit.starts_on
        steps = list(
            StageChange.objects.filter(object_id=contact.talent_id)
            .order_by("changed_at", "id")
            .values_list("to_stage", flat=True)
        )
        assert steps == ["lead", "contacted", "intent", "signed"]

    def test_outcomes_never_move_a_talent_back_or_out_of_a_closed_stage(self):
        visit = factories.campaign()
        ahead = factories.talent(stage=Stage.SIGNED)
        lost = factories.talent(stage=Stage.LOST)
        contact_record(campaign=visit, talent=ahead, by=None, outcome="consulted")
        contact_record(campaign=visit, talent=lost, by=None, outcome="signed")
        ahead.refresh_from_db()
        lost.refresh_from_db()
        assert (ahead.stage, lost.stage) == (Stage.SIGNED, Stage.LOST)

    def test_a_better_outcome_later_moves_the_talent(self):
        visit = factories.campaign()
        contact = meet(visit, "consulted")
        contact_update(contact=contact, by=None, outcome="intent")
        contact.talent.refresh_from_db()
        assert contact.talent.stage == Stage.INTENT

    def test_a_talent_twice_in_one_campaign_is_refused(self):
        visit = factories.campaign()
        contact = meet(visit, "consulted")
        with pytest.raises(ValidationError) as caught:
            contact_record(campaign=visit, talent=contact.talent, by=None, outcome="intent")
        assert "talent" in caught.value.message_dict
        assert Contact.objects.count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():
            Contact.objects.create(campaign=visit, talent=contact.talent, met_on=visit.starts_on)

    def test_the_date_must_fall_within_the_campaign(self):
        visit = factories.campaign(starts_on=APRIL, ends_on=APRIL)
        talent = factories.talent()
        with pytest.raises(ValidationError) as caught:
            contact_record(campaign=visit, talent=talent, by=None, met_on=APRIL + datetime.timedelta(days=1))
        assert "met_on" in caught.value.message_dict
        talent.refresh_from_db()
        assert talent.stage == Stage.LEAD
        assert not Contact.objects.exists()

    def test_a_person_on_record_is_linked_not_created_again(self):
        visit = factories.campaign()
        known = factories.talent(name="李雷", phone="13900001111")
        contact, created = contact_record_person(
            campaign=visit, by=None, name="李雷", phone="139 0000 1111", outcome="intent"
        )
        assert (contact.talent_id, created) == (known.pk, False)
        assert Talent.objects.count() == 1

    def test_a_new_person_is_a_lead_of_the_campaigns_officer(self):
        visit = factories.campaign()
        contact, created = contact_record_person(
            campaign=visit,
            by=None,
            name="韩梅梅",
            birth_year=2000,
            university="南开大学",
            degree=degree("MASTER"),
        )
        talent = contact.talent
        assert created
        assert (talent.owner, talent.source, talent.source_detail) == (
            visit.lead_officer,
            "campaign",
            visit.title,
        )
        assert talent.highest_degree.code == "MASTER"
        assert contact.degree.code == "MASTER"
        assert talent.stage == Stage.CONTACTED


class TestTripYield:
    def test_yield_counts_projects_met_signed_and_their_agreed_investment(self, officer):
        trip = factories.campaign(kind="promotion_trip", title="成都招商推介会")
        signed = factories.project(name="机器视觉装备总部", lead_officer=officer, stage="negotiating")
        project_transition(
            project=signed,
            to="signed",
            by=officer,
            on=datetime.date(2024, 5, 1),
            agreed_investment=Decimal("510000"),
        )
        talking = factories.project(name="叶片回收", lead_officer=officer, agreed_investment=Decimal("30000"))
        for project in (signed, talking):
            campaign_project_link(campaign=trip, project=project, by=officer)

        figures = trip_yield(trip)

        assert (figures.projects, figures.signed, figures.agreed_investment) == (2, 1, Decimal("510000"))

    def test_a_project_comes_from_one_campaign(self, officer):
        first, second = factories.campaign(kind="promotion_trip"), factories.campaign(kind="promotion_trip")
        project = factories.project(lead_officer=officer)
        campaign_project_link(campaign=first, project=project, by=officer)
        assert campaign_project_link(campaign=first, project=project, by=officer).campaign == first
        with pytest.raises(ValidationError) as caught:
            campaign_project_link(campaign=second, project=project, by=officer)
        assert "project" in caught.value.message_dict


class TestPlacements:
    def test_overlapping_terms_at_the_same_enterprise_are_refused(self):
        expert, host = factories.talent(title="教授"), factories.enterprise()
        factories.placement(expert=expert, host=host)
        with pytest.raises(ValidationError) as caught:
            factories.placement(
                expert=expert,
                host=host,
                batch=factories.placement_batch(2),
                term_start=datetime.date(2026, 2, 28),
                term_end=datetime.date(2027, 2, 28),
            )
        assert "term_start" in caught.value.message_dict
        assert Placement.objects.count() == 1

    def test_adjacent_terms_and_other_enterprises_are_allowed(self):
        expert, host = factories.talent(), factories.enterprise()
        factories.placement(expert=expert, host=host)
        factories.placement(
            expert=expert,
            host=host,
            batch=factories.placement_batch(2),
            term_start=datetime.date(2026, 3, 1),
            term_end=datetime.date(2028, 2, 28),
        )
        factories.placement(expert=expert)
        assert Placement.objects.filter(expert=expert).count() == 3

    def test_end_before_start_is_refused(self):
        with pytest.raises(ValidationError) as caught:
            factories.placement(term_start=datetime.date(2024, 3, 1), term_end=datetime.date(2024, 2, 1))
        assert "term_end" in caught.value.message_dict

    def test_extension_checks_the_next_term_at_the_same_enterprise(self):
        expert, host = factories.talent(), factories.enterprise()
        first = factories.placement(expert=expert, host=host)
        factories.placement(
            expert=expert,
            host=host,
            batch=factories.placement_batch(3),
            term_start=datetime.date(2026, 6, 1),
            term_end=datetime.date(2027, 5, 31),
        )
        extended = placement_extend(placement=first, term_end=datetime.date(2026, 5, 31), by=None)
        assert (extended.term_end, extended.extensions) == (datetime.date(2026, 5, 31), 1)
        with pytest.raises(ValidationError):
            placement_extend(placement=first, term_end=datetime.date(2026, 6, 30), by=None)
        with pytest.raises(ValidationError):
            placement_extend(placement=first, term_end=datetime.date(2026, 1, 1), by=None)

    def test_end_early_outcomes_and_evaluation(self):
        placement = factories.placement(
            term_start=datetime.date(2024, 3, 1), term_end=datetime.date(2026, 2, 28)
        )
        placement_outcome_record(
            placement=placement,
            kind="patent",
            title="一种风电叶片回收装置",
            achieved_on=datetime.date(2024, 9, 1),
            by=None,
        )
        with pytest.raises(ValidationError) as caught:
            placement_outcome_record(
                placement=placement,
                kind="revenue",
                title="新增产值",
                achieved_on=datetime.date(2023, 1, 1),
                by=None,
            )
        assert "achieved_on" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            placement_end(placement=placement, on=datetime.date(2024, 12, 31), reason=" ", by=None)
        assert "reason" in caught.value.message_dict
        ended = placement_end(placement=placement, on=datetime.date(2024, 12, 31), reason="专家调离", by=None)
        assert ended.term_status(datetime.date(2025, 1, 5)) == TermStatus.ENDED_EARLY
        with pytest.raises(ValidationError):
            placement_extend(placement=ended, term_end=datetime.date(2027, 1, 1), by=None)
        evaluated = placement_evaluate(
            placement=ended, grade="good", evaluation="完成任务书主要目标", by=None
        )
        assert (evaluated.grade, evaluated.evaluated_on is not None) == ("good", True)
        assert placement.outcomes.count() == 1

    @pytest.mark.parametrize(
        ("start", "end", "ended", "status"),
        [
            ("2027-01-01", "2028-01-01", None, TermStatus.UPCOMING),
            ("2025-01-01", "2027-06-01", None, TermStatus.ACTIVE),
            ("2025-01-01", "2026-12-20", None, TermStatus.ENDING),
            ("2023-01-01", "2025-01-01", None, TermStatus.COMPLETED),
            ("2023-01-01", "2027-01-01", "2025-01-01", TermStatus.ENDED_EARLY),
        ],
    )
    def test_term_status_and_its_filter_agree(self, start, end, ended, status):
        placement = factories.placement(
            term_start=datetime.date.fromisoformat(start), term_end=datetime.date.fromisoformat(end)
        )
        if ended:
            placement_end(placement=placement, on=datetime.date.fromisoformat(ended), reason="调离", by=None)
        today = datetime.date(2026, 11, 27)
        placement.refresh_from_db()
        assert placement.term_status(today) == status

    def test_status_filter_matches_the_status_of_each_placement(self):
        hosts = [factories.enterprise() for _ in range(5)]
        terms = [
            (datetime.date(2030, 1, 1), datetime.date(2031, 1, 1)),
            (datetime.date(2020, 1, 1), datetime.date(2040, 1, 1)),
            (datetime.date(2020, 1, 1), datetime.date.today() + datetime.timedelta(days=20)),
            (datetime.date(2019, 1, 1), datetime.date(2020, 1, 1)),
            (datetime.date(2019, 1, 1), datetime.date(2040, 1, 1)),
        ]
        expert = factories.talent()
        placements = [
            placement_create(
                expert=expert,
                host_enterprise=host,
                batch=factories.placement_batch(),
                term_start=start,
                term_end=end,
                by=None,
            )
            for host, (start, end) in zip(hosts, terms, strict=True)
        ]
        placement_end(placement=placements[4], on=datetime.date(2021, 1, 1), reason="调离", by=None)
        for placement in Placement.objects.all():
            found = PlacementFilter({"status": placement.status}, queryset=Placement.objects.all()).qs
            assert list(found.values_list("pk", flat=True)) == [placement.pk], placement.status


class TestUniversities:
    def test_partnership_end_before_start_is_refused(self):
        university = factories.university("重庆大学", city="重庆")
        with pytest.raises(ValidationError) as caught:
            partnership_record(
                university=university,
                title="战略合作协议",
                signed_on=datetime.date(2023, 5, 1),
                ends_on=datetime.date(2023, 4, 1),
            )
        assert "ends_on" in caught.value.message_dict
        assert not university.partnerships.exists()

    def test_names_are_unique(self):
        factories.university("重庆大学")
        from campaigns.services import university_create

        with pytest.raises(ValidationError) as caught:
            university_create(name="重庆大学")
        assert "name" in caught.value.message_dict


class TestLinkingRules:
    def test_a_record_with_another_id_number_is_someone_else(self):
        visit = factories.campaign()
        other = factories.talent(
            name="王芳", phone="13900002222", id_number=factories.national_id("19950101")
        )
        contact, created = contact_record_person(
            campaign=visit,
            by=None,
            name="王芳",
            phone="13900002222",
            id_number=factories.national_id("19960202"),
        )
        assert created
        assert contact.talent_id != other.pk
        other.refresh_from_db()
        assert other.stage == Stage.LEAD

    def test_the_same_id_number_wins_over_a_phone_match(self):
        visit = factories.campaign()
        number = factories.national_id("19970303")
        by_phone = factories.talent(name="赵强", phone="13900003333")
        by_id = factories.talent(name="赵强", id_number=number)
        contact, created = contact_record_person(
            campaign=visit, by=None, name="赵强", phone="13900003333", id_number=number
        )
        assert not created
        assert contact.talent_id == by_id.pk
        assert contact.talent_id != by_phone.pk
