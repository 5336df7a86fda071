"""contacts_bulk_record: a large sign-in sheet recorded by the same rules as contact_record_person —
duplicates linked, new people made leads of the campaign's officer, talents moved by their outcome —
with every row checked before anything is written."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Contact
from campaigns.selectors import campaign_funnel
from campaigns.services import contact_record, contacts_bulk_record
from jinjin_crm.core.models import Degree, Discipline, StageChange
from talents.models import Source, Stage, Talent
from talents.search import talent_search
from tests import factories

pytestmark = pytest.mark.django_db

APRIL = datetime.date(2024, 4, 10)


def degree(code: str) -> Degree:
    return Degree.objects.get(code=code)


def person(name: str, phone: str, **fields) -> dict:
    return {"name": name, "phone": phone, "university": "南开大学", "degree": degree("MASTER"), **fields}


def history(talent: Talent) -> list[tuple[str, str]]:
    return list(
        StageChange.objects.filter(content_type__model="talent", object_id=talent.pk)
        .order_by("id")
        .values_list("from_stage", "to_stage")
    )


def test_new_people_are_leads_of_the_campaigns_officer_moved_by_their_outcome():
    visit = factories.campaign(starts_on=APRIL)
    computing = Discipline.objects.get(code="0812")
    contacts, created = contacts_bulk_record(
        campaign=visit,
        by=visit.lead_officer,
        people=[
            person("韩梅梅", "13900001111", birth_year=2000, disciplines=[computing], met_on=APRIL),
            person("李雷", "139 0000 2222", outcome="signed", notes="有意向到双福工业园"),
            person("王芳", "13900003333", degree=degree("BACHELOR"), outcome="intent"),
        ],
    )
    assert created == 3
    assert [contact.talent.name for contact in contacts] == ["韩梅梅", "李雷", "王芳"]
    for contact in contacts:
        talent = Talent.objects.get(pk=contact.talent_id)
        assert (talent.owner, talent.source, talent.source_detail) == (
            visit.lead_officer,
            Source.CAMPAIGN,
            visit.title,
        )
        assert talent.created_by == visit.lead_officer
        assert talent.history.count() == 1
    meimei, lei, fang = (Talent.objects.get(pk=contact.talent_id) for contact in contacts)
    assert meimei.stage == Stage.CONTACTED
    assert list(meimei.disciplines.all()) == [computing]
    assert history(meimei) == [("", "lead"), ("lead", "contacted")]
    assert lei.phone == "13900002222"  # normalised, as talent_create stores it
    assert (lei.stage, lei.signed_on) == (Stage.SIGNED, visit.starts_on)
    assert [to for _from, to in history(lei)] == ["lead", "contacted", "intent", "signed"]
    assert (fang.stage, fang.highest_degree.code) == (Stage.INTENT, "BACHELOR")
    # Searchable like any talent: the tokens were built.
    assert list(talent_search(Talent.objects.all(), "hanmeimei")) == [meimei]
    assert list(talent_search(Talent.objects.all(), "2222")) == [lei]
    funnel = campaign_funnel(visit)
    assert (funnel.consulted, funnel.intents, funnel.masters, funnel.signed) == (3, 2, 1, 1)


def test_a_person_on_record_is_linked_and_moved_forward_not_created_again():
    visit = factories.campaign(starts_on=APRIL)
    by_phone = factories.talent(name="李雷", phone="13900001111")
    by_identity = factories.talent(name="韩梅梅", birth_year=2000, university="南开大学")
    contacts, created = contacts_bulk_record(
        campaign=visit,
        by=None,
        people=[
            person("李雷", "13900001111", outcome="signed"),
            person("韩梅梅", "13900009999", birth_year=2000),
            person("王芳", "13900003333"),
        ],
    )
    assert created == 1
    assert [contact.talent_id for contact in contacts[:2]] == [by_phone.pk, by_identity.pk]
    assert Talent.objects.count() == 3
    by_phone.refresh_from_db()
    assert by_phone.stage == Stage.SIGNED
    assert [to for _from, to in history(by_phone)] == ["lead", "contacted", "intent", "signed"]
    # The person's record keeps its own facts: the sheet's mobile is not written over it.
    by_identity.refresh_from_db()
    assert (by_identity.stage, by_identity.phone) == (Stage.CONTACTED, "")


def test_bad_rows_are_all_reported_and_nothing_is_written():
    visit = factories.campaign(starts_on=APRIL)
    before = (Talent.objects.count(), Contact.objects.count(), StageChange.objects.count())
    with pytest.raises(ValidationError) as caught:
        contacts_bulk_record(
            campaign=visit,
            by=None,
            people=[
                person("韩梅梅", "13900001111"),
                person("李雷", "12345"),
                person("王芳", "13900003333", met_on=APRIL + datetime.timedelta(days=30)),
                person("", "13900004444"),
                person("张伟", "13900005555", outcome="hired"),
            ],
        )
    errors = caught.value.message_dict["people"]
    # One message per bad row, each starting with its row number: every row is checked, not just
    # the first bad one.
    assert [int(re.search(r"\d+", message).group()) for message in errors] == [2, 3, 4, 5]
    assert (Talent.objects.count(), Contact.objects.count(), StageChange.objects.count()) == before


def test_the_same_person_twice_or_already_on_the_campaign_is_refused():
    visit = factories.campaign(starts_on=APRIL)
    known = factories.talent(name="李雷", phone="13900001111")
    contact_record(campaign=visit, talent=known, by=None)
    with pytest.raises(ValidationError) as caught:
        contacts_bulk_record(
            campaign=visit,
            by=None,
            people=[
                person("韩梅梅", "13900002222"),
                person("李雷", "13900001111"),
                person("韩梅梅", "13900002222"),
            ],
        )
    errors = caught.value.message_dict["people"]
    assert len(errors) == 2
    assert "李雷" in errors[0]
    assert re.findall(r"\d+", errors[1])[:2] == ["3", "1"]
    assert Talent.objects.count() == 1
    assert Contact.objects.count() == 1


def test_unknown_fields_are_a_programming_error():
    visit = factories.campaign(starts_on=APRIL)
    with pytest.raises(TypeError):
        contacts_bulk_record(campaign=visit, by=None, people=[{"name": "李雷", "stage": "signed"}])
