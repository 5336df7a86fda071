"""Excel import of targets (目标台账): their columns and the rules their rows obey.

The reading, the cell machinery and the preview cache are ``jinjin_crm.core.excel_import``'s; the
rules of a target are ``services.target_validate``'s, so a preview refuses exactly what the commit
would. It guarantees:

- ``workbook_read(file=)`` reads the first sheet within the import's limits, or raises
  ``ImportFileError``.
- ``targets_check(rows=)`` turns the text into ``target_set``'s keyword arguments and reports every
  problem of every row (``RowError``: Excel row number, the column's header, a message): a period
  that is not a year, half, quarter or month; a metric, park or officer that does not exist; a
  scope the metric is not counted for; a negative or non-numeric value; the same target twice in
  the file. Rows that change an existing target are noted (``warnings``). Reads, never writes.
- ``targets_commit(rows=, by=)`` writes the checked rows through ``services.targets_import`` in one
  transaction; if any row is refused, nothing is written (``ImportRefused``).
- ``import_template_write(stream=)`` writes the template: the headers, an example row that passes
  the checks, and the code sheet (metrics, scopes, periods, parks, officers).

Cells are read as officers write them: 期间 as 2024, 2024-H1, 2024-Q2, 2024-03 or 2024年上半年;
指标 by code, by its name in either language or by the ledger's usual words; 范围 as 全区, 园区 or
专员 (blank: 园区 when a park is named, 专员 when an officer is, else 全区); 园区 by code or name;
专员 by user name or name.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jinjin_crm.core import excel_export, excel_import
from jinjin_crm.core.excel_export import CodeList, active_codes
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
    pending_save,
    pending_take,
)
from jinjin_crm.core.models import Park, User
from jinjin_crm.core.roles import Role

from . import services
from .metrics import METRICS
from .models import Target
from .periods import HALF, KIND_LABELS, MONTH, QUARTER, YEAR, Period
from .scopes import DISTRICT, OFFICER, PARK, SCOPE_KINDS, ranked_parks

__all__ = [
    "COLUMNS",
    "KIND",
    "MAX_DATA_ROWS",
    "MAX_FILE_BYTES",
    "Checked",
    "ImportFileError",
    "ImportRefused",
    "RawRow",
    "RowError",
    "TargetsChecked",
    "import_template_write",
    "pending_save",
    "pending_take",
    "targets_check",
    "targets_commit",
    "workbook_read",
]

KIND = "targets"  # the kind of import, for the preview cache
# Targets are a few hundred rows a year; the limits keep a wrong file from tying up the request.
MAX_DATA_ROWS = 5_000
MAX_FILE_BYTES = 2 * 1024 * 1024

COLUMNS = (
    Column("period", gettext_noop("Period"), required=True, aliases=("期间", "考核期间", "目标期间")),
    Column("metric", gettext_noop("Metric"), required=True, aliases=("指标", "指标名称", "考核指标")),
    Column("scope", gettext_noop("Scope"), aliases=("范围", "目标范围")),
    Column("park", gettext_noop("Park"), aliases=("园区", "所在园区")),
    Column("officer", gettext_noop("Officer"), aliases=("专员", "责任专员")),
    Column("value", gettext_noop("Target value"), required=True, aliases=("目标值", "目标")),
    Column("note", gettext_noop("Notes"), aliases=("备注",)),
)
HEADERS = {column.key: column for column in COLUMNS}

# The words the district's ledgers use for the scopes, whatever the interface language.
SCOPE_WORDS = {
    "全区": DISTRICT,
    "区级": DISTRICT,
    "全区目标": DISTRICT,
    "园区": PARK,
    "园区目标": PARK,
    "专员": OFFICER,
    "个人": OFFICER,
    "专员目标": OFFICER,
}
# The ledgers' usual names of the figures (a unit in brackets after them is ignored).
METRIC_WORDS = {
    "引进项目": "projects_introduced",
    "新引进项目": "projects_introduced",
    "招商引资项目": "projects_introduced",
    "签约项目": "projects_introduced",
    "协议引资额": "agreed_investment",
    "协议引资": "agreed_investment",
    "协议投资额": "agreed_investment",
    "到位资金": "funds_arrived",
    "实际到位资金": "funds_arrived",
    "开工项目": "projects_started",
    "投产项目": "projects_operating",
    "到岗人才": "talents_onboarded",
    "引进人才": "talents_onboarded",
    "引进博士": "phds_onboarded",
    "到岗博士": "phds_onboarded",
    "引进硕士": "masters_onboarded",
    "到岗硕士": "masters_onboarded",
    "柔性引进人才": "flexible_introduced",
    "柔性引才": "flexible_introduced",
    "引进创新团队": "teams_introduced",
    "创新团队": "teams_introduced",
    "咨询人数": "consultations",
    "咨询人次": "consultations",
    "意向人数": "intents",
    "达成意向": "intents",
    "硕士以上意向": "masters_intents",
    "硕士及以上意向": "masters_intents",
    "硕士以上": "masters_intents",
    "新聘科技副总": "placements_started",
    "选聘科技副总": "placements_started",
    "在岗科技副总": "placements_active",
    "政策兑现": "applications_approved",
    "申报审批通过": "applications_approved",
    "兑现金额": "amount_disbursed",
    "逾期服务事项": "service_requests_overdue",
}
CHINESE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


# --- Reading the file ---------------------------------------------------------------------------


def workbook_read(*, file) -> list[RawRow]:
    """Read an upload with ``excel_import.workbook_read``, within this import's limits."""
    return excel_import.workbook_read(
        file=file, columns=COLUMNS, max_rows=MAX_DATA_ROWS, max_bytes=MAX_FILE_BYTES
    )


# --- Checking the rows --------------------------------------------------------------------------


def _word(text: str) -> str:
    """A cell's word for look-ups: no spaces, lower case, without a unit in brackets at its end."""
    text = re.sub(r"\s+", "", text or "").replace("（", "(").replace("）", ")")
    return re.sub(r"\([^)]*\)$", "", text).lower()


def period_text(text: str) -> str:
    """A period as a code, from the ways ledgers write it: a month Excel turned into its first day
    (2024-03-01), 2024年, 2024年上半年, 2024年第二季度, 2024年3月, 2024/3. Anything else unchanged,
    for ``parse_period`` to judge."""
    compact = re.sub(r"\s+", "", text or "")
    if found := re.fullmatch(r"(\d{4})-(\d{2})-01", compact):
        return f"{found[1]}-{found[2]}"
    if found := re.fullmatch(r"(\d{4})年?(?:度|全年)?", compact):
        return found[1]
    if found := re.fullmatch(r"(\d{4})年?([上下])半年", compact):
        return f"{found[1]}-H{1 if found[2] == '上' else 2}"
    if found := re.fullmatch(r"(\d{4})年?第?([一二三四1-4])季度", compact):
        return f"{found[1]}-Q{CHINESE_NUMBERS[found[2]]}"
    if found := re.fullmatch(r"(\d{4})(?:年|/)(\d{1,2})月?", compact):
        return f"{found[1]}-{int(found[2]):02d}"
    return compact


def _metric_lookup() -> dict[str, str]:
    lookup = {_word(word): code for word, code in METRIC_WORDS.items()}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({_word(str(metric.label)): metric.code for metric in METRICS})
    lookup.update({_word(str(metric.label)): metric.code for metric in METRICS})
    lookup.update({metric.code: metric.code for metric in METRICS})
    return lookup


def _scope_lookup() -> dict[str, str]:
    lookup = dict(SCOPE_WORDS)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({_word(str(label)): code for code, label in SCOPE_KINDS})
    lookup.update({_word(str(label)): code for code, label in SCOPE_KINDS})
    lookup.update({code: code for code, _label in SCOPE_KINDS})
    return lookup


def _officers():
    return User.objects.filter(groups__name=Role.OFFICER, is_active=True).order_by("name", "username")


def parse_value(text: str) -> Decimal:
    """A target value as written: digits, with thousands separators if any."""
    try:
        value = Decimal(re.sub(r"[,，\s]", "", text))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text})
    return value


@dataclass
class TargetsChecked(Checked):
    # Rows that change the value of a target already set (naming the old value); they do not stop
    # the import.
    warnings: list[RowError] = field(default_factory=list)
    # How many checked rows set a target that exists already (changed or not).
    existing: int = 0

    @property
    def new(self) -> int:
        return len(self.rows) - self.existing


def number_text(value: Decimal) -> str:
    """12,000 or 12,000.50: thousands separated, cents only when there are some."""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _infer_scope(row: RowCheck, lookup: dict[str, str]) -> str | None:
    text = row.text("scope")
    if text:
        scope = lookup.get(_word(text))
        if scope is None:
            row.error("scope", _("Unknown scope “%(value)s”; write 全区, 园区 or 专员.") % {"value": text})
        return scope
    has_park, has_officer = bool(row.texts.get("park")), bool(row.texts.get("officer"))
    if has_park and has_officer:
        row.error("scope", _("A row names a park or an officer, not both; write 园区 or 专员 here."))
        return None
    return PARK if has_park else OFFICER if has_officer else DISTRICT


def _target_key(values: dict) -> tuple:
    return (
        values["period"].code,
        values["metric"],
        values["scope"],
        values["park"].pk if values["park"] else None,
        values["officer"].pk if values["officer"] else None,
    )


def targets_check(*, rows: list[RawRow]) -> TargetsChecked:
    """Check target rows as ``target_set`` will (through ``target_validate``), reading each cell as
    officers write it. Returns every error of every row; a row with none becomes the keyword
    arguments of ``target_set``. A target twice in the file is an error on the later row; a row
    changing an existing target is a warning naming the value it replaces. The queries grow with
    the officers named, not with the rows; never writes."""
    checked = TargetsChecked()
    parks = ReferenceLookup(Park)
    people = OfficerLookup(_officers())
    metrics, scopes = _metric_lookup(), _scope_lookup()
    seen: dict[tuple, int] = {}
    passed: list[tuple[int, dict, dict]] = []

    for number, texts in rows:
        row = RowCheck(number, texts, HEADERS, checked.errors)
        fields = row.fields
        fields["period"] = period_text(row.text("period"))
        metric_text = row.text("metric")
        fields["metric"] = metrics.get(_word(metric_text), "") if metric_text else ""
        if metric_text and not fields["metric"]:
            row.error(
                "metric",
                _("Unknown metric “%(value)s”; use a code or name from the code sheet.")
                % {"value": metric_text},
            )
        fields["scope"] = _infer_scope(row, scopes)
        fields["park"] = row.reference(
            "park", parks, _("Unknown park “%(value)s”; use a code or name from the code sheet.")
        )
        fields["officer"] = row.parse("officer", people.find)
        fields["value"] = row.parse("value", parse_value)
        fields["note"] = row.text("note")
        try:
            values = services.target_validate(**fields)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                # A cell already reported (unreadable, or required and blank) is not reported again.
                if key in row.failed:
                    continue
                for message in messages:
                    row.error(key, message)
            continue
        if not row.ok:
            continue
        key = _target_key(values)
        if key in seen:
            checked.errors.append(
                RowError(number, "", _("This target is already in row %(row)d.") % {"row": seen[key]})
            )
            continue
        seen[key] = number
        passed.append((number, fields, values))

    existing = _existing_targets({values["period"].code for _n, _f, values in passed})
    for number, fields, values in passed:
        checked.rows.append((number, fields))
        old = existing.get(_target_key(values))
        if old is None:
            continue
        checked.existing += 1
        if old != values["value"]:
            checked.warnings.append(
                RowError(
                    number,
                    HEADERS["value"].header,
                    _("Changes the target set before, %(old)s, to %(new)s.")
                    % {"old": number_text(old), "new": number_text(values["value"])},
                )
            )
    return checked


def _existing_targets(periods: set[str]) -> dict[tuple, Decimal]:
    found = {}
    for target in Target.objects.filter(period__in=periods):
        found[(target.period, target.metric, target.scope, target.park_id, target.officer_id)] = target.value
    return found


# --- Writing ------------------------------------------------------------------------------------


def targets_commit(*, rows: list[tuple[int, dict]], by: User) -> int:
    """Set every checked target through ``services.targets_import`` in one transaction. Returns how
    many; if the service refuses any row, raises ``ImportRefused`` with every refusal (under the
    column at fault) and nothing is written."""
    try:
        return len(services.targets_import(rows=rows, by=by))
    except ValidationError as exc:
        refusals = exc.error_dict.get("rows", []) if hasattr(exc, "error_dict") else exc.error_list
        errors = []
        for refusal in refusals:
            params = refusal.params or {}
            column = HEADERS.get(params.get("field", ""))
            errors.append(
                RowError(
                    params.get("row", 0),
                    column.header if column else "",
                    params.get("message", " ".join(refusal.messages)),
                )
            )
        raise ImportRefused(errors) from None


# --- The template -------------------------------------------------------------------------------


def _example(*, today: datetime.date) -> dict:
    park = next(iter(ranked_parks()), None) or Park.objects.filter(is_active=True).first()
    metric = METRICS[0]
    return {
        "period": f"{today.year}-H{1 if today.month <= 6 else 2}",
        "metric": str(metric.label),
        "scope": str(dict(SCOPE_KINDS)[PARK]) if park else str(dict(SCOPE_KINDS)[DISTRICT]),
        "park": park.name if park else "",
        "value": 10,
        "note": _("Example row: replace it with your targets."),
    }


def _period_examples(today: datetime.date) -> list[tuple[str, str]]:
    year = today.year
    periods = [
        Period(YEAR, year),
        Period(HALF, year, 1),
        Period(QUARTER, year, 2),
        Period(MONTH, year, 3),
    ]
    return [(period.code, f"{KIND_LABELS[period.kind]}: {period.label}") for period in periods]


def import_template_write(*, stream) -> None:
    """Write the targets' import template into ``stream``: the headers (required ones in red), one
    example row that passes the checks as it is, and a code sheet with the metrics (code, name,
    unit), the scopes, how periods are written, the parks and the officers."""
    today = timezone.localdate()
    code_lists = [
        CodeList(HEADERS["metric"].msgid, [(metric.code, str(metric.label)) for metric in METRICS], "name"),
        CodeList(HEADERS["scope"].msgid, [(code, str(label)) for code, label in SCOPE_KINDS], "name"),
        CodeList(HEADERS["period"].msgid, _period_examples(today)),
        CodeList(HEADERS["park"].msgid, active_codes(Park), "name"),
        CodeList(HEADERS["officer"].msgid, [(user.username, user.name) for user in _officers()]),
    ]
    excel_export.import_template_write(
        stream=stream,
        title=_("Targets"),
        columns=COLUMNS,
        example=_example(today=today),
        notes={
            "period": gettext_noop("2024, 2024-H1, 2024-Q2 or 2024-03"),
            "metric": gettext_noop("Required"),
            "scope": gettext_noop(
                "全区, 园区 or 专员; blank: 园区 when a park is named, 专员 when an officer is"
            ),
            "value": gettext_noop("Required"),
        },
        code_lists=code_lists,
        text_columns=("period",),
        code_widths=(22, 30),
        code_format=None,
    )
