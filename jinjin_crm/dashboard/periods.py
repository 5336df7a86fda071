"""Periods the leadership counts in: a year, a half, a quarter, a month or an ISO week.

A period is written as a code in URLs, targets and the API — ``2024``, ``2024-H1``, ``2024-Q2``,
``2024-03``, ``2024-W23`` — and every date range is inclusive at both ends.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YEAR, HALF, QUARTER, MONTH, WEEK = "year", "half", "quarter", "month", "week"
KIND_LABELS = {
    YEAR: gettext_lazy("year"),
    HALF: gettext_lazy("half year"),
    QUARTER: gettext_lazy("quarter"),
    MONTH: gettext_lazy("month"),
    WEEK: gettext_lazy("week"),
}
# Targets are set per year, half, quarter or month; weeks are for the weekly report only.
TARGET_KINDS = (YEAR, HALF, QUARTER, MONTH)
_PATTERNS = (
    (re.compile(r"^(\d{4})$"), YEAR),
    (re.compile(r"^(\d{4})-H([12])$"), HALF),
    (re.compile(r"^(\d{4})-Q([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), MONTH),
    (re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$"), WEEK),
)
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    year: int
    number: int = 0  # the half, quarter, month or ISO week; 0 for a year

    # --- The dates ------------------------------------------------------------------------------

    @property
    def start(self) -> datetime.date:
        if self.kind == YEAR:
            return datetime.date(self.year, 1, 1)
        if self.kind == HALF:
            return datetime.date(self.year, 6 * (self.number - 1) + 1, 1)
        if self.kind == QUARTER:
            return datetime.date(self.year, 3 * (self.number - 1) + 1, 1)
        if self.kind == MONTH:
            return datetime.date(self.year, self.number, 1)
        return datetime.date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> datetime.date:
        if self.kind == WEEK:
            return self.start + datetime.timedelta(days=6)
        last_month = {YEAR: 12, HALF: 6 * self.number, QUARTER: 3 * self.number, MONTH: self.number}[
            self.kind
        ]
        return datetime.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return months

    def elapsed_share(self, today: datetime.date | None = None) -> float:
        """How much of the period has passed by the end of ``today``: 0 before it starts, 1 after it ends."""
        today = today or timezone.localdate()
        if today < self.start:
            return 0.0
        if today >= self.end:
            return 1.0
        return ((today - self.start).days + 1) / self.days

    # --- Neighbours -----------------------------------------------------------------------------

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        if self.kind == YEAR:
            return Period(YEAR, self.year - 1)
        if self.kind == WEEK:
            return period_of(WEEK, self.start - datetime.timedelta(days=7))
        count = {HALF: 2, QUARTER: 4, MONTH: 12}[self.kind]
        if self.number == 1:
            return Period(self.kind, self.year - 1, count)
        return Period(self.kind, self.year, self.number - 1)

    def year_ago(self) -> "Period":
        """The same period one year earlier (for weeks: the same ISO week number, or the last week)."""
        if self.kind == WEEK:
            weeks = datetime.date(self.year - 1, 12, 28).isocalendar().week
            return Period(WEEK, self.year - 1, min(self.number, weeks))
        return Period(self.kind, self.year - 1, self.number)

    # --- Names ----------------------------------------------------------------------------------

    @property
    def code(self) -> str:
        if self.kind == YEAR:
            return f"{self.year}"
        if self.kind == HALF:
            return f"{self.year}-H{self.number}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-W{self.number:02d}"

    @property
    def label(self) -> str:
        if self.kind == YEAR:
            return _("Year %(year)s") % {"year": self.year}
        if self.kind == HALF:
            if self.number == 1:
                return _("H1 %(year)s") % {"year": self.year}
            return _("H2 %(year)s") % {"year": self.year}
        if self.kind == QUARTER:
            return _("Q%(number)s %(year)s") % {"number": self.number, "year": self.year}
        if self.kind == MONTH:
            return _("%(year)s-%(month)s") % {"year": self.year, "month": f"{self.number:02d}"}
        return _("Week %(number)s of %(year)s (%(start)s to %(end)s)") % {
            "number": self.number,
            "year": self.year,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    def __str__(self) -> str:
        return self.code


def parse_period(value: str | None, *, field: str = "period", kinds: tuple[str, ...] | None = None) -> Period:
    """The period ``value`` names; a ``ValidationError`` on ``field`` saying what is accepted."""
    text = (value or "").strip().upper()
    for pattern, kind in _PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        year = int(found.group(1))
        number = int(found.group(2)) if kind != YEAR else 0
        if not MIN_YEAR <= year <= MAX_YEAR:
            break
        if kind == WEEK and number > datetime.date(year, 12, 28).isocalendar().week:
            break
        if kinds is not None and kind not in kinds:
            raise ValidationError(
                {
                    field: _("“%(value)s” is a %(kind)s; use a year, half year, quarter or month.")
                    % {"value": value, "kind": KIND_LABELS[kind]}
                },
                code="invalid_period",
            )
        return Period(kind, year, number)
    raise ValidationError(
        {
            field: _(
                "“%(value)s” is not a period. Write a year (2024), a half (2024-H1), a quarter "
                "(2024-Q2), a month (2024-03) or a week (2024-W23)."
            )
            % {"value": value or ""}
        },
        code="invalid_period",
    )


def period_of(kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    if kind == YEAR:
        return Period(YEAR, day.year)
    if kind == HALF:
        return Period(HALF, day.year, 1 if day.month <= 6 else 2)
    if kind == QUARTER:
        return Period(QUARTER, day.year, (day.month - 1) // 3 + 1)
    if kind == MONTH:
        return Period(MONTH, day.year, day.month)
    iso = day.isocalendar()
    return Period(WEEK, iso.year, iso.week)


def period_choices(today: datetime.date | None = None, *, years: int = 4) -> list[tuple[str, str]]:
    """The periods a leader picks from: this year and the ``years - 1`` before it, each as the year,
    its halves, its quarters and its months (newest year first)."""
    today = today or timezone.localdate()
    choices = []
    for year in range(today.year, today.year - years, -1):
        periods = [Period(YEAR, year)]
        periods += [Period(HALF, year, n) for n in (1, 2)]
        periods += [Period(QUARTER, year, n) for n in (1, 2, 3, 4)]
        periods += [Period(MONTH, year, n) for n in range(1, 13)]
        choices += [(period.code, period.label) for period in periods if period.start <= today]
    return choices
