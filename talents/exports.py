"""Excel workbooks of the talents app: the export of the filtered talent list, and the import template.

The list is written with openpyxl's write-only mode (rows streamed to a temporary file) from the
queryset in chunks, with the disciplines of each chunk loaded in one query. ID numbers and mobiles are
masked unless the user holds ``talents.view_personal_data`` and asks for them with a reason; such an
export is written to the access log before a single row is produced.
"""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from jinjin_crm.core import excel_export
from jinjin_crm.core.excel_export import (
    CHUNK,
    HEADER_FONT,
    CodeList,
    ListSheet,
    active_codes,
    exported_by,
    personal_data_export_log,
    personal_data_title,
)
from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.models import Degree, Discipline, TalentTier, User

from .filters import TalentFilter
from .importers import COLUMNS, HEADERS
from .models import Gender, Mode, Source, Talent

PERSONAL_DATA_PERMISSION = "talents.view_personal_data"


def _msgid(key: str) -> str:
    return HEADERS[key].msgid


def _list_columns(*, unmasked: bool):
    """(msgid, width, how to read the value from a talent, kind of cell) of each column; the import's
    headers where the import has the column, so an exported list reads back in."""
    id_number = (lambda t: t.id_number) if unmasked else (lambda t: mask_national_id(t.id_number))
    phone = (lambda t: t.phone) if unmasked else (lambda t: mask_phone(t.phone))
    return (
        (gettext_noop("No."), 6, None, "count"),
        (_msgid("name"), 10, lambda t: t.name, "text"),
        (_msgid("gender"), 6, lambda t: str(t.get_gender_display()), "text"),
        (_msgid("birth_year"), 8, lambda t: t.birth_year, "text"),
        (_msgid("id_number"), 21, id_number, "text"),
        (_msgid("phone"), 13, phone, "text"),
        (_msgid("email"), 24, lambda t: t.email, "text"),
        (_msgid("highest_degree"), 8, lambda t: t.highest_degree.name if t.highest_degree else "", "text"),
        (_msgid("university"), 20, lambda t: t.university, "text"),
        (_msgid("disciplines"), 24, lambda t: "、".join(d.name for d in t.disciplines.all()), "text"),
        (_msgid("research_keywords"), 24, lambda t: t.research_keywords, "text"),
        (_msgid("title"), 12, lambda t: t.title, "text"),
        (_msgid("tier"), 10, lambda t: t.tier.name if t.tier else "", "text"),
        (_msgid("employer"), 26, lambda t: t.employer, "text"),
        (gettext_noop("Park of the employer"), 12, _employer_park, "text"),
        (_msgid("location"), 12, lambda t: t.location, "text"),
        (_msgid("source"), 10, lambda t: str(t.get_source_display()), "text"),
        (_msgid("source_detail"), 20, lambda t: t.source_detail, "text"),
        (_msgid("mode"), 8, lambda t: str(t.get_mode_display()), "text"),
        (gettext_noop("Stage"), 8, lambda t: str(t.get_stage_display()), "text"),
        (_msgid("owner"), 10, lambda t: str(t.owner) if t.owner else "", "text"),
        (
            gettext_noop("Updated at"),
            17,
            lambda t: timezone.localtime(t.updated_at).replace(tzinfo=None),
            "datetime",
        ),
    )


def _employer_park(talent: Talent) -> str:
    enterprise = talent.employer_enterprise
    return enterprise.park.name if enterprise is not None else ""


def filters_describe(params) -> str:
    """The filters of ``params`` (the talent list's query parameters) in words, as ``talent_list``
    applies them: values that do not validate are left out there, so they are left out here too. A
    search term that could be an ID number or mobile is masked."""
    return excel_export.filters_describe(
        TalentFilter, params, everything=_("Filters: none (all talents)"), mask_search=True
    )


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
        personal_data_export_log(
            by=by, permission=PERSONAL_DATA_PERMISSION, reason=reason, record_count=queryset.count()
        )
    return _list_write(queryset=queryset, params=params, stream=stream, by=by, unmasked=unmasked)


def _list_write(*, queryset: QuerySet, params, stream, by: User, unmasked: bool) -> int:
    columns = _list_columns(unmasked=unmasked)
    workbook = Workbook(write_only=True)
    sheet = ListSheet(workbook, name=_("Talents"), columns=columns)
    title = _("Talent list (exported %(time)s by %(user)s)") % exported_by(by)
    sheet.heading(personal_data_title(title, unmasked=unmasked), filters_describe(params), warning=unmasked)

    # With a chunk size, each chunk's disciplines come in one query: constant in the number of talents.
    for talent in queryset.prefetch_related("disciplines").iterator(chunk_size=CHUNK):
        sheet.row(talent)
    sheet.sheet.append([sheet.cell(_("%(count)s talents") % {"count": f"{sheet.count:,}"}, font=HEADER_FONT)])
    sheet.finish()
    workbook.save(stream)
    return sheet.count


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


def _code_lists() -> list[CodeList]:
    names = "name"  # a drop-down of the names; disciplines take several values, so none there
    return [
        CodeList(_msgid("highest_degree"), active_codes(Degree), names),
        CodeList(_msgid("tier"), active_codes(TalentTier), names),
        CodeList(_msgid("disciplines"), active_codes(Discipline)),
        CodeList(_msgid("gender"), [("男", str(Gender.MALE.label)), ("女", str(Gender.FEMALE.label))], names),
        CodeList(_msgid("source"), [(value, str(label)) for value, label in Source.choices], names),
        CodeList(
            _msgid("mode"), [("全职", str(Mode.FULL_TIME.label)), ("柔性", str(Mode.FLEXIBLE.label))], names
        ),
    ]


HEADER_NOTES = {
    "name": gettext_noop("Required"),
    "id_number": gettext_noop("18 characters; keep the column formatted as text so Excel keeps every digit."),
    "phone": gettext_noop("Mainland mobile, 11 digits."),
    "disciplines": gettext_noop("Codes or names from the code sheet, separated by 、 or a comma."),
    "owner": gettext_noop("User name or name of an officer; blank: the officer who imports the file."),
}


def import_template_write(*, stream, officer: User | None) -> None:
    """Write the talent import template into ``stream``: the headers the import reads (the required
    one in red, notes on the tricky ones), one example row that passes the import's checks, and a
    second sheet listing the codes and names accepted for the coded columns."""
    excel_export.import_template_write(
        stream=stream,
        title=_("Talents"),
        columns=COLUMNS,
        example=_example_values(officer=officer),
        notes=HEADER_NOTES,
        code_lists=_code_lists(),
        text_columns=("id_number", "phone", "disciplines"),
    )
