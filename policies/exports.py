"""Excel workbooks of the policies app: the filtered application list and a fund's ledger.

Both are written with openpyxl's write-only mode (rows streamed to a temporary file) from querysets
read in chunks, each chunk in one query with everything its rows show. Money is in yuan with two
decimals, as stored, so the sums agree with the finance office's books to the fen. The application
list names talents but holds no ID number or mobile.
"""

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from jinjin_crm.core.excel_export import safe_row, text_cell
from jinjin_crm.core.models import User

from .filters import ApplicationFilter
from .models import ZERO, ApplicationState, BenefitKind, Fund, MovementKind, PolicyApplication
from .rules import format_amount
from .selectors import fund_figures, fund_movements

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CHUNK = 2_000
# Rows above the table: the title, a line of context (filters, or the fund's figures), the header.
HEADER_ROW = 3

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"))
WRAP = Alignment(wrap_text=True, vertical="top")


def _local(moment):
    """An aware time as the naive local time Excel shows, or None."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None


def _to_pay(application: PolicyApplication) -> Decimal:
    if application.state != ApplicationState.APPROVED:
        return ZERO
    return application.amount - application.disbursed


class _Sheet:
    """A write-only sheet laid out like the other ledgers: title, context line, header, rows, totals."""

    def __init__(self, workbook: Workbook, title: str, columns):
        self.columns = columns
        self.sheet = workbook.create_sheet(title)
        for index, (_msgid, width, _read, _kind) in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.last_letter = get_column_letter(len(columns))
        # The header and the first columns stay in view while scrolling; the header repeats in print.
        self.sheet.freeze_panes = f"C{HEADER_ROW + 1}"
        self.sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.count = 0

    def cell(self, value, **style):
        return text_cell(self.sheet, value, **style)

    def heading(self, title: str, context: str) -> None:
        self.sheet.append([self.cell(title, font=TITLE_FONT)])
        self.sheet.append([self.cell(context)])
        self.sheet.merged_cells.add(f"A1:{self.last_letter}1")
        self.sheet.merged_cells.add(f"A2:{self.last_letter}2")
        self.sheet.append(
            [
                self.cell(_(msgid), font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP)
                for msgid, *_rest in self.columns
            ]
        )

    def row(self, record) -> None:
        self.count += 1
        values = []
        for _msgid, _width, read, kind in self.columns:
            if kind == "count":
                values.append(self.count)
                continue
            value = read(record)
            if value in (None, ""):
                values.append(None)
            elif kind == "money":
                values.append(self.cell(value, number_format=MONEY_FORMAT))
            elif kind == "date":
                values.append(self.cell(value, number_format=DATE_FORMAT))
            elif kind == "datetime":
                values.append(self.cell(value, number_format=DATETIME_FORMAT))
            else:
                values.append(value)
        safe_row(self.sheet, values)

    def total(self, label: str, values: dict[int, Decimal | str]) -> None:
        """A totals line: ``label`` in the first column, ``values`` by column index (money or text)."""
        line = [None] * len(self.columns)
        line[0] = self.cell(label, font=TOTAL_FONT, border=TOTAL_BORDER)
        for index, value in values.items():
            style = {"number_format": MONEY_FORMAT} if isinstance(value, Decimal) else {}
            line[index] = self.cell(value, font=TOTAL_FONT, border=TOTAL_BORDER, **style)
        self.sheet.append(line)

    def finish(self) -> None:
        self.sheet.auto_filter.ref = f"A{HEADER_ROW}:{self.last_letter}{HEADER_ROW + self.count}"


def _exported_by(by: User) -> dict:
    return {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "user": by}


# --- Applications -----------------------------------------------------------------------------------

AMOUNT = gettext_noop("Amount (yuan)")
DISBURSED = gettext_noop("Disbursed (yuan)")
TO_PAY = gettext_noop("To pay (yuan)")


def _application_columns():
    """(msgid, width, how to read the value from an application, kind of cell) of each column."""
    return (
        (gettext_noop("No."), 6, None, "count"),
        (gettext_noop("Talent"), 10, lambda a: a.talent.name, "text"),
        (gettext_noop("Benefit"), 20, lambda a: a.benefit.name, "text"),
        (gettext_noop("Kind"), 10, lambda a: str(BenefitKind(a.benefit.kind).label), "text"),
        (gettext_noop("Policy"), 30, lambda a: str(a.benefit.policy), "text"),
        (gettext_noop("Fund"), 24, lambda a: str(a.fund), "text"),
        (gettext_noop("State"), 8, lambda a: str(a.get_state_display()), "text"),
        (AMOUNT, 15, lambda a: a.amount, "money"),
        (DISBURSED, 15, lambda a: a.disbursed, "money"),
        (TO_PAY, 15, _to_pay, "money"),
        (
            gettext_noop("Proposed automatically"),
            8,
            lambda a: _("yes") if a.proposed_automatically else "",
            "text",
        ),
        (gettext_noop("Owner officer"), 10, lambda a: str(a.owner) if a.owner else "", "text"),
        (gettext_noop("Created at"), 17, lambda a: _local(a.created_at), "datetime"),
        (gettext_noop("Submitted at"), 17, lambda a: _local(a.submitted_at), "datetime"),
        (gettext_noop("Decided at"), 17, lambda a: _local(a.decided_at), "datetime"),
        (gettext_noop("Updated at"), 17, lambda a: _local(a.updated_at), "datetime"),
    )


def filters_describe(params) -> str:
    """The filters of ``params`` (the application list's query parameters) in words, as
    ``application_list`` applies them: values that do not validate are left out there, so here too."""
    filterset = ApplicationFilter(params, queryset=PolicyApplication.objects.none())
    if not filterset.is_bound:
        return _("Filters: none (all applications)")
    filterset.form.is_valid()
    data = filterset.form.cleaned_data
    parts = []
    for name, filter_ in filterset.filters.items():
        value = data.get(name)
        if name == "ordering" or value in (None, "", [], ()):
            continue
        if name == "state":
            text = "、".join(str(ApplicationState(code).label) for code in value)
        elif name == "kind":
            text = "、".join(str(BenefitKind(code).label) for code in value)
        elif name == "proposed_automatically":
            text = _("yes") if value else _("no")
        elif name == "talent":
            text = str(int(value))
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
        return _("Filters: none (all applications)")
    return _("Filters: %(filters)s") % {"filters": "；".join(parts)}


def application_list_export(*, queryset: QuerySet, params, stream, by: User) -> dict:
    """Write the applications of ``queryset`` (as ``application_list`` filtered it, with ``disbursed``)
    as .xlsx into ``stream``: one row each in the queryset's order, and a totals line with the count and
    the sums of amount, disbursed and still to pay of exactly the rows written. Returns the totals."""
    columns = _application_columns()
    workbook = Workbook(write_only=True)
    sheet = _Sheet(workbook, _("Policy applications"), columns)
    sheet.heading(
        _("Policy applications (exported %(time)s by %(user)s)") % _exported_by(by), filters_describe(params)
    )
    totals = {AMOUNT: ZERO, DISBURSED: ZERO, TO_PAY: ZERO}
    for application in queryset.iterator(chunk_size=CHUNK):
        sheet.row(application)
        totals[AMOUNT] += application.amount
        totals[DISBURSED] += application.disbursed
        totals[TO_PAY] += _to_pay(application)
    index = {msgid: position for position, (msgid, *_rest) in enumerate(columns)}
    sheet.total(
        _("Total"),
        {1: _("%(count)s applications") % {"count": f"{sheet.count:,}"}}
        | {index[msgid]: value for msgid, value in totals.items()},
    )
    sheet.finish()
    workbook.save(stream)
    return {
        "count": sheet.count,
        "amount": totals[AMOUNT],
        "disbursed": totals[DISBURSED],
        "to_pay": totals[TO_PAY],
    }


# --- A fund's ledger ------------------------------------------------------------------------------

MOVEMENT_AMOUNT = gettext_noop("Amount (yuan)")


def _movement_columns():
    return (
        (gettext_noop("No."), 6, None, "count"),
        (gettext_noop("Time"), 17, lambda m: _local(m.at), "datetime"),
        (gettext_noop("Kind"), 10, lambda m: str(m.get_kind_display()), "text"),
        (MOVEMENT_AMOUNT, 16, lambda m: m.amount, "money"),
        (gettext_noop("Talent"), 10, lambda m: m.application.talent.name, "text"),
        (gettext_noop("Benefit"), 20, lambda m: m.application.benefit.name, "text"),
        (gettext_noop("By"), 10, lambda m: str(m.by) if m.by else "", "text"),
        (gettext_noop("Note"), 36, lambda m: m.note, "text"),
    )


def fund_movements_export(*, fund: Fund, stream, by: User) -> dict:
    """Write ``fund``'s ledger as .xlsx into ``stream``, newest line first as on the fund page: its
    figures above the table, one row per movement, and the sum of each kind below, from exactly the
    rows written. Returns those sums by kind."""
    columns = _movement_columns()
    workbook = Workbook(write_only=True)
    sheet = _Sheet(workbook, _("Fund ledger"), columns)
    figures = fund_figures(fund)
    sheet.heading(
        _("Ledger of %(fund)s (exported %(time)s by %(user)s)") % {"fund": fund, **_exported_by(by)},
        _(
            "Budget %(budget)s; committed %(committed)s; disbursed %(disbursed)s; remaining %(remaining)s "
            "(yuan)"
        )
        % {
            "budget": format_amount(figures.budget),
            "committed": format_amount(figures.committed),
            "disbursed": format_amount(figures.disbursed),
            "remaining": format_amount(figures.remaining),
        },
    )
    sums = dict.fromkeys(MovementKind.values, ZERO)
    for movement in fund_movements(fund).iterator(chunk_size=CHUNK):
        sheet.row(movement)
        sums[movement.kind] += movement.amount
    amount_index = next(i for i, column in enumerate(columns) if column[0] == MOVEMENT_AMOUNT)
    for kind in MovementKind:
        sheet.total(_("Total: %(kind)s") % {"kind": kind.label}, {amount_index: sums[kind]})
    sheet.finish()
    workbook.save(stream)
    return sums
