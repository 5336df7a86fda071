"""Excel workbooks of the policies app: the filtered application list and a fund's ledger.

Both are written with openpyxl's write-only mode (rows streamed to a temporary file) from querysets
read in chunks, each chunk in one query with everything its rows show. Money is in yuan with two
decimals, as stored, so the sums agree with the finance office's books to the fen. The application
list names talents but holds no ID number or mobile.
"""

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from jinjin_crm.core import excel_export
from jinjin_crm.core.excel_export import (
    CHUNK,
    HEADER_ROW,  # noqa: F401 (where the table starts, for readers of the workbook)
    MONEY_FORMAT,
    TOTAL_BORDER,
    TOTAL_FONT,
    ListSheet,
    exported_by,
)
from jinjin_crm.core.models import User

from .filters import ApplicationFilter
from .models import ZERO, ApplicationState, BenefitKind, Fund, MovementKind, PolicyApplication
from .rules import format_amount
from .selectors import fund_figures, fund_movements


def _local(moment):
    """An aware time as the naive local time Excel shows, or None."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None


def _to_pay(application: PolicyApplication) -> Decimal:
    if application.state != ApplicationState.APPROVED:
        return ZERO
    return application.amount - application.disbursed


class _Sheet(ListSheet):
    """A list sheet whose totals are lines of their own: a ledger's sums by kind, a count in words."""

    def total(self, label: str, values: dict[int, Decimal | str]) -> None:
        """A totals line: ``label`` in the first column, ``values`` by column index (money or text)."""
        line = [None] * len(self.columns)
        line[0] = self.cell(label, font=TOTAL_FONT, border=TOTAL_BORDER)
        for index, value in values.items():
            style = {"number_format": MONEY_FORMAT} if isinstance(value, Decimal) else {}
            line[index] = self.cell(value, font=TOTAL_FONT, border=TOTAL_BORDER, **style)
        self.sheet.append(line)


# --- Applications -----------------------------------------------------------------------------------

AMOUNT = gettext_noop("Amount (yuan)")
DISBURSED = gettext_noop("Disbursed (yuan)")
TO_PAY = gettext_noop("To pay (yuan)")


def _application_columns():
    """(msgid, width, how to read the value from an application, kind of cell) of each column."""
    return (
        (gettext_noop("No."), 6, None, "count"),
        (gettext_noop("Talent"), 10, lambda a: a.talent.name, "text"),
        (gettext_noop("Benefit"), 20, lambda a: a.benefit.name, "text"),
        (gettext_noop("Kind"), 10, lambda a: str(BenefitKind(a.benefit.kind).label), "text"),
        (gettext_noop("Policy"), 30, lambda a: str(a.benefit.policy), "text"),
        (gettext_noop("Fund"), 24, lambda a: str(a.fund), "text"),
        (gettext_noop("State"), 8, lambda a: str(a.get_state_display()), "text"),
        (AMOUNT, 15, lambda a: a.amount, "money"),
        (DISBURSED, 15, lambda a: a.disbursed, "money"),
        (TO_PAY, 15, _to_pay, "money"),
        (
            gettext_noop("Proposed automatically"),
            8,
            lambda a: _("yes") if a.proposed_automatically else "",
            "text",
        ),
        (gettext_noop("Owner officer"), 10, lambda a: str(a.owner) if a.owner else "", "text"),
        (gettext_noop("Created at"), 17, lambda a: _local(a.created_at), "datetime"),
        (gettext_noop("Submitted at"), 17, lambda a: _local(a.submitted_at), "datetime"),
        (gettext_noop("Decided at"), 17, lambda a: _local(a.decided_at), "datetime"),
        (gettext_noop("Updated at"), 17, lambda a: _local(a.updated_at), "datetime"),
    )


def filters_describe(params) -> str:
    """The filters of ``params`` (the application list's query parameters) in words, as
    ``application_list`` applies them: values that do not validate are left out there, so here too."""
    return excel_export.filters_describe(
        ApplicationFilter, params, everything=_("Filters: none (all applications)"), describe=_describe
    )


def _describe(name: str, value) -> str | None:
    if name == "proposed_automatically":
        return _("yes") if value else _("no")
    if name == "talent":
        return str(int(value))
    return None


def application_list_export(*, queryset: QuerySet, params, stream, by: User) -> dict:
    """Write the applications of ``queryset`` (as ``application_list`` filtered it, with ``disbursed``)
    as .xlsx into ``stream``: one row each in the queryset's order, and a totals line with the count and
    the sums of amount, disbursed and still to pay of exactly the rows written. Returns the totals."""
    columns = _application_columns()
    workbook = Workbook(write_only=True)
    sheet = _Sheet(workbook, name=_("Policy applications"), columns=columns)
    sheet.heading(
        _("Policy applications (exported %(time)s by %(user)s)") % exported_by(by), filters_describe(params)
    )
    totals = {AMOUNT: ZERO, DISBURSED: ZERO, TO_PAY: ZERO}
    for application in queryset.iterator(chunk_size=CHUNK):
        sheet.row(application)
        totals[AMOUNT] += application.amount
        totals[DISBURSED] += application.disbursed
        totals[TO_PAY] += _to_pay(application)
    index = {msgid: position for position, (msgid, *_rest) in enumerate(columns)}
    sheet.total(
        _("Total"),
        {1: _("%(count)s applications") % {"count": f"{sheet.count:,}"}}
        | {index[msgid]: value for msgid, value in totals.items()},
    )
    sheet.finish()
    workbook.save(stream)
    return {
        "count": sheet.count,
        "amount": totals[AMOUNT],
        "disbursed": totals[DISBURSED],
        "to_pay": totals[TO_PAY],
    }


# --- A fund's ledger ------------------------------------------------------------------------------

MOVEMENT_AMOUNT = gettext_noop("Amount (yuan)")


def _movement_columns():
    return (
        (gettext_noop("No."), 6, None, "count"),
        (gettext_noop("Time"), 17, lambda m: _local(m.at), "datetime"),
        (gettext_noop("Kind"), 10, lambda m: str(m.get_kind_display()), "text"),
        (MOVEMENT_AMOUNT, 16, lambda m: m.amount, "money"),
        (gettext_noop("Talent"), 10, lambda m: m.application.talent.name, "text"),
        (gettext_noop("Benefit"), 20, lambda m: m.application.benefit.name, "text"),
        (gettext_noop("By"), 10, lambda m: str(m.by) if m.by else "", "text"),
        (gettext_noop("Note"), 36, lambda m: m.note, "text"),
    )


def fund_movements_export(*, fund: Fund, stream, by: User) -> dict:
    """Write ``fund``'s ledger as .xlsx into ``stream``, newest line first as on the fund page: its
    figures above the table, one row per movement, and the sum of each kind below, from exactly the
    rows written. Returns those sums by kind."""
    columns = _movement_columns()
    workbook = Workbook(write_only=True)
    sheet = _Sheet(workbook, name=_("Fund ledger"), columns=columns)
    figures = fund_figures(fund)
    sheet.heading(
        _("Ledger of %(fund)s (exported %(time)s by %(user)s)") % {"fund": fund, **exported_by(by)},
        _(
            "Budget %(budget)s; committed %(committed)s; disbursed %(disbursed)s; remaining %(remaining)s "
            "(yuan)"
        )
        % {
            "budget": format_amount(figures.budget),
            "committed": format_amount(figures.committed),
            "disbursed": format_amount(figures.disbursed),
            "remaining": format_amount(figures.remaining),
        },
    )
    sums = dict.fromkeys(MovementKind.values, ZERO)
    for movement in fund_movements(fund).iterator(chunk_size=CHUNK):
        sheet.row(movement)
        sums[movement.kind] += movement.amount
    amount_index = next(i for i, column in enumerate(columns) if column[0] == MOVEMENT_AMOUNT)
    for kind in MovementKind:
        sheet.total(_("Total: %(kind)s") % {"kind": kind.label}, {amount_index: sums[kind]})
    sheet.finish()
    workbook.save(stream)
    return sums
