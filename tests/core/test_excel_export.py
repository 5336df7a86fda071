"""Text typed or imported by users reaches every Excel export as the literal text: a name that starts
with "=" is never written as a formula (formula injection), nor "#N/A" as an error value."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.http import QueryDict
from openpyxl import Workbook, load_workbook

from campaigns import exports as campaign_exports
from campaigns import selectors as campaign_selectors
from campaigns import services as campaign_services
from campaigns.models import Outcome
from jinjin_crm.core.excel_export import safe_row, text_cell, write_cell
from jinjin_crm.core.models import Degree
from jinjin_crm.matching.catalogue.selectors import catalogue_entries
from jinjin_crm.matching.catalogue.services import catalogue_compile
from jinjin_crm.matching.exports import catalogue_workbook_write
from policies import exports as policy_exports
from policies import selectors as policy_selectors
from policies import services as policy_services
from projects import exports as project_exports
from projects.selectors import project_list
from talents import exports as talent_exports
from talents.selectors import talent_list
from tests import factories

EVIL = '=HYPERLINK("http://evil.example","点我")'
SUM = "=1+1"


def cells(content: bytes):
    """Every cell of every sheet of the workbook ``content``, as openpyxl reads it back."""
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_only(content: bytes, *texts: str) -> None:
    """``content`` holds each of ``texts`` as a text cell, and no formula anywhere."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert [name for name in sheets if b"<f>" in archive.read(name)] == []
    read = cells(content)
    assert [cell.coordinate for cell in read if cell.data_type == "f"] == []
    for text in texts:
        found = [cell for cell in read if cell.value == text]
        assert found, text
        assert {cell.data_type for cell in found} == {"s"}


def params() -> QueryDict:
    return QueryDict("")


# --- The cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize("write_only", [True, False])
def test_strings_are_text_and_other_values_keep_their_types(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("data")
    day = datetime.date(2024, 4, 10)
    safe_row(sheet, [EVIL, "#N/A", "张三", None, 12, Decimal("1.50"), day])
    safe_row(sheet, [text_cell(sheet, SUM, number_format="@"), text_cell(sheet, 3, number_format="0.0")])
    if not write_only:
        write_cell(sheet, row=3, column=1, value=EVIL)
        assert write_cell(sheet, row=3, column=2, value=7).data_type == "n"
    stream = io.BytesIO()
    workbook.save(stream)

    sheet = load_workbook(io.BytesIO(stream.getvalue()))["data"]
    first = list(sheet[1])
    assert [cell.value for cell in first] == [
        EVIL,
        "#N/A",
        "张三",
        None,
        12,
        1.5,
        datetime.datetime(2024, 4, 10),
    ]
    assert [cell.data_type for cell in first] == ["s", "s", "s", "n", "n", "n", "d"]
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].number_format) == (SUM, "s", "@")
    assert (sheet["B2"].value, sheet["B2"].data_type, sheet["B2"].number_format) == (3, "n", "0.0")
    if not write_only:
        assert (sheet["A3"].value, sheet["A3"].data_type) == (EVIL, "s")
    assert_text_only(stream.getvalue(), EVIL, SUM, "#N/A")


# --- The exports ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_talent_export_writes_a_name_starting_with_equals_as_text(officer):
    factories.talent(by=officer, name=EVIL, university=SUM)
    stream = io.BytesIO()

    assert talent_exports.talent_list_export(
        queryset=talent_list(filters=params()), params=params(), stream=stream, by=officer
    )

    assert_text_only(stream.getvalue(), EVIL, SUM)


@pytest.mark.django_db
def test_project_ledger_writes_names_starting_with_equals_as_text(officer):
    factories.project(lead_officer=officer, name=EVIL, investor=SUM, agreed_investment=Decimal("10"))
    stream = io.BytesIO()

    totals = project_exports.project_ledger_write(
        queryset=project_list(filters=params()), params=params(), stream=stream, by=officer
    )

    assert totals["count"] == 1
    assert_text_only(stream.getvalue(), EVIL, SUM)


@pytest.mark.django_db
def test_campaign_exports_write_titles_names_and_notes_starting_with_equals_as_text(officer):
    campaign = factories.campaign(by=officer, title=EVIL, place=SUM)
    talent = factories.talent(by=officer, name=SUM, phone="13712340001")
    campaign_services.contact_record(
        campaign=campaign,
        talent=talent,
        by=officer,
        outcome=Outcome.INTENT,
        degree=Degree.objects.get(code="MASTER"),
        notes=EVIL,
    )

    campaigns = io.BytesIO()
    campaign_exports.campaign_list_write(
        queryset=campaign_selectors.campaign_list(filters=params()),
        params=params(),
        stream=campaigns,
        by=officer,
    )
    contacts = io.BytesIO()
    campaign_exports.contact_list_export(
        campaign=campaign,
        queryset=campaign_selectors.campaign_contacts(campaign),
        params=params(),
        stream=contacts,
        by=officer,
    )

    assert_text_only(campaigns.getvalue(), EVIL, SUM)
    assert_text_only(contacts.getvalue(), EVIL, SUM)


@pytest.mark.django_db
def test_placement_export_writes_an_expert_name_starting_with_equals_as_text(officer):
    factories.placement(expert=factories.talent(by=officer, name=EVIL), by=officer)
    stream = io.BytesIO()

    campaign_exports.placement_list_write(
        queryset=campaign_selectors.placement_list(filters=params()),
        params=params(),
        stream=stream,
        by=officer,
    )

    assert_text_only(stream.getvalue(), EVIL)


@pytest.mark.django_db
def test_policy_exports_write_names_and_notes_starting_with_equals_as_text(officer):
    benefit = factories.benefit(name=SUM, installments=[0.5, 0.5])
    application = factories.policy_application(
        talent_obj=factories.onboarded_talent(by=officer, name=EVIL),
        benefit_obj=benefit,
        by=officer,
        state="approved",
    )
    policy_services.application_disburse(application=application, by=officer, note=EVIL)

    applications = io.BytesIO()
    policy_exports.application_list_export(
        queryset=policy_selectors.application_list(filters=params()),
        params=params(),
        stream=applications,
        by=officer,
    )
    ledger = io.BytesIO()
    policy_exports.fund_movements_export(fund=benefit.fund, stream=ledger, by=officer)

    assert_text_only(applications.getvalue(), EVIL, SUM)
    assert_text_only(ledger.getvalue(), EVIL, SUM)


@pytest.mark.django_db
def test_catalogue_writes_a_position_starting_with_equals_as_text(officer):
    enterprise = factories.enterprise(park_code="SF", name=SUM)
    factories.demand(enterprise_obj=enterprise, position=EVIL, headcount=2)
    version = catalogue_compile()
    stream = io.BytesIO()

    catalogue_workbook_write(version=version, entries=list(catalogue_entries(version=version)), stream=stream)

    assert_text_only(stream.getvalue(), EVIL, SUM)
