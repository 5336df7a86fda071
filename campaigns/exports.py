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

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_filters import FilterSet
from openpyxl import Workbook

from jinjin_crm.core import excel_export
from jinjin_crm.core.excel_export import (
    CHUNK,
    HEADER_ROW,  # noqa: F401 (where the table starts, for readers of the workbook)
    CodeList,
    ListSheet,
    active_codes,
    exported_by,
    personal_data_export_log,
    personal_data_title,
)
from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.models import Degree, Discipline, User
from talents.exports import PERSONAL_DATA_PERMISSION
from talents.models import Gender

from .filters import CampaignFilter, ContactFilter, PlacementFilter
from .importers import COLUMNS, HEADERS
from .models import Campaign, Contact, Kind, Outcome, OutcomeKind, Placement, TermStatus, season_label
from .selectors import trip_yields

# --- Shared by the lists ------------------------------------------------------------------------


def filters_describe(filterset_class: type[FilterSet], params, *, everything: str) -> str:
    """The filters of ``params`` in words, as the list applies them: values that do not validate are
    left out there, so they are left out here. A search term that could be a mobile is masked."""
    return excel_export.filters_describe(filterset_class, params, everything=everything, mask_search=True)


def _sheet(workbook: Workbook, *, name: str, columns, title: str, filters: str, warning=False) -> ListSheet:
    """A write-only sheet laid out as every list export is: title, filters line, header, rows."""
    sheet = ListSheet(workbook, name=name, columns=columns)
    sheet.heading(title, filters, warning=warning)
    return sheet


def _title(text: str, by: User, **values) -> str:
    return text % {**exported_by(by), **values}


def _attr(name: str):
    return lambda record: getattr(record, name)


def _sums(columns, values: dict[str, object]) -> dict[int, object]:
    """``values`` by column msgid, as the column indexes ``ListSheet.totals`` takes."""
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
    sheet = _sheet(
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
        personal_data_export_log(
            by=by, permission=PERSONAL_DATA_PERMISSION, reason=reason, record_count=queryset.count()
        )
    return _contacts_write(
        campaign=campaign, queryset=queryset, params=params, stream=stream, by=by, unmasked=unmasked
    )


def _contacts_write(
    *, campaign: Campaign, queryset: QuerySet, params, stream, by: User, unmasked: bool
) -> int:
    columns = _contact_columns(unmasked=unmasked)
    title = _title(_("Contacts of %(campaign)s (exported %(time)s by %(user)s)"), by, campaign=campaign.title)
    title = personal_data_title(title, unmasked=unmasked)
    workbook = Workbook(write_only=True)
    sheet = _sheet(
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
    sheet = _sheet(
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


def _code_lists() -> list[CodeList]:
    # The drop-downs offer the words of the sign-in sheets: the degree's name, the other codes as they
    # are; disciplines are too many for one.
    return [
        CodeList(_msgid("degree"), active_codes(Degree), "name"),
        CodeList(
            _msgid("gender"), [("男", str(Gender.MALE.label)), ("女", str(Gender.FEMALE.label))], "code"
        ),
        CodeList(
            _msgid("outcome"),
            [
                ("咨询", str(Outcome.CONSULTED.label)),
                ("意向", str(Outcome.INTENT.label)),
                ("签约", str(Outcome.SIGNED.label)),
            ],
            "code",
        ),
        CodeList(_msgid("disciplines"), active_codes(Discipline)),
    ]


def import_template_write(*, stream) -> None:
    """Write the sign-in sheet template into ``stream``: the headers the import reads (the required
    one in red, notes on the others), an example row that passes the import's checks, and a second
    sheet listing the degrees, outcomes and disciplines accepted, with drop-downs for the first two."""
    excel_export.import_template_write(
        stream=stream,
        title=_("Sign-in sheet"),
        columns=COLUMNS,
        example=_example_values(),
        notes=HEADER_NOTES,
        code_lists=_code_lists(),
        text_columns=("id_number", "phone", "disciplines"),
    )
