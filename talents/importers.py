"""Excel import of talents: sign-in sheets of recruiting campaigns and the officers' ledgers.

The reading, the cell parsers, the all-or-nothing commit and the preview cache are the generic
machinery of ``jinjin_crm.core.excel_import``, used exactly as the projects import uses them; this
module adds the talent columns, their rules and duplicate flagging. It guarantees:

- ``workbook_read(file=)`` reads an upload within ``MAX_FILE_BYTES`` and ``MAX_DATA_ROWS``, or raises
  ``ImportFileError``.
- ``talents_check(rows=)`` turns the text into ``talent_create``'s keyword arguments and reports every
  problem of every row (``RowError``). It also flags each row that may be a person already known
  (``RowDuplicate``): against the database by the rules of ``selectors.talent_duplicates`` (same ID
  number or mobile: certain; same name, birth year and university: probable) and against earlier rows
  of the same file. A row whose ID number is already registered, or repeats an earlier row's, is an
  error (the database holds an ID number once); every other duplicate is a flag the officer decides
  on. Reads the database, never writes it.
- ``talents_commit(checked=, by=, create_flagged=)`` creates the rows through ``talent_create`` in one
  transaction: unflagged rows always, flagged rows only when the officer ticked "create the flagged
  rows anyway" (and then as confirmed different people); otherwise flagged rows are skipped. If the
  service refuses any row (a duplicate registered since the preview included), nothing is written.
- ``pending_rows_save`` / ``pending_rows_take`` keep the rows read between preview and confirmation.

Personal data between preview and confirmation: the rows wait in the shared cache (Redis) for up to an
hour, and the ID number and mobile cells are kept there **encrypted** with the field key
(``core.crypto.encrypt``), never in the clear; names and the other cells are kept as read. Keeping only
the results of the checks instead would not do: the confirmation checks every row again, against
records created meanwhile, and ``talent_create`` needs the plain values to store them, so they must be
recoverable — by the server only, with the key that already protects them in the database.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
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
    OfficerLookup,
    RawRow,
    ReferenceLookup,
    RowCheck,
    RowError,
    chunks,
    pending_save,
    pending_take,
    rows_commit,
)
from jinjin_crm.core.models import Degree, Discipline, TalentTier, User
from jinjin_crm.core.validators import check_national_id, normalize_mobile
from projects.models import Enterprise

from . import services
from .filters import owners
from .models import Gender, Mode, Source, Talent
from .selectors import talent_duplicates_many

__all__ = [
    "COLUMNS",
    "KIND",
    "MAX_DATA_ROWS",
    "MAX_FILE_BYTES",
    "ImportFileError",
    "ImportRefused",
    "RowDuplicate",
    "RowError",
    "TalentsChecked",
    "pending_rows_save",
    "pending_rows_take",
    "talents_check",
    "talents_commit",
    "workbook_read",
]

KIND = "talents"
MAX_FILE_BYTES = excel_import.MAX_FILE_BYTES
MAX_DATA_ROWS = excel_import.MAX_DATA_ROWS
# Cells kept encrypted while the rows wait for confirmation.
SENSITIVE = ("id_number", "phone")
# How several disciplines share a cell: 、 as Chinese lists write them, commas, semicolons, slashes.
DISCIPLINE_SEPARATORS = re.compile(r"[、,，;；/／\s]+")

COLUMNS = (
    Column("name", gettext_noop("Full name"), required=True, aliases=("姓名", "人才姓名")),
    Column("gender", gettext_noop("Gender"), aliases=("性别",)),
    Column("birth_year", gettext_noop("Birth year"), aliases=("出生年份", "出生年")),
    Column("id_number", gettext_noop("ID number"), aliases=("身份证号", "身份证号码", "公民身份号码")),
    Column("phone", gettext_noop("Mobile"), aliases=("手机号", "手机", "手机号码", "联系电话")),
    Column("email", gettext_noop("Email"), aliases=("邮箱", "电子邮箱")),
    Column("highest_degree", gettext_noop("Highest degree"), aliases=("最高学历", "学历", "学位")),
    Column("university", gettext_noop("University"), aliases=("毕业院校", "院校", "毕业学校")),
    Column("disciplines", gettext_noop("Disciplines"), aliases=("学科", "所学学科", "专业")),
    Column(
        "research_keywords",
        gettext_noop("Research areas / keywords"),
        aliases=("研究方向/关键词", "研究方向", "关键词"),
    ),
    Column("title", gettext_noop("Professional title"), aliases=("职称",)),
    Column("tier", gettext_noop("Talent tier"), aliases=("人才层次", "人才类别")),
    Column("employer", gettext_noop("Employer"), aliases=("工作单位", "现工作单位", "单位")),
    Column("location", gettext_noop("Location"), aliases=("所在地", "现所在地")),
    Column("source", gettext_noop("Source"), aliases=("来源", "人才来源")),
    Column("source_detail", gettext_noop("Source detail"), aliases=("来源说明",)),
    Column("mode", gettext_noop("Mode"), aliases=("方式", "引进方式")),
    Column("owner", gettext_noop("Owner officer"), aliases=("负责专员", "引才专员")),
)
HEADERS = {column.key: column for column in COLUMNS}

# Words sign-in sheets use whatever the interface language is; the choices' labels are accepted too.
GENDER_WORDS = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
MODE_WORDS = {
    "全职": Mode.FULL_TIME,
    "全职引进": Mode.FULL_TIME,
    "柔性": Mode.FLEXIBLE,
    "柔性引进": Mode.FLEXIBLE,
}
SOURCE_WORDS = {
    "招引活动": Source.CAMPAIGN,
    "活动": Source.CAMPAIGN,
    "高校引才": Source.CAMPAIGN,
    "招聘会": Source.CAMPAIGN,
    "推荐": Source.REFERRAL,
    "引荐": Source.REFERRAL,
    "平台": Source.PLATFORM,
    "网络平台": Source.PLATFORM,
    "线上平台": Source.PLATFORM,
    "招商项目": Source.PROJECT,
    "项目": Source.PROJECT,
    "其他": Source.OTHER,
}


def workbook_read(*, file) -> list[RawRow]:
    """Read an upload with ``excel_import.workbook_read``, within this module's limits."""
    return excel_import.workbook_read(
        file=file, columns=COLUMNS, max_rows=MAX_DATA_ROWS, max_bytes=MAX_FILE_BYTES
    )


# --- Between preview and confirmation ----------------------------------------------------------


def pending_rows_save(*, user: User, rows: list[RawRow]) -> str:
    """Keep the rows for confirmation (``excel_import.pending_save``), ID numbers and mobiles encrypted."""
    sealed = [
        (number, {key: encrypt(text) if key in SENSITIVE and text else text for key, text in texts.items()})
        for number, texts in rows
    ]
    return pending_save(user=user, kind=KIND, rows=sealed)


def pending_rows_take(*, user: User, token: str) -> list[RawRow] | None:
    """The rows kept under ``token`` for this user, once, decrypted; ``None`` as ``pending_take``."""
    sealed = pending_take(user=user, kind=KIND, token=token)
    if sealed is None:
        return None
    return [
        (number, {key: decrypt(text) if key in SENSITIVE and text else text for key, text in texts.items()})
        for number, texts in sealed
    ]


# --- Checking the rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class RowDuplicate:
    """Why a row may be a person already known: an existing record, or an earlier row of the file."""

    row: int
    certain: bool
    reason: str
    talent: Talent | None = None
    other_row: int | None = None


@dataclass
class TalentsChecked(Checked):
    # Rows flagged as possible duplicates, by row number; they are created only if the officer says so.
    duplicates: dict[int, list[RowDuplicate]] = field(default_factory=dict)
    # Findings that do not stop the import (an area code missing from the table).
    warnings: list[RowError] = field(default_factory=list)

    @property
    def flagged(self) -> set[int]:
        return set(self.duplicates)


def choice_lookup(choices, words: dict[str, str]) -> dict[str, str]:
    """Codes, labels in English and Chinese and the sheets' own words, lower-cased, to codes."""
    lookup = {value.lower(): value for value in choices.values}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({str(label).lower(): value for value, label in choices.choices})
    lookup.update({str(label).lower(): value for value, label in choices.choices})
    lookup.update({word.lower(): value for word, value in words.items()})
    return lookup


def choice_cell(row: RowCheck, key: str, lookup: dict[str, str], unknown: str) -> str | None:
    text = row.text(key)
    if not text:
        return None
    value = lookup.get(text.strip().lower())
    if value is None:
        row.error(key, unknown % {"value": text})
    return value


def _max_length(name: str) -> int:
    return Talent._meta.get_field(name).max_length


def parse_birth_year(text: str, *, this_year: int) -> int:
    match = re.fullmatch(r"(\d{4})\s*年?", text.strip())
    if match is None:
        raise CellError(_("“%(value)s” is not a year; write it as 1990.") % {"value": text})
    year = int(match.group(1))
    if year < 1900 or year > this_year:
        raise CellError(_("The birth year must be between 1900 and %(year)d.") % {"year": this_year})
    return year


def parse_disciplines(text: str, lookup: ReferenceLookup) -> list[Discipline]:
    found, unknown = [], []
    for part in DISCIPLINE_SEPARATORS.split(text.strip()):
        if not part:
            continue
        # A code typed into a number cell loses its leading zero: 812 is 0812.
        key = part.zfill(4) if part.isdigit() and len(part) < 4 else part
        discipline = lookup.find(key)
        if discipline is None:
            unknown.append(part)
        elif discipline not in found:
            found.append(discipline)
    if unknown:
        raise CellError(
            _("Unknown disciplines: %(values)s; use codes or names from the code sheet.")
            % {"values": "、".join(unknown)}
        )
    return found


def _employers(texts: set[str]) -> dict[str, list[Enterprise]]:
    """Enterprises of the district named exactly as a row's employer, in a few queries."""
    found: dict[str, list[Enterprise]] = defaultdict(list)
    for chunk in chunks(texts):
        for enterprise in Enterprise.objects.filter(name__in=chunk).only("id", "name", "park_id"):
            found[enterprise.name].append(enterprise)
    return found


def identity_cells(row: RowCheck, fields: dict) -> list[str]:
    """Read the ID number and mobile of ``row`` into ``fields`` through the validators the talents
    services use, reporting bad cells on ``row``. The ID number holds the birth date and the gender:
    a different one already in ``fields`` is a typo, reported; it then supplies both. Returns the ID
    number's warnings (an area code not in the table)."""
    warnings: list[str] = []
    fields["id_number"] = ""
    if text := row.text("id_number"):
        try:
            checked = check_national_id(text)
        except ValidationError as exc:
            row.error("id_number", " ".join(exc.messages))
        else:
            fields["id_number"] = checked.number
            warnings.extend(checked.warnings)
            if fields["birth_year"] and fields["birth_year"] != checked.birth_date.year:
                row.error(
                    "birth_year",
                    _("The birth year does not match the ID number (%(year)d).")
                    % {"year": checked.birth_date.year},
                )
            if fields["gender"] and fields["gender"] != checked.gender:
                row.error("gender", checked.gender_mismatch_message())
            fields["birth_year"] = checked.birth_date.year
            fields["gender"] = checked.gender
    fields["phone"] = ""
    if text := row.text("phone"):
        try:
            fields["phone"] = normalize_mobile(text)
        except ValidationError as exc:
            row.error("phone", " ".join(exc.messages))
    return warnings


def _row_fields(row: RowCheck, refs: dict, this_year: int) -> dict:
    """The row's cells as ``talent_create`` arguments; every unreadable cell is reported on ``row``."""
    fields = row.fields
    for key in ("name", "university", "research_keywords", "title", "employer", "location", "source_detail"):
        fields[key] = row.text(key, max_length=_max_length(key))
    fields["gender"] = (
        choice_cell(row, "gender", refs["genders"], _("Write 男 or 女 (not “%(value)s”).")) or ""
    )
    fields["birth_year"] = row.parse("birth_year", parse_birth_year, this_year=this_year)
    row.notes.extend(identity_cells(row, fields))
    fields["email"] = row.text("email", max_length=_max_length("email"))
    if fields["email"] and "email" not in row.failed:
        try:
            validate_email(fields["email"])
        except ValidationError:
            row.error("email", _("“%(value)s” is not an email address.") % {"value": fields["email"]})
    fields["highest_degree"] = row.reference(
        "highest_degree",
        refs["degrees"],
        _("Unknown degree “%(value)s”; use a code or name from the code sheet."),
    )
    fields["tier"] = row.reference(
        "tier", refs["tiers"], _("Unknown talent tier “%(value)s”; use a code or name from the code sheet.")
    )
    fields["disciplines"] = row.parse("disciplines", parse_disciplines, lookup=refs["disciplines"]) or []
    source = choice_cell(
        row, "source", refs["sources"], _("Unknown source “%(value)s”; use a source from the code sheet.")
    )
    fields["source"] = source or Source.OTHER
    mode = choice_cell(row, "mode", refs["modes"], _("Write 全职 or 柔性 (not “%(value)s”)."))
    fields["mode"] = mode or Mode.FULL_TIME
    # Blank: the service makes the importing officer the owner.
    fields["owner"] = row.parse("owner", refs["owners"].find)
    employers = refs["employers"].get(fields["employer"], []) if fields["employer"] else []
    # Linked only when the name is unambiguous; the link is what puts the talent in a park's scope.
    fields["employer_enterprise"] = employers[0] if len(employers) == 1 else None
    return fields


class _TalentRow(RowCheck):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []


def talents_check(*, rows: list[RawRow]) -> TalentsChecked:
    """Check talent rows as ``talent_create`` will, and flag possible duplicates per row.

    Reference data by code or name (degree, tier, disciplines), sources and modes by code, label or
    the sheets' words, the owner by user name or name; ID number (length, date, check character) and
    mobile as the service checks them, birth year and gender consistent with the ID number. Duplicates
    as described in the module docstring. Reads the database in a constant number of queries per
    1,000 rows, never writes it.
    """
    checked = TalentsChecked()
    this_year = timezone.localdate().year
    refs = {
        "degrees": ReferenceLookup(Degree),
        "tiers": ReferenceLookup(TalentTier),
        "disciplines": ReferenceLookup(Discipline),
        "genders": choice_lookup(Gender, GENDER_WORDS),
        "modes": choice_lookup(Mode, MODE_WORDS),
        "sources": choice_lookup(Source, SOURCE_WORDS),
        "owners": OfficerLookup(owners()),
        "employers": _employers({texts["employer"] for _n, texts in rows if texts.get("employer")}),
    }
    parsed: list[tuple[_TalentRow, dict]] = []
    for number, texts in rows:
        row = _TalentRow(number, texts, HEADERS, checked.errors)
        parsed.append((row, _row_fields(row, refs, this_year)))
        checked.warnings.extend(RowError(number, HEADERS["id_number"].header, note) for note in row.notes)

    existing = talent_duplicates_many([fields for _row, fields in parsed])
    seen_ids: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    seen_people: dict[tuple, int] = {}
    for (row, fields), duplicates in zip(parsed, existing, strict=True):
        found: list[RowDuplicate] = []
        id_number, phone = fields["id_number"], fields["phone"]
        person = _person_key(fields)
        registered = next((duplicate.talent for duplicate in duplicates if duplicate.by_id_number), None)
        for duplicate in duplicates:
            if not duplicate.by_id_number:
                found.append(
                    RowDuplicate(row.number, duplicate.certain, duplicate.reason, talent=duplicate.talent)
                )
        if id_number:
            if id_number in seen_ids:
                row.error(
                    "id_number", _("This ID number is already in row %(row)d.") % {"row": seen_ids[id_number]}
                )
            elif registered is not None:
                row.error(
                    "id_number",
                    _("A talent with this ID number is already registered: %(name)s (no. %(id)d).")
                    % {"name": registered.name, "id": registered.pk},
                )
            else:
                seen_ids[id_number] = row.number
        if phone:
            if phone in seen_phones:
                found.append(RowDuplicate(row.number, True, _("same mobile"), other_row=seen_phones[phone]))
            else:
                seen_phones[phone] = row.number
        if person:
            if person in seen_people:
                if seen_people[person] not in {duplicate.other_row for duplicate in found}:
                    found.append(
                        RowDuplicate(
                            row.number,
                            False,
                            _("same name, birth year and university"),
                            other_row=seen_people[person],
                        )
                    )
            else:
                seen_people[person] = row.number
        if found:
            checked.duplicates[row.number] = found
        if row.ok:
            checked.rows.append((row.number, fields))
    return checked


def _person_key(fields: dict) -> tuple | None:
    if fields["name"] and fields["birth_year"] and fields["university"]:
        return (fields["name"], fields["birth_year"], fields["university"])
    return None


# --- Writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: list[int]  # row numbers of the flagged rows left out


def talents_commit(*, checked: TalentsChecked, by: User, create_flagged: bool) -> ImportResult:
    """Create the checked rows through ``talent_create`` in one transaction, as lead talents.

    Unflagged rows are created with the service's own duplicate check, so a record registered since
    the preview refuses the row (and with it the import). Flagged rows are created as confirmed
    different people when ``create_flagged``, and skipped otherwise. If any row is refused, raises
    ``ImportRefused`` with every refusal and nothing is written.
    """
    note = _("Imported from Excel")
    flagged = checked.flagged
    rows = [
        (number, {**fields, "confirmed_not_duplicate": number in flagged})
        for number, fields in checked.rows
        if create_flagged or number not in flagged
    ]

    def create(**fields):
        try:
            services.talent_create(by=by, note=note, **fields)
        except services.DuplicateSuspected as exc:
            # A conflict with a record saved since the preview: reported on the row like any refusal.
            raise ValidationError(exc.message) from None

    created = rows_commit(rows=rows, create=create, columns=COLUMNS)
    return ImportResult(created=created, skipped=[] if create_flagged else sorted(flagged))
