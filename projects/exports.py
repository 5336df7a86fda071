"""Excel workbooks of the projects app: the project ledger export and the blank import templates.

The ledger is written with openpyxl's write-only mode, which streams rows to a temporary file, so a
10,000-row export holds one chunk of projects in memory, not the whole sheet.
"""

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from stdnum.cn import uscc

from jinjin_crm.core import excel_export
from jinjin_crm.core.excel_export import (
    CHUNK,
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONEY_FORMAT,
    CodeList,
    ListSheet,
    active_codes,
    exported_by,
    safe_row,
)
from jinjin_crm.core.models import IndustryChain, Park, Region, User

from .filters import ProjectFilter
from .importers import COLUMNS, ENTERPRISE_COLUMNS, PROJECT_COLUMNS
from .models import Stage

_IMPORT_HEADERS = {column.key: column.msgid for column in PROJECT_COLUMNS}


def _ledger_columns():
    """(msgid, width, how to read the value from a project, kind of cell) for each ledger column."""
    return (
        (gettext_noop("No."), 6, None, "count"),
        (_IMPORT_HEADERS["name"], 34, lambda p: p.name, "text"),
        (_IMPORT_HEADERS["investor"], 28, lambda p: p.investor, "text"),
        (_IMPORT_HEADERS["enterprise"], 28, lambda p: p.enterprise.name if p.enterprise else "", "text"),
        (gettext_noop("Kind"), 10, lambda p: str(p.get_kind_display()), "text"),
        (_IMPORT_HEADERS["park"], 14, lambda p: p.park.name, "text"),
        (_IMPORT_HEADERS["industry"], 24, lambda p: p.industry.name, "text"),
        (_IMPORT_HEADERS["source"], 8, lambda p: p.source.name, "text"),
        (_IMPORT_HEADERS["stage"], 8, lambda p: str(p.get_stage_display()), "text"),
        (_IMPORT_HEADERS["agreed_investment"], 18, lambda p: p.agreed_investment, "money"),
        (_IMPORT_HEADERS["fixed_asset_investment"], 18, lambda p: p.fixed_asset_investment, "money"),
        (_IMPORT_HEADERS["first_contact_on"], 12, lambda p: p.first_contact_on, "date"),
        (_IMPORT_HEADERS["signed_on"], 12, lambda p: p.signed_on, "date"),
        (_IMPORT_HEADERS["started_on"], 12, lambda p: p.started_on, "date"),
        (_IMPORT_HEADERS["operating_on"], 12, lambda p: p.operating_on, "date"),
        (_IMPORT_HEADERS["at_capacity_on"], 12, lambda p: p.at_capacity_on, "date"),
        (_IMPORT_HEADERS["terminated_on"], 12, lambda p: p.terminated_on, "date"),
        (_IMPORT_HEADERS["lead_officer"], 10, lambda p: str(p.lead_officer), "text"),
        (_IMPORT_HEADERS["sponsor"], 10, lambda p: p.sponsor, "text"),
        (
            gettext_noop("Updated at"),
            17,
            lambda p: timezone.localtime(p.updated_at).replace(tzinfo=None),
            "datetime",
        ),
    )


def filters_describe(params) -> str:
    """The filters of ``params`` (the ledger's query parameters) in words, as ``project_list`` applies
    them: values that do not validate are left out there, so they are left out here too."""
    return excel_export.filters_describe(
        ProjectFilter, params, everything=_("Filters: none (all projects)"), describe=_describe
    )


def _describe(name: str, value) -> str | None:
    # Investment bounds in 10k yuan, as the ledger shows amounts.
    return f"{value:,.2f}" if isinstance(value, Decimal) else None


def project_ledger_write(*, queryset: QuerySet, params, stream, by: User) -> dict:
    """Write the ledger of ``queryset`` (as ``project_list`` filtered it) as .xlsx into ``stream``.

    One row per project in the queryset's order, amounts and dates as real numbers and dates, and a
    totals row with the count and the sum of agreed investment of exactly the rows written. Returns
    those totals.
    """
    columns = _ledger_columns()
    workbook = Workbook(write_only=True)
    sheet = ListSheet(workbook, name=_("Project ledger"), columns=columns)
    sheet.heading(
        _("Investment project ledger (exported %(time)s by %(user)s)") % exported_by(by),
        filters_describe(params),
    )
    total = Decimal("0")
    for project in queryset.iterator(chunk_size=CHUNK):
        sheet.count += 1
        if project.agreed_investment is not None:
            total += project.agreed_investment
        # Not ``sheet.row``: an empty text is written as it is read, an empty string, as it always was.
        row = []
        for _msgid, _width, read, kind in columns:
            if kind == "count":
                row.append(sheet.count)
            elif kind == "money":
                value = read(project)
                row.append(sheet.cell(value, number_format=MONEY_FORMAT) if value is not None else None)
            elif kind == "date":
                value = read(project)
                row.append(sheet.cell(value, number_format=DATE_FORMAT) if value is not None else None)
            elif kind == "datetime":
                row.append(sheet.cell(read(project), number_format=DATETIME_FORMAT))
            else:
                row.append(read(project))
        safe_row(sheet.sheet, row)
    agreed_index = next(
        i for i, column in enumerate(columns) if column[0] == _IMPORT_HEADERS["agreed_investment"]
    )
    sheet.totals({agreed_index: total}, count_label=_("%(count)s projects"))
    workbook.save(stream)
    return {"count": sheet.count, "agreed_investment": total}


# --- Import templates ---------------------------------------------------------------------------

# An example credit code with a correct check character, unlike any real enterprise's.
_EXAMPLE_CODE_BODY = "91500116MA60000EX"
EXAMPLE_CREDIT_CODE = _EXAMPLE_CODE_BODY + uscc.calc_check_digit(_EXAMPLE_CODE_BODY)


def _example_values(kind: str, *, officer: User | None) -> dict:
    park = (officer.parks.filter(is_active=True).first() if officer else None) or Park.objects.filter(
        is_active=True
    ).first()
    industry = IndustryChain.objects.filter(is_active=True).first()
    if kind == "enterprises":
        return {
            "name": _("Example: Chongqing Smart Equipment Co., Ltd."),
            "credit_code": EXAMPLE_CREDIT_CODE,
            "park": park.code if park else "",
            "industry": industry.code if industry else "",
            "is_key": "是",
            "address": _("Example: 1 Industrial Avenue, Shuangfu"),
            "contact_name": _("Example: Zhang San"),
            "contact_title": _("Example: general manager"),
            "contact_phone": "13800000000",
        }
    source = Region.objects.filter(is_active=True).first()
    signed = timezone.localdate() - datetime.timedelta(days=30)
    return {
        "name": _("Example: smart equipment production base"),
        "investor": _("Example: Chongqing Smart Equipment Co., Ltd."),
        "park": park.code if park else "",
        "industry": industry.code if industry else "",
        "source": source.name if source else "",
        "stage": str(Stage.SIGNED.label),
        "agreed_investment": Decimal("50000.00"),
        "fixed_asset_investment": Decimal("30000.00"),
        "first_contact_on": signed - datetime.timedelta(days=90),
        "signed_on": signed,
        "lead_officer": officer.username if officer else "",
        "description": _("Example row: replace it with your projects."),
    }


def _code_lists(kind: str) -> list[CodeList]:
    # A drop-down of the names in the data sheet for each.
    lists = [
        CodeList(_IMPORT_HEADERS["park"], active_codes(Park), "name"),
        CodeList(_IMPORT_HEADERS["industry"], active_codes(IndustryChain), "name"),
    ]
    if kind == "projects":
        lists.append(CodeList(_IMPORT_HEADERS["source"], active_codes(Region), "name"))
        lists.append(
            CodeList(_IMPORT_HEADERS["stage"], [(stage.value, str(stage.label)) for stage in Stage], "name")
        )
    else:
        is_key = next(column for column in ENTERPRISE_COLUMNS if column.key == "is_key")
        lists.append(CodeList(is_key.msgid, [("是", _("yes")), ("否", _("no"))], "name"))
    return lists


def import_template_write(*, kind: str, stream, officer: User | None) -> None:
    """Write the import template of ``kind`` ("projects" or "enterprises") into ``stream``: the headers
    the import reads (required ones in red), one example row that passes the import's checks, and a
    second sheet listing the codes and names accepted for the reference columns."""
    columns = COLUMNS[kind]
    excel_export.import_template_write(
        stream=stream,
        title=_("Projects") if kind == "projects" else _("Enterprises"),
        columns=columns,
        example=_example_values(kind, officer=officer),
        notes={column.key: gettext_noop("Required") for column in columns if column.required},
        code_lists=_code_lists(kind),
        # Text: Excel would turn long digit strings into 1.38E+10.
        text_cells=("credit_code", "contact_phone"),
        max_width=32,
        code_widths=(14, 28),
        code_format=None,
    )
