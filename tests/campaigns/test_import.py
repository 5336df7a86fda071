"""A campaign's sign-in sheet: each row linked to the talent on record or recorded as a new lead,
outcomes moving talents forward, bad sheets refused whole, previews confirmed once."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from campaigns import importers, services
from campaigns.models import Contact, Outcome
from campaigns.selectors import campaign_funnel
from jinjin_crm.core.models import Degree
from talents.models import Source, Stage, Talent
from tests import factories

pytestmark = pytest.mark.django_db

H = {column.key: column.header for column in importers.COLUMNS}
KEYS = ("name", "phone", "id_number", "birth_year", "university", "degree", "disciplines", "outcome")
START = datetime.date(2024, 4, 10)


def xlsx(rows, *, title_rows=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in (*title_rows, *rows):
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def sheet(people: list[dict], keys=KEYS) -> bytes:
    return xlsx([[H[key] for key in keys], *([person.get(key, "") for key in keys] for person in people)])


def person(index: int, **fields) -> dict:
    values = {
        "name": f"签到学生{index}",
        "phone": f"1391234{index:04d}",
        "birth_year": 2000,
        "university": "南开大学",
        "degree": "硕士",
        "disciplines": "0812",
        "outcome": "咨询",
    }
    return values | fields


def import_url(campaign):
    return reverse("campaigns:contact-import", args=[campaign.pk])


def preview(client, campaign, content: bytes):
    upload = SimpleUploadedFile("签到表.xlsx", content, content_type="application/octet-stream")
    return client.post(import_url(campaign), {"action": "preview", "file": upload})


def confirm(client, campaign, response):
    data = response.context["preview"]
    return client.post(
        import_url(campaign), {"action": "confirm", "token": data["token"], "plan": data["plan"]}
    )


@pytest.fixture
def lead_officer(db):
    return factories.officer(name="李专员")


@pytest.fixture
def campaign(lead_officer):
    nankai = factories.university("南开大学")
    return factories.campaign(
        by=lead_officer,
        title="南开大学春季引才",
        university=nankai,
        starts_on=START,
        ends_on=START + datetime.timedelta(days=2),
    )


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_rows_link_to_talents_on_record_and_the_others_become_the_campaign_officers_leads(
    officer_client, officer, campaign, lead_officer
):
    by_phone = factories.talent(name="王已在", phone="13912340001", by=officer)
    by_person = factories.talent(name="李同名", birth_year=1998, university="南开大学", by=officer)
    before = Talent.objects.count()
    people = [
        person(1),  # row 2: the mobile of a talent on record
        person(2, name="李同名", phone="", birth_year=1998),  # row 3: name, birth year and university
        person(3),  # row 4: new
    ]

    response = preview(officer_client, campaign, sheet(people))

    assert response.status_code == 200
    data = response.context["preview"]
    assert data["errors"] == []
    assert (data["row_count"], data["linked_count"], data["new_count"]) == (3, 2, 1)
    plans = {row["number"]: (row["outcome"], row["plan"].talent) for row in data["rows"]}
    assert plans == {2: ("link", by_phone), 3: ("link", by_person), 4: ("new", None)}
    with translation.override("zh-hans"):
        assert data["rows"][0]["plan"].reason == gettext("same mobile")
    assert f'data-links-to="{by_phone.pk}"' in response.content.decode()
    assert Talent.objects.count() == before
    assert not Contact.objects.exists()

    response = confirm(officer_client, campaign, response)

    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:campaign-detail", args=[campaign.pk])
    assert Talent.objects.count() == before + 1
    contacts = {contact.talent: contact for contact in Contact.objects.filter(campaign=campaign)}
    assert set(contacts) >= {by_phone, by_person}
    new = Talent.objects.get(name="签到学生3")
    assert new in contacts
    # A new lead belongs to the campaign's responsible officer, not to whoever imported the sheet.
    assert new.owner == lead_officer != officer
    assert new.source == Source.CAMPAIGN
    assert new.source_detail == campaign.title
    assert new.phone == "13912340003"
    assert new.highest_degree.code == "MASTER"
    assert [d.code for d in new.disciplines.all()] == ["0812"]
    assert all(contact.recorded_by == officer for contact in contacts.values())
    # The records found are linked, not changed.
    by_phone.refresh_from_db()
    assert by_phone.name == "王已在"


def test_an_id_number_on_record_links_and_a_record_with_another_id_number_is_someone_else(
    officer_client, officer, campaign
):
    holder = factories.talent(
        name="身份证持有人", id_number=factories.national_id(birth="19980101"), by=officer
    )
    namesake = factories.talent(
        name="同名不同人",
        birth_year=1998,
        university="南开大学",
        id_number=factories.national_id(birth="19980101"),
        by=officer,
    )
    people = [
        person(1, name="身份证持有人", phone="", id_number=holder.id_number, birth_year=""),
        # Same name, birth year and university as a record, but another ID number: another person.
        person(
            2, name="同名不同人", phone="", id_number=factories.national_id(birth="19980101"), birth_year=""
        ),
    ]

    data = preview(officer_client, campaign, sheet(people)).context["preview"]

    assert data["errors"] == []
    plans = {row["number"]: row["plan"].talent for row in data["rows"]}
    assert plans == {2: holder, 3: None}
    assert namesake not in plans.values()


def test_outcomes_move_talents_forward_and_signed_reaches_signed(officer_client, officer, campaign):
    known = factories.talent(name="已在库", phone="13912340001", by=officer)
    assert known.stage == Stage.LEAD
    people = [
        person(1, outcome="签约"),  # the talent on record
        person(2, outcome="签约"),  # a new lead
        person(3, outcome="意向"),
        person(4, outcome=""),  # blank: consulted
    ]

    response = confirm(officer_client, campaign, preview(officer_client, campaign, sheet(people)))

    assert response.status_code == 302
    stages = dict(Contact.objects.filter(campaign=campaign).values_list("talent__name", "talent__stage"))
    assert stages == {
        "已在库": Stage.SIGNED,
        "签到学生2": Stage.SIGNED,
        "签到学生3": Stage.INTENT,
        "签到学生4": Stage.CONTACTED,
    }
    outcomes = dict(Contact.objects.filter(campaign=campaign).values_list("talent__name", "outcome"))
    assert outcomes["签到学生4"] == Outcome.CONSULTED
    known.refresh_from_db()
    assert known.signed_on is not None


def test_degree_spellings_of_students_are_understood_and_the_funnel_counts_them(officer_client, campaign):
    people = [
        person(1, degree="在读硕士", outcome="意向"),
        person(2, degree="硕士研究生", outcome="签约"),
        person(3, degree="博士（在读）", outcome="意向"),
        person(4, degree="本科", outcome="意向"),
        person(5, degree="学士学位", outcome="咨询"),
        person(6, degree="MASTER", outcome="咨询"),
    ]

    response = confirm(officer_client, campaign, preview(officer_client, campaign, sheet(people)))

    assert response.status_code == 302
    degrees = dict(Contact.objects.filter(campaign=campaign).values_list("talent__name", "degree__code"))
    assert degrees == {
        "签到学生1": "MASTER",
        "签到学生2": "MASTER",
        "签到学生3": "DOCTOR",
        "签到学生4": "BACHELOR",
        "签到学生5": "BACHELOR",
        "签到学生6": "MASTER",
    }
    funnel = campaign_funnel(campaign)
    assert (funnel.consulted, funnel.intents, funnel.masters, funnel.signed) == (6, 4, 3, 1)


def test_bad_rows_refuse_the_whole_sheet_with_row_numbered_errors_and_nothing_written(
    officer_client, officer, campaign
):
    already = factories.talent(name="已登记", phone="13900000001", by=officer)
    services.contact_record(campaign=campaign, talent=already, by=officer)
    talents_before, contacts_before = Talent.objects.count(), Contact.objects.count()
    people = [
        person(1),  # row 2: fine
        person(2, phone="12345"),  # row 3: not a mobile
        person(3, degree="研究僧"),  # row 4: unknown degree
        person(4, name="签到学生1", phone="", birth_year=2000),  # row 5: row 2 again (name, year, university)
        person(5, phone="13912340001"),  # row 6: row 2's mobile
        person(6, name="已登记", phone="13900000001"),  # row 7: already recorded on this campaign
        person(7, outcome="考虑中"),  # row 8: unknown outcome
    ]

    response = preview(officer_client, campaign, sheet(people))

    assert response.status_code == 200
    data = response.context["preview"]
    assert data["token"] is None
    assert b"data-confirm-form" not in response.content
    errors = {(error.row, error.column) for error in data["errors"]}
    assert errors == {
        (3, H["phone"]),
        (4, H["degree"]),
        (5, H["name"]),
        (6, H["name"]),
        (7, H["name"]),
        (8, H["outcome"]),
    }
    messages = {error.row: error.message for error in data["errors"]}
    assert "签到学生1" in messages[5]
    assert "2" in messages[5]
    assert "签到学生1" in messages[6]
    assert "已登记" in messages[7]
    assert str(already.pk) in messages[7]
    assert "研究僧" in messages[4]
    assert (Talent.objects.count(), Contact.objects.count()) == (talents_before, contacts_before)
    # Without a token nothing can be confirmed either.
    response = officer_client.post(import_url(campaign), {"action": "confirm", "token": "", "plan": ""})
    assert response.status_code == 302
    assert (Talent.objects.count(), Contact.objects.count()) == (talents_before, contacts_before)


def test_two_rows_linking_to_the_same_record_are_refused(officer_client, officer, campaign):
    known = factories.talent(
        name="同一人", phone="13912340001", birth_year=2000, university="南开大学", by=officer
    )
    people = [person(1, name="同一人"), person(2, name="同一人", phone="13912349999")]

    data = preview(officer_client, campaign, sheet(people)).context["preview"]

    assert [(error.row, error.column) for error in data["errors"]] == [(3, H["name"])]
    assert "同一人" in data["errors"][0].message
    assert known.campaign_contacts.count() == 0


def test_the_commit_writes_nothing_when_the_service_refuses_a_late_row(officer, campaign):
    late = factories.talent(name="后来者", phone="13912340003", by=officer)
    rows = importers.workbook_read(file=io.BytesIO(sheet([person(1), person(2), person(3)])))
    checked = importers.contacts_check(campaign=campaign, rows=rows)
    assert checked.ok
    # Recorded on the campaign between the check and the commit.
    services.contact_record(campaign=campaign, talent=late, by=officer)
    talents_before = Talent.objects.count()

    with pytest.raises(importers.ImportRefused) as refused:
        importers.contacts_commit(campaign=campaign, checked=checked, by=officer)

    assert [(error.row, error.column) for error in refused.value.errors] == [(4, H["name"])]
    assert Talent.objects.count() == talents_before
    assert list(Contact.objects.filter(campaign=campaign).values_list("talent", flat=True)) == [late.pk]


def test_a_row_that_would_now_link_elsewhere_is_shown_again(officer_client, officer, campaign):
    response = preview(officer_client, campaign, sheet([person(1), person(2)]))
    assert response.context["preview"]["new_count"] == 2
    # Registered meanwhile by a colleague: row 3 would now link to it, which the officer has not seen.
    known = factories.talent(name="签到学生2", phone="13912340002", by=officer)

    again = confirm(officer_client, campaign, response)

    assert again.status_code == 409
    assert not Contact.objects.exists()
    data = again.context["preview"]
    assert data["plan"] == f"3:{known.pk}"
    assert confirm(officer_client, campaign, again).status_code == 302
    assert Contact.objects.filter(campaign=campaign).count() == 2
    assert known.campaign_contacts.get().campaign == campaign


def test_a_preview_is_confirmed_once_by_its_officer_on_its_campaign(
    client, officer_client, officer, campaign
):
    response = preview(officer_client, campaign, sheet([person(1)]))
    data = response.context["preview"]
    body = {"action": "confirm", "token": data["token"], "plan": data["plan"]}
    other_campaign = factories.campaign(by=officer, starts_on=START)
    colleague = factories.officer()

    # Another campaign and another officer find nothing under the token.
    assert officer_client.post(import_url(other_campaign), body).status_code == 302
    client.force_login(colleague)
    assert client.post(import_url(campaign), body).status_code == 302
    client.force_login(officer)
    assert not Contact.objects.exists()

    assert client.post(import_url(campaign), body).status_code == 302
    assert Contact.objects.count() == 1
    # The token is spent: a second confirmation (a double click) imports nothing more.
    again = client.post(import_url(campaign), body, follow=True)
    assert Contact.objects.count() == 1
    with translation.override("zh-hans"):
        expired = gettext("This preview has expired or was already imported; upload the file again.")
    assert expired in again.content.decode()


def test_the_check_reads_the_database_in_the_same_queries_for_5_and_50_rows(officer, campaign):
    for index in range(1, 51, 2):  # every other person is on record already
        factories.talent(name=f"签到学生{index}", phone=f"1391234{index:04d}", by=officer)

    def count_queries(total):
        rows = importers.workbook_read(
            file=io.BytesIO(sheet([person(index) for index in range(1, total + 1)]))
        )
        with CaptureQueriesContext(connection) as queries:
            checked = importers.contacts_check(campaign=campaign, rows=rows)
        assert checked.ok
        assert checked.linked == (total + 1) // 2
        return len(queries)

    assert count_queries(5) == count_queries(50)


def test_leaders_may_not_import(client, leader, campaign):
    client.force_login(leader)
    response = client.get(import_url(campaign))
    assert response.status_code == 302  # the campaign's page instead of the upload form
    assert response["Location"] == reverse("campaigns:campaign-detail", args=[campaign.pk])
    assert preview(client, campaign, sheet([person(1)])).status_code == 403


def test_a_campaign_that_has_not_begun_has_no_sign_in_sheet(officer_client, officer):
    future = factories.campaign(by=officer, starts_on=datetime.date.today() + datetime.timedelta(days=10))

    response = preview(officer_client, future, sheet([person(1)]))

    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not Contact.objects.exists()


def test_dates_met_are_within_the_campaign_and_a_major_outside_the_catalogue_is_kept_as_a_note(
    officer_client, campaign
):
    keys = (*KEYS, "met_on", "notes")
    people = [
        person(1, met_on="2024-04-11", disciplines="机械电子工程", notes="想了解人才公寓"),
        person(2, met_on="2024-05-01"),
        person(3, university=""),  # on a visit to Nankai: a Nankai student
    ]

    data = preview(officer_client, campaign, sheet(people, keys=keys)).context["preview"]

    assert [(error.row, error.column) for error in data["errors"]] == [(3, H["met_on"])]
    assert [(warning.row, warning.column) for warning in data["warnings"]] == [(2, H["disciplines"])]

    response = confirm(
        officer_client, campaign, preview(officer_client, campaign, sheet([people[0], people[2]], keys=keys))
    )
    assert response.status_code == 302
    first = Contact.objects.get(talent__name="签到学生1")
    assert first.met_on == datetime.date(2024, 4, 11)
    assert "想了解人才公寓" in first.notes
    assert "机械电子工程" in first.notes
    assert list(first.talent.disciplines.all()) == []
    third = Contact.objects.get(talent__name="签到学生3")
    assert third.met_on == campaign.starts_on
    assert third.talent.university == "南开大学"


def test_chinese_headers_of_a_sign_in_sheet_with_a_title_row_are_understood(officer_client, campaign):
    content = xlsx(
        [
            ["序号", "姓名", "性别", "手机号", "学校", "学历", "专业", "结果", "备注"],
            [1, "张签到", "女", "13912340001", "南开大学", "硕士研究生", "计算机科学与技术", "意向", ""],
            [2, "赵签到", "男", 13912340002, "天津大学", "本科", "", "", "下午场"],
        ],
        title_rows=[["南开大学春季引才签到表"]],
    )

    response = confirm(officer_client, campaign, preview(officer_client, campaign, content))

    assert response.status_code == 302
    zhang = Talent.objects.get(name="张签到")
    assert (zhang.gender, zhang.phone, zhang.highest_degree.code) == ("F", "13912340001", "MASTER")
    assert [d.code for d in zhang.disciplines.all()] == ["0812"]
    assert zhang.stage == Stage.INTENT
    zhao = Contact.objects.get(talent__name="赵签到")
    assert (zhao.outcome, zhao.notes, zhao.talent.phone) == (Outcome.CONSULTED, "下午场", "13912340002")


def test_the_preview_never_shows_a_mobile_in_the_clear(officer_client, campaign):
    response = preview(officer_client, campaign, sheet([person(1)]))
    content = response.content.decode()
    assert "13912340001" not in content
    assert "139****0001" in content


def test_the_template_reads_back_and_its_example_row_passes_the_checks(officer_client, campaign):
    response = officer_client.get(reverse("campaigns:contact-import-template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == [
        column.header for column in importers.COLUMNS
    ]

    rows = importers.workbook_read(file=io.BytesIO(content))
    checked = importers.contacts_check(campaign=campaign, rows=rows)
    assert checked.errors == []
    assert checked.rows[0][1]["degree"] == Degree.objects.get(code="MASTER")
    assert checked.rows[0][1]["outcome"] == Outcome.INTENT


def test_the_upload_page_links_to_the_template(officer_client, campaign):
    response = officer_client.get(import_url(campaign))
    assert response.status_code == 200
    assert reverse("campaigns:contact-import-template").encode() in response.content
