"""Excel import of talents (preview, duplicates per row, all-or-nothing confirm), the masked and unmasked
export of the filtered list, and the import template."""

import io
import zipfile
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jinjin_crm.core import excel_import
from jinjin_crm.core.models import PersonalDataAccess
from talents import exports, importers
from talents.models import Mode, Source, Talent
from talents.selectors import talent_list
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.talents.urls_excel_test")]

H = {column.key: column.header for column in importers.COLUMNS}
KEYS = ("name", "id_number", "phone", "highest_degree", "university", "disciplines", "birth_year")


def import_url():
    return reverse("talents:talent-import")


def export_url():
    return reverse("talents:talent-export")


def xlsx(rows, *, title_rows=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in (*title_rows, *rows):
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def sheet_rows(people: list[dict], keys=KEYS) -> list[list]:
    return [[H[key] for key in keys], *([person.get(key, "") for key in keys] for person in people)]


def person(index: int, **fields) -> dict:
    values = {
        "name": f"导入人才{index}",
        "id_number": factories.national_id(birth="19900101"),
        "phone": f"1391234{index:04d}",
        "highest_degree": "博士",
        "university": "重庆大学",
        "disciplines": "0812、0835",
    }
    return values | fields


def preview(client, content: bytes):
    upload = SimpleUploadedFile("签到表.xlsx", content, content_type="application/octet-stream")
    return client.post(import_url(), {"action": "preview", "file": upload})


def confirm(client, response, *, create_flagged=False):
    data = response.context["preview"]
    body = {"action": "confirm", "token": data["token"], "flagged": data["flagged"]}
    if create_flagged:
        body["create_flagged"] = "1"
    return client.post(import_url(), body)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def grant_personal_data(user):
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


# --- Import: preview ------------------------------------------------------------------------------


def test_preview_flags_duplicates_per_row_against_records_and_the_file_and_writes_nothing(
    officer_client, officer
):
    by_phone = factories.talent(name="王已在", phone="13912340001", by=officer)
    by_person = factories.talent(name="李同名", birth_year=1988, university="南开大学", by=officer)
    before = Talent.objects.count()
    people = [
        person(1),  # row 2: same mobile as a registered talent
        person(2, name="李同名", id_number="", birth_year=1988, university="南开大学"),  # row 3: probable
        person(3),  # row 4: new
        person(4, phone="13912340003"),  # row 5: same mobile as row 4
        person(5, name="赵重复", id_number="", birth_year=1995),  # row 6: new
        person(6, name="赵重复", id_number="", birth_year=1995),  # row 7: same person as row 6, probably
    ]

    response = preview(officer_client, xlsx(sheet_rows(people)))

    assert response.status_code == 200
    data = response.context["preview"]
    assert data["errors"] == []
    assert data["token"]
    flagged = {item["number"]: item["matches"] for item in data["duplicates"]}
    assert set(flagged) == {2, 3, 5, 7}
    assert [(m.certain, m.talent, m.other_row) for m in flagged[2]] == [(True, by_phone, None)]
    assert [(m.certain, m.talent, m.other_row) for m in flagged[3]] == [(False, by_person, None)]
    assert [(m.certain, m.talent, m.other_row) for m in flagged[5]] == [(True, None, 4)]
    assert [(m.certain, m.talent, m.other_row) for m in flagged[7]] == [(False, None, 6)]
    assert data["flagged"] == "2,3,5,7"
    outcomes = {row["number"]: row["outcome"] for row in data["sample"]}
    assert outcomes == {2: "flagged", 3: "flagged", 4: "create", 5: "flagged", 6: "create", 7: "flagged"}
    assert b"data-create-flagged" in response.content
    assert Talent.objects.count() == before


def test_preview_shows_id_numbers_and_mobiles_masked_and_keeps_them_encrypted(officer_client, officer):
    people = [person(1), person(2)]
    response = preview(officer_client, xlsx(sheet_rows(people)))

    content = response.content.decode()
    for row in people:
        assert row["id_number"] not in content
        assert row["phone"] not in content
        assert row["phone"][:3] + "****" + row["phone"][-4:] in content
    key = excel_import._pending_key(
        user=officer, kind=importers.KIND, token=response.context["preview"]["token"]
    )
    kept = repr(cache.get(key))
    assert "导入人才1" in kept  # the rows are there …
    for row in people:  # … but not the ID numbers and mobiles in the clear
        assert row["id_number"] not in kept
        assert row["phone"] not in kept


def test_an_id_number_already_registered_or_twice_in_the_file_is_an_error(officer_client, officer):
    registered = factories.talent(id_number=factories.national_id(), by=officer)
    twice = factories.national_id()
    people = [
        person(1, id_number=registered.id_number),
        person(2, id_number=twice),
        person(3, id_number=twice),
    ]

    response = preview(officer_client, xlsx(sheet_rows(people)))

    data = response.context["preview"]
    assert {(error.row, error.column) for error in data["errors"]} == {
        (2, H["id_number"]),
        (4, H["id_number"]),
    }
    assert data["token"] is None
    assert b"data-confirm-form" not in response.content


def test_preview_reports_every_bad_cell_with_row_and_column(officer_client):
    people = [
        person(1, id_number=factories.national_id(birth="19900101")[:17] + "Z"),
        person(2, phone="12345"),
        person(3, highest_degree="小学", disciplines="0812、9999"),
        person(4, id_number=factories.national_id(birth="19900101"), birth_year=1985),
        person(5, name=""),
    ]
    response = preview(officer_client, xlsx(sheet_rows(people)))

    found = {(error.row, error.column) for error in response.context["preview"]["errors"]}
    assert found == {
        (2, H["id_number"]),
        (3, H["phone"]),
        (4, H["highest_degree"]),
        (4, H["disciplines"]),
        (5, H["birth_year"]),
        (6, H["name"]),
    }
    assert Talent.objects.count() == 0


def test_chinese_headers_codes_names_and_words_of_the_sheets_are_understood(officer_client, officer):
    headers = [
        "姓名",
        "性别",
        "身份证号",
        "手机号",
        "最高学历",
        "学科",
        "人才层次",
        "来源",
        "方式",
        "负责专员",
        "工作单位",
    ]
    enterprise = factories.enterprise(park_code="SF")
    rows = [
        [
            "陈柔性",
            "女",
            "",
            "+86 139 1234 0009",
            "MASTER",
            "0812,工商管理学",
            "C",
            "推荐",
            "柔性",
            officer.name,
            enterprise.name,
        ],
        ["周全职", "男", "", "", "硕士", "812", "", "campaign", "全职", officer.username, "某外地公司"],
    ]
    response = preview(officer_client, xlsx([headers, *rows], title_rows=[["津鹰人才荟签到表"], []]))
    data = response.context["preview"]
    assert data["errors"] == [], data["errors"]

    confirm(officer_client, response)

    chen = Talent.objects.get(name="陈柔性")
    assert (chen.gender, chen.phone, chen.highest_degree.code, chen.tier.code) == (
        "F",
        "13912340009",
        "MASTER",
        "C",
    )
    assert sorted(chen.disciplines.values_list("code", flat=True)) == ["0812", "1202"]
    assert (chen.source, chen.mode, chen.owner) == (Source.REFERRAL, Mode.FLEXIBLE, officer)
    assert chen.employer_enterprise == enterprise
    zhou = Talent.objects.get(name="周全职")
    assert list(zhou.disciplines.values_list("code", flat=True)) == ["0812"]
    assert (zhou.source, zhou.mode, zhou.employer_enterprise) == (Source.CAMPAIGN, Mode.FULL_TIME, None)


def test_leaders_may_not_import(client, leader):
    client.force_login(leader)
    response = client.get(import_url())
    assert response.status_code == 302  # the read-only list instead of the upload form
    assert response["Location"] == reverse("talents:talent-list")
    assert client.post(import_url(), {}).status_code == 403


# --- Import: confirm ------------------------------------------------------------------------------


def _flagged_upload(officer):
    factories.talent(name="王已在", phone="13912340001", by=officer)
    return xlsx(sheet_rows([person(1), person(2), person(3, phone="13912340002")]))


def test_confirm_skips_the_flagged_rows_unless_ticked(officer_client, officer):
    response = preview(officer_client, _flagged_upload(officer))
    assert response.context["preview"]["flagged"] == "2,4"

    done = confirm(officer_client, response)

    assert done.status_code == 302
    imported = Talent.objects.filter(name__startswith="导入人才")
    assert list(imported.values_list("name", flat=True)) == ["导入人才2"]
    talent = imported.get()
    assert talent.owner == officer
    assert talent.stage == "lead"
    assert sorted(talent.disciplines.values_list("code", flat=True)) == ["0812", "0835"]


def test_confirm_creates_the_flagged_rows_when_ticked(officer_client, officer):
    response = preview(officer_client, _flagged_upload(officer))

    confirm(officer_client, response, create_flagged=True)

    assert sorted(Talent.objects.filter(name__startswith="导入人才").values_list("name", flat=True)) == [
        "导入人才1",
        "导入人才2",
        "导入人才3",
    ]


def test_confirm_is_all_or_nothing_when_a_row_is_refused(officer_client, officer):
    people = [person(1), person(2), person(3)]
    response = preview(officer_client, xlsx(sheet_rows(people)))
    # Registered meanwhile by another officer: the same ID number as row 3.
    factories.talent(name="别人录入", id_number=people[1]["id_number"], by=factories.officer())

    refused = confirm(officer_client, response)

    assert refused.status_code == 409
    assert {error.row for error in refused.context["preview"]["errors"]} == {3}
    assert not Talent.objects.filter(name__startswith="导入人才").exists()


def test_the_commit_writes_nothing_when_the_service_refuses_a_row(officer):
    people = [person(1), person(2), person(3)]
    checked = importers.talents_check(rows=importers.workbook_read(file=io.BytesIO(xlsx(sheet_rows(people)))))
    assert checked.ok
    # Registered between the check and the commit: the service refuses row 3, and rows 2 and 4 go too.
    factories.talent(name="别人录入", id_number=people[1]["id_number"], by=factories.officer())

    with pytest.raises(importers.ImportRefused) as refused:
        importers.talents_commit(checked=checked, by=officer, create_flagged=False)

    assert [(error.row, error.column) for error in refused.value.errors] == [(3, H["id_number"])]
    assert not Talent.objects.filter(name__startswith="导入人才").exists()


def test_a_duplicate_registered_since_the_preview_asks_the_officer_again(officer_client, officer):
    people = [person(1), person(2)]
    response = preview(officer_client, xlsx(sheet_rows(people)))
    factories.talent(name="别人录入", phone=people[0]["phone"], by=factories.officer())

    again = confirm(officer_client, response, create_flagged=True)

    assert again.status_code == 409
    assert again.context["preview"]["flagged"] == "2"
    assert again.context["preview"]["token"]
    assert not Talent.objects.filter(name__startswith="导入人才").exists()
    # Confirming the new preview imports, the flagged row skipped.
    confirm(officer_client, again)
    assert list(Talent.objects.filter(name__startswith="导入人才").values_list("name", flat=True)) == [
        "导入人才2"
    ]


def test_a_preview_is_confirmed_once_and_only_by_its_officer(client, officer_client, officer):
    response = preview(officer_client, xlsx(sheet_rows([person(1)])))
    other = factories.officer()
    client.force_login(other)
    assert confirm(client, response).status_code == 302
    assert not Talent.objects.exists()
    client.force_login(officer)
    confirm(client, response)
    confirm(client, response)
    assert Talent.objects.count() == 1


# --- Export ---------------------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(response.streaming_content)


def _rows(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return sheet, rows[2], rows[3:-1]


def _xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def _talents(officer, count: int, **fields):
    return [
        factories.talent(by=officer, id_number=factories.national_id(), phone=f"1371234{index:04d}", **fields)
        for index in range(count)
    ]


def test_masked_export_holds_no_id_number_or_mobile_anywhere_in_the_workbook(officer_client, officer):
    talents = _talents(officer, 3)
    # Even a search for a whole mobile is masked in the filters line.
    response = officer_client.get(export_url(), {"search": talents[0].phone})
    content = _workbook(response)

    xml = _xml(content)
    for talent in talents:
        assert talent.id_number not in xml
        assert talent.phone not in xml
    _sheet, headers, data = _rows(_workbook(officer_client.get(export_url())))
    values = {row[headers.index(H["id_number"])] for row in data} | {
        row[headers.index(H["phone"])] for row in data
    }
    assert {talent.id_number[:4] + "*" * 10 + talent.id_number[-4:] for talent in talents} <= values
    assert {talent.phone[:3] + "****" + talent.phone[-4:] for talent in talents} <= values
    assert not PersonalDataAccess.objects.exists()


def test_export_holds_exactly_the_filtered_rows_with_their_disciplines(officer_client, officer):
    _talents(officer, 2, disciplines=("0812", "0835"))
    factories.talent(by=officer, disciplines=("1202",))
    params = {"discipline": "0812"}

    sheet, headers, data = _rows(_workbook(officer_client.get(export_url(), params)))

    assert sorted(row[headers.index(H["name"])] for row in data) == sorted(
        talent.name for talent in talent_list(filters=QueryDict(urlencode(params)))
    )
    assert len(data) == 2
    assert all("计算机科学与技术" in row[headers.index(H["disciplines"])] for row in data)
    assert "计算机科学与技术" in sheet.cell(row=2, column=1).value  # the filters line


def test_unmasked_export_is_refused_without_the_permission(officer_client, officer):
    _talents(officer, 1)
    response = officer_client.get(export_url(), {"unmasked": "1", "reason": "核对"})
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_unmasked_export_asks_for_a_reason(client, officer):
    client.force_login(grant_personal_data(officer))
    _talents(officer, 1)
    response = client.get(export_url(), {"unmasked": "1", "stage": "lead"})
    assert response.status_code == 200
    assert b"data-export-reason-form" in response.content
    assert not PersonalDataAccess.objects.exists()
    assert client.post(f"{export_url()}?unmasked=1", {"reason": "  "}).status_code == 400
    assert not PersonalDataAccess.objects.exists()


def test_unmasked_export_is_logged_with_the_count_before_the_file_is_made(client, officer, monkeypatch):
    user = grant_personal_data(officer)
    client.force_login(user)
    talents = _talents(officer, 3, university="南开大学")
    factories.talent(by=officer, university="重庆大学")
    write = exports._list_write

    def write_after_the_log(**kwargs):
        # The log line exists before a single row is written.
        assert PersonalDataAccess.objects.filter(kind=PersonalDataAccess.Kind.EXPORT).count() == 1
        return write(**kwargs)

    monkeypatch.setattr(exports, "_list_write", write_after_the_log)

    query = urlencode({"unmasked": "1", "search": "南开大学"})
    response = client.post(f"{export_url()}?{query}", {"reason": "人才公寓资格核验"})

    xml = _xml(_workbook(response))
    for talent in talents:
        assert talent.id_number in xml
        assert talent.phone in xml
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.kind, access.record_count, access.reason) == (
        user,
        PersonalDataAccess.Kind.EXPORT,
        3,
        "人才公寓资格核验",
    )
    assert access.object_id is None


def test_export_runs_the_same_queries_for_5_and_50_talents(officer_client, officer):
    def count_queries(total):
        Talent.objects.all().delete()
        for _index in range(total):
            factories.talent(by=officer, disciplines=("0812", "0835"))
        with CaptureQueriesContext(connection) as queries:
            _sheet, _headers, data = _rows(_workbook(officer_client.get(export_url(), {"stage": "lead"})))
        assert len(data) == total
        return len(queries)

    assert count_queries(5) == count_queries(50)


def test_leaders_may_export_masked_and_anonymous_users_are_sent_to_log_in(client, leader):
    assert client.get(export_url()).status_code == 302
    client.force_login(leader)
    _workbook(client.get(export_url()))


# --- Template -------------------------------------------------------------------------------------


def test_the_template_reads_back_and_its_example_row_passes_the_checks(officer_client, officer):
    response = officer_client.get(reverse("talents:talent-import-template"))
    content = _workbook(response)
    workbook = load_workbook(io.BytesIO(content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == [
        column.header for column in importers.COLUMNS
    ]
    assert len(workbook.worksheets) == 2

    rows = importers.workbook_read(file=io.BytesIO(content))
    checked = importers.talents_check(rows=rows)
    assert checked.errors == []
    assert [fields["owner"] for _number, fields in checked.rows] == [officer]


def test_a_link_with_a_reason_does_not_export_in_the_clear(client, officer):
    """The reason is taken from a POST only: a link someone is sent cannot make the logged export."""
    client.force_login(grant_personal_data(officer))
    _talents(officer, 1)
    response = client.get(export_url(), {"unmasked": "1", "reason": "核对"})
    assert response.status_code == 200
    assert b"data-export-reason-form" in response.content
    assert not PersonalDataAccess.objects.exists()
