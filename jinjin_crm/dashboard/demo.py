"""Demo targets (目标台账) and the park ranking's weights, set against the district's H1 2024 report.

H1 2024 as reported: 30 projects from outside the city signed with 411亿元 (4,110,000 万元) agreed;
5,736 consultations, 324 intents and 180 of master's level or above on the recruiting campaigns;
65 tech vice-presidents (科技副总) serving; 40 PhDs planned for the year. The targets are plans a
district would set (the year, and each half) for the district, the four industrial parks and the
demo officers, so that H1 2024 reads mostly green with a few ambers: PhDs behind the pace of the
40 planned, and Baishan one project short.

Park talent targets start in H2 2024: the talents onboarded in H1 2024 are flexible PhDs employed
outside the parks' enterprises, so a park target for them would only read red.

Idempotent: a target or weight that exists is left as it is (an administrator may have changed
it), so running the seed again adds nothing.
"""

from decimal import Decimal

from jinjin_crm.core.models import Park, User
from talents.demo import demo_scale

from .models import RankingWeight, Target
from .periods import parse_period
from .scopes import DISTRICT, OFFICER, PARK
from .services import ranking_weight_set, target_set

# metric: weight (the ranking's points out of 100), in the order the ranking lists them.
WEIGHTS = {
    "projects_introduced": 25,
    "agreed_investment": 25,
    "funds_arrived": 10,
    "talents_onboarded": 15,
    "phds_onboarded": 10,
    "placements_started": 5,
    "applications_approved": 5,
    "teams_introduced": 5,
}
CAP = Decimal("1.20")

# metric: {period: value} for the whole district. Investment and funds in 万元.
DISTRICT_TARGETS = {
    "projects_introduced": {
        "2024": 55,
        "2024-H1": 30,
        "2024-H2": 25,
        "2025": 60,
        "2025-H1": 30,
        "2025-H2": 30,
    },
    "agreed_investment": {
        "2024": 7_000_000,
        "2024-H1": 4_000_000,
        "2024-H2": 3_000_000,
        "2025": 7_500_000,
        "2025-H1": 4_000_000,
        "2025-H2": 3_500_000,
    },
    "funds_arrived": {"2024": 250_000, "2024-H1": 80_000, "2024-H2": 170_000, "2025": 300_000},
    "talents_onboarded": {"2024": 45, "2024-H1": 14, "2024-H2": 30, "2025": 50, "2025-H1": 20, "2025-H2": 30},
    # The report planned 40 PhDs for the year.
    "phds_onboarded": {"2024": 40, "2024-H1": 18, "2024-H2": 22, "2025": 40, "2025-H1": 18, "2025-H2": 22},
    "teams_introduced": {"2024": 3, "2024-H1": 3, "2025": 4},
    "placements_started": {"2024": 15, "2024-H1": 12, "2025": 15},
    "placements_active": {"2024": 65, "2024-H1": 60, "2024-H2": 60, "2025": 65, "2025-H1": 60, "2025-H2": 60},
    "consultations": {"2024": 6_000, "2024-H1": 5_000, "2024-H2": 1_000, "2025": 6_000, "2025-H1": 5_000},
    "intents": {"2024": 400, "2024-H1": 300, "2024-H2": 100, "2025": 400, "2025-H1": 300},
    "masters_intents": {"2024": 220, "2024-H1": 180, "2024-H2": 40, "2025": 220, "2025-H1": 180},
    "applications_approved": {"2024": 20, "2024-H2": 15, "2025": 25},
}

# metric: {period: {park code: value}} for the four industrial parks.
PARK_TARGETS = {
    "projects_introduced": {
        "2024": {"DG": 8, "SF": 7, "LH": 7, "BS": 8},
        "2024-H1": {"DG": 5, "SF": 4, "LH": 4, "BS": 5},
        "2024-H2": {"DG": 3, "SF": 3, "LH": 3, "BS": 3},
        "2025": {"DG": 8, "SF": 8, "LH": 8, "BS": 8},
        "2025-H1": {"DG": 4, "SF": 4, "LH": 4, "BS": 4},
        "2025-H2": {"DG": 4, "SF": 4, "LH": 4, "BS": 4},
    },
    "agreed_investment": {
        "2024": {"DG": 750_000, "SF": 750_000, "LH": 800_000, "BS": 700_000},
        "2024-H1": {"DG": 450_000, "SF": 450_000, "LH": 500_000, "BS": 450_000},
        "2024-H2": {"DG": 300_000, "SF": 300_000, "LH": 300_000, "BS": 250_000},
        "2025": {"DG": 800_000, "SF": 800_000, "LH": 800_000, "BS": 700_000},
        "2025-H1": {"DG": 450_000, "SF": 450_000, "LH": 450_000, "BS": 400_000},
        "2025-H2": {"DG": 350_000, "SF": 350_000, "LH": 350_000, "BS": 300_000},
    },
    "talents_onboarded": {
        "2024": {"DG": 5, "SF": 6, "LH": 10, "BS": 8},
        "2024-H2": {"DG": 3, "SF": 4, "LH": 8, "BS": 5},
        "2025": {"DG": 6, "SF": 6, "LH": 10, "BS": 8},
        "2025-H1": {"DG": 3, "SF": 3, "LH": 4, "BS": 3},
        "2025-H2": {"DG": 3, "SF": 3, "LH": 6, "BS": 5},
    },
    "placements_started": {
        "2024": {"DG": 2, "SF": 2, "LH": 3, "BS": 2},
        "2024-H1": {"DG": 2, "SF": 2, "LH": 3, "BS": 2},
        "2025": {"DG": 2, "SF": 2, "LH": 3, "BS": 2},
    },
    "placements_active": {
        "2024": {"DG": 10, "SF": 10, "LH": 12, "BS": 10},
        "2024-H1": {"DG": 10, "SF": 10, "LH": 12, "BS": 10},
        "2024-H2": {"DG": 8, "SF": 8, "LH": 10, "BS": 8},
        "2025": {"DG": 10, "SF": 10, "LH": 12, "BS": 10},
        "2025-H1": {"DG": 8, "SF": 8, "LH": 10, "BS": 8},
        "2025-H2": {"DG": 8, "SF": 8, "LH": 10, "BS": 8},
    },
}

# metric: {period: {username: value}} for the demo officers (jinjin_crm/core/demo.py). No campaign
# figures: a campaign counts for each of its officers, and which officers go on which campaign
# differs from one demo database to another.
OFFICER_TARGETS = {
    "talents_onboarded": {
        "2024": {"officer_dg": 10, "officer_sf": 15, "officer_lh": 15, "officer_bs": 10},
        "2024-H1": {"officer_dg": 2, "officer_sf": 4, "officer_lh": 5, "officer_bs": 2},
        "2024-H2": {"officer_dg": 8, "officer_sf": 12, "officer_lh": 8, "officer_bs": 6},
    },
    "projects_introduced": {"2024": {"investment": 15}, "2024-H1": {"investment": 12}},
    "agreed_investment": {"2024": {"investment": 2_500_000}, "2024-H1": {"investment": 2_000_000}},
}
NOTE = "演示目标"


# The campaigns demo shrinks its people met with DEMO_TALENTS; so do these targets, so a smaller demo
# reads as the default one does.
SCALED_WITH_THE_DEMO = ("consultations", "intents", "masters_intents")


def _planned():
    """Every demo target as (period, metric, scope, park code, username, value)."""
    scale = demo_scale()
    for metric, periods in DISTRICT_TARGETS.items():
        for period, value in periods.items():
            if metric in SCALED_WITH_THE_DEMO:
                value = max(round(value * scale), 1)
            yield period, metric, DISTRICT, None, None, value
    for metric, periods in PARK_TARGETS.items():
        for period, values in periods.items():
            for code, value in values.items():
                yield period, metric, PARK, code, None, value
    for metric, periods in OFFICER_TARGETS.items():
        for period, values in periods.items():
            for username, value in values.items():
                yield period, metric, OFFICER, None, username, value


def seed() -> str:
    by = User.objects.filter(username="admin").first()
    weights = 0
    existing_weights = set(RankingWeight.objects.values_list("metric", flat=True))
    for order, (metric, weight) in enumerate(WEIGHTS.items(), start=1):
        if metric in existing_weights:
            continue
        ranking_weight_set(metric=metric, weight=weight, cap=CAP, sort_order=order * 10, by=by)
        weights += 1

    parks = {park.code: park for park in Park.objects.filter(is_active=True)}
    officers = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    existing = {
        (target.period, target.metric, target.scope, target.park_id, target.officer_id)
        for target in Target.objects.all()
    }
    targets = 0
    for period, metric, scope, code, username, value in _planned():
        park, officer = parks.get(code) if code else None, officers.get(username) if username else None
        if (code and park is None) or (username and officer is None):
            continue  # the park or the demo officer is not there (seeded on its own)
        key = (
            parse_period(period).code,
            metric,
            scope,
            park.pk if park else None,
            officer.pk if officer else None,
        )
        if key in existing:
            continue
        target_set(
            period=period,
            metric=metric,
            scope=scope,
            park=park,
            officer=officer,
            value=value,
            note=NOTE,
            by=by,
        )
        targets += 1
    return f"{targets} target(s), {weights} ranking weight(s)"


def _usernames() -> set[str]:
    return {
        username for periods in OFFICER_TARGETS.values() for values in periods.values() for username in values
    }
