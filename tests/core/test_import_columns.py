"""Every import's preview says which of its known columns the file has and which it lacks, so a sheet
missing what a sign-in sheet usually carries is not taken silently.

A required column missing is the file's error (tests/core/test_excel_import.py); what the preview lists
as not found is therefore optional, a note. The ``*_in_chinese`` tests assert the Chinese the user sees
and pass once the translations recorded in /tmp/translations_imports.json are merged into
locale/zh_Hans."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook

from campaigns import importers as campaign_importers
from jinjin_crm.core.excel_import import Column, columns_report, workbook_read
from projects import importers as project_importers
from talents import importers as talent_importers
from tests import factories

NAME = Column("name", "Full name", required=True, aliases=("学生姓名",))
PHONE = Column("phone", "Mobile", aliases=("联系方式",))
UNIVERSITY = Column("university", "University")
NOTES = Column("notes", "Notes")
COLUMNS = (NAME, PHONE, UNIVERSITY, NOTES)


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def read(*rows, columns=COLUMNS):
    return workbook_read(file=io.BytesIO(xlsx(*rows)), columns=columns)


def preview_head(report, **preview) -> str:
    return render_to_string(
        "ui/_import_preview_read.html", {"preview": {"row_count": 1, "columns": report, **preview}}
    )


# --- The report ---------------------------------------------------------------------------------


def test_the_report_lists_the_known_columns_found_and_the_optional_ones_not_found_in_the_imports_order():
    rows = read(["备注", "签名", "联系方式", "学生姓名"], ["迟到", "✓", "13800000000", "张三"])

    report = columns_report(rows=rows, columns=COLUMNS)

    assert report.found == (NAME, PHONE, NOTES)  # an unknown column (签名) is neither
    assert report.missing == (UNIVERSITY,)
    with translation.override("en"):
        assert (report.found_headers, report.missing_headers) == (
            ["Full name", "Mobile", "Notes"],
            ["University"],
        )


def test_a_file_with_every_column_misses_none():
    rows = read(["Full name", "Mobile", "University", "Notes"], ["张三", "", "", ""])

    assert columns_report(rows=rows, columns=COLUMNS).missing == ()


def test_the_rows_kept_for_confirmation_tell_the_same(officer):
    """After a confirmation is refused the preview is shown again from the kept rows, not the file."""
    rows = talent_importers.workbook_read(file=io.BytesIO(xlsx(["姓名", "手机号"], ["张三", "13800000000"])))
    token = talent_importers.pending_rows_save(user=officer, rows=rows)
    kept = talent_importers.pending_rows_take(user=officer, token=token)

    columns = talent_importers.COLUMNS
    assert columns_report(rows=kept, columns=columns) == columns_report(rows=rows, columns=columns)
    assert [column.key for column in columns_report(rows=kept, columns=columns).found] == ["name", "phone"]


# --- The preview's head -------------------------------------------------------------------------


def test_the_preview_head_lists_recognised_and_not_found_columns():
    report = columns_report(rows=read(["学生姓名", "联系方式"], ["张三", "13800000000"]), columns=COLUMNS)

    with translation.override("en"):
        html = preview_head(report)

    assert 'data-columns-found="name phone"' in html
    assert "Recognised columns: Full name、Mobile" in html
    assert 'data-columns-missing="university notes"' in html
    assert (
        "Not found: University、Notes. These columns are optional, so every row is imported without them; "
        "if the file has them under other headers, use the template's headers and upload it again."
    ) in html


def test_the_preview_head_lists_recognised_and_not_found_columns_in_chinese():
    report = columns_report(rows=read(["学生姓名", "联系方式"], ["张三", "13800000000"]), columns=COLUMNS)

    with translation.override("zh-hans"):
        html = preview_head(report)

    assert "已识别的列：姓名、手机号" in html
    assert (
        "未找到：毕业院校、备注。这些列为选填，各行将不含这些信息导入；"
        "如文件中有这些列但表头不同，请改用模板的表头后重新上传。"
    ) in html


def test_nothing_is_said_of_missing_columns_when_the_file_has_them_all():
    report = columns_report(
        rows=read(["Full name", "Mobile", "University", "Notes"], ["张三", "", "", ""]), columns=COLUMNS
    )

    with translation.override("en"):
        html = preview_head(report)

    assert "Recognised columns: Full name、Mobile、University、Notes" in html
    assert "data-columns-missing" not in html


def test_a_preview_without_the_report_shows_the_head_as_before():
    html = render_to_string("ui/_import_preview_read.html", {"preview": {"row_count": 3}})

    assert "data-import-columns" not in html
    assert 'data-row-count="3"' in html


# --- Every import's preview page ------------------------------------------------------------------


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("签到表.xlsx", content, content_type="application/octet-stream")


def required_only(columns) -> tuple[bytes, list[Column], list[Column]]:
    """A sheet with the import's required columns only (one row of placeholder cells)."""
    required = [column for column in columns if column.required]
    return (
        xlsx([column.header for column in required], ["x"] * len(required)),
        required,
        [column for column in columns if not column.required],
    )


@pytest.fixture
def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


PAGES = [
    pytest.param("projects:project-import", project_importers.COLUMNS["projects"], id="projects"),
    pytest.param("projects:enterprise-import", project_importers.COLUMNS["enterprises"], id="enterprises"),
    pytest.param("talents:talent-import", talent_importers.COLUMNS, id="talents"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "columns"), PAGES)
def test_the_preview_of_an_import_lists_its_columns(english_client, officer, url, columns):
    english_client.force_login(officer)
    with translation.override("en"):
        content, required, optional = required_only(columns)

        response = english_client.post(reverse(url), {"action": "preview", "file": upload(content)})
        html = response.content.decode()

        assert response.context["preview"]["columns"].found == tuple(required)
        assert escape(f"Recognised columns: {'、'.join(column.header for column in required)}") in html
        assert escape(f"Not found: {'、'.join(column.header for column in optional)}.") in html


@pytest.mark.django_db
def test_a_sign_in_sheet_without_the_usual_columns_says_so_before_confirming_in_chinese(client, officer):
    start = datetime.date.today() - datetime.timedelta(days=3)
    campaign = factories.campaign(
        by=officer, university=factories.university(), starts_on=start, ends_on=start
    )
    client.force_login(officer)

    response = client.post(
        reverse("campaigns:contact-import", args=[campaign.pk]),
        {"action": "preview", "file": upload(xlsx(["学生姓名", "联系方式"], ["张三", "13800000000"]))},
    )
    html = response.content.decode()

    assert response.context["preview"]["token"]  # the sheet itself is fine; only the note warns
    assert [column.key for column in response.context["preview"]["columns"].found] == ["name", "phone"]
    assert "已识别的列：姓名、手机号" in html
    assert (
        "未找到：身份证号、性别、出生年份、毕业院校、学历、学科、邮箱、结果、签到日期、备注。"
        "这些列为选填，各行将不含这些信息导入；如文件中有这些列但表头不同，请改用模板的表头后重新上传。"
    ) in html
    assert campaign_importers.HEADERS["name"].required


@pytest.mark.django_db
def test_the_targets_preview_lists_its_columns(english_client):
    from jinjin_crm.dashboard import importers as target_importers

    english_client.force_login(factories.admin())
    with translation.override("en"):
        content, required, optional = required_only(target_importers.COLUMNS)

        response = english_client.post(
            reverse("dashboard:targets-import"), {"action": "preview", "file": upload(content)}
        )
        html = response.content.decode()

        assert escape(f"Recognised columns: {'、'.join(column.header for column in required)}") in html
        assert escape(f"Not found: {'、'.join(column.header for column in optional)}.") in html
