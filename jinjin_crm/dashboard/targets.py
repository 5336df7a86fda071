"""Targets against actuals: how far along a figure is, and its red / amber / green flag.

The flag compares the share of the target reached with the share of the period elapsed (rule in
docs/decisions.md, "Targets ledger flags"):

- green: reached at least the elapsed share (on pace, or done);
- amber: behind, but at least ``AMBER_SHARE`` of the pace;
- red: further behind;
- none: no target, or the period has not begun.

A target of zero is met by any figure.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from .models import Target
from .periods import Period
from .scopes import DISTRICT, OFFICER, PARK, Scope

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
AMBER_SHARE = Decimal("0.8")


@dataclass(frozen=True)
class Progress:
    actual: Decimal
    target: Decimal | None
    done: Decimal | None  # share of the target reached (1 = 100 %), None without a target
    expected: Decimal  # share of the period elapsed
    flag: str

    @property
    def done_percent(self) -> Decimal | None:
        return None if self.done is None else (self.done * 100).quantize(Decimal("0.1"))


def progress(actual, target, period: Period, today: datetime.date | None = None) -> Progress:
    actual = Decimal(actual)
    expected = Decimal(str(round(period.elapsed_share(today or timezone.localdate()), 4)))
    if target is None:
        return Progress(actual, None, None, expected, NONE)
    target = Decimal(target)
    done = Decimal("1") if target == 0 else actual / target
    if expected == 0:
        flag = NONE
    elif done >= expected:
        flag = GREEN
    elif done >= expected * AMBER_SHARE:
        flag = AMBER
    else:
        flag = RED
    return Progress(actual, target, done, expected, flag)


def targets_for(period: Period, scopes: list[Scope] | None = None) -> dict[tuple[str, str], Decimal]:
    """``{(metric code, scope key): target value}`` set for exactly ``period``, in one query."""
    targets = Target.objects.filter(period=period.code).select_related("park")
    found = {}
    for target in targets:
        if target.scope == PARK:
            key = f"{PARK}:{target.park.code}"
        elif target.scope == OFFICER:
            key = f"{OFFICER}:{target.officer_id}"
        else:
            key = DISTRICT
        found[(target.metric, key)] = target.value
    if scopes is not None:
        wanted = {scope.key for scope in scopes}
        found = {key: value for key, value in found.items() if key[1] in wanted}
    return found
