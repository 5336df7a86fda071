"""The targets Excel import: upload, preview naming every bad cell, confirm all or nothing; the
template workbook; administrators only.

Pages are asked for in English (the language cookie) so the messages can be asserted exactly
before the Chinese catalogue is merged; ``test_the_preview_speaks_chinese`` checks the Chinese
page and runs once the catalogue has these messages."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from jinjin_crm.core.models import Park
from jinjin_crm.dashboard import importers, services
from jinjin_crm.dashboard.importers import period_text
from jinjin_crm.dashboard.models import Target
from tests import factories

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("dashboard:targets-import")
TEMPLATE_URL = reverse("dashboard:targets-template")
HEADER_ROW = ["期间", "指标", "范围", "园区", "专员", "目标值", "备注"]


def xlsx(rows, *, header=HEADER_ROW) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in (header, *rows):
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def preview(client, content: bytes, name: str = "目标台账.xlsx"):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(IMPORT_URL, {"action": "preview", "file": upload})


def confirm(client, response):
    token = response.context["preview"]["token"]
    assert token
    return client.post(IMPORT_URL, {"action": "confirm", "token": token})


def found_errors(response) -> set[tuple[int, str, str]]:
    return {(error.row, error.column, error.message) for error in response.context["preview"]["errors"]}


@pytest.fixture
def admin_user():
    return factories.admin(username="import_admin")


@pytest.fixture
def officer_wang():
    return factories.officer(username="wang_dg", name="王专员", parks=[factories.park("DG")])


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def good_rows(officer):
    return [
        ["2024", "projects_introduced", "全区", "", "", 55, "全年"],
        ["2024年上半年", "协议引资额（万元）", "园区", "双福工业园", "", "4,000,000", ""],
        ["2024-H1", "agreed_investment", "", "DG", "", 450000, ""],
        ["2024-Q2", "talents_onboarded", "专员", "", officer.username, 5, ""],
        ["2024年3月", "Talents onboarded", "officer", "", "王专员", 2, ""],
    ]


# --- Preview and confirm -------------------------------------------------------------------------


def test_a_good_sheet_is_previewed_then_imported(admin_client, admin_user, officer_wang):
    response = preview(admin_client, xlsx(good_rows(officer_wang)))

    assert response.status_code == 200
    assert response.context["preview"]["errors"] == []
    assert response.context["preview"]["row_count"] == 5
    assert response.context["preview"]["new_count"] == 5
    assert not Target.objects.exists()  # a preview writes nothing

    response = confirm(admin_client, response)

    assert response.status_code == 302
    assert response.url == reverse("dashboard:ledger")
    targets = {
        (t.period, t.metric, t.scope, t.park and t.park.code, t.officer and t.officer.username): (
            t.value,
            t.note,
        )
        for t in Target.objects.all()
    }
    assert targets == {
        ("2024", "projects_introduced", "district", None, None): (Decimal("55.00"), "全年"),
        ("2024-H1", "agreed_investment", "park", "SF", None): (Decimal("4000000.00"), ""),
        ("2024-H1", "agreed_investment", "park", "DG", None): (Decimal("450000.00"), ""),
        ("2024-Q2", "talents_onboarded", "officer", None, "wang_dg"): (Decimal("5.00"), ""),
        ("2024-03", "talents_onboarded", "officer", None, "wang_dg"): (Decimal("2.00"), ""),
    }
    assert {target.updated_by for target in Target.objects.all()} == {admin_user}
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["Imported 5 targets."]


def test_a_row_for_a_target_set_before_replaces_its_value_and_the_preview_says_so(admin_client, officer_wang):
    services.target_set(period="2024", metric="projects_introduced", scope="district", value=50, by=None)

    response = preview(admin_client, xlsx(good_rows(officer_wang)))

    assert response.context["preview"]["existing_count"] == 1
    assert response.context["preview"]["new_count"] == 4
    assert [(w.row, w.column, w.message) for w in response.context["preview"]["warnings"]] == [
        (2, "Target value", "Changes the target set before, 50, to 55.")
    ]
    response = confirm(admin_client, response)
    assert Target.objects.count() == 5
    assert Target.objects.get(period="2024", scope="district").value == Decimal("55.00")
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["Imported 5 targets. 1 of them replaced a target set before."]


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_is_written(admin_client, officer_wang):
    rows = [
        *good_rows(officer_wang),
        ["2024-W10", "projects_introduced", "全区", "", "", 5, ""],  # row 7: a week
        ["2024", "引资总额", "全区", "", "", 5, ""],  # row 8: no such metric
        ["2024", "projects_introduced", "园区", "不存在园区", "", 5, ""],  # row 9: no such park
        ["2024", "consultations", "园区", "SF", "", 5, ""],  # row 10: not counted per park
        ["2024", "projects_introduced", "全区", "", "", -5, ""],  # row 11: negative
        ["2024", "agreed_investment", "全区", "", "", "五百万", ""],  # row 12: not a number
        ["2024", "projects_introduced", "全区", "", "", 60, ""],  # row 13: row 2 again
        ["2024", "projects_introduced", "城市", "", "", 5, ""],  # row 14: no such scope
        ["2024", "projects_introduced", "专员", "", "nobody", 5, ""],  # row 15: no such officer
        ["", "projects_introduced", "全区", "", "", "", ""],  # row 16: period and value missing
    ]

    response = preview(admin_client, xlsx(rows))

    assert response.status_code == 200
    assert found_errors(response) == {
        (7, "Period", "“2024-W10” is a week; use a year, half year, quarter or month."),
        (8, "Metric", "Unknown metric “引资总额”; use a code or name from the code sheet."),
        (9, "Park", "Unknown park “不存在园区”; use a code or name from the code sheet."),
        (10, "Scope", "“Campaign consultations” is not counted per park."),
        (11, "Target value", "The target value cannot be negative."),
        (12, "Target value", "“五百万” is not a number."),
        (13, "", "This target is already in row 2."),
        (14, "Scope", "Unknown scope “城市”; write 全区, 园区 or 专员."),
        (15, "Officer", "No active officer has the user name or name “nobody”."),
        (16, "Period", "This cell is required."),
        (16, "Target value", "This cell is required."),
    }
    assert response.context["preview"]["token"] is None
    assert b"data-confirm-form" not in response.content
    assert b'data-row="7"' in response.content
    assert not Target.objects.exists()


def test_rows_refused_at_confirmation_leave_nothing_written(admin_client, officer_wang):
    response = preview(admin_client, xlsx(good_rows(officer_wang)))
    assert response.context["preview"]["errors"] == []
    # Between preview and confirmation the officer leaves.
    officer_wang.is_active = False
    officer_wang.save()

    response = confirm(admin_client, response)

    assert response.status_code == 409
    assert found_errors(response) == {
        (5, "Officer", "No active officer has the user name or name “wang_dg”."),
        (6, "Officer", "No active officer has the user name or name “王专员”."),
    }
    assert not Target.objects.exists()


def test_the_commit_is_all_or_nothing(admin_user):
    rows = [
        (2, {"period": "2024", "metric": "projects_introduced", "scope": "district", "value": 55}),
        (3, {"period": "2024", "metric": "projects_introduced", "scope": "park", "park": None, "value": 5}),
    ]
    with translation.override("en"), pytest.raises(importers.ImportRefused) as caught:
        importers.targets_commit(rows=rows, by=admin_user)
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (3, "Park", "A park target needs its park.")
    ]
    assert not Target.objects.exists()


def test_a_preview_is_confirmed_once(admin_client, officer_wang):
    response = preview(admin_client, xlsx(good_rows(officer_wang)))
    token = response.context["preview"]["token"]
    assert admin_client.post(IMPORT_URL, {"action": "confirm", "token": token}).status_code == 302

    again = admin_client.post(IMPORT_URL, {"action": "confirm", "token": token})

    assert again.status_code == 302
    assert again.url == IMPORT_URL
    assert [str(m) for m in again.wsgi_request._messages][-1] == (
        "This preview has expired or was already imported; upload the file again."
    )
    assert Target.objects.count() == 5


def test_a_file_that_is_not_a_workbook_is_refused(admin_client):
    response = preview(admin_client, b"period,metric\n2024,projects", name="targets.csv")
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "This is not an Excel .xlsx file; download the template and fill it in."
    ]


def test_a_sheet_without_the_required_columns_is_refused(admin_client):
    response = preview(admin_client, xlsx([["2024", "全区"]], header=["期间", "范围"]))
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file lacks required columns: Metric、Target value. Use the headers of the template."
    ]


def test_the_preview_costs_the_same_queries_for_5_and_50_rows(admin_client, officer_wang):
    def count(rows: int) -> int:
        sheet = [
            [f"2024-{month:02d}", "talents_onboarded", "专员", "", officer_wang.username, rows, ""]
            for month in range(1, 13)
        ]
        sheet += [
            [str(2000 + index), "projects_introduced", "全区", "", "", 1, ""] for index in range(rows - 12)
        ]
        with CaptureQueriesContext(connection) as queries:
            response = preview(admin_client, xlsx(sheet))
        assert response.context["preview"]["errors"] == []
        return len(queries)

    assert count(15) == count(50)


def test_period_cells_are_read_as_ledgers_write_them():
    assert period_text("2024") == "2024"
    assert period_text("2024年") == "2024"
    assert period_text("2024年度") == "2024"
    assert period_text("2024年上半年") == "2024-H1"
    assert period_text("2024下半年") == "2024-H2"
    assert period_text("2024年第二季度") == "2024-Q2"
    assert period_text("2024年4季度") == "2024-Q4"
    assert period_text("2024年3月") == "2024-03"
    assert period_text("2024/11") == "2024-11"
    # A month Excel turned into a date.
    assert period_text("2024-03-01") == "2024-03"
    assert period_text("2024-03-15") == "2024-03-15"  # left for parse_period to refuse


# --- Who may import ------------------------------------------------------------------------------


def test_only_administrators_may_import(client):
    content = xlsx([["2024", "projects_introduced", "全区", "", "", 55, ""]])
    for user in (factories.officer(), factories.leader(), factories.UserFactory(roles=())):
        client.force_login(user)
        assert client.get(IMPORT_URL).status_code == 403
        upload = SimpleUploadedFile("t.xlsx", content, content_type="application/octet-stream")
        assert client.post(IMPORT_URL, {"action": "preview", "file": upload}).status_code == 403
    assert not Target.objects.exists()
    client.logout()
    assert client.get(IMPORT_URL).status_code == 302


def test_the_upload_page_states_the_columns(admin_client):
    response = admin_client.get(IMPORT_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Period、Metric、Target value" in page
    assert TEMPLATE_URL in page


# --- The template --------------------------------------------------------------------------------


def test_the_template_downloads_and_imports_as_it_is(admin_client, admin_user):
    response = admin_client.get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.header for column in importers.COLUMNS]
    codes = [cell.value for cell in workbook.worksheets[1]["A"] if cell.value]
    assert "projects_introduced" in codes

    imported = preview(admin_client, content, name="template.xlsx")

    assert imported.context["preview"]["errors"] == []
    confirm(admin_client, imported)
    target = Target.objects.get()
    today = timezone.localdate()
    assert target.period == f"{today.year}-H{1 if today.month <= 6 else 2}"
    assert (target.metric, target.scope, target.park) == (
        "projects_introduced",
        "park",
        Park.objects.get(code="DG"),
    )


def test_every_role_may_download_the_template(client):
    client.force_login(factories.officer())
    assert client.get(TEMPLATE_URL).status_code == 200
    client.force_login(factories.UserFactory(roles=()))
    assert client.get(TEMPLATE_URL).status_code == 403


# --- Chinese -------------------------------------------------------------------------------------


def _has_chinese(msgid: str) -> bool:
    with translation.override("zh-hans"):
        return gettext(msgid) != msgid


@pytest.mark.skipif(
    not _has_chinese("Unknown metric “%(value)s”; use a code or name from the code sheet."),
    reason="the targets' messages are not in the Chinese catalogue yet",
)
def test_the_preview_speaks_chinese(client, admin_user):
    client.force_login(admin_user)
    rows = [
        ["2024", "引资总额", "全区", "", "", 5, ""],
        ["2024", "projects_introduced", "全区", "", "", -5, ""],
        ["2024", "consultations", "园区", "SF", "", 5, ""],
    ]
    response = preview(client, xlsx(rows))
    assert found_errors(response) == {
        (2, "指标", "未知指标“引资总额”，请填写代码表中的代码或名称。"),
        (3, "目标值", "目标值不能为负数。"),
        (4, "范围", f"“{_metric_zh('consultations')}”不按园区统计。"),
    }


def _metric_zh(code: str) -> str:
    from jinjin_crm.dashboard.metrics import METRIC_BY_CODE

    with translation.override("zh-hans"):
        return str(METRIC_BY_CODE[code].label)
