"""Machinery every Excel import shares: read the file, check the rows, write all or nothing.

An app's importer declares its columns (``Column``) and its row rules, and calls this module for the
rest. What it guarantees, whatever the import:

- ``workbook_read(file=, columns=)`` returns every non-blank data row of the first sheet as text keyed
  by column (``RawRow``), or raises ``ImportFileError`` with a message for the person uploading: not an
  .xlsx (an old .xls is named as such), empty, over the size or row limit, inflating past
  ``MAX_UNCOMPRESSED_BYTES`` (refused before openpyxl unpacks it), or lacking a required column (every
  missing header is named). The header row may follow a title; headers match in English, in Chinese, in
  the interface language or by a column's aliases, ignoring spaces, full-width brackets and a trailing
  ``*``. Columns the import does not know are ignored. Every row is keyed by exactly the columns
  found, so ``columns_report(rows=, columns=)`` tells the preview which known columns the file has
  and which optional ones it lacks (a required one missing is already the file's error).
- ``RowCheck`` and the cell parsers (``parse_money``, ``parse_date``, ``parse_yes_no``,
  ``ReferenceLookup``) report each unreadable cell as a ``RowError`` (Excel row number, the header as
  the file shows it, a message) instead of stopping, so a check reports every problem of every row.
- ``rows_commit(rows=, create=, columns=)`` calls ``create`` for every checked row in one transaction;
  if any row is refused, nothing is written and ``ImportRefused`` carries every refusal.
- ``pending_save`` / ``pending_take`` keep the rows read (text, not the file) between a preview and
  its confirmation, under a random token bound to the user and the kind of import, usable once.
"""

import datetime
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .models import User

# Limits that hold whatever the deployment's settings are; an import may pass tighter ones.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 20_000
# A 10 MB .xlsx can inflate a thousandfold; refuse before openpyxl inflates it.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# The header row may follow a title or a note; it is looked for in the first rows only.
HEADER_SEARCH_ROWS = 10
# Reading stops after this many blank rows in a row (sheets often carry formatting far below the data).
MAX_BLANK_RUN = 1_000
# How long a preview can be confirmed.
PENDING_SECONDS = 60 * 60

XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_MONEY = Decimal("999999999999.99")  # Decimal(14, 2), the money fields' size
CENTS = Decimal("0.01")

YES_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
NO_WORDS = {"否", "n", "no", "false", "0", "×", "✗"}
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class Column:
    key: str
    msgid: str  # English; the header is its translation
    required: bool = False  # the column must be in the file and its cells filled
    # Headers the district's own ledgers use, accepted whatever the interface language and catalogue.
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return _(self.msgid)


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, for the person uploading it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it
    column: str  # the header, as the file shows it; empty for the row as a whole
    message: str


class ImportRefused(Exception):
    """The commit was refused; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} row errors")
        self.errors = errors


# A data row as read: its Excel row number and each known column's cell as text ("" when empty).
RawRow = tuple[int, dict[str, str]]


@dataclass
class Checked:
    """The outcome of checking: the services' keyword arguments per row, and every error found."""

    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading the file ---------------------------------------------------------------------------


def _normalize_header(text) -> str:
    text = str(text or "").replace("（", "(").replace("）", ")").replace("＊", "*")
    return re.sub(r"\s+", "", text).rstrip("*").lower()


def _header_lookup(columns) -> dict[str, Column]:
    """Every spelling of each header: the English msgid, the current language's and the Chinese one."""
    lookup = {}
    with translation.override("zh-hans"):
        chinese = {column.key: _(column.msgid) for column in columns}
    for column in columns:
        for spelling in (column.msgid, _(column.msgid), chinese[column.key], *column.aliases):
            lookup[_normalize_header(spelling)] = column
    return lookup


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel stores every number as a float: 13800000000.0 is a phone number, not a fraction.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _check_container(file, size: int, max_bytes: int) -> None:
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if size > max_bytes:
        raise ImportFileError(
            _("The file is larger than %(limit)d MB; split it into smaller files.")
            % {"limit": max_bytes // (1024 * 1024)}
        )
    file.seek(0)
    signature = file.read(8)
    file.seek(0)
    if signature.startswith(XLS_SIGNATURE):
        raise ImportFileError(
            _("This is an old-style .xls workbook; open it in Excel and save it as .xlsx, then upload again.")
        )
    if not signature.startswith(XLSX_SIGNATURE):
        raise ImportFileError(_("This is not an Excel .xlsx file; download the template and fill it in."))
    try:
        with zipfile.ZipFile(file) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_("The file is damaged and cannot be read as an Excel workbook.")) from None
    finally:
        file.seek(0)
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(_("The workbook is too large once unpacked; split it into smaller files."))


def workbook_read(
    *,
    file,
    columns: tuple[Column, ...],
    max_rows: int = MAX_DATA_ROWS,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[RawRow]:
    """Read the first sheet of an uploaded .xlsx into text rows keyed by column.

    The header row is the first of the first rows holding a known header; columns the import does not
    know are ignored, so a ledger with extra columns can be imported as it is. Blank rows are skipped.
    Raises ``ImportFileError`` for a file that is empty, over ``max_bytes``, not an .xlsx workbook,
    lacks a required column or holds no data row or more than ``max_rows``.
    """
    from openpyxl import load_workbook

    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    _check_container(file, size, max_bytes)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises anything from KeyError to XML errors on a bad file
        raise ImportFileError(
            _("The file cannot be read as an Excel workbook; save it as .xlsx again.")
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(_("The workbook has no worksheet."))
        return _sheet_rows(sheet.iter_rows(values_only=True), columns, max_rows)
    finally:
        workbook.close()


def _sheet_rows(rows, columns, max_rows: int) -> list[RawRow]:
    rows = iter(rows)
    lookup = _header_lookup(columns)
    positions: dict[str, int] = {}
    header_number = None
    anything = False
    for number, values in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        anything = anything or any(_cell_text(value) for value in values or ())
        found = {}
        for index, value in enumerate(values or ()):
            column = lookup.get(_normalize_header(value))
            if column is not None and column.key not in found:
                found[column.key] = index
        if found:
            positions, header_number = found, number
            break
    if header_number is None and not anything:
        raise ImportFileError(_("The first sheet of the workbook is empty."))
    if header_number is None:
        raise ImportFileError(
            _("The file holds no data: the first rows have none of the template's headers.")
        )
    missing = [column.header for column in columns if column.required and column.key not in positions]
    if missing:
        raise ImportFileError(
            _("The file lacks required columns: %(columns)s. Use the headers of the template.")
            % {"columns": "、".join(missing)}
        )
    read: list[RawRow] = []
    blank_run = 0
    for number, values in enumerate(rows, start=header_number + 1):
        texts = {
            key: _cell_text(values[index]) if index < len(values) else "" for key, index in positions.items()
        }
        if not any(texts.values()):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if len(read) >= max_rows:
            raise ImportFileError(
                _("The file has more than %(limit)s data rows; split it into smaller files.")
                % {"limit": f"{max_rows:,}"}
            )
        read.append((number, texts))
    if not read:
        raise ImportFileError(_("The file has headers but no data rows."))
    return read


@dataclass(frozen=True)
class ColumnReport:
    """The known columns a file has and the optional ones it lacks, in the import's column order."""

    found: tuple[Column, ...]
    missing: tuple[Column, ...]

    @property
    def found_headers(self) -> list[str]:
        return [column.header for column in self.found]

    @property
    def missing_headers(self) -> list[str]:
        return [column.header for column in self.missing]


def columns_report(*, rows: list[RawRow], columns: tuple[Column, ...]) -> ColumnReport:
    """Which of ``columns`` the file read into ``rows`` holds (``workbook_read`` keys every row by
    exactly those), and which it does not; the rows kept between preview and confirmation tell the
    same. Required columns are never missing here: ``workbook_read`` refuses a file without them."""
    present = rows[0][1].keys() if rows else set()
    return ColumnReport(
        found=tuple(column for column in columns if column.key in present),
        missing=tuple(column for column in columns if column.key not in present),
    )


# --- Checking the rows --------------------------------------------------------------------------


class CellError(Exception):
    """A cell that cannot be read; the message is for the person who filled it in.

    Parsers raise it; ``RowCheck.parse`` turns it into a ``RowError`` for the cell's column.
    """


def parse_money(text: str) -> Decimal | None:
    """An amount in 万元, to the cent, not negative and within the money fields' size."""
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "").replace("，", "").replace(" ", ""))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text})
    if value < 0:
        raise CellError(_("The amount cannot be negative."))
    # Excel floats carry binary noise (0.1 + 0.2); amounts are kept to the cent.
    value = value.quantize(CENTS, rounding=ROUND_HALF_UP)
    if value > MAX_MONEY:
        raise CellError(
            _("The amount is too large (in 10k yuan, at most %(max)s).") % {"max": f"{MAX_MONEY:,}"}
        )
    return value


def parse_date(text: str, *, today: datetime.date) -> datetime.date | None:
    """A real date written 2024-06-30, 2024/6/30, 2024年6月30日 or 20240630, not after ``today``."""
    if not text:
        return None
    match = DATE_PATTERN.match(text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = re.match(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        raise CellError(_("“%(value)s” is not a date; write it as 2024-06-30.") % {"value": text})
    try:
        value = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": text}) from None
    if value > today:
        raise CellError(_("This date cannot be in the future."))
    return value


def parse_yes_no(text: str) -> bool:
    """是/否 and their usual spellings (y/n, 1/0, √/×, the interface language's words); blank is no."""
    word = text.strip().lower()
    if not word or word in NO_WORDS or word == _("No").lower():
        return False
    if word in YES_WORDS or word == _("Yes").lower():
        return True
    raise CellError(_("Write 是 or 否."))


def chunks(values: Iterable, size: int = 1000) -> Iterator[list]:
    """``values`` in lists of at most ``size``, to keep ``__in`` lookups within the database's limits."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class OfficerLookup:
    """Officers named in a sheet by user name or by full name (when it is unique), from ``users``
    loaded once: a project's lead, a talent's owner, a target's officer."""

    def __init__(self, users: Iterable[User]):
        self.by_username: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = {}
        for user in users:
            self.by_username[user.username.lower()] = user
            if user.name:
                self.by_name.setdefault(user.name.strip(), []).append(user)

    def find(self, text: str) -> User:
        user = self.by_username.get(text.strip().lower())
        if user is not None:
            return user
        named = self.by_name.get(text.strip(), [])
        if len(named) == 1:
            return named[0]
        if named:
            raise CellError(
                _("Several officers are called “%(value)s”; use the user name.") % {"value": text}
            )
        raise CellError(_("No active officer has the user name or name “%(value)s”.") % {"value": text})


class ReferenceLookup:
    """Active reference data (a model with ``code``, ``name`` and ``is_active``), found by code in any
    case or by name; loaded in one query."""

    def __init__(self, model):
        self.by_key = {}
        for obj in model.objects.filter(is_active=True):
            self.by_key[obj.name.strip().lower()] = obj
            self.by_key[obj.code.lower()] = obj

    def find(self, text: str):
        return self.by_key.get(text.strip().lower())


class RowCheck:
    """One row being checked: reads cells, records its errors, collects the services' arguments.

    Every error is appended to the shared ``errors`` list under the column's header; ``failed`` names
    the columns that failed, so later rules can skip a cell already reported.
    """

    def __init__(
        self, number: int, texts: dict[str, str], columns: dict[str, Column], errors: list[RowError]
    ):
        self.number = number
        self.texts = texts
        self.columns = columns
        self.errors = errors
        self.failed: set[str] = set()
        self.fields: dict = {}

    def error(self, key: str, message: str) -> None:
        self.failed.add(key)
        self.errors.append(RowError(self.number, self.columns[key].header, message))

    def text(self, key: str, *, max_length: int | None = None) -> str:
        value = self.texts.get(key, "")
        if not value and self.columns[key].required:
            self.error(key, _("This cell is required."))
        elif max_length and len(value) > max_length:
            self.error(
                key,
                _("At most %(max)d characters; this has %(count)d.")
                % {"max": max_length, "count": len(value)},
            )
        return value

    def parse(self, key: str, parser, **kwargs):
        text = self.text(key)
        if not text:
            return None
        try:
            return parser(text, **kwargs)
        except CellError as exc:
            self.error(key, str(exc))
            return None

    def reference(self, key: str, reference: ReferenceLookup, unknown: str):
        text = self.text(key)
        if not text:
            return None
        obj = reference.find(text)
        if obj is None:
            self.error(key, unknown % {"value": text})
        return obj

    @property
    def ok(self) -> bool:
        return not self.failed


# --- Writing ------------------------------------------------------------------------------------


def _service_errors(number: int, exc: ValidationError, columns: tuple[Column, ...]) -> list[RowError]:
    headers = {column.key: column.header for column in columns}
    if not hasattr(exc, "error_dict"):
        return [RowError(number, "", message) for message in exc.messages]
    return [
        RowError(number, headers.get(key, ""), message)
        for key, messages in exc.message_dict.items()
        for message in messages
    ]


def rows_commit(
    *, rows: list[tuple[int, dict]], create: Callable[..., object], columns: tuple[Column, ...]
) -> int:
    """Call ``create(**fields)`` for every checked row in one transaction; returns how many rows.

    If ``create`` raises ``ValidationError`` (keyed by field, reported under that column's header) or
    ``IntegrityError`` for any row, every row is still tried, then ``ImportRefused`` is raised with
    every refusal and nothing is written.
    """
    errors: list[RowError] = []
    with transaction.atomic():
        for number, fields in rows:
            try:
                # Each service call is atomic, a savepoint inside this block: a refused row is undone
                # alone, so the later rows are still tried and every refusal is reported; the outer
                # block then undoes them all.
                create(**fields)
            except ValidationError as exc:
                errors.extend(_service_errors(number, exc, columns))
            except IntegrityError:
                errors.append(
                    RowError(
                        number,
                        "",
                        _("The row conflicts with a record saved meanwhile; upload the file again."),
                    )
                )
        if errors:
            raise ImportRefused(errors)
    return len(rows)


# --- Between preview and confirmation ----------------------------------------------------------


def _pending_key(*, user: User, kind: str, token: str) -> str:
    return f"excel_import:{kind}:{user.pk}:{token}"


def pending_save(*, user: User, kind: str, rows: list[RawRow]) -> str:
    """Keep the rows read from an upload for ``PENDING_SECONDS``; returns the token that finds them.

    The text of the rows is kept, not the file, in the cache shared by every web process; the key
    holds the kind of import and the user's id, so another user's token, or a token of another kind of
    import, finds nothing.
    """
    token = secrets.token_urlsafe(24)
    cache.set(_pending_key(user=user, kind=kind, token=token), rows, PENDING_SECONDS)
    return token


def pending_take(*, user: User, kind: str, token: str) -> list[RawRow] | None:
    """The rows kept under ``token`` for this user, removed so that they are confirmed once; ``None``
    when the token is unknown, expired, already used or another user's."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    key = _pending_key(user=user, kind=kind, token=token)
    rows = cache.get(key)
    # Only the request that deletes the key goes on: a double-clicked confirmation imports once.
    if rows is None or not cache.delete(key):
        return None
    return rows
