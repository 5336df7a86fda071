"""The targets ledger as an .xlsx: one row per metric and scope, laid out for printing."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from jinjin_crm.core.excel_export import ListSheet, exported_by

from .metrics import UNIT_LABELS
from .periods import Period

FLAG_LABELS = {
    "green": gettext_noop("on track"),
    "amber": gettext_noop("behind"),
    "red": gettext_noop("far behind"),
}

LEDGER_COLUMNS = (
    (gettext_noop("No."), 6, None, "count"),
    (gettext_noop("Metric"), 24, lambda row: row["metric"], "text"),
    (gettext_noop("Unit"), 10, lambda row: row["unit"], "text"),
    (gettext_noop("Scope"), 18, lambda row: row["scope"], "text"),
    (gettext_noop("Target"), 16, lambda row: row["target"], "money"),
    (gettext_noop("Actual"), 16, lambda row: row["value"], "money"),
    (gettext_noop("Done (%)"), 10, lambda row: row["done"], "money"),
    (gettext_noop("Flag"), 10, lambda row: row["flag"], "text"),
)


def ledger_rows(ledger: dict) -> list[dict]:
    rows = []
    for row in ledger["rows"]:
        metric = row["metric"]
        for cell in row["cells"]:
            if cell is None:
                continue
            rows.append(
                {
                    "metric": str(metric.label),
                    "unit": str(UNIT_LABELS[metric.unit]),
                    "scope": cell["scope"].label,
                    "target": cell["target"],
                    "value": cell["value"],
                    "done": cell["done_percent"],
                    "flag": _(FLAG_LABELS[cell["flag"]]) if cell["flag"] in FLAG_LABELS else "",
                }
            )
    return rows


def ledger_write(stream, *, ledger: dict, period: Period, by) -> None:
    workbook = Workbook(write_only=True)
    sheet = ListSheet(workbook, name=_("Targets ledger"), columns=LEDGER_COLUMNS)
    context = _("%(period)s · %(elapsed)s%% of the period elapsed · exported %(time)s by %(user)s") % {
        "period": period.label,
        "elapsed": ledger["elapsed_percent"],
        **exported_by(by),
    }
    sheet.heading(_("Targets ledger %(period)s") % {"period": period.label}, context)
    for row in ledger_rows(ledger):
        sheet.row(row)
    sheet.finish()
    workbook.save(stream)
