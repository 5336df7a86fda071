"""The catalogue as an .xlsx laid out for print: title, version and date, then a section per park and,
inside it, per industry chain, each with its header row and its totals; landscape, fitted to the page
width, with the column headers repeated on every printed page."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from jinjin_crm.core.excel_export import safe_row

from .catalogue.selectors import catalogue_sections, entries_totals
from .models import CatalogueVersion

TITLE = "江津区人才需求目录"
TITLE_FONT = Font(bold=True, size=16)
PARK_FONT = Font(bold=True, size=13)
INDUSTRY_FONT = Font(bold=True, size=11)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
PARK_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FONT = Font(bold=True)
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center")
SALARY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
# The column headers sit in this row, under the title lines; print repeats it on every page.
HEADER_ROW = 4


def _columns():
    return (
        (_("No."), 6),
        (_("Discipline"), 22),
        (_("Minimum degree"), 10),
        (_("Positions"), 40),
        (_("Headcount"), 10),
        (_("Demands"), 8),
        (_("Salary from (10k yuan/year)"), 14),
        (_("Salary to (10k yuan/year)"), 14),
        (_("Scarcity (1-5)"), 10),
        (_("Projects and enterprises"), 44),
    )


def _source_names(entry) -> str:
    return "、".join(source["name"] for source in entry.sources)


def catalogue_workbook_write(*, version: CatalogueVersion, entries: list, stream) -> None:
    """Write ``entries`` (of ``version``, in catalogue order) as a printable workbook into ``stream``.

    Each park is a section headed by its name, each industry chain a subsection with its lines and a
    totals row (distinct demands and their headcount: a demand in two lines counts once), each park
    closes with its own totals, and the sheet with the grand total.
    """
    columns = _columns()
    width = len(columns)
    last = get_column_letter(width)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Demand catalogue")
    for index, (_label, size) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = size

    sheet.append([TITLE])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = TITLE_FONT
    sheet["A1"].alignment = CENTER
    compiled = timezone.localtime(version.compiled_at).strftime("%Y-%m-%d")
    sheet.append(
        [
            _("Version %(number)s · compiled %(date)s · exported %(today)s")
            % {"number": version.number, "date": compiled, "today": timezone.localdate().isoformat()}
        ]
    )
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"].alignment = CENTER
    sheet.append([])
    sheet.append([label for label, _size in columns])
    for cell in sheet[HEADER_ROW]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = GRID
        cell.alignment = CENTER

    def totals_row(label: str, totals: dict) -> None:
        safe_row(
            sheet,
            [
                label,
                None,
                None,
                _("%(lines)s lines") % {"lines": totals["lines"]},
                totals["headcount"],
                totals["demands"],
            ],
        )
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:C{row}")
        for cell in sheet[row]:
            cell.font = TOTAL_FONT
            cell.border = GRID
        sheet.cell(row, 5).number_format = COUNT_FORMAT
        sheet.cell(row, 6).number_format = COUNT_FORMAT

    number = 0
    for section in catalogue_sections(entries):
        safe_row(sheet, [_("Park: %(park)s") % {"park": section.park.name}])
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.cell(row, 1).font = PARK_FONT
        sheet.cell(row, 1).fill = PARK_FILL
        for industry in section.industries:
            name = industry.industry.name if industry.industry else _("No industry chain")
            safe_row(sheet, [_("Industry chain: %(industry)s") % {"industry": name}])
            row = sheet.max_row
            sheet.merge_cells(f"A{row}:{last}{row}")
            sheet.cell(row, 1).font = INDUSTRY_FONT
            for entry in industry.entries:
                number += 1
                safe_row(
                    sheet,
                    [
                        number,
                        f"{entry.discipline.code} {entry.discipline.name}",
                        entry.min_degree.name,
                        "、".join(entry.positions),
                        entry.headcount,
                        entry.demand_count,
                        entry.salary_min,
                        entry.salary_max,
                        entry.scarcity,
                        _source_names(entry),
                    ],
                )
                row = sheet.max_row
                for cell in sheet[row]:
                    cell.border = GRID
                    cell.alignment = WRAP
                sheet.cell(row, 5).number_format = COUNT_FORMAT
                sheet.cell(row, 7).number_format = SALARY_FORMAT
                sheet.cell(row, 8).number_format = SALARY_FORMAT
            totals_row(_("Subtotal: %(industry)s") % {"industry": name}, industry.totals)
        totals_row(_("Total: %(park)s") % {"park": section.park.name}, section.totals)
        sheet.append([])
    totals_row(_("Grand total"), entries_totals(entries))

    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = _("Page &P of &N")
    workbook.save(stream)
