"""What the Excel workbooks of every app share: cells that keep text as text, the layout of a list
export, the filters line, the masked or unmasked export of personal data, and the import templates.

Text stays text.

openpyxl stores a string that starts with "=" as a formula and one that reads like an error code
("#N/A") as an error value. A talent named ``=HYPERLINK("http://…","点我")`` taken from a sign-in sheet
would become a live formula in an officer's export, so every export writes its cells through here:
whatever a user typed or imported reaches the file as the literal text, while numbers, dates and empty
cells keep the types openpyxl gives them.
"""

import datetime
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import FilterSet
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .masking import mask_phone
from .models import PersonalDataAccess
from .services import personal_data_access_log


def _as_text(cell: Cell) -> Cell:
    # A str is text, whatever it starts with: the exports compute totals in Python and never mean to
    # write a formula or an error value.
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def text_cell(sheet, value, **style) -> Cell:
    """A cell of ``sheet`` holding ``value``, to append in a row: a string is written as the literal
    text (never a formula or an error value), any other value as openpyxl types it; ``style`` sets the
    cell's attributes (``font``, ``fill``, ``number_format``…). For write-only and ordinary sheets."""
    item = _as_text(WriteOnlyCell(sheet, value=value))
    for name, setting in style.items():
        setattr(item, name, setting)
    return item


def safe_row(sheet, values) -> None:
    """Append ``values`` to ``sheet`` as a row, every string as the literal text; cells already made
    (``text_cell``) and other values go in as they are."""
    sheet.append([text_cell(sheet, value) if isinstance(value, str) else value for value in values])


def write_cell(sheet, *, row: int, column: int, value, **style) -> Cell:
    """Set the cell at ``row``, ``column`` of an ordinary (not write-only) ``sheet`` to ``value``, a
    string as the literal text, with ``style`` as in ``text_cell``; returns the cell."""
    item = _as_text(sheet.cell(row=row, column=column, value=value))
    for name, setting in style.items():
        setattr(item, name, setting)
    return item


# --- What every workbook shares -----------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An export is built in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
# Rows read from the database at a time: one chunk in memory, not the whole list.
CHUNK = 2_000
# Rows above a list's table: the title, a line of context (the filters, or a fund's figures), the header.
HEADER_ROW = 3

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
FORMATS = {"money": MONEY_FORMAT, "count": COUNT_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT}

TITLE_FONT = Font(bold=True, size=14)
WARNING_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FONT = Font(bold=True, color="C00000")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"))
WRAP = Alignment(wrap_text=True, vertical="top")


def exported_by(by) -> dict:
    """The ``time`` and ``user`` of a title's "(exported %(time)s by %(user)s)": now, local, to the minute."""
    return {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "user": by}


def personal_data_title(title: str, *, unmasked: bool) -> str:
    """``title``, and for a file with ID numbers and mobiles in the clear a warning after it."""
    if not unmasked:
        return title
    warning = _("— contains ID numbers and mobiles in the clear; keep it safe, delete it after use")
    return f"{title} {warning}"


def export_stream():
    """A file to write an export into: in memory up to ``SPOOL_BYTES``, then on disk. ``xlsx_response``
    hands it to ``FileResponse``, which closes it once it is sent."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)


def xlsx_response(stream, filename: str, *, private: bool = True) -> FileResponse:
    """``stream`` from its start as the download ``filename``; ``private``: not kept by browsers or
    proxies (every export that names people, masked or not)."""
    stream.seek(0)
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)
    if private:
        response["Cache-Control"] = "no-store"
    return response


# --- Lists --------------------------------------------------------------------------------------


class ListSheet:
    """A write-only sheet laid out as every list export is: title, a line of context, the header (all
    three kept in view and the header repeated in print), rows, totals.

    ``columns`` are tuples ``(msgid, width, read, kind…)``: ``read(record)`` gives the value, None for
    the running number; ``kind`` (money, count, date, datetime, text) how ``row`` formats it."""

    def __init__(self, workbook: Workbook, *, name: str, columns):
        self.sheet = workbook.create_sheet(name)
        self.columns = columns
        for index, (_msgid, width, *_rest) in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.last_letter = get_column_letter(len(columns))
        # Rows above the table and the first two columns stay in view while scrolling.
        self.sheet.freeze_panes = f"C{HEADER_ROW + 1}"
        self.sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.count = 0

    def cell(self, value, **style) -> Cell:
        return text_cell(self.sheet, value, **style)

    def heading(self, title: str, context: str, *, warning: bool = False) -> None:
        """The title (in red for a file with personal data in the clear), the context line, the header."""
        self.sheet.append([self.cell(title, font=WARNING_FONT if warning else TITLE_FONT)])
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
        """The next row: the running number, blanks left empty, other values formatted by kind."""
        self.count += 1
        values = []
        for _msgid, _width, read, kind, *_rest in self.columns:
            if read is None:
                values.append(self.count)
                continue
            value = read(record)
            if value in ("", None):
                values.append(None)
            elif kind in FORMATS:
                values.append(self.cell(value, number_format=FORMATS[kind]))
            else:
                values.append(value)
        safe_row(self.sheet, values)

    def totals(self, sums: dict[int, object], *, count_label: str) -> None:
        """A totals row: "Total", the number of rows with its words (``count_label``, with
        ``%(count)s``) as a number, and ``sums`` by column index; then the filter over the rows."""
        values = [None] * len(self.columns)
        values[0] = self.cell(_("Total"), font=TOTAL_FONT, border=TOTAL_BORDER)
        values[1] = self.cell(
            self.count, font=TOTAL_FONT, border=TOTAL_BORDER, number_format=count_format(count_label)
        )
        for index, value in sums.items():
            kind = self.columns[index][3]
            values[index] = self.cell(
                value,
                font=TOTAL_FONT,
                border=TOTAL_BORDER,
                number_format=MONEY_FORMAT if kind == "money" else COUNT_FORMAT,
            )
        self.sheet.append(values)
        self.finish()

    def finish(self) -> None:
        """The filter buttons over the header and the rows written."""
        self.sheet.auto_filter.ref = f"A{HEADER_ROW}:{self.last_letter}{HEADER_ROW + self.count}"


def count_format(label: str) -> str:
    """A number format showing a count with the words of ``label`` around it (共 12 个项目), so the
    cell stays a number for Excel's sums."""
    before, _sep, after = label.partition("%(count)s")
    quoted = lambda text: f'"{text}"' if text else ""  # noqa: E731
    return f"{quoted(before)}#,##0{quoted(after)}"


# A search term that could be a whole ID number or mobile is masked in the filters line.
LONG_NUMBER = re.compile(r"\d{7,}[\dXx]*")


def filters_describe(
    filterset_class: type[FilterSet], params, *, everything: str, mask_search: bool = False, describe=None
) -> str:
    """The filters of ``params`` in words, as the list applies them: values that do not validate are
    left out there, so they are left out here; ``everything`` when none is left.

    Choices are named by their labels, date ranges as "start to stop", several values joined by 、.
    ``describe(name, value)`` may word a filter its own way (None: the rule above); ``mask_search``
    masks a search term that could be an ID number or mobile."""
    filterset = filterset_class(params, queryset=filterset_class._meta.model.objects.none())
    if not filterset.is_bound:
        return everything
    filterset.form.is_valid()
    data = filterset.form.cleaned_data
    parts = []
    for name, filter_ in filterset.filters.items():
        value = data.get(name)
        if name == "ordering" or value in (None, "", [], ()):
            continue
        text = describe(name, value) if describe is not None else None
        if text is None:
            text = _filter_text(name, value, filterset.form.fields[name], mask_search=mask_search)
        if text is None:
            continue
        parts.append(f"{filter_.label}：{text}")
    if not parts:
        return everything
    return _("Filters: %(filters)s") % {"filters": "；".join(parts)}


def _filter_text(name: str, value, field, *, mask_search: bool) -> str | None:
    """One filter's value in words; None for one that says nothing (an empty range or list)."""
    if name == "search":
        if mask_search:
            value = LONG_NUMBER.sub(lambda match: mask_phone(match.group()), value)
        return f"“{value}”"
    if isinstance(value, slice):
        start, stop = _day(value.start), _day(value.stop)
        if not start and not stop:
            return None
        return _("%(start)s to %(stop)s") % {"start": start or "…", "stop": stop or "…"}
    if isinstance(value, str):
        labels = dict(getattr(field, "choices", ()) or ())
        return str(labels.get(value, value))
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        labels = dict(getattr(field, "choices", ()) or ())
        return "、".join(str(labels.get(item, item)) for item in value)
    if hasattr(value, "__iter__"):
        items = [str(item) for item in value]
        return "、".join(items) if items else None
    return str(value)


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.isoformat()


# --- Personal data ------------------------------------------------------------------------------


def personal_data_export_log(*, by, permission: str, reason: str, record_count: int) -> None:
    """Before an export with ID numbers and mobiles in the clear: ``PermissionDenied`` unless ``by``
    holds ``permission``; otherwise the export is written to the access log (``ValidationError`` keyed
    ``reason`` without a reason), so an export that fails afterwards is logged anyway, never the
    reverse."""
    if not by.has_perm(permission):
        raise PermissionDenied(_("You may not export personal data in the clear."))
    personal_data_access_log(
        user=by,
        kind=PersonalDataAccess.Kind.EXPORT,
        fields=["id_number", "phone"],
        reason=reason,
        record_count=record_count,
    )


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need ID numbers and mobiles in the clear?"),
        max_length=200,
        help_text=gettext_lazy("Recorded in the personal data access log with the number of records."),
    )


def personal_data_export(request, *, permission: str, write, name: str, template: str, context: dict):
    """The response of an export that is masked unless ``unmasked=1`` asks for ID numbers and mobiles
    in the clear: 403 without ``permission``; with it, a reason is required (the page ``template``,
    with ``context`` and the form, asks for it) and ``write(stream=, unmasked=, reason=)`` logs the
    export before it writes the file ``name``-date.xlsx (marked as holding personal data)."""
    unmasked = request.GET.get("unmasked") == "1"
    if unmasked and not request.user.has_perm(permission):
        raise PermissionDenied

    def reason_page(form, status: int):
        # The form posts back to the same URL, so the filters of the list stay as they were.
        return render(request, template, {"form": form, **context}, status=status)

    # The reason comes in a POST only: a link must not be able to make an export in someone's name.
    reason = (request.POST.get("reason") or "").strip() if request.method == "POST" else ""
    if unmasked and not reason:
        if request.method == "POST":
            return reason_page(ExportReasonForm(request.POST), status=400)
        return reason_page(ExportReasonForm(), status=200)
    stream = export_stream()
    try:
        write(stream=stream, unmasked=unmasked, reason=reason)
    except ValidationError as exc:  # a reason the log refuses
        stream.close()
        form = ExportReasonForm(request.POST or request.GET)
        form.is_valid()
        for message in exc.messages:
            form.add_error("reason", message)
        return reason_page(form, status=400)
    if unmasked:
        name = _("%(name)s (personal data)") % {"name": name}
    return xlsx_response(stream, f"{name}-{timezone.localdate():%Y%m%d}.xlsx")


# --- Import templates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeList:
    """The codes and names accepted in the column headed ``msgid``, listed on the template's code
    sheet; ``drop_down`` ("code" or "name") offers the words of that column in the data sheet."""

    msgid: str
    entries: list[tuple[str, str]]
    drop_down: str | None = None


def active_codes(model) -> list[tuple[str, str]]:
    """(code, name) of the active entries of a reference ``model`` (parks, degrees…), for a code list."""
    return [(item.code, item.name) for item in model.objects.filter(is_active=True)]


def import_template_write(
    *,
    stream,
    title: str,
    columns,
    example: dict,
    notes: dict[str, str],
    code_lists: list[CodeList],
    text_columns: tuple[str, ...] = (),
    text_cells: tuple[str, ...] = (),
    max_width: int = 30,
    code_widths: tuple[int, int] = (12, 24),
    code_format: str | None = TEXT_FORMAT,
) -> None:
    """Write an import template into ``stream``: a sheet ``title`` with the headers of ``columns``
    (the import's own, required ones in red, ``notes`` by key as comments) and the ``example`` row by
    key, then a "Codes" sheet with each of ``code_lists`` as a pair of columns (code, name) side by side,
    the codes in ``code_format``.

    The example cells of ``text_columns`` are text, and so is the whole column (Excel would turn an ID
    number into 5.00116E+17 and lose its last digits); those of ``text_cells`` only the cell; a
    Decimal is money and a date a date."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    codes = workbook.create_sheet(_("Codes"))

    for index, column in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = REQUIRED_FONT if column.required else HEADER_FONT
        header.fill = HEADER_FILL
        header.alignment = WRAP
        if column.key in notes:
            header.comment = Comment(_(notes[column.key]), "")
        letter = get_column_letter(index)
        value = example.get(column.key)
        target = write_cell(sheet, row=2, column=index, value=value)
        if isinstance(value, Decimal):
            target.number_format = MONEY_FORMAT
        elif isinstance(value, datetime.date):
            target.number_format = DATE_FORMAT
        elif column.key in text_columns:
            target.number_format = TEXT_FORMAT
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        elif column.key in text_cells:
            target.number_format = TEXT_FORMAT
        sheet.column_dimensions[letter].width = max(12, min(max_width, len(column.header) * 2 + 4))
    sheet.freeze_panes = "A2"

    by_msgid = {column.msgid: index for index, column in enumerate(columns, start=1)}
    code_style = {"number_format": code_format} if code_format else {}
    for offset, code_list in enumerate(code_lists):
        code_col = offset * 3 + 1
        codes.cell(row=1, column=code_col, value=_(code_list.msgid)).font = HEADER_FONT
        codes.cell(row=2, column=code_col, value=_("Code")).font = HEADER_FONT
        codes.cell(row=2, column=code_col + 1, value=_("Name")).font = HEADER_FONT
        for row, (code, name) in enumerate(code_list.entries, start=3):
            write_cell(codes, row=row, column=code_col, value=code, **code_style)
            write_cell(codes, row=row, column=code_col + 1, value=name)
        codes.column_dimensions[get_column_letter(code_col)].width = code_widths[0]
        codes.column_dimensions[get_column_letter(code_col + 1)].width = code_widths[1]
        if code_list.entries and code_list.drop_down and code_list.msgid in by_msgid:
            letter = get_column_letter(code_col + (1 if code_list.drop_down == "name" else 0))
            names = f"'{codes.title}'!${letter}$3:${letter}${len(code_list.entries) + 2}"
            # Typing a code or another spelling is still accepted, so no error box.
            validation = DataValidation(
                type="list", formula1=f"={names}", allow_blank=True, showErrorMessage=False
            )
            sheet.add_data_validation(validation)
            target = get_column_letter(by_msgid[code_list.msgid])
            validation.add(f"{target}2:{target}1048576")
    workbook.save(stream)
