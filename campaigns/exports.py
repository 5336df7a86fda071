"""Excel workbooks of the campaigns app: the campaign list with its funnel, a campaign's contacts, the
placements list, and the sign-in sheet template.

Each list is the queryset the pages show (the same selector and FilterSet, from the same query
parameters), written with openpyxl's write-only mode, with a line saying which filters made it and a
totals row where sums mean something. The contacts hold personal data: ID numbers and mobiles are
masked unless the user holds ``talents.view_personal_data`` and asks for them with a reason, and such
an export is written to the access log before a single row is produced, as the talents export does.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_filters import FilterSet
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jinjin_crm.core.excel_export import safe_row, text_cell, write_cell
from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.models import Degree, Discipline, PersonalDataAccess, User
from jinjin_crm.core.services import personal_data_access_log
from talents.exports import LONG_NUMBER, PERSONAL_DATA_PERMISSION
from talents.models import Gender

from .filters import CampaignFilter, ContactFilter, PlacementFilter
from .importers import COLUMNS, HEADERS
from .models import Campaign, Contact, Kind, Outcome, OutcomeKind, Placement, TermStatus, season_label
from .selectors import trip_yields

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
CHUNK = 2_000
# Rows above the table: the title, the filters, then the header.
HEADER_ROW = 3

TITLE_FONT = Font(bold=True, size=14)
WARNING_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FONT = Font(bold=True, color="C00000")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"))
WRAP = Alignment(wrap_text=True, vertical="top")


# --- Shared by the lists ------------------------------------------------------------------------


def filters_describe(filterset_class: type[FilterSet], params, *, everything: str) -> str:
    """The filters of ``params`` in words, as the list applies them: values that do not validate are
    left out there, so they are left out here. A search term that could be a mobile is masked."""
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
        field = filterset.form.fields[name]
        if name == "search":
            text = f"“{LONG_NUMBER.sub(lambda match: mask_phone(match.group()), value)}”"
        elif isinstance(value, slice):
            start, stop = _day(value.start), _day(value.stop)
            if not start and not stop:
                continue
            text = _("%(start)s to %(stop)s") % {"start": start or "…", "stop": stop or "…"}
        elif isinstance(value, str):
            labels = dict(getattr(field, "choices", ()) or ())
            text = str(labels.get(value, value))
        elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            labels = dict(getattr(field, "choices", ()) or ())
            text = "、".join(str(labels.get(item, item)) for item in value)
        elif hasattr(value, "__iter__"):
            items = [str(item) for item in value]
            if not items:
                continue
            text = "、".join(items)
        else:
            text = str(value)
        parts.append(f"{filter_.label}：{text}")
    if not parts:
        return everything
    return _("Filters: %(filters)s") % {"filters": "；".join(parts)}


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.isoformat()


class _Sheet:
    """A write-only sheet laid out as every list export is: title, filters line, header, rows."""

    def __init__(self, workbook: Workbook, *, name: str, columns, title: str, filters: str, warning=False):
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
        self.sheet.append([self.cell(title, font=WARNING_FONT if warning else TITLE_FONT)])
        self.sheet.append([self.cell(filters)])
        self.sheet.merged_cells.add(f"A1:{self.last_letter}1")
        self.sheet.merged_cells.add(f"A2:{self.last_letter}2")
        self.sheet.append(
            [
                self.cell(_(msgid), font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP)
                for msgid, *_r in columns
            ]
        )
        self.count = 0

    def cell(self, value, **style):
        return text_cell(self.sheet, value, **style)

    def typed(self, value, kind: str):
        if value in ("", None):
            return None
        if kind == "money":
            return self.cell(value, number_format=MONEY_FORMAT)
        if kind == "count":
            return self.cell(value, number_format=COUNT_FORMAT)
        if kind == "date":
            return self.cell(value, number_format=DATE_FORMAT)
        return value

    def row(self, record) -> None:
        self.count += 1
        values = []
        for _msgid, _width, read, kind in self.columns:
            values.append(self.count if read is None else self.typed(read(record), kind))
        safe_row(self.sheet, values)

    def totals(self, sums: dict[int, object], *, count_label: str) -> None:
        """A totals row: the label, the number of rows (with its words) and ``sums`` by column index."""
        before, _sep, after = count_label.partition("%(count)s")
        quoted = lambda text: f'"{text}"' if text else ""  # noqa: E731
        values = [None] * len(self.columns)
        values[0] = self.cell(_("Total"), font=TOTAL_FONT, border=TOTAL_BORDER)
        values[1] = self.cell(
            self.count,
            font=TOTAL_FONT,
            border=TOTAL_BORDER,
            number_format=f"{quoted(before)}#,##0{quoted(after)}",
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
        self.sheet.auto_filter.ref = f"A{HEADER_ROW}:{self.last_letter}{HEADER_ROW + self.count}"


def _title(text: str, by: User, **values) -> str:
    return text % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "user": by, **values}


def _attr(name: str):
    return lambda record: getattr(record, name)


def _sums(columns, values: dict[str, object]) -> dict[int, object]:
    """``values`` by column msgid, as the column indexes ``_Sheet.totals`` takes."""
    index = {column[0]: position for position, column in enumerate(columns)}
    return {index[msgid]: value for msgid, value in values.items()}


# --- Campaigns ----------------------------------------------------------------------------------

FUNNEL_COLUMNS = (
    ("consulted", gettext_noop("Consultations")),
    ("intents", gettext_noop("Intents")),
    ("masters", gettext_noop("Master's or above among intents")),
    ("signed", gettext_noop("Signed")),
    ("onboarded", gettext_noop("Onboarded")),
)
YIELD_COLUMNS = (
    ("projects", gettext_noop("Projects met (promotion trips)"), "count"),
    ("signed", gettext_noop("Projects signed"), "count"),
    ("agreed_investment", gettext_noop("Agreed investment of signed projects (10k yuan)"), "money"),
)


def _verbose(model, name: str) -> str:
    # The model's field label is already a msgid of the catalogue.
    return str(model._meta.get_field(name).verbose_name)


def _campaign_columns(yields: dict):
    def trip(name):
        return lambda campaign: getattr(yields[campaign.pk], name) if campaign.pk in yields else None

    return (
        (gettext_noop("No."), 6, None, "count"),
        (_verbose(Campaign, "title"), 32, lambda c: c.title, "text"),
        (_verbose(Campaign, "kind"), 14, lambda c: str(c.get_kind_display()), "text"),
        (_verbose(Campaign, "season"), 10, lambda c: season_label(c.season), "text"),
        (_verbose(Campaign, "starts_on"), 12, lambda c: c.starts_on, "date"),
        (_verbose(Campaign, "ends_on"), 12, lambda c: c.ends_on, "date"),
        (_verbose(Campaign, "place"), 16, lambda c: c.place, "text"),
        (_verbose(Campaign, "university"), 18, lambda c: c.university.name if c.university else "", "text"),
        (_verbose(Campaign, "leader"), 10, lambda c: c.leader, "text"),
        (_verbose(Campaign, "lead_officer"), 10, lambda c: str(c.lead_officer), "text"),
        *((msgid, 10, _attr(name), "count") for name, msgid in FUNNEL_COLUMNS),
        (_verbose(Campaign, "target_consultations"), 10, lambda c: c.target_consultations, "count"),
        (_verbose(Campaign, "target_intents"), 10, lambda c: c.target_intents, "count"),
        (_verbose(Campaign, "target_masters"), 10, lambda c: c.target_masters, "count"),
        (_verbose(Campaign, "target_signed"), 10, lambda c: c.target_signed, "count"),
        *((msgid, 12 if kind == "count" else 18, trip(name), kind) for name, msgid, kind in YIELD_COLUMNS),
    )


def campaign_list_write(*, queryset: QuerySet, params, stream, by: User) -> dict:
    """Write the campaigns of ``queryset`` (as ``campaign_list`` filtered and annotated them) as .xlsx
    into ``stream``: one row per campaign with its funnel counted from the contacts, its targets, and
    for promotion trips the projects met, signed and the investment agreed; a totals row sums the
    funnel and the yield of exactly the rows written, and is returned."""
    # A district holds hundreds of campaigns, not millions: the list is read once, and the trips'
    # yields come in one query for all of them.
    campaigns = list(queryset)
    yields = trip_yields(campaign.pk for campaign in campaigns if campaign.kind == Kind.PROMOTION_TRIP)
    columns = _campaign_columns(yields)
    workbook = Workbook(write_only=True)
    sheet = _Sheet(
        workbook,
        name=_("Campaigns"),
        columns=columns,
        title=_title(_("Campaigns (exported %(time)s by %(user)s)"), by),
        filters=filters_describe(CampaignFilter, params, everything=_("Filters: none (all campaigns)")),
    )
    totals = {name: 0 for name, _msgid in FUNNEL_COLUMNS}
    trip_totals = {"projects": 0, "signed": 0, "agreed_investment": Decimal("0")}
    for campaign in campaigns:
        sheet.row(campaign)
        for name in totals:
            totals[name] += getattr(campaign, name)
        if campaign.pk in yields:
            for name in trip_totals:
                trip_totals[name] += getattr(yields[campaign.pk], name)
    sums = {msgid: totals[name] for name, msgid in FUNNEL_COLUMNS}
    sums.update({msgid: trip_totals[name] for name, msgid, _kind in YIELD_COLUMNS})
    sheet.totals(_sums(columns, sums), count_label=_("%(count)s campaigns"))
    workbook.save(stream)
    return {"count": sheet.count, **totals, "trips": trip_totals}


# --- A campaign's contacts ----------------------------------------------------------------------


def _msgid(key: str) -> str:
    return HEADERS[key].msgid


def _contact_columns(*, unmasked: bool):
    """The sign-in sheet's own headers where it has the column, so an export reads back in."""
    id_number = (
        (lambda c: c.talent.id_number) if unmasked else (lambda c: mask_national_id(c.talent.id_number))
    )
    phone = (lambda c: c.talent.phone) if unmasked else (lambda c: mask_phone(c.talent.phone))
    return (
        (gettext_noop("No."), 6, None, "count"),
        (_msgid("name"), 10, lambda c: c.talent.name, "text"),
        (_msgid("gender"), 6, lambda c: str(c.talent.get_gender_display()), "text"),
        (_msgid("birth_year"), 8, lambda c: c.talent.birth_year, "text"),
        (_msgid("id_number"), 21, id_number, "text"),
        (_msgid("phone"), 13, phone, "text"),
        (_msgid("email"), 24, lambda c: c.talent.email, "text"),
        (_msgid("university"), 20, lambda c: c.talent.university, "text"),
        (_msgid("degree"), 8, lambda c: c.degree.name if c.degree else "", "text"),
        (_msgid("outcome"), 8, lambda c: str(c.get_outcome_display()), "text"),
        (_msgid("met_on"), 12, lambda c: c.met_on, "date"),
        (gettext_noop("Talent stage now"), 10, lambda c: str(c.talent.get_stage_display()), "text"),
        (gettext_noop("Owner officer"), 10, lambda c: str(c.talent.owner) if c.talent.owner else "", "text"),
        (_verbose(Contact, "recorded_by"), 10, lambda c: str(c.recorded_by) if c.recorded_by else "", "text"),
        (_msgid("notes"), 30, lambda c: c.notes, "text"),
    )


def contact_list_export(
    *,
    campaign: Campaign,
    queryset: QuerySet,
    params,
    stream,
    by: User,
    unmasked: bool = False,
    reason: str = "",
) -> int:
    """Write the contacts of ``queryset`` (``campaign``'s, as ``ContactFilter`` filtered them) as .xlsx
    into ``stream``; returns how many.

    Masked ID numbers and mobiles unless ``unmasked``, which needs ``talents.view_personal_data``
    (``PermissionDenied`` otherwise) and a reason (``ValidationError`` keyed ``reason`` otherwise), and
    is logged (kind export, with the number of records) before the workbook is begun.
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
    return _contacts_write(
        campaign=campaign, queryset=queryset, params=params, stream=stream, by=by, unmasked=unmasked
    )


def _contacts_write(
    *, campaign: Campaign, queryset: QuerySet, params, stream, by: User, unmasked: bool
) -> int:
    columns = _contact_columns(unmasked=unmasked)
    title = _title(_("Contacts of %(campaign)s (exported %(time)s by %(user)s)"), by, campaign=campaign.title)
    if unmasked:
        title += " " + _("— contains ID numbers and mobiles in the clear; keep it safe, delete it after use")
    workbook = Workbook(write_only=True)
    sheet = _Sheet(
        workbook,
        name=_("Contacts"),
        columns=columns,
        title=title,
        filters=filters_describe(ContactFilter, params, everything=_("Filters: none (every contact)")),
        warning=unmasked,
    )
    for contact in queryset.select_related("recorded_by").iterator(chunk_size=CHUNK):
        sheet.row(contact)
    sheet.totals({}, count_label=_("%(count)s people met"))
    workbook.save(stream)
    return sheet.count


# --- Placements ---------------------------------------------------------------------------------

OUTCOME_COLUMNS = (
    ("outcome_count", gettext_noop("Outcomes")),
    ("patents", gettext_noop("Patents")),
    ("joint_projects", gettext_noop("Joint projects")),
    ("tech_transfers", gettext_noop("Technology transfers")),
)
REVENUE = gettext_noop("Revenue enabled (10k yuan)")


def _placement_columns(today: datetime.date):
    return (
        (gettext_noop("No."), 6, None, "count"),
        (_verbose(Placement, "expert"), 10, lambda p: p.expert.name, "text"),
        (_verbose(Placement, "host_enterprise"), 30, lambda p: p.host_enterprise.name, "text"),
        (gettext_noop("Park"), 10, lambda p: p.host_enterprise.park.name, "text"),
        (_verbose(Placement, "batch"), 8, lambda p: str(p.batch), "text"),
        (_verbose(Placement, "term_start"), 12, lambda p: p.term_start, "date"),
        (_verbose(Placement, "term_end"), 12, lambda p: p.term_end, "date"),
        (_verbose(Placement, "ended_on"), 12, lambda p: p.ended_on, "date"),
        (gettext_noop("Term"), 14, lambda p: str(TermStatus(p.term_status(today)).label), "text"),
        (_verbose(Placement, "extensions"), 8, lambda p: p.extensions or None, "count"),
        *((msgid, 10, _attr(name), "count") for name, msgid in OUTCOME_COLUMNS),
        (REVENUE, 16, lambda p: p.revenue, "money"),
        (_verbose(Placement, "grade"), 8, lambda p: str(p.get_grade_display()) if p.grade else "", "text"),
        (_verbose(Placement, "evaluated_on"), 12, lambda p: p.evaluated_on, "date"),
    )


def placement_list_write(*, queryset: QuerySet, params, stream, by: User) -> dict:
    """Write the placements of ``queryset`` (as ``placement_list`` filtered and annotated them) as
    .xlsx into ``stream``: expert, host enterprise and park, batch, term and where it stands today,
    outcomes counted by kind and the revenue enabled (万元), the evaluation; a totals row sums the
    outcomes and the revenue of exactly the rows written, and is returned."""
    queryset = queryset.annotate(
        joint_projects=Count("outcomes", filter=Q(outcomes__kind=OutcomeKind.JOINT_PROJECT)),
        tech_transfers=Count("outcomes", filter=Q(outcomes__kind=OutcomeKind.TECH_TRANSFER)),
    )
    columns = _placement_columns(timezone.localdate())
    workbook = Workbook(write_only=True)
    sheet = _Sheet(
        workbook,
        name=_("Placements"),
        columns=columns,
        title=_title(_("Technology vice-president placements (exported %(time)s by %(user)s)"), by),
        filters=filters_describe(PlacementFilter, params, everything=_("Filters: none (all placements)")),
    )
    totals = {name: 0 for name, _msgid in OUTCOME_COLUMNS}
    revenue = Decimal("0")
    for placement in queryset.iterator(chunk_size=CHUNK):
        sheet.row(placement)
        for name in totals:
            totals[name] += getattr(placement, name)
        revenue += placement.revenue
    sums = {msgid: totals[name] for name, msgid in OUTCOME_COLUMNS}
    sums[REVENUE] = revenue
    sheet.totals(_sums(columns, sums), count_label=_("%(count)s placements"))
    workbook.save(stream)
    return {"count": sheet.count, **totals, "revenue": revenue}


# --- The sign-in sheet template -----------------------------------------------------------------

HEADER_NOTES = {
    "name": gettext_noop("Required"),
    "id_number": gettext_noop("18 characters; keep the column formatted as text so Excel keeps every digit."),
    "phone": gettext_noop("Mainland mobile, 11 digits."),
    "university": gettext_noop("Blank on a university visit: the university visited."),
    "degree": gettext_noop("本科, 硕士 or 博士; 在读硕士 and 硕士研究生 are read as 硕士."),
    "disciplines": gettext_noop(
        "Codes or names of disciplines; a major not in the catalogue is kept in the notes."
    ),
    "outcome": gettext_noop("咨询, 意向 or 签约; blank: 咨询."),
    "met_on": gettext_noop("Within the campaign's dates; blank: its first day."),
}
DROP_DOWNS = ("degree", "gender", "outcome")


def _example_values() -> dict:
    # No ID number or mobile in the example: a made-up one could be a real person's.
    return {
        "name": _("Example: Zhang San"),
        "gender": "男",
        "birth_year": 2000,
        "university": _("Example: Nankai University"),
        "degree": "硕士",
        "disciplines": "0812",
        "email": "zhangsan@example.com",
        "outcome": "意向",
        "notes": _("Example: interested in machine vision positions"),
    }


def _code_lists() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (_msgid("degree"), [(d.code, d.name) for d in Degree.objects.filter(is_active=True)]),
        (_msgid("gender"), [("男", str(Gender.MALE.label)), ("女", str(Gender.FEMALE.label))]),
        (
            _msgid("outcome"),
            [
                ("咨询", str(Outcome.CONSULTED.label)),
                ("意向", str(Outcome.INTENT.label)),
                ("签约", str(Outcome.SIGNED.label)),
            ],
        ),
        (_msgid("disciplines"), [(d.code, d.name) for d in Discipline.objects.filter(is_active=True)]),
    ]


def import_template_write(*, stream) -> None:
    """Write the sign-in sheet template into ``stream``: the headers the import reads (the required
    one in red, notes on the others), an example row that passes the import's checks, and a second
    sheet listing the degrees, outcomes and disciplines accepted, with drop-downs for the first two."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Sign-in sheet")
    codes = workbook.create_sheet(_("Codes"))
    example = _example_values()
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
            # The drop-down offers the words of the first column; typing another spelling is still
            # accepted, so no error box.
            letter = get_column_letter(code_col if msgid != _msgid("degree") else code_col + 1)
            names = f"'{codes.title}'!${letter}$3:${letter}${len(entries) + 2}"
            validation = DataValidation(
                type="list", formula1=f"={names}", allow_blank=True, showErrorMessage=False
            )
            sheet.add_data_validation(validation)
            target = get_column_letter(by_msgid[msgid])
            validation.add(f"{target}2:{target}1048576")
    workbook.save(stream)
