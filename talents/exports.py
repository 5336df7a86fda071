"""Excel workbooks of the talents app: the export of the filtered talent list, and the import template.

The list is written with openpyxl's write-only mode (rows streamed to a temporary file) from the
queryset in chunks, with the disciplines of each chunk loaded in one query. ID numbers and mobiles are
masked unless the user holds ``talents.view_personal_data`` and asks for them with a reason; such an
export is written to the access log before a single row is produced.
"""

import re

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jinjin_crm.core.excel_export import safe_row, text_cell, write_cell
from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.models import Degree, Discipline, PersonalDataAccess, TalentTier, User
from jinjin_crm.core.services import personal_data_access_log

from .filters import TalentFilter
from .importers import COLUMNS, HEADERS
from .models import Gender, Mode, Source, Stage, Talent

PERSONAL_DATA_PERMISSION = "talents.view_personal_data"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
CHUNK = 2_000
# Rows above the table: the title, the filters, then the header.
HEADER_ROW = 3

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FONT = Font(bold=True, color="C00000")
WARNING_FONT = Font(bold=True, color="C00000")
WRAP = Alignment(wrap_text=True, vertical="top")

# A search term that could be a whole ID number or mobile is masked in the filters line too.
LONG_NUMBER = re.compile(r"\d{7,}[\dXx]*")


def _msgid(key: str) -> str:
    return HEADERS[key].msgid


def _list_columns(*, unmasked: bool):
    """(msgid, width, how to read the value from a talent) of each column; the import's headers where
    the import has the column, so an exported list reads back in."""
    id_number = (lambda t: t.id_number) if unmasked else (lambda t: mask_national_id(t.id_number))
    phone = (lambda t: t.phone) if unmasked else (lambda t: mask_phone(t.phone))
    return (
        (gettext_noop("No."), 6, None),
        (_msgid("name"), 10, lambda t: t.name),
        (_msgid("gender"), 6, lambda t: str(t.get_gender_display())),
        (_msgid("birth_year"), 8, lambda t: t.birth_year),
        (_msgid("id_number"), 21, id_number),
        (_msgid("phone"), 13, phone),
        (_msgid("email"), 24, lambda t: t.email),
        (_msgid("highest_degree"), 8, lambda t: t.highest_degree.name if t.highest_degree else ""),
        (_msgid("university"), 20, lambda t: t.university),
        (_msgid("disciplines"), 24, lambda t: "、".join(d.name for d in t.disciplines.all())),
        (_msgid("research_keywords"), 24, lambda t: t.research_keywords),
        (_msgid("title"), 12, lambda t: t.title),
        (_msgid("tier"), 10, lambda t: t.tier.name if t.tier else ""),
        (_msgid("employer"), 26, lambda t: t.employer),
        (gettext_noop("Park of the employer"), 12, _employer_park),
        (_msgid("location"), 12, lambda t: t.location),
        (_msgid("source"), 10, lambda t: str(t.get_source_display())),
        (_msgid("source_detail"), 20, lambda t: t.source_detail),
        (_msgid("mode"), 8, lambda t: str(t.get_mode_display())),
        (gettext_noop("Stage"), 8, lambda t: str(t.get_stage_display())),
        (_msgid("owner"), 10, lambda t: str(t.owner) if t.owner else ""),
        (
            gettext_noop("Updated at"),
            17,
            lambda t: timezone.localtime(t.updated_at).replace(tzinfo=None),
        ),
    )


def _employer_park(talent: Talent) -> str:
    enterprise = talent.employer_enterprise
    return enterprise.park.name if enterprise is not None else ""


def filters_describe(params) -> str:
    """The filters of ``params`` (the talent list's query parameters) in words, as ``talent_list``
    applies them: values that do not validate are left out there, so they are left out here too. A
    search term that could be an ID number or mobile is masked."""
    filterset = TalentFilter(params, queryset=Talent.objects.none())
    if not filterset.is_bound:
        return _("Filters: none (all talents)")
    filterset.form.is_valid()
    data = filterset.form.cleaned_data
    parts = []
    for name, filter_ in filterset.filters.items():
        value = data.get(name)
        if name == "ordering" or value in (None, "", [], ()):
            continue
        if name == "stage":
            text = "、".join(str(Stage(code).label) for code in value)
        elif name == "source":
            text = str(Source(value).label)
        elif name == "mode":
            text = str(Mode(value).label)
        elif name == "search":
            text = f"“{LONG_NUMBER.sub(lambda match: mask_phone(match.group()), value)}”"
        elif hasattr(value, "__iter__") and not isinstance(value, str):
            items = [str(item) for item in value]
            if not items:
                continue
            text = "、".join(items)
        else:
            text = str(value)
        parts.append(f"{filter_.label}：{text}")
    if not parts:
        return _("Filters: none (all talents)")
    return _("Filters: %(filters)s") % {"filters": "；".join(parts)}


def talent_list_export(
    *, queryset: QuerySet, params, stream, by: User, unmasked: bool = False, reason: str = ""
) -> int:
    """Write the talents of ``queryset`` (as ``talent_list`` filtered it) as .xlsx into ``stream``;
    returns how many.

    Masked ID numbers and mobiles unless ``unmasked``, which needs ``talents.view_personal_data``
    (``PermissionDenied`` otherwise) and a reason (``ValidationError`` keyed ``reason`` otherwise), and
    is logged (kind export, with the number of records) before the workbook is begun: an export that
    fails afterwards is logged anyway, never the reverse.
    """
    if unmasked:
        if not by.has_perm(PERSONAL_DATA_PERMISSION):
            raise PermissionDenied(_("You may not export personal data in the clear."))
        personal_data_access_log(
            user=by,
            kind=PersonalDataAccess.Kind.EXPORT,
            fields=["id_number", "phone"],
            reason=reason,
            record_count=queryset.count(),
        )
    return _list_write(queryset=queryset, params=params, stream=stream, by=by, unmasked=unmasked)


def _list_write(*, queryset: QuerySet, params, stream, by: User, unmasked: bool) -> int:
    columns = _list_columns(unmasked=unmasked)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Talents"))
    for index, (_label, width, _read) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last_letter = get_column_letter(len(columns))
    # Rows above the table and the name column stay in view while scrolling.
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def cell(value, **style):
        return text_cell(sheet, value, **style)

    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    title = _("Talent list (exported %(time)s by %(user)s)") % {"time": exported, "user": by}
    if unmasked:
        title += " " + _("— contains ID numbers and mobiles in the clear; keep it safe, delete it after use")
    sheet.append([cell(title, font=WARNING_FONT if unmasked else TITLE_FONT)])
    sheet.append([cell(filters_describe(params))])
    sheet.merged_cells.add(f"A1:{last_letter}1")
    sheet.merged_cells.add(f"A2:{last_letter}2")
    sheet.append(
        [cell(_(msgid), font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP) for msgid, *_r in columns]
    )

    count = 0
    # With a chunk size, each chunk's disciplines come in one query: constant in the number of talents.
    for talent in queryset.prefetch_related("disciplines").iterator(chunk_size=CHUNK):
        count += 1
        row = []
        for msgid, _width, read in columns:
            if read is None:
                row.append(count)
            elif msgid == "Updated at":
                row.append(cell(read(talent), number_format=DATETIME_FORMAT))
            else:
                value = read(talent)
                row.append(value if value not in ("", None) else None)
        safe_row(sheet, row)
    sheet.append([cell(_("%(count)s talents") % {"count": f"{count:,}"}, font=HEADER_FONT)])
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{HEADER_ROW + count}"
    workbook.save(stream)
    return count


# --- Import template ----------------------------------------------------------------------------


def _example_values(*, officer: User | None) -> dict:
    degree = Degree.objects.filter(is_active=True, code="DOCTOR").first()
    tier = TalentTier.objects.filter(is_active=True).order_by("-rank").first()
    disciplines = list(Discipline.objects.filter(is_active=True, code__in=["0812", "0835"]))
    # No ID number or mobile in the example: a made-up one could be a real person's.
    return {
        "name": _("Example: Zhang San"),
        "gender": "男",
        "birth_year": 1990,
        "email": "zhangsan@example.com",
        "highest_degree": degree.name if degree else "",
        "university": _("Example: Chongqing University"),
        "disciplines": "、".join(d.code for d in disciplines),
        "research_keywords": _("Example: machine vision, intelligent manufacturing"),
        "title": _("Example: associate professor"),
        "tier": tier.code if tier else "",
        "employer": _("Example: Chongqing Smart Equipment Co., Ltd."),
        "location": _("Example: Chengdu"),
        "source": str(Source.CAMPAIGN.label),
        "source_detail": _("Example: Nankai University recruiting visit"),
        "mode": str(Mode.FULL_TIME.label),
        "owner": officer.username if officer else "",
    }


def _code_lists() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (_msgid("highest_degree"), [(d.code, d.name) for d in Degree.objects.filter(is_active=True)]),
        (_msgid("tier"), [(t.code, t.name) for t in TalentTier.objects.filter(is_active=True)]),
        (_msgid("disciplines"), [(d.code, d.name) for d in Discipline.objects.filter(is_active=True)]),
        (_msgid("gender"), [("男", str(Gender.MALE.label)), ("女", str(Gender.FEMALE.label))]),
        (_msgid("source"), [(value, str(label)) for value, label in Source.choices]),
        (_msgid("mode"), [("全职", str(Mode.FULL_TIME.label)), ("柔性", str(Mode.FLEXIBLE.label))]),
    ]


HEADER_NOTES = {
    "name": gettext_noop("Required"),
    "id_number": gettext_noop("18 characters; keep the column formatted as text so Excel keeps every digit."),
    "phone": gettext_noop("Mainland mobile, 11 digits."),
    "disciplines": gettext_noop("Codes or names from the code sheet, separated by 、 or a comma."),
    "owner": gettext_noop("User name or name of an officer; blank: the officer who imports the file."),
}
# A drop-down of names is offered for these columns; disciplines take several values, so none there.
DROP_DOWNS = ("highest_degree", "tier", "gender", "source", "mode")


def import_template_write(*, stream, officer: User | None) -> None:
    """Write the talent import template into ``stream``: the headers the import reads (the required
    one in red, notes on the tricky ones), one example row that passes the import's checks, and a
    second sheet listing the codes and names accepted for the coded columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Talents")
    codes = workbook.create_sheet(_("Codes"))

    example = _example_values(officer=officer)
    for index, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = REQUIRED_FONT if column.required else HEADER_FONT
        header.fill = HEADER_FILL
        header.alignment = WRAP
        if column.key in HEADER_NOTES:
            header.comment = Comment(_(HEADER_NOTES[column.key]), "")
        letter = get_column_letter(index)
        target = write_cell(sheet, row=2, column=index, value=example.get(column.key))
        if column.key in ("id_number", "phone", "disciplines"):
            # Text, or Excel turns an ID number into 5.00116E+17 and loses its last digits.
            target.number_format = TEXT_FORMAT
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        sheet.column_dimensions[letter].width = max(12, min(30, len(column.header) * 2 + 4))
    sheet.freeze_panes = "A2"

    by_msgid = {column.msgid: index for index, column in enumerate(COLUMNS, start=1)}
    drop_downs = {HEADERS[key].msgid for key in DROP_DOWNS}
    for offset, (msgid, entries) in enumerate(_code_lists()):
        code_col = offset * 3 + 1
        codes.cell(row=1, column=code_col, value=_(msgid)).font = HEADER_FONT
        codes.cell(row=2, column=code_col, value=_("Code")).font = HEADER_FONT
        codes.cell(row=2, column=code_col + 1, value=_("Name")).font = HEADER_FONT
        for row, (code, name) in enumerate(entries, start=3):
            write_cell(codes, row=row, column=code_col, value=code, number_format=TEXT_FORMAT)
            write_cell(codes, row=row, column=code_col + 1, value=name)
        codes.column_dimensions[get_column_letter(code_col)].width = 12
        codes.column_dimensions[get_column_letter(code_col + 1)].width = 24
        if entries and msgid in drop_downs:
            letter = get_column_letter(code_col + 1)
            names = f"'{codes.title}'!${letter}$3:${letter}${len(entries) + 2}"
            # Typing a code or another spelling is still accepted, so no error box.
            validation = DataValidation(
                type="list", formula1=f"={names}", allow_blank=True, showErrorMessage=False
            )
            sheet.add_data_validation(validation)
            target = get_column_letter(by_msgid[msgid])
            validation.add(f"{target}2:{target}1048576")
    workbook.save(stream)
