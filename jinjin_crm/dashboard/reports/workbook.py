"""The weekly report's workbook, written from its stored figures and laid out for printing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from jinjin_crm.core.excel_export import COUNT_FORMAT, DATE_FORMAT, MONEY_FORMAT, ListSheet, safe_row
from jinjin_crm.core.models import User

from .. import metrics
from .figures import weekly_report_display

PAPER_A4 = 9
PERCENT_FORMAT = "0.0%"
CHANGE_FORMAT = '"▲"0;"▼"0;"–"'
SCORE_FORMAT = "#,##0.0"

KPI_COLUMNS = (
    (gettext_noop("No."), 6, None, "count"),
    (gettext_noop("Area"), 14, None, "text"),
    (gettext_noop("Metric"), 26, None, "text"),
    (gettext_noop("Unit"), 10, None, "text"),
    (gettext_noop("Year to date"), 16, None, "number"),
    (gettext_noop("Target for the year"), 16, None, "number"),
    (gettext_noop("Done (%)"), 10, None, "number"),
    (gettext_noop("Flag"), 10, None, "text"),
    (gettext_noop("This week"), 14, None, "number"),
)
RANKING_COLUMNS = (
    (gettext_noop("Rank"), 8, lambda row: row["rank"], "count"),
    (gettext_noop("Park"), 24, lambda row: row["park_name"], "text"),
    (gettext_noop("Ranking score"), 14, lambda row: _decimal(row["score"]), "score"),
    (gettext_noop("Rank change"), 12, lambda row: row["rank_change"], "change"),
)
PROJECT_COLUMNS = (
    (gettext_noop("No."), 6, None, "count"),
    (gettext_noop("Project name"), 36, lambda row: row["name"], "text"),
    (gettext_noop("Park"), 16, lambda row: row["park"], "text"),
    (gettext_noop("Industry chain"), 26, lambda row: row["industry"], "text"),
    (
        gettext_noop("Agreed investment (10k yuan)"),
        18,
        lambda row: _decimal(row["agreed_investment"]),
        "money",
    ),
    (gettext_noop("Lead officer"), 12, lambda row: row["lead_officer"], "text"),
    (gettext_noop("Signed on"), 12, lambda row: _date(row["signed_on"]), "date"),
)
TALENT_COLUMNS = (
    (gettext_noop("No."), 6, None, "count"),
    (gettext_noop("Full name"), 14, lambda row: row["name"], "text"),
    (gettext_noop("Highest degree"), 10, lambda row: row["degree"], "text"),
    (gettext_noop("Tier"), 14, lambda row: row["tier"], "text"),
    (gettext_noop("Current employer"), 36, lambda row: row["employer"], "text"),
    (gettext_noop("Owner"), 12, lambda row: row["owner"], "text"),
    (gettext_noop("Onboarded on"), 12, lambda row: _date(row["onboarded_on"]), "date"),
)
WAITING_COLUMNS = (
    (gettext_noop("No."), 6, None, "count"),
    (gettext_noop("Project name"), 36, lambda row: row["name"], "text"),
    (gettext_noop("Park"), 16, lambda row: row["park"], "text"),
    (gettext_noop("Industry chain"), 26, lambda row: row["industry"], "text"),
    (
        gettext_noop("Agreed investment (10k yuan)"),
        18,
        lambda row: _decimal(row["agreed_investment"]),
        "money",
    ),
    (gettext_noop("Lead officer"), 12, lambda row: row["lead_officer"], "text"),
    (gettext_noop("Signed on"), 12, lambda row: _date(row["signed_on"]), "date"),
    (gettext_noop("Days since signing"), 12, lambda row: row["days"], "count"),
)
OFFICER_COLUMNS = (
    (gettext_noop("No."), 6, None, "count"),
    (gettext_noop("Officer"), 20, lambda row: row["officer"], "text"),
    (gettext_noop("Overdue follow-ups"), 14, lambda row: row["count"], "count"),
)
OLDEST_COLUMNS = (
    (gettext_noop("No."), 6, None, "count"),
    (gettext_noop("Kind of record"), 14, lambda row: row["kind_label"], "text"),
    (gettext_noop("Followed-up record"), 34, lambda row: row["record"], "text"),
    (gettext_noop("Officer"), 14, lambda row: row["officer"], "text"),
    (gettext_noop("Follow-up due"), 12, lambda row: _date(row["due_on"]), "date"),
    (gettext_noop("Days overdue"), 12, lambda row: row["days"], "count"),
)
FORMATS = {
    "count": COUNT_FORMAT,
    "money": MONEY_FORMAT,
    "date": DATE_FORMAT,
    "score": SCORE_FORMAT,
    "change": CHANGE_FORMAT,
}


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value) -> datetime.date | None:
    return None if not value else datetime.date.fromisoformat(value)


class _Sheet(ListSheet):
    """A report sheet: the list layout (title, context line, repeated header, landscape, fit to the
    width) on A4, with page numbers in the footer; cells formatted by the column's kind."""

    def __init__(self, workbook, *, name, columns, title, context):
        super().__init__(workbook, name=name, columns=columns)
        self.sheet.page_setup.paperSize = PAPER_A4
        self.sheet.print_options.horizontalCentered = True
        self.sheet.oddFooter.center.text = _("Page &P of &N")
        self.sheet.oddFooter.right.text = "&A"
        self.heading(title, context)

    def add(self, row: dict) -> None:
        self.count += 1
        values = []
        for _msgid, _width, read, kind, *_rest in self.columns:
            value = self.count if read is None else read(row)
            if value in ("", None):
                values.append(None)
            elif kind in FORMATS:
                values.append(self.cell(value, number_format=FORMATS[kind]))
            else:
                values.append(value)
        safe_row(self.sheet, values)

    def note(self, text: str) -> None:
        """A line under the table (an empty list says so; a list cut short says how many there are)."""
        safe_row(self.sheet, [text])


def weekly_report_write(stream, *, data: dict, generated_at: datetime.datetime, by: User | None) -> None:
    """Write the report ``data`` as an .xlsx into ``stream``, one sheet per part, in the site's
    language."""
    with translation.override(settings.LANGUAGE_CODE):
        _write(stream, weekly_report_display(data), generated_at, by)


def _write(stream, data: dict, generated_at: datetime.datetime, by: User | None) -> None:
    workbook = Workbook(write_only=True)
    week_text = data["week"]["label"]
    title = _("Weekly report: %(week)s") % {"week": week_text}
    author = str(by) if by is not None else _("the scheduled job")
    generated = _("Generated %(time)s by %(user)s; figures as of %(day)s.") % {
        "time": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
        "user": author,
        "day": data["as_of"],
    }

    def sheet(name, columns, part, context=""):
        return _Sheet(
            workbook,
            name=name,
            columns=columns,
            title=f"{title} · {part}",
            context=f"{context} {generated}".strip(),
        )

    kpis = sheet(
        _("KPIs"),
        KPI_COLUMNS,
        _("Targets and actuals"),
        _("Year to date: %(year)s; the district's targets for the year.") % {"year": data["year"]},
    )
    for row in data["kpis"]:
        number = MONEY_FORMAT if row["unit"] != metrics.COUNT else COUNT_FORMAT
        done = _decimal(row["done_percent"])
        kpis.count += 1
        label = row["label"] + (" *" if row["snapshot"] else "")
        safe_row(
            kpis.sheet,
            [
                kpis.count,
                row["group_label"],
                label,
                row["unit_label"],
                kpis.cell(row["year_shown"], number_format=number),
                kpis.cell(row["target_shown"], number_format=number)
                if row["target_shown"] is not None
                else None,
                kpis.cell(done / 100, number_format=PERCENT_FORMAT) if done is not None else None,
                row["flag_label"] or None,
                kpis.cell(row["week_shown"], number_format=number),
            ],
        )
    kpis.note(_("* As of the day the report was generated, whatever the period."))

    ranking = sheet(_("Park ranking"), RANKING_COLUMNS, _("Park ranking %(year)s") % {"year": data["year"]})
    for row in data["ranking"]:
        ranking.add(row)
    if not data["ranking"]:
        ranking.note(_("No industrial park to rank."))
    ranking.note(_("Rank change: places gained (▲) or lost (▼) against the year before."))

    projects = sheet(_("Signed this week"), PROJECT_COLUMNS, _("New projects signed this week"))
    for row in data["projects"]:
        projects.add(row)
    _total(
        projects,
        data["projects"],
        {4: sum((Decimal(row["agreed_investment"] or "0") for row in data["projects"]), Decimal("0"))},
        count_label=_("%(count)s projects"),
        empty=_("No new project was signed this week."),
    )

    talents = sheet(_("Onboarded this week"), TALENT_COLUMNS, _("Talents onboarded this week"))
    for row in data["talents"]:
        talents.add(row)
    _total(
        talents,
        data["talents"],
        {},
        count_label=_("%(count)s talents"),
        empty=_("No talent was onboarded this week."),
    )

    follow = data["follow_through"]
    waiting = sheet(
        _("Awaiting demands"),
        WAITING_COLUMNS,
        _("Signed projects with no talent demand collected yet"),
        _("Projects signed in %(year)s, oldest first: %(shown)s of %(total)s.")
        % {"year": data["year"], "shown": len(follow["rows"]), "total": follow["total"]},
    )
    for row in follow["rows"]:
        waiting.add(row)
    if not follow["rows"]:
        waiting.note(_("None: every project signed this year has its talent demands collected."))

    overdue = data["overdue"]
    by_officer = sheet(
        _("Overdue by officer"),
        OFFICER_COLUMNS,
        _("Overdue follow-ups by officer"),
        _("%(total)s follow-ups past their date on %(day)s.")
        % {"total": overdue["total"], "day": data["as_of"]},
    )
    for row in overdue["officers"]:
        by_officer.add(row)
    _total(
        by_officer,
        overdue["officers"],
        {2: overdue["total"]},
        count_label=_("%(count)s officers"),
        empty=_("No follow-up is overdue."),
    )

    oldest = sheet(
        _("Oldest overdue"),
        OLDEST_COLUMNS,
        _("The oldest overdue follow-ups"),
        _("The %(shown)s oldest of %(total)s.")
        % {"shown": len(overdue["oldest"]), "total": overdue["total"]},
    )
    for row in overdue["oldest"]:
        oldest.add(row)
    if not overdue["oldest"]:
        oldest.note(_("No follow-up is overdue."))
    workbook.save(stream)


def _total(sheet: _Sheet, rows: list[dict], sums: dict, *, count_label: str, empty: str) -> None:
    """The totals row of a list (its rows counted, ``sums`` by column index), or ``empty`` for none."""
    if rows:
        sheet.totals(sums, count_label=count_label)
    else:
        sheet.note(empty)
        sheet.finish()
