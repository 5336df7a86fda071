"""Talents: validation, pipeline, duplicates, merge, anonymisation and the logged reveal."""

import datetime
import logging

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from jinjin_crm.core.exceptions import IllegalTransition
from jinjin_crm.core.models import Activity, PersonalDataAccess, StageChange
from jinjin_crm.core.services import activity_log
from talents.models import TRANSITIONS, FoundedEnterprise, Stage, Talent, Team, TeamMembership
from talents.selectors import duplicate_pairs, talent_duplicates, worklist
from talents.services import (
    DuplicateSuspected,
    talent_anonymise,
    talent_assign,
    talent_merge,
    talent_personal_data_reveal,
    talent_transition,
    talent_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


def raw(talent, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM talents_talent WHERE id = %s", [talent.pk])
        return cursor.fetchone()


class TestValidation:
    def test_id_number_and_phone_are_normalised_and_fill_birth_year_and_gender(self):
        number = factories.national_id("19880512")
        talent = factories.talent(id_number=number.lower(), phone="+86 139-0000-1234")
        assert talent.id_number == number
        assert talent.phone == "13900001234"
        assert talent.birth_year == 1988
        assert talent.gender in ("M", "F")

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("id_number", "110105194912310021"),  # wrong check character
            ("id_number", "11010519491331002X"),  # month 13
            ("id_number", "1101051949123100"),  # wrong length
            ("phone", "12345"),
            ("phone", "02312345678"),  # a landline
        ],
    )
    def test_bad_personal_data_is_refused_naming_the_field(self, field, value):
        with pytest.raises(ValidationError) as info:
            factories.talent(**{field: value})
        assert field in info.value.message_dict
        assert not Talent.objects.exists()

    def test_birth_year_must_agree_with_the_id_number(self):
        with pytest.raises(ValidationError) as info:
            factories.talent(id_number=factories.national_id("19900101"), birth_year=1991)
        assert "birth_year" in info.value.message_dict

    def test_same_id_number_is_refused_always(self):
        number = factories.national_id()
        factories.talent(id_number=number)
        with pytest.raises(ValidationError) as info:
            factories.talent(id_number=number)
        assert "id_number" in info.value.message_dict
        assert Talent.objects.count() == 1


class TestPlainTextNeverStored:
    def test_row_history_and_logs_hold_no_plain_personal_data(self, caplog):
        caplog.set_level(logging.DEBUG)
        number, phone = factories.national_id("19850303"), "13812345678"
        talent = factories.talent(id_number=number, phone=phone)
        talent_update(talent=talent, by=None, title="研究员")
        id_number, phone_stored, search_text = raw(talent, "id_number", "phone", "search_text")
        for stored in (id_number, phone_stored):
            assert number not in stored
            assert phone not in stored
        assert number not in search_text
        assert phone not in search_text
        history = list(Talent.history.filter(id=talent.pk).values())
        assert history
        assert number not in str(history)
        assert phone not in str(history)
        assert number not in caplog.text
        assert phone not in caplog.text


class TestPipeline:
    ALL = [(start, to) for start in Stage.values for to in Stage.values]

    @pytest.mark.parametrize(("start", "to"), ALL)
    def test_every_transition(self, start, to):
        officer = factories.officer()
        talent = factories.talent(stage=start, by=officer)
        note = "另有高薪岗位" if to == Stage.LOST else ""
        if to in TRANSITIONS[start]:
            talent_transition(talent=talent, to=to, by=officer, note=note)
            assert Talent.objects.get(pk=talent.pk).stage == to
            change = StageChange.objects.latest("id")
            assert (change.from_stage, change.to_stage) == (start, to)
        else:
            before = StageChange.objects.count()
            with pytest.raises(IllegalTransition):
                talent_transition(talent=talent, to=to, by=officer, note=note)
            assert Talent.objects.get(pk=talent.pk).stage == start
            assert StageChange.objects.count() == before

    def test_lost_needs_a_reason_and_onboarding_sets_its_date(self):
        officer = factories.officer()
        talent = factories.talent(stage=Stage.SIGNED, by=officer)
        with pytest.raises(ValidationError):
            talent_transition(talent=talent, to=Stage.LOST, by=officer, note="")
        talent_transition(talent=talent, to=Stage.ONBOARDED, by=officer)
        assert talent.onboarded_on == datetime.date.today()

    def test_owner_defaults_to_the_creating_officer_and_can_be_reassigned(self):
        first, second = factories.officer(), factories.officer()
        talent = factories.talent(by=first)
        assert talent.owner == first
        talent_assign(talent=talent, owner=second, by=first)
        assert Talent.objects.get(pk=talent.pk).owner == second
        with pytest.raises(ValidationError):
            talent_assign(talent=talent, owner=factories.leader(), by=first)


class TestDuplicates:
    def test_same_phone_is_a_certain_duplicate_and_asks_for_confirmation(self):
        factories.talent(name="王磊", phone="13800000001")
        with pytest.raises(DuplicateSuspected) as info:
            factories.talent(name="王蕾", phone="13800000001", confirmed_not_duplicate=False)
        assert info.value.duplicates[0].certain
        assert info.value.status_code == 409
        factories.talent(name="王蕾", phone="13800000001", confirmed_not_duplicate=True)
        assert Talent.objects.count() == 2

    def test_same_name_birth_year_university_is_probable(self):
        factories.talent(name="李娜", birth_year=1992, university="重庆大学")
        found = talent_duplicates(name="李娜", birth_year=1992, university="重庆大学")
        assert len(found) == 1
        assert not found[0].certain
        assert talent_duplicates(name="李娜", birth_year=1993, university="重庆大学") == []

    def test_duplicates_page_pairs(self):
        a = factories.talent(name="赵敏", phone="13800000002")
        b = factories.talent(name="赵敏", phone="13800000002")
        c = factories.talent(name="周杰", birth_year=1990, university="南开大学")
        d = factories.talent(name="周杰", birth_year=1990, university="南开大学")
        factories.talent(name="周杰", birth_year=1991, university="南开大学")
        pairs = {(pair.first.pk, pair.second.pk, pair.certain) for pair in duplicate_pairs()}
        assert pairs == {(a.pk, b.pk, True), (c.pk, d.pk, False)}


class TestMerge:
    def test_merge_moves_every_related_row_and_leaves_no_reference(self):
        officer = factories.officer()
        keep = factories.talent(name="陈晨", by=officer, university="重庆大学")
        drop = factories.talent(
            name="陈晨",
            by=officer,
            phone="13800000003",
            id_number=factories.national_id(),
            disciplines=("0805",),
        )
        activity_log(record=drop, officer=officer, channel="phone", summary="电话沟通意向")
        talent_transition(talent=drop, to=Stage.CONTACTED, by=officer)
        team = Team.objects.create(name="视觉团队", leader=drop)
        TeamMembership.objects.create(team=team, talent=drop)
        both = Team.objects.create(name="材料团队", leader=keep)
        TeamMembership.objects.create(team=both, talent=keep)
        TeamMembership.objects.create(team=both, talent=drop)
        FoundedEnterprise.objects.create(talent=drop, name="重庆多弧科技有限公司")

        record = talent_merge(keep=keep, drop=drop, by=officer)

        keep.refresh_from_db()
        assert not Talent.objects.filter(pk=drop.pk).exists()
        assert keep.phone == "13800000003"
        assert keep.id_number
        assert keep.university == "重庆大学"
        assert set(keep.disciplines.values_list("code", flat=True)) == {"0812", "0805"}
        talent_type = ContentType.objects.get_for_model(Talent)
        for model in (Activity, StageChange):
            assert not model.objects.filter(content_type=talent_type, object_id=drop.pk).exists()
        for relation in Talent._meta.related_objects:
            if relation.many_to_many:
                continue
            assert not relation.related_model._base_manager.filter(
                **{relation.field.name + "_id": drop.pk}
            ).exists()
        assert Team.objects.get(pk=team.pk).leader == keep
        assert TeamMembership.objects.filter(team=both, talent=keep).count() == 1
        assert FoundedEnterprise.objects.get().talent == keep
        assert record.dropped_id == drop.pk
        assert record.moved

    def test_merge_with_itself_is_refused(self):
        talent = factories.talent()
        with pytest.raises(ValidationError):
            talent_merge(keep=talent, drop=talent, by=factories.officer())

    def test_different_id_numbers_are_different_people(self):
        keep = factories.talent(id_number=factories.national_id())
        drop = factories.talent(id_number=factories.national_id())
        with pytest.raises(ValidationError):
            talent_merge(keep=keep, drop=drop, by=factories.officer())
        assert Talent.objects.count() == 2


class TestAnonymise:
    def test_personal_fields_cleared_statistics_kept(self):
        officer = factories.officer()
        talent = factories.talent(
            name="黄晓明",
            id_number=factories.national_id("19800101"),
            phone="13800000004",
            by=officer,
            tier=None,
        )
        activity_log(record=talent, officer=officer, channel="visit", summary="拜访黄晓明本人")
        talent_anonymise(talent=talent, by=officer, reason="本人申请删除 2026-001")
        talent.refresh_from_db()
        assert talent.name == "（已匿名）"
        assert (talent.id_number, talent.phone, talent.id_number_hash, talent.phone_hash) == ("", "", "", "")
        assert talent.birth_year == 1980
        assert talent.highest_degree.code == "MASTER"
        assert "黄晓明" not in str(list(Talent.history.filter(id=talent.pk).values("name")))
        assert not Activity.objects.filter(summary__contains="黄晓明").exists()
        assert Activity.objects.for_record(talent).count() == 1  # the contact still counts
        assert "黄" not in talent.search_text


class TestReveal:
    def test_refused_without_the_permission(self):
        officer = factories.officer()
        talent = factories.talent(phone="13800000005")
        with pytest.raises(PermissionDenied):
            talent_personal_data_reveal(talent=talent, user=officer, reason="核对信息")
        assert not PersonalDataAccess.objects.exists()

    def test_logged_with_the_permission_without_the_values(self):
        officer = factories.officer()
        officer.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
        officer = type(officer).objects.get(pk=officer.pk)  # permissions are cached per instance
        number = factories.national_id()
        talent = factories.talent(id_number=number, phone="13800000006")
        with pytest.raises(ValidationError):
            talent_personal_data_reveal(talent=talent, user=officer, reason=" ")
        values = talent_personal_data_reveal(talent=talent, user=officer, reason="办理安家补助核验身份")
        assert values == {"id_number": number, "phone": "13800000006"}
        entry = PersonalDataAccess.objects.get()
        assert (entry.user, entry.object_id, entry.kind) == (officer, talent.pk, "reveal")
        assert number not in str(PersonalDataAccess.objects.values().get())

    def test_officers_do_not_hold_the_permission_by_default_admins_do(self):
        assert not factories.officer().has_perm("talents.view_personal_data")
        assert factories.admin().has_perm("talents.view_personal_data")


class TestWorklist:
    def test_contents_for_a_given_day(self):
        officer, other = factories.officer(), factories.officer()
        today = datetime.date.today()
        due = factories.talent(name="今日跟进", by=officer)
        activity_log(
            record=due, officer=officer, channel="phone", summary="约定回电", next_follow_up_on=today
        )
        late = factories.talent(name="逾期跟进", by=officer)
        past = activity_log(
            record=late, officer=officer, channel="phone", summary="待回复", next_follow_up_on=today
        )
        Activity.objects.filter(pk=past.pk).update(next_follow_up_on=today - datetime.timedelta(days=3))
        project = factories.project(lead_officer=officer)
        activity_log(
            record=project, officer=officer, channel="visit", summary="项目洽谈", next_follow_up_on=today
        )
        cold = factories.talent(name="久未联系", by=officer)
        Talent.objects.filter(pk=cold.pk).update(
            created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        )
        factories.talent(name="别人的", by=other)

        result = worklist(user=officer, today=today)
        assert {item.record.name for item in result["due_today"]} == {"今日跟进", project.name}
        assert [item.record.name for item in result["overdue"]] == ["逾期跟进"]
        assert [talent.name for talent in result["cold"]] == ["久未联系"]
        assert {talent.name for talent in result["recently_assigned"]} == {"今日跟进", "逾期跟进", "久未联系"}
        assert worklist(user=other, today=today)["due_today"] == []
