"""Excel import of a campaign's sign-in sheet (签到表): every person on it becomes a contact of the
campaign, linked to the talent already on record or recorded as a new lead.

The reading, the cell parsers, the all-or-nothing commit and the preview cache are the shared
machinery of ``jinjin_crm.core.excel_import``; the person columns read as the talents import reads
them (same headers, same parsers, the same validators as ``talents.services``). It guarantees:

- ``workbook_read(file=)`` reads an upload within the shared limits, or raises ``ImportFileError``.
- ``contacts_check(campaign=, rows=)`` turns the text into the services' arguments, reports every
  problem of every row (``RowError``) and decides, per row, which talent it is: the one the duplicate
  rules of the talents app find (``talent_duplicates_many``, batched; ``campaigns.services.
  existing_talent`` picks among them; a record whose ID number differs from the row's is another
  person), or none (a new lead). Refused rows: a person already on an earlier row of the file (same ID
  number, mobile, or name + birth year + university, or linked to the same record), and a person
  already recorded on this campaign. Reads the database in a constant number of queries per 1,000
  rows, never writes it. A campaign that has not begun has no sign-in sheet: ``ImportFileError``.
- ``contacts_commit(campaign=, checked=, by=)`` writes every row in one transaction: a new lead
  through ``services.lead_create`` (owned by the campaign's responsible officer, sourced from the
  campaign), then the contact through ``services.contact_record``, which moves the talent forward
  (a "signed" row brings it to signed through the talents pipeline). If the services refuse any row,
  ``ImportRefused`` carries every refusal and nothing is written.
- ``pending_rows_save`` / ``pending_rows_take`` keep the rows between preview and confirmation, for
  this campaign only, with ID numbers and mobiles encrypted as the talents import keeps them.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jinjin_crm.core import excel_import
from jinjin_crm.core.crypto import decrypt, encrypt
from jinjin_crm.core.excel_import import (
    CellError,
    Checked,
    Column,
    ImportFileError,
    ImportRefused,
    RawRow,
    ReferenceLookup,
    RowCheck,
    RowError,
    chunks,
    parse_date,
    pending_save,
    pending_take,
    rows_commit,
)
from jinjin_crm.core.models import Degree, Discipline, User
from talents import importers as talent_importers
from talents.models import Gender, Talent
from talents.selectors import talent_duplicates_many

from . import services
from .models import Campaign, Contact, Kind, Outcome

__all__ = [
    "COLUMNS",
    "ContactsChecked",
    "ImportFileError",
    "ImportRefused",
    "ImportResult",
    "RowError",
    "RowPlan",
    "contacts_check",
    "contacts_commit",
    "pending_rows_save",
    "pending_rows_take",
    "plan_signature",
    "workbook_read",
]

KIND = "campaign_contacts"
MAX_FILE_BYTES = excel_import.MAX_FILE_BYTES
MAX_DATA_ROWS = excel_import.MAX_DATA_ROWS
SENSITIVE = talent_importers.SENSITIVE
_TALENT = talent_importers.HEADERS


def _person_column(key: str, *aliases: str, required: bool = False) -> Column:
    """The talents import's column (same header, so a sheet reads the same in both imports), with the
    spellings sign-in sheets add."""
    column = _TALENT[key]
    return dataclasses.replace(column, required=required, aliases=(*column.aliases, *aliases))


COLUMNS = (
    _person_column("name", "学生姓名", "签到人", required=True),
    _person_column("phone", "联系方式", "电话"),
    _person_column("id_number", "身份证"),
    _person_column("gender"),
    _person_column("birth_year"),
    _person_column("university", "学校", "就读院校", "所在院校", "毕业院校/学校"),
    Column("degree", gettext_noop("Degree"), aliases=("学历", "学位", "最高学历", "在读学历", "学历层次")),
    _person_column("disciplines", "专业名称", "所学专业", "学科/专业"),
    _person_column("email"),
    Column("outcome", gettext_noop("Outcome"), aliases=("结果", "洽谈结果", "意向情况", "签约情况")),
    Column("met_on", gettext_noop("Date met"), aliases=("签到日期", "日期", "洽谈日期", "见面日期")),
    Column("notes", gettext_noop("Notes"), aliases=("备注", "说明")),
)
HEADERS = {column.key: column for column in COLUMNS}

# The words sign-in sheets use for how far it went, whatever the interface language.
OUTCOME_WORDS = {
    "咨询": Outcome.CONSULTED,
    "已咨询": Outcome.CONSULTED,
    "了解": Outcome.CONSULTED,
    "意向": Outcome.INTENT,
    "有意向": Outcome.INTENT,
    "达成意向": Outcome.INTENT,
    "签约": Outcome.SIGNED,
    "已签约": Outcome.SIGNED,
    "签订协议": Outcome.SIGNED,
}
# Degrees as students write them (在读硕士, 硕士研究生, 博士后 …): the first word found decides. The
# doctorate is looked for first, so 硕博连读 is unknown rather than guessed.
DEGREE_WORDS = (
    ("博士", "DOCTOR"),
    ("硕士", "MASTER"),
    ("本科", "BACHELOR"),
    ("学士", "BACHELOR"),
    ("大专", "COLLEGE"),
    ("专科", "COLLEGE"),
    ("phd", "DOCTOR"),
    ("doctor", "DOCTOR"),
    ("master", "MASTER"),
    ("bachelor", "BACHELOR"),
)


def workbook_read(*, file) -> list[RawRow]:
    """Read an upload with ``excel_import.workbook_read``, within the shared limits."""
    return excel_import.workbook_read(
        file=file, columns=COLUMNS, max_rows=MAX_DATA_ROWS, max_bytes=MAX_FILE_BYTES
    )


# --- Between preview and confirmation ----------------------------------------------------------


def _kind(campaign: Campaign) -> str:
    # A preview of one campaign's sheet cannot be confirmed on another campaign.
    return f"{KIND}:{campaign.pk}"


def pending_rows_save(*, user: User, campaign: Campaign, rows: list[RawRow]) -> str:
    """Keep the rows for confirmation on ``campaign``, ID numbers and mobiles encrypted."""
    sealed = [
        (number, {key: encrypt(text) if key in SENSITIVE and text else text for key, text in texts.items()})
        for number, texts in rows
    ]
    return pending_save(user=user, kind=_kind(campaign), rows=sealed)


def pending_rows_take(*, user: User, campaign: Campaign, token: str) -> list[RawRow] | None:
    """The rows kept under ``token`` for this user and campaign, once, decrypted; else ``None``."""
    sealed = pending_take(user=user, kind=_kind(campaign), token=token)
    if sealed is None:
        return None
    return [
        (number, {key: decrypt(text) if key in SENSITIVE and text else text for key, text in texts.items()})
        for number, texts in sealed
    ]


# --- Checking the rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class RowPlan:
    """What a row becomes: a contact of ``talent`` (a record found, and why), or of a new lead."""

    talent: Talent | None = None
    reason: str = ""

    @property
    def links(self) -> bool:
        return self.talent is not None


@dataclass
class ContactsChecked(Checked):
    # Every row read without error, by row number.
    plans: dict[int, RowPlan] = field(default_factory=dict)
    # Findings that do not stop the import (an area code missing from the table, a major not in the
    # discipline catalogue).
    warnings: list[RowError] = field(default_factory=list)

    @property
    def linked(self) -> int:
        return sum(1 for plan in self.plans.values() if plan.links)

    @property
    def new(self) -> int:
        return sum(1 for plan in self.plans.values() if not plan.links)


class _Degrees:
    """Degrees by code or name, or by the word a student wrote (在读硕士 is a master's)."""

    def __init__(self):
        self.lookup = ReferenceLookup(Degree)
        self.by_code = {degree.code: degree for degree in self.lookup.by_key.values()}

    def find(self, text: str) -> Degree:
        degree = self.lookup.find(text)
        if degree is not None:
            return degree
        folded = text.strip().lower()
        for word, code in DEGREE_WORDS:
            if word in folded and code in self.by_code:
                return self.by_code[code]
        raise CellError(
            _("Unknown degree “%(value)s”; write 本科, 硕士 or 博士 (or a name from the code sheet).")
            % {"value": text}
        )


def _max_length(name: str) -> int:
    return Talent._meta.get_field(name).max_length


def _parse_met_on(text: str, *, campaign: Campaign, today: datetime.date) -> datetime.date:
    day = parse_date(text, today=today)
    if not (campaign.starts_on <= day <= campaign.ends_on):
        raise CellError(
            _("The date must fall within the campaign (%(start)s to %(end)s).")
            % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
        )
    return day


class _ContactRow(RowCheck):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes: list[tuple[str, str]] = []


def _identity(row: _ContactRow, person: dict) -> None:
    """ID number and mobile read as the talents import reads them; the ID number's warnings are
    noted against its column."""
    row.notes.extend(("id_number", warning) for warning in talent_importers.identity_cells(row, person))


def _disciplines(row: _ContactRow, lookup: ReferenceLookup) -> tuple[list[Discipline], str]:
    """The disciplines of the catalogue named in the cell, and the text when it names none of them.

    Students write their major as they please (机械电子工程 is no 一级学科): a major the catalogue does
    not hold is kept in the contact's notes and noted, not refused.
    """
    text = row.text("disciplines")
    if not text:
        return [], ""
    try:
        return talent_importers.parse_disciplines(text, lookup), ""
    except CellError:
        row.notes.append(
            (
                "disciplines",
                _("“%(value)s” is not in the discipline catalogue; it is kept in the notes.")
                % {"value": text},
            )
        )
        return [], text


def _row_fields(row: _ContactRow, refs: dict, campaign: Campaign, today: datetime.date) -> dict:
    person = {
        "name": row.text("name", max_length=_max_length("name")),
        "university": row.text("university", max_length=_max_length("university")),
        "email": row.text("email", max_length=_max_length("email")),
    }
    # On a visit to a university, a sheet without the column is that university's students.
    if not person["university"] and campaign.university_id and campaign.kind == Kind.UNIVERSITY_VISIT:
        person["university"] = campaign.university.name
    gender = talent_importers.choice_cell(
        row, "gender", refs["genders"], _("Write 男 or 女 (not “%(value)s”).")
    )
    person["gender"] = gender or ""
    person["birth_year"] = row.parse("birth_year", talent_importers.parse_birth_year, this_year=today.year)
    _identity(row, person)
    if person["email"] and "email" not in row.failed:
        try:
            validate_email(person["email"])
        except ValidationError:
            row.error("email", _("“%(value)s” is not an email address.") % {"value": person["email"]})
    disciplines, major = _disciplines(row, refs["disciplines"])
    notes = row.text("notes")
    if major:
        major_note = _("Major as written: %(value)s") % {"value": major}
        notes = f"{notes}\n{major_note}" if notes else major_note
    outcome = talent_importers.choice_cell(
        row, "outcome", refs["outcomes"], _("Write 咨询, 意向 or 签约 (not “%(value)s”).")
    )
    return {
        "person": person,
        "disciplines": disciplines,
        "degree": row.parse("degree", refs["degrees"].find),
        "outcome": outcome or Outcome.CONSULTED,
        "met_on": row.parse("met_on", _parse_met_on, campaign=campaign, today=today),
        "notes": notes,
    }


def _person_key(person: dict) -> tuple | None:
    if person["name"] and person["birth_year"] and person["university"]:
        return (person["name"], person["birth_year"], person["university"])
    return None


def _already_on(campaign: Campaign, talent_ids: set[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(talent_ids):
        found.update(
            Contact.objects.filter(campaign=campaign, talent_id__in=chunk).values_list("talent_id", flat=True)
        )
    return found


def contacts_check(*, campaign: Campaign, rows: list[RawRow]) -> ContactsChecked:
    """Check a sign-in sheet of ``campaign`` and decide which talent each row is (module docstring).

    Raises ``ImportFileError`` when the campaign has not begun yet.
    """
    today = timezone.localdate()
    if campaign.starts_on > today:
        raise ImportFileError(
            _("This campaign begins on %(date)s; its sign-in sheet can be imported from that day.")
            % {"date": campaign.starts_on.isoformat()}
        )
    checked = ContactsChecked()
    refs = {
        "degrees": _Degrees(),
        "disciplines": ReferenceLookup(Discipline),
        "genders": talent_importers.choice_lookup(Gender, talent_importers.GENDER_WORDS),
        "outcomes": talent_importers.choice_lookup(Outcome, OUTCOME_WORDS),
    }
    parsed: list[tuple[_ContactRow, dict]] = []
    for number, texts in rows:
        row = _ContactRow(number, texts, HEADERS, checked.errors)
        parsed.append((row, _row_fields(row, refs, campaign, today)))
        checked.warnings.extend(RowError(number, HEADERS[key].header, note) for key, note in row.notes)

    found = talent_duplicates_many([fields["person"] for _row, fields in parsed])
    plans: list[RowPlan] = []
    for (_row, fields), duplicates in zip(parsed, found, strict=True):
        person = fields["person"]
        talent = services.existing_talent(duplicates, id_number=person["id_number"])
        reason = next((d.reason for d in duplicates if d.talent == talent), "") if talent else ""
        plans.append(RowPlan(talent=talent, reason=reason))
    on_campaign = _already_on(campaign, {plan.talent.pk for plan in plans if plan.talent})

    seen: dict[str, dict] = {"id": {}, "phone": {}, "person": {}, "talent": {}}
    for (row, fields), plan in zip(parsed, plans, strict=True):
        person = fields["person"]
        keys = (
            ("id", person["id_number"], _("same ID number")),
            ("phone", person["phone"], _("same mobile")),
            ("person", _person_key(person), _("same name, birth year and university")),
            ("talent", plan.talent.pk if plan.talent else None, _("the same person on record")),
        )
        earlier = next(((seen[kind][key], why) for kind, key, why in keys if key and key in seen[kind]), None)
        if earlier is not None:
            (other_row, other_name), why = earlier
            row.error(
                "name",
                _("%(name)s is already on row %(row)d of this file (%(why)s): a person is recorded once.")
                % {"name": other_name, "row": other_row, "why": why},
            )
        for kind, key, _why in keys:
            if key:
                seen[kind].setdefault(key, (row.number, person["name"]))
        if plan.talent and plan.talent.pk in on_campaign:
            row.error(
                "name",
                _("%(name)s (no. %(id)d) is already recorded on this campaign.")
                % {"name": plan.talent.name, "id": plan.talent.pk},
            )
        if row.ok:
            checked.rows.append((row.number, {"talent": plan.talent, **fields}))
            checked.plans[row.number] = plan
    return checked


def plan_signature(checked: ContactsChecked) -> str:
    """The rows that link to a record, and to which (``"3:15,7:22"``): what the officer confirmed.

    The confirmation compares it with the check made then, so a row that would now link elsewhere
    (a record added or merged meanwhile) is shown again instead of written unseen.
    """
    return ",".join(
        f"{number}:{plan.talent.pk}" for number, plan in sorted(checked.plans.items()) if plan.talent
    )


# --- Writing ------------------------------------------------------------------------------------

# Service errors keyed by a field of the talent or the contact, reported under the sheet's column.
SERVICE_KEYS = {"talent": "name", "highest_degree": "degree", "on": "met_on"}


@dataclass(frozen=True)
class ImportResult:
    contacts: int
    linked: int
    created: int


def contacts_commit(*, campaign: Campaign, checked: ContactsChecked, by: User) -> ImportResult:
    """Write the checked rows of ``campaign``'s sheet in one transaction (module docstring); raises
    ``ImportRefused`` with every refusal, and writes nothing, if the services refuse any row."""
    created = 0

    def record(*, talent, person, disciplines, degree, outcome, met_on, notes):
        nonlocal created
        try:
            # A savepoint per row: a refused contact takes its new lead with it.
            with transaction.atomic():
                if talent is None:
                    talent = services.lead_create(
                        campaign=campaign, by=by, disciplines=disciplines, highest_degree=degree, **person
                    )
                    created += 1
                services.contact_record(
                    campaign=campaign,
                    talent=talent,
                    by=by,
                    outcome=outcome,
                    degree=degree,
                    met_on=met_on,
                    notes=notes,
                )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError(
                {SERVICE_KEYS.get(key, key): messages for key, messages in exc.message_dict.items()}
            ) from None

    count = rows_commit(rows=checked.rows, create=record, columns=COLUMNS)
    return ImportResult(contacts=count, linked=count - created, created=created)
