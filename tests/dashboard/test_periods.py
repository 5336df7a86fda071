"""Periods as leaders write them, and the targets' flags on the boundary days."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from jinjin_crm.dashboard import periods
from jinjin_crm.dashboard.targets import AMBER, GREEN, NONE, RED, progress

D = datetime.date


@pytest.mark.parametrize(
    ("code", "start", "end", "label"),
    [
        ("2024", D(2024, 1, 1), D(2024, 12, 31), "Year 2024"),
        ("2024-H1", D(2024, 1, 1), D(2024, 6, 30), "H1 2024"),
        ("2024-h2", D(2024, 7, 1), D(2024, 12, 31), "H2 2024"),
        ("2024-Q1", D(2024, 1, 1), D(2024, 3, 31), "Q1 2024"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
        ("2024-W01", D(2024, 1, 1), D(2024, 1, 7), None),
        ("2020-W53", D(2020, 12, 28), D(2021, 1, 3), None),
    ],
)
def test_periods_parse_to_their_dates(code, start, end, label, settings):
    settings.LANGUAGE_CODE = "en"
    period = periods.parse_period(code)
    assert (period.start, period.end) == (start, end)
    assert period.code == code.upper()
    if label:
        from django.utils import translation

        with translation.override("en"):
            assert period.label == label


@pytest.mark.parametrize(
    "bad", ["", "2024-H3", "2024-Q5", "2024-13", "24", "2024-W54", "2021-W53", "1999", "abc", "2024\x00"]
)
def test_a_period_that_does_not_parse_names_the_field(bad):
    with pytest.raises(ValidationError) as raised:
        periods.parse_period(bad, field="period")
    assert "period" in raised.value.message_dict


def test_targets_refuse_weeks():
    with pytest.raises(ValidationError):
        periods.parse_period("2024-W10", kinds=periods.TARGET_KINDS)


@pytest.mark.parametrize(
    ("code", "previous", "year_ago"),
    [
        ("2024", "2023", "2023"),
        ("2024-H1", "2023-H2", "2023-H1"),
        ("2024-Q1", "2023-Q4", "2023-Q1"),
        ("2024-01", "2023-12", "2023-01"),
        ("2024-W01", "2023-W52", "2023-W01"),
        ("2021-W53".replace("2021", "2020"), "2020-W52", "2019-W52"),
    ],
)
def test_neighbours(code, previous, year_ago):
    period = periods.parse_period(code)
    assert period.previous().code == previous
    assert period.year_ago().code == year_ago


@given(
    st.dates(min_value=D(2001, 1, 1), max_value=D(2099, 12, 31)),
    st.sampled_from(["year", "half", "quarter", "month", "week"]),
)
def test_a_day_lies_in_the_period_of_it_and_periods_tile_time(day, kind):
    period = periods.period_of(kind, day)
    assert period.contains(day)
    assert periods.parse_period(period.code) == period
    assert period.previous().end + datetime.timedelta(days=1) == period.start


H1 = periods.parse_period("2024-H1")  # 182 days


@pytest.mark.parametrize(
    ("today", "actual", "flag"),
    [
        (D(2023, 12, 31), 0, NONE),  # not begun: no flag yet
        (D(2024, 1, 1), 0, RED),  # one day in: 1/182 expected, nothing done
        (D(2024, 1, 1), 1, GREEN),
        (D(2024, 3, 31), 50, GREEN),  # 91/182 = exactly half elapsed, half done
        (D(2024, 3, 31), 40, AMBER),  # 0.40 ≥ 0.8 × 0.5
        (D(2024, 3, 31), 39, RED),  # 0.39 < 0.40
        (D(2024, 6, 30), 99, AMBER),  # the last day: the whole target is due
        (D(2024, 6, 30), 100, GREEN),
        (D(2024, 7, 1), 79, RED),  # after the end, below 80 %
    ],
)
def test_flags_against_the_time_elapsed(today, actual, flag):
    assert progress(actual, Decimal("100"), H1, today).flag == flag


def test_progress_without_a_target_or_with_a_zero_target():
    assert progress(5, None, H1, D(2024, 3, 1)).flag == NONE
    assert progress(5, None, H1, D(2024, 3, 1)).done_percent is None
    zero = progress(0, Decimal("0"), H1, D(2024, 6, 30))
    assert zero.flag == GREEN
    assert zero.done_percent == Decimal("100.0")


def test_done_percent_rounds_to_a_tenth():
    assert progress(1, Decimal("3"), H1, D(2024, 6, 30)).done_percent == Decimal("33.3")
