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
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.cn import uscc

from jinjin_crm.core.excel_export import safe_row, text_cell, write_cell
from jinjin_crm.core.models import IndustryChain, Park, Region, User

from .filters import ProjectFilter
from .importers import COLUMNS, ENTERPRISE_COLUMNS, PROJECT_COLUMNS
from .models import InvestmentProject, Stage

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CHUNK = 2_000

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FONT = Font(bold=True, color="C00000")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"))
WRAP = Alignment(wrap_text=True, vertical="top")

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


# Rows above the table: the title, the filters, then the header.
HEADER_ROW = 3


def filters_describe(params) -> str:
    """The filters of ``params`` (the ledger's query parameters) in words, as ``project_list`` applies
    them: values that do not validate are left out there, so they are left out here too."""
    filterset = ProjectFilter(params, queryset=InvestmentProject.objects.none())
    if not filterset.is_bound:
        return _("Filters: none (all projects)")
    filterset.form.is_valid()
    data = filterset.form.cleaned_data
    parts = []
    for name, filter_ in filterset.filters.items():
        value = data.get(name)
        if name == "ordering" or value in (None, "", [], ()):
            continue
        if name == "stage":
            text = "、".join(str(Stage(code).label) for code in value)
        elif name == "kind":
            text = str(InvestmentProject.Kind(value).label)
        elif name == "signed_on":
            start, stop = (_day(value.start), _day(value.stop))
            if not start and not stop:
                continue
            text = _("%(start)s to %(stop)s") % {"start": start or "…", "stop": stop or "…"}
        elif isinstance(value, Decimal):
            text = f"{value:,.2f}"
        elif name == "search":
            text = f"“{value}”"
        elif hasattr(value, "__iter__") and not isinstance(value, str):
            items = [str(item) for item in value]
            if not items:
                continue
            text = "、".join(items)
        else:
            text = str(value)
        parts.append(f"{filter_.label}：{text}")
    if not parts:
        return _("Filters: none (all projects)")
    return _("Filters: %(filters)s") % {"filters": "；".join(parts)}


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.isoformat()


def _count_format() -> str:
    """A number format that shows the count with its words around it, e.g. 共 12 个项目."""
    before, _sep, after = _("%(count)s projects").partition("%(count)s")
    quoted = lambda text: f'"{text}"' if text else ""  # noqa: E731
    return f"{quoted(before)}#,##0{quoted(after)}"


def project_ledger_write(*, queryset: QuerySet, params, stream, by: User) -> dict:
    """Write the ledger of ``queryset`` (as ``project_list`` filtered it) as .xlsx into ``stream``.

    One row per project in the queryset's order, amounts and dates as real numbers and dates, and a
    totals row with the count and the sum of agreed investment of exactly the rows written. Returns
    those totals.
    """
    columns = _ledger_columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Project ledger"))
    for index, (_msgid, width, _read, _kind) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last_letter = get_column_letter(len(columns))
    # Rows above the table and the first two columns stay in view while scrolling.
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def cell(value, **style):
        return text_cell(sheet, value, **style)

    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.append(
        [
            cell(
                _("Investment project ledger (exported %(time)s by %(user)s)")
                % {"time": exported, "user": by},
                font=TITLE_FONT,
            )
        ]
    )
    sheet.append([cell(filters_describe(params))])
    sheet.merged_cells.add(f"A1:{last_letter}1")
    sheet.merged_cells.add(f"A2:{last_letter}2")
    sheet.append(
        [cell(_(msgid), font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP) for msgid, *_rest in columns]
    )

    count, total = 0, Decimal("0")
    for project in queryset.iterator(chunk_size=CHUNK):
        count += 1
        if project.agreed_investment is not None:
            total += project.agreed_investment
        row = []
        for _msgid, _width, read, kind in columns:
            if kind == "count":
                row.append(count)
            elif kind == "money":
                value = read(project)
                row.append(cell(value, number_format=MONEY_FORMAT) if value is not None else None)
            elif kind == "date":
                value = read(project)
                row.append(cell(value, number_format=DATE_FORMAT) if value is not None else None)
            elif kind == "datetime":
                row.append(cell(read(project), number_format=DATETIME_FORMAT))
            else:
                row.append(read(project))
        safe_row(sheet, row)

    totals = [None] * len(columns)
    totals[0] = cell(_("Total"), font=TOTAL_FONT, border=TOTAL_BORDER)
    totals[1] = cell(count, font=TOTAL_FONT, border=TOTAL_BORDER, number_format=_count_format())
    agreed_index = next(
        i for i, column in enumerate(columns) if column[0] == _IMPORT_HEADERS["agreed_investment"]
    )
    totals[agreed_index] = cell(total, font=TOTAL_FONT, border=TOTAL_BORDER, number_format=MONEY_FORMAT)
    sheet.append(totals)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{HEADER_ROW + count}"
    workbook.save(stream)
    return {"count": count, "agreed_investment": total}


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


def _code_lists(kind: str) -> list[tuple[str, list[tuple[str, str]]]]:
    lists = [
        (_IMPORT_HEADERS["park"], [(p.code, p.name) for p in Park.objects.filter(is_active=True)]),
        (
            _IMPORT_HEADERS["industry"],
            [(i.code, i.name) for i in IndustryChain.objects.filter(is_active=True)],
        ),
    ]
    if kind == "projects":
        lists.append(
            (_IMPORT_HEADERS["source"], [(r.code, r.name) for r in Region.objects.filter(is_active=True)])
        )
        lists.append((_IMPORT_HEADERS["stage"], [(stage.value, str(stage.label)) for stage in Stage]))
    else:
        is_key = next(column for column in ENTERPRISE_COLUMNS if column.key == "is_key")
        lists.append((is_key.msgid, [("是", _("yes")), ("否", _("no"))]))
    return lists


def import_template_write(*, kind: str, stream, officer: User | None) -> None:
    """Write the import template of ``kind`` ("projects" or "enterprises") into ``stream``: the headers
    the import reads (required ones in red), one example row that passes the import's checks, and a
    second sheet listing the codes and names accepted for the reference columns."""
    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Projects") if kind == "projects" else _("Enterprises")
    codes = workbook.create_sheet(_("Codes"))

    example = _example_values(kind, officer=officer)
    for index, column in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = REQUIRED_FONT if column.required else HEADER_FONT
        header.fill = HEADER_FILL
        header.alignment = WRAP
        if column.required:
            header.comment = Comment(_("Required"), "")
        value = example.get(column.key)
        target = write_cell(sheet, row=2, column=index, value=value)
        if isinstance(value, Decimal):
            target.number_format = MONEY_FORMAT
        elif isinstance(value, datetime.date):
            target.number_format = DATE_FORMAT
        elif column.key == "credit_code" or column.key == "contact_phone":
            target.number_format = "@"  # text: Excel would turn long digit strings into 1.38E+10
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(32, len(column.header) * 2 + 4))
    sheet.freeze_panes = "A2"

    # The code sheet: one pair of columns (code, name) per reference column, side by side.
    by_header = {column.msgid: index for index, column in enumerate(columns, start=1)}
    for offset, (msgid, entries) in enumerate(_code_lists(kind)):
        code_col = offset * 3 + 1
        codes.cell(row=1, column=code_col, value=_(msgid)).font = HEADER_FONT
        codes.cell(row=2, column=code_col, value=_("Code")).font = HEADER_FONT
        codes.cell(row=2, column=code_col + 1, value=_("Name")).font = HEADER_FONT
        for row, (code, name) in enumerate(entries, start=3):
            write_cell(codes, row=row, column=code_col, value=code)
            write_cell(codes, row=row, column=code_col + 1, value=name)
        codes.column_dimensions[get_column_letter(code_col)].width = 14
        codes.column_dimensions[get_column_letter(code_col + 1)].width = 28
        # A drop-down of the names in the data sheet; typing a code is still accepted, so no error box.
        if entries and msgid in by_header:
            letter = get_column_letter(code_col + 1)
            names = f"'{codes.title}'!${letter}$3:${letter}${len(entries) + 2}"
            validation = DataValidation(
                type="list", formula1=f"={names}", allow_blank=True, showErrorMessage=False
            )
            sheet.add_data_validation(validation)
            validation.add(
                f"{get_column_letter(by_header[msgid])}2:{get_column_letter(by_header[msgid])}1048576"
            )
    workbook.save(stream)
