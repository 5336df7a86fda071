"""Excel export of the ledger, imports of projects and enterprises, and the import templates."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jinjin_crm.core.models import StageChange
from projects import importers
from projects.models import Enterprise, InvestmentProject, Stage
from projects.selectors import project_list, project_totals
from tests import factories

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("projects:project-export")
PROJECT_IMPORT_URL = reverse("projects:project-import")
ENTERPRISE_IMPORT_URL = reverse("projects:enterprise-import")
P = {column.key: column.header for column in importers.PROJECT_COLUMNS}
E = {column.key: column.header for column in importers.ENTERPRISE_COLUMNS}


def xlsx(rows, *, title_rows=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in (*title_rows, *rows):
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(content: bytes, name: str = "ledger.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


PROJECT_KEYS = ("name", "investor", "park", "industry", "source", "stage", "agreed_investment", "signed_on")


def project_rows(officer, count: int = 3, overrides: dict | None = None) -> list[list]:
    """A header row and ``count`` valid signed projects; ``overrides`` maps a row index to changes."""
    signed = datetime.date.today() - datetime.timedelta(days=10)
    rows = [[P[key] for key in (*PROJECT_KEYS, "lead_officer")]]
    for index in range(count):
        cells = (f"导入项目{index}", f"投资方{index}", "SF", "NEV", "市外", "signed", 1000 + index, signed)
        values = dict(zip(PROJECT_KEYS, cells, strict=True))
        values["lead_officer"] = officer.username
        values.update((overrides or {}).get(index, {}))
        rows.append([values[key] for key in (*PROJECT_KEYS, "lead_officer")])
    return rows


def enterprise_rows(codes: list[str]) -> list[list]:
    rows = [[E["name"], E["credit_code"], E["park"], E["industry"], E["is_key"], E["contact_phone"]]]
    rows += [
        [f"导入企业{index}", code, "双福工业园", "NEV", "是", 13800000000] for index, code in enumerate(codes)
    ]
    return rows


def preview(client, url: str, content: bytes, name: str = "ledger.xlsx"):
    return client.post(url, {"action": "preview", "file": upload(content, name)})


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


# --- Export --------------------------------------------------------------------------------------


def _export_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return sheet, rows[2], rows[3:-1], rows[-1]


def test_export_holds_exactly_the_filtered_rows_and_a_totals_row(officer_client, officer):
    for amount in ("1200.50", "300.25", "99.00"):
        factories.project(stage="signed", lead_officer=officer, agreed_investment=Decimal(amount))
    factories.project(stage="lead", lead_officer=officer)
    factories.project(stage="signed", lead_officer=officer, agreed_investment=Decimal("9000"))
    params = {"stage": ["signed"], "investment_max": "5000"}

    response = officer_client.get(EXPORT_URL, params)

    sheet, headers, data, totals = _export_rows(response)
    expected = project_list(filters=params)
    assert sorted(row[headers.index(P["name"])] for row in data) == sorted(p.name for p in expected)
    agreed = headers.index(P["agreed_investment"])
    assert all(type(row[agreed]) in (int, float) for row in data)
    assert all(isinstance(row[headers.index(P["signed_on"])], datetime.datetime) for row in data)
    assert sheet.cell(row=4, column=agreed + 1).number_format == "#,##0.00"
    sums = project_totals(expected)
    assert totals[1] == sums["count"] == 3
    assert Decimal(str(totals[agreed])) == sums["agreed_investment"] == Decimal("1599.75")
    # The second row says which filters were applied.
    assert "5,000.00" in sheet.cell(row=2, column=1).value
    assert sheet.freeze_panes == "C4"


def test_export_filtered_by_park_names_the_park(officer_client, officer):
    factories.project(park_code="SF", lead_officer=officer)
    factories.project(park_code="DG", lead_officer=officer)
    sheet, _headers, data, totals = _export_rows(officer_client.get(EXPORT_URL, {"park": "SF"}))
    assert len(data) == totals[1] == 1
    assert "双福工业园" in sheet.cell(row=2, column=1).value


def test_export_of_an_empty_selection_has_a_zero_totals_row(officer_client):
    _sheet, _headers, data, totals = _export_rows(officer_client.get(EXPORT_URL, {"stage": "at_capacity"}))
    assert data == []
    assert totals[1] == 0


def test_export_runs_the_same_queries_for_5_and_50_projects(officer_client, officer):
    def count_queries(total):
        InvestmentProject.objects.all().delete()
        for _index in range(total):
            factories.project(stage="lead", lead_officer=officer)
        with CaptureQueriesContext(connection) as queries:
            _sheet, _headers, data, _totals = _export_rows(officer_client.get(EXPORT_URL))
        assert len(data) == total
        return len(queries)

    assert count_queries(5) == count_queries(50)


def test_leaders_may_export_and_anonymous_users_are_sent_to_log_in(client, leader):
    assert client.get(EXPORT_URL).status_code == 302
    client.force_login(leader)
    assert client.get(EXPORT_URL).status_code == 200


def test_a_user_without_a_role_may_not_export(client):
    client.force_login(factories.UserFactory(roles=()))
    assert client.get(EXPORT_URL).status_code == 403


# --- Import: preview -----------------------------------------------------------------------------


def test_preview_reports_every_row_error_with_row_and_column_and_writes_nothing(officer_client, officer):
    future = datetime.date.today() + datetime.timedelta(days=5)
    rows = project_rows(
        officer,
        count=4,
        overrides={
            1: {"park": "NOWHERE"},
            2: {"agreed_investment": -5, "signed_on": future},
            3: {"agreed_investment": "abc"},
        },
    )

    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx(rows))

    assert response.status_code == 200
    found = {(error.row, error.column) for error in response.context["preview"]["errors"]}
    assert found == {
        (3, P["park"]),
        (4, P["agreed_investment"]),
        (4, P["signed_on"]),
        (5, P["agreed_investment"]),
    }
    assert response.context["preview"]["token"] is None
    assert b"data-confirm-form" not in response.content
    assert InvestmentProject.objects.count() == 0


def test_preview_accepts_codes_or_names_and_a_title_above_the_headers(officer, officer_client):
    rows = project_rows(
        officer,
        count=2,
        overrides={
            0: {"park": "双福工业园", "industry": "nev", "source": "OUTSIDE_CITY", "stage": "签约"},
            1: {"park": "sf", "industry": "智能网联新能源汽车及零部件", "lead_officer": officer.name},
        },
    )
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx(rows, title_rows=[["招商项目台账"], []]))
    assert response.context["preview"]["errors"] == []
    assert response.context["preview"]["row_count"] == 2


def test_a_ledger_with_the_districts_chinese_headers_is_understood(officer_client, officer):
    headers = [
        "项目名称",
        "投资主体",
        "所在园区",
        "产业链",
        "项目来源",
        "项目阶段",
        "协议引资额(万元)",
        "签约时间",
        "招商专员",
    ]
    values = [
        "智能网联汽车零部件项目",
        "重庆某某科技有限公司",
        "双福工业园",
        "NEV",
        "市外",
        "签约",
        "52000",
        "2024年3月1日",
    ]
    rows = [headers, [*values, officer.username]]
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx(rows))
    assert response.context["preview"]["errors"] == []


def test_a_stage_needs_its_facts_and_dates_in_lifecycle_order():
    officer = factories.officer()
    today = datetime.date.today()
    base = {
        "investor": "某投资方",
        "park": "SF",
        "industry": "NEV",
        "source": "市外",
        "lead_officer": officer.username,
    }
    rows = [
        (2, {**base, "name": "甲", "stage": "started"}),
        (3, {**base, "name": "乙", "stage": "lead", "signed_on": "2024-01-01"}),
        (
            4,
            {
                **base,
                "name": "丙",
                "stage": "terminated",
                "first_contact_on": today.isoformat(),
                "signed_on": "2024/1/1",
                "agreed_investment": "1,000",
            },
        ),
    ]
    errors = {(error.row, error.column) for error in importers.projects_check(rows=rows).errors}
    assert errors == {
        (2, P["signed_on"]),
        (2, P["agreed_investment"]),
        (3, P["signed_on"]),
        (4, P["termination_reason"]),
        (4, P["signed_on"]),  # before the first contact
    }


def test_enterprise_credit_codes_are_validated_and_unique_in_the_file_and_the_database(officer_client):
    taken = factories.enterprise().credit_code
    fresh = factories.credit_code()
    bad = fresh[:-1] + ("0" if fresh[-1] != "0" else "1")
    rows = enterprise_rows([fresh, fresh, bad, taken])

    response = preview(officer_client, ENTERPRISE_IMPORT_URL, xlsx(rows))

    errors = response.context["preview"]["errors"]
    assert {(error.row, error.column) for error in errors} == {
        (3, E["credit_code"]),
        (4, E["credit_code"]),
        (5, E["credit_code"]),
    }
    assert "2" in next(error.message for error in errors if error.row == 3)  # names the first row
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"name,investor\n\xe9\xa1\xb9\xe7\x9b\xae,x\n", "ledger.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "ledger.xls"),
        (b"PK\x03\x04 this is no workbook", "damaged.xlsx"),
        (b"", "empty.xlsx"),
    ],
)
def test_files_that_are_not_xlsx_or_are_empty_are_refused_with_a_reason(officer_client, content, name):
    response = preview(officer_client, PROJECT_IMPORT_URL, content, name)
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert "preview" not in response.context


def test_a_workbook_without_data_is_refused(officer_client):
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx([]))
    assert response.status_code == 400
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx([[P["name"], P["investor"]]]))
    assert response.status_code == 400


def test_missing_required_columns_are_named(officer_client, officer):
    rows = [[*row[:2], *row[3:]] for row in project_rows(officer)]  # no park column
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx(rows))
    assert response.status_code == 400
    (message,) = response.context["form"].errors["file"]
    assert P["park"] in message
    assert P["name"] not in message


def test_too_many_rows_are_refused(officer_client, officer, monkeypatch):
    monkeypatch.setattr(importers, "MAX_DATA_ROWS", 5)
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx(project_rows(officer, count=6)))
    assert response.status_code == 400
    assert "5" in response.context["form"].errors["file"][0]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(officer_client, officer, monkeypatch):
    content = xlsx(project_rows(officer))
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", len(content) - 1)
    assert preview(officer_client, PROJECT_IMPORT_URL, content).status_code == 400


# --- Import: confirm -----------------------------------------------------------------------------


def test_confirm_writes_every_row_through_the_services_once(officer_client, officer):
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx(project_rows(officer, count=3)))
    token = response.context["preview"]["token"]
    assert token
    assert InvestmentProject.objects.count() == 0

    response = officer_client.post(PROJECT_IMPORT_URL, {"action": "confirm", "token": token})

    assert response.status_code == 302
    projects = InvestmentProject.objects.order_by("name")
    assert [p.name for p in projects] == ["导入项目0", "导入项目1", "导入项目2"]
    assert {p.stage for p in projects} == {Stage.SIGNED}
    assert [p.agreed_investment for p in projects] == [
        Decimal("1000.00"),
        Decimal("1001.00"),
        Decimal("1002.00"),
    ]
    assert StageChange.objects.filter(to_stage=Stage.SIGNED).count() == 3
    # The same confirmation again imports nothing twice.
    officer_client.post(PROJECT_IMPORT_URL, {"action": "confirm", "token": token})
    assert InvestmentProject.objects.count() == 3


def test_confirm_is_refused_while_rows_have_errors(officer_client, officer):
    rows = project_rows(officer, count=2, overrides={1: {"industry": "???"}})
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx(rows))
    assert response.context["preview"]["token"] is None
    response = officer_client.post(
        PROJECT_IMPORT_URL, {"action": "confirm", "token": "forged-token-0123456789abc"}
    )
    assert response.status_code == 302
    assert InvestmentProject.objects.count() == 0


def test_confirm_checks_again_and_writes_nothing_when_a_late_row_has_become_invalid(officer_client):
    codes = [factories.credit_code() for _index in range(4)]
    response = preview(officer_client, ENTERPRISE_IMPORT_URL, xlsx(enterprise_rows(codes)))
    token = response.context["preview"]["token"]
    factories.enterprise(credit_code=codes[-1], name="抢先登记的企业")

    response = officer_client.post(ENTERPRISE_IMPORT_URL, {"action": "confirm", "token": token})

    assert response.status_code == 409
    assert [(error.row, error.column) for error in response.context["preview"]["errors"]] == [
        (5, E["credit_code"])
    ]
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


def test_commit_is_all_or_nothing_when_the_service_refuses_a_late_row():
    codes = [factories.credit_code() for _index in range(5)]
    content = io.BytesIO(xlsx(enterprise_rows(codes)))
    rows = importers.workbook_read(file=content, columns=importers.ENTERPRISE_COLUMNS)
    checked = importers.enterprises_check(rows=rows)
    assert checked.ok
    # Registered after the check, as by a colleague between preview and confirmation.
    factories.enterprise(credit_code=codes[-1])

    with pytest.raises(importers.ImportRefused) as refused:
        importers.enterprises_commit(rows=checked.rows, by=factories.officer())

    assert [(error.row, error.column) for error in refused.value.errors] == [(6, E["credit_code"])]
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


def test_a_preview_belongs_to_the_user_who_uploaded_it(client, officer, officer_client):
    response = preview(officer_client, PROJECT_IMPORT_URL, xlsx(project_rows(officer)))
    token = response.context["preview"]["token"]
    client.force_login(factories.officer())
    client.post(PROJECT_IMPORT_URL, {"action": "confirm", "token": token})
    assert InvestmentProject.objects.count() == 0


def test_leaders_get_403_on_imports(client, leader):
    client.force_login(leader)
    for url in (PROJECT_IMPORT_URL, ENTERPRISE_IMPORT_URL):
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "preview", "file": upload(b"")}).status_code == 403


# --- Templates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "url", "model"),
    [
        ("projects", PROJECT_IMPORT_URL, InvestmentProject),
        ("enterprises", ENTERPRISE_IMPORT_URL, Enterprise),
    ],
)
def test_the_template_downloads_and_its_example_row_imports_cleanly(officer_client, kind, url, model):
    response = officer_client.get(reverse("projects:import-template", args=[kind]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert headers == [column.header for column in importers.COLUMNS[kind]]
    codes = [cell for row in workbook.worksheets[1].iter_rows(values_only=True) for cell in row]
    assert {"SF", "NEV"} <= set(codes)

    response = preview(officer_client, url, content)
    assert response.context["preview"]["errors"] == []
    officer_client.post(url, {"action": "confirm", "token": response.context["preview"]["token"]})
    assert model.objects.count() == 1


def test_an_unknown_template_is_404(officer_client):
    assert officer_client.get(reverse("projects:import-template", args=["talents"])).status_code == 404


def test_the_upload_page_links_to_the_template(officer_client):
    response = officer_client.get(PROJECT_IMPORT_URL)
    assert response.status_code == 200
    assert reverse("projects:import-template", args=["projects"]).encode() in response.content
