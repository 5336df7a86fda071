"""Excel import of enterprises and investment projects: their columns and the rules their rows obey.

The reading, the cell parsers, the all-or-nothing commit and the preview cache are the generic
machinery of ``jinjin_crm.core.excel_import``; this module adds what is about projects and enterprises.
It guarantees:

- ``workbook_read(file=, columns=)`` reads a file within this module's ``MAX_FILE_BYTES`` and
  ``MAX_DATA_ROWS`` (the limits the import page states), or raises ``ImportFileError``.
- ``projects_check(rows=)`` / ``enterprises_check(rows=)`` turn the text into the services' keyword
  arguments and report every problem of every row (``RowError``: row number, column header, message).
  They read the database (reference data, duplicates) but never write.
- ``projects_commit(rows=, by=)`` / ``enterprises_commit(rows=, by=)`` write the checked rows through
  the services in one transaction; if any row is refused, nothing is written (``ImportRefused``).
- ``COLUMNS``, ``CHECKS`` and ``COMMITS`` give each step by kind of import ("projects", "enterprises");
  ``pending_save`` / ``pending_take`` keep the read rows between the preview and the confirmation.
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jinjin_crm.core import excel_import
from jinjin_crm.core.excel_import import (
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
    parse_date,
    parse_money,
    parse_yes_no,
    pending_save,
    pending_take,
    rows_commit,
)
from jinjin_crm.core.models import IndustryChain, Park, Region, User
from jinjin_crm.core.validators import normalize_uscc

from . import services
from .filters import officers
from .models import Enterprise, InvestmentProject, Stage

# The pages and the tests use these names from here; the generic ones are re-exported from core.
__all__ = [
    "CHECKS",
    "COLUMNS",
    "COMMITS",
    "ENTERPRISE_COLUMNS",
    "MAX_DATA_ROWS",
    "MAX_FILE_BYTES",
    "PROJECT_COLUMNS",
    "Checked",
    "Column",
    "ImportFileError",
    "ImportRefused",
    "RawRow",
    "RowError",
    "enterprises_check",
    "enterprises_commit",
    "pending_save",
    "pending_take",
    "projects_check",
    "projects_commit",
    "workbook_read",
]

# The limits of these imports: the import page states them and ``workbook_read`` enforces them.
MAX_FILE_BYTES = excel_import.MAX_FILE_BYTES
MAX_DATA_ROWS = excel_import.MAX_DATA_ROWS

# Words Excel ledgers use whatever the interface language is; the translated labels are accepted too.
STAGE_WORDS = {
    "线索": Stage.LEAD,
    "在谈": Stage.NEGOTIATING,
    "洽谈": Stage.NEGOTIATING,
    "签约": Stage.SIGNED,
    "已签约": Stage.SIGNED,
    "开工": Stage.STARTED,
    "在建": Stage.STARTED,
    "投产": Stage.OPERATING,
    "达产": Stage.AT_CAPACITY,
    "中止": Stage.TERMINATED,
    "终止": Stage.TERMINATED,
}

PROJECT_COLUMNS = (
    Column("name", gettext_noop("Project name"), required=True, aliases=("项目名称",)),
    Column("investor", gettext_noop("Investor"), required=True, aliases=("投资方", "投资主体")),
    Column("enterprise", gettext_noop("Project enterprise"), aliases=("项目企业",)),
    Column("park", gettext_noop("Park"), required=True, aliases=("园区", "所在园区")),
    Column("industry", gettext_noop("Industry chain"), required=True, aliases=("产业链", "所属产业链")),
    Column("source", gettext_noop("Source"), required=True, aliases=("来源", "项目来源")),
    Column("stage", gettext_noop("Stage"), aliases=("阶段", "项目阶段", "项目进度")),
    Column(
        "agreed_investment",
        gettext_noop("Agreed investment (10k yuan)"),
        aliases=("协议引资额（万元）", "协议引资额", "协议投资额（万元）", "协议投资额"),
    ),
    Column(
        "fixed_asset_investment",
        gettext_noop("Fixed-asset investment (10k yuan)"),
        aliases=("固定资产投资（万元）", "固定资产投资"),
    ),
    Column("first_contact_on", gettext_noop("First contact date"), aliases=("首次接洽日期",)),
    Column("signed_on", gettext_noop("Signing date"), aliases=("签约日期", "签约时间")),
    Column("started_on", gettext_noop("Construction start date"), aliases=("开工日期", "开工时间")),
    Column("operating_on", gettext_noop("Operation start date"), aliases=("投产日期", "投产时间")),
    Column("at_capacity_on", gettext_noop("Full capacity date"), aliases=("达产日期", "达产时间")),
    Column("terminated_on", gettext_noop("Termination date"), aliases=("中止日期",)),
    Column("termination_reason", gettext_noop("Termination reason"), aliases=("中止原因",)),
    Column("lead_officer", gettext_noop("Lead officer"), required=True, aliases=("牵头专员", "招商专员")),
    Column("sponsor", gettext_noop("Leadership sponsor"), aliases=("联系领导", "包联领导")),
    Column("description", gettext_noop("Project description"), aliases=("项目简介", "项目内容")),
)
ENTERPRISE_COLUMNS = (
    Column("name", gettext_noop("Enterprise name"), required=True, aliases=("企业名称",)),
    Column(
        "credit_code",
        gettext_noop("Unified social credit code"),
        required=True,
        aliases=("统一社会信用代码",),
    ),
    Column("park", gettext_noop("Park"), required=True, aliases=("园区", "所在园区")),
    Column("industry", gettext_noop("Industry chain"), aliases=("产业链", "所属产业链")),
    Column("is_key", gettext_noop("Key enterprise"), aliases=("重点企业", "是否重点企业")),
    Column("address", gettext_noop("Address"), aliases=("地址", "企业地址")),
    Column("contact_name", gettext_noop("Contact person"), aliases=("联系人",)),
    Column("contact_title", gettext_noop("Contact's position"), aliases=("职务", "联系人职务")),
    Column("contact_phone", gettext_noop("Contact phone"), aliases=("联系电话", "电话")),
    Column("notes", gettext_noop("Notes"), aliases=("备注",)),
)
COLUMNS = {"projects": PROJECT_COLUMNS, "enterprises": ENTERPRISE_COLUMNS}
# The dates of the lifecycle, in the order they happen.
PROJECT_DATES = ("first_contact_on", "signed_on", "started_on", "operating_on", "at_capacity_on")
# The last lifecycle date a project at each open or closed stage may carry.
STAGE_LAST_DATE = {
    Stage.LEAD: "first_contact_on",
    Stage.NEGOTIATING: "first_contact_on",
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.OPERATING: "operating_on",
    Stage.AT_CAPACITY: "at_capacity_on",
    Stage.TERMINATED: "at_capacity_on",
}


# --- Reading the file ---------------------------------------------------------------------------


def workbook_read(*, file, columns: tuple[Column, ...]) -> list[RawRow]:
    """Read an upload with ``excel_import.workbook_read``, within this module's limits."""
    return excel_import.workbook_read(
        file=file, columns=columns, max_rows=MAX_DATA_ROWS, max_bytes=MAX_FILE_BYTES
    )


# --- Checking the rows --------------------------------------------------------------------------


def _stage_lookup() -> dict[str, str]:
    lookup = dict(STAGE_WORDS)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            labels = [str(stage.label) for stage in Stage]
        lookup.update({label.lower(): stage.value for label, stage in zip(labels, Stage, strict=True)})
    lookup.update({str(stage.label).lower(): stage.value for stage in Stage})
    lookup.update({stage.value: stage.value for stage in Stage})
    return lookup


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _enterprise_lookup(texts: set[str]) -> dict[str, list[Enterprise]]:
    """Enterprises a project row names, by credit code or exact name, in a few queries."""
    codes, names = set(), set()
    for text in texts:
        try:
            codes.add(normalize_uscc(text))
        except ValidationError:
            names.add(text)
    found: dict[str, list[Enterprise]] = defaultdict(list)
    for chunk in chunks(codes):
        for enterprise in Enterprise.objects.filter(credit_code__in=chunk):
            found[enterprise.credit_code].append(enterprise)
    for chunk in chunks(names):
        for enterprise in Enterprise.objects.filter(name__in=chunk):
            found[enterprise.name].append(enterprise)
    return found


def projects_check(*, rows: list[RawRow]) -> Checked:
    """Check project rows as ``project_create`` will, and more: reference data by code or name, the
    stage's dates and amount, dates in lifecycle order and not in the future, no project twice (in the
    file or already in the park). Returns every error of every row; a row with none becomes the
    keyword arguments of ``project_create``. Reads the database, never writes it."""
    checked = Checked()
    columns = {column.key: column for column in PROJECT_COLUMNS}
    today = timezone.localdate()
    parks, industries = ReferenceLookup(Park), ReferenceLookup(IndustryChain)
    regions = ReferenceLookup(Region)
    stages = _stage_lookup()
    people = OfficerLookup(officers())
    enterprises = _enterprise_lookup({texts["enterprise"] for _n, texts in rows if texts.get("enterprise")})
    existing: set[tuple[str, int]] = set()
    for chunk in chunks({texts.get("name", "") for _n, texts in rows if texts.get("name")}):
        existing.update(InvestmentProject.objects.filter(name__in=chunk).values_list("name", "park_id"))
    seen: dict[tuple[str, int], int] = {}

    for number, texts in rows:
        row = RowCheck(number, texts, columns, checked.errors)
        fields = row.fields
        for key in ("name", "investor", "sponsor"):
            fields[key] = row.text(key, max_length=_max_length(InvestmentProject, key))
        fields["description"] = row.text("description")
        fields["park"] = row.reference(
            "park", parks, _("Unknown park “%(value)s”; use a code or name from the code sheet.")
        )
        fields["industry"] = row.reference(
            "industry",
            industries,
            _("Unknown industry chain “%(value)s”; use a code or name from the code sheet."),
        )
        fields["source"] = row.reference(
            "source", regions, _("Unknown source “%(value)s”; use a code or name from the code sheet.")
        )
        stage_text = row.text("stage")
        stage = stages.get(stage_text.strip().lower(), None) if stage_text else Stage.LEAD
        if stage is None:
            row.error(
                "stage",
                _("Unknown stage “%(value)s”; use a stage from the code sheet.") % {"value": stage_text},
            )
        fields["stage"] = stage
        for key in ("agreed_investment", "fixed_asset_investment"):
            fields[key] = row.parse(key, parse_money)
        for key in (*PROJECT_DATES, "terminated_on"):
            fields[key] = row.parse(key, parse_date, today=today)
        fields["lead_officer"] = row.parse("lead_officer", people.find)
        fields["termination_reason"] = row.text("termination_reason")
        fields["enterprise"] = None
        if texts.get("enterprise"):
            matches = enterprises.get(_uscc_or_text(texts["enterprise"]), [])
            if len(matches) == 1:
                fields["enterprise"] = matches[0]
            elif matches:
                row.error(
                    "enterprise",
                    _("Several enterprises are called this; use the credit code instead of the name."),
                )
            else:
                row.error(
                    "enterprise",
                    _("No enterprise has the credit code or name “%(value)s”; import the enterprise first.")
                    % {"value": texts["enterprise"]},
                )
        if stage is not None:
            _project_stage_rules(row, stage)
        _project_date_order(row)
        if fields["name"] and fields["park"] is not None:
            key = (fields["name"], fields["park"].pk)
            if key in seen:
                row.error("name", _("This project is already in row %(row)d.") % {"row": seen[key]})
            elif key in existing:
                row.error("name", _("A project with this name already exists in this park."))
            else:
                seen[key] = number
        if row.ok:
            checked.rows.append((number, fields))
    return checked


def _uscc_or_text(text: str) -> str:
    try:
        return normalize_uscc(text)
    except ValidationError:
        return text


def _project_stage_rules(row: RowCheck, stage: str) -> None:
    fields = row.fields
    label = Stage(stage).label
    if stage in services.SIGNED_OR_LATER:
        for key in ("signed_on", "agreed_investment"):
            if fields[key] is None and key not in row.failed:
                row.error(key, _("A project at stage “%(stage)s” needs this.") % {"stage": label})
    if stage == Stage.TERMINATED:
        if not fields["termination_reason"].strip():
            row.error("termination_reason", _("Say why the project was terminated."))
    elif fields["terminated_on"] is not None:
        row.error("terminated_on", _("Only a terminated project has a termination date."))
    last = PROJECT_DATES.index(STAGE_LAST_DATE[stage])
    for key in PROJECT_DATES[last + 1 :]:
        if fields[key] is not None:
            row.error(
                key, _("A project at stage “%(stage)s” has not reached this date yet.") % {"stage": label}
            )


def _project_date_order(row: RowCheck) -> None:
    previous_key, previous = None, None
    for key in (*PROJECT_DATES, "terminated_on"):
        value = row.fields[key]
        if value is None:
            continue
        if previous is not None and value < previous:
            row.error(
                key,
                _("This date is before “%(column)s” (%(date)s).")
                % {"column": row.columns[previous_key].header, "date": previous.isoformat()},
            )
        previous_key, previous = key, value


def enterprises_check(*, rows: list[RawRow]) -> Checked:
    """Check enterprise rows: required cells, the credit code's checksum, its uniqueness in the file
    and in the database, the park and industry chain by code or name, 是/否 for key enterprises.
    Returns every error of every row; a row with none becomes the keyword arguments of
    ``enterprise_create``. Reads the database, never writes it."""
    checked = Checked()
    columns = {column.key: column for column in ENTERPRISE_COLUMNS}
    parks, industries = ReferenceLookup(Park), ReferenceLookup(IndustryChain)
    codes = {_uscc_or_text(texts["credit_code"]) for _n, texts in rows if texts.get("credit_code")}
    registered: dict[str, str] = {}
    for chunk in chunks(codes):
        registered.update(Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", "name"))
    seen: dict[str, int] = {}

    for number, texts in rows:
        row = RowCheck(number, texts, columns, checked.errors)
        fields = row.fields
        for key in ("name", "address", "contact_name", "contact_title", "contact_phone"):
            fields[key] = row.text(key, max_length=_max_length(Enterprise, key))
        fields["notes"] = row.text("notes")
        code_text = row.text("credit_code")
        fields["credit_code"] = None
        if code_text:
            try:
                code = normalize_uscc(code_text)
            except ValidationError as exc:
                row.error("credit_code", " ".join(exc.messages))
            else:
                fields["credit_code"] = code
                if code in seen:
                    row.error(
                        "credit_code", _("This credit code is already in row %(row)d.") % {"row": seen[code]}
                    )
                elif code in registered:
                    row.error(
                        "credit_code",
                        _("This credit code is already registered, for “%(name)s”.")
                        % {"name": registered[code]},
                    )
                else:
                    seen[code] = number
        fields["park"] = row.reference(
            "park", parks, _("Unknown park “%(value)s”; use a code or name from the code sheet.")
        )
        fields["industry"] = row.reference(
            "industry",
            industries,
            _("Unknown industry chain “%(value)s”; use a code or name from the code sheet."),
        )
        fields["is_key"] = bool(row.parse("is_key", parse_yes_no))
        phone = fields["contact_phone"]
        if (
            phone
            and "contact_phone" not in row.failed
            and not re.fullmatch(r"[\d\s+\-()（）#转,，/]+", phone)
        ):
            row.error("contact_phone", _("“%(value)s” is not a phone number.") % {"value": phone})
        if row.ok:
            checked.rows.append((number, fields))
    return checked


CHECKS = {"projects": projects_check, "enterprises": enterprises_check}


# --- Writing ------------------------------------------------------------------------------------


def projects_commit(*, rows: list[tuple[int, dict]], by: User) -> int:
    """Create every checked project through ``project_create`` in one transaction, at the stage its
    row gives. Returns how many were created; if the service refuses any row, raises
    ``ImportRefused`` with every refusal and nothing is written."""
    note = _("Imported from Excel")

    def create(**fields):
        services.project_create(by=by, note=note, **fields)

    return rows_commit(rows=rows, create=create, columns=PROJECT_COLUMNS)


def enterprises_commit(*, rows: list[tuple[int, dict]], by: User) -> int:
    """Create every checked enterprise through ``enterprise_create`` in one transaction; all or nothing
    as ``projects_commit``."""

    def create(**fields):
        services.enterprise_create(by=by, **fields)

    return rows_commit(rows=rows, create=create, columns=ENTERPRISE_COLUMNS)


COMMITS = {"projects": projects_commit, "enterprises": enterprises_commit}
