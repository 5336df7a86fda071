"""Leadership pages at district scale: time and SQL queries per request, cold and warm cache.

Run against the benchmark database with its contacts, stage history and targets
(``bench/generate.py --activity-only``), from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinjin_bench \\
        .venv/bin/python bench/dashboard.py --repeat 12

Each page is requested for a few periods (this year, last year, this year's first half, last month;
the dashboard and the follow-through also with ``park=SF``) through Django's test client in this
process, as a signed-in leader (created once as ``bench_leader``): ``--repeat`` times with the cache
cleared before each request (cold), then ``--repeat`` times with the figures cached (warm); the first
two of each are dropped. Prints a Markdown table: URL, cold/warm, status, SQL queries of the last
request, median SQL time, response bytes, p50 and p95 in ms. Then each selector of the pages on its own, cold
(``--selector-repeat`` runs, the first dropped): SQL queries, the SQL's share of the time, p50, p95,
and with ``--slowest N`` the N slowest statements of each (``--explain``: their EXPLAIN ANALYZE).
``--period 2026-H1`` and ``--selector charts`` (repeatable) narrow the run; see bench/README.md.

Settings: production's (``DEBUG`` off) unless ``--debug``, with three bench-only stand-ins so the
process starts without a deployment: a throwaway ``SECRET_KEY``, the development
``FIELD_ENCRYPTION_KEY`` that bench/generate.py encrypted with (it runs with ``DEBUG=true``), and
Django's plain static files storage instead of the manifest one (no ``collectstatic`` needed; the
pages resolve a few static URLs). Requests are made over HTTPS, as production redirects to it. The
cache is Redis at ``REDIS_URL``, by default database 13 of the local server, which ``cache.clear()``
empties: never point it at a database something else uses.
"""

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEVELOPMENT_FIELD_KEY = "ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMDAwMDA="  # jinjin_crm/settings.py's


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=12, help="requests per URL and mode (12)")
    parser.add_argument("--selector-repeat", type=int, default=6, help="cold runs per selector (6)")
    parser.add_argument("--only", help="only the URLs that start with this (e.g. /dashboard/ledger/)")
    parser.add_argument("--period", action="append", help="only this period (repeatable), e.g. 2026-H1")
    parser.add_argument("--selector", action="append", help="only this selector (repeatable), e.g. charts")
    parser.add_argument("--no-pages", action="store_true", help="only time the selectors")
    parser.add_argument("--no-selectors", action="store_true", help="only time the pages")
    parser.add_argument(
        "--slowest", type=int, default=0, metavar="N", help="print each selector's N slowest SQL"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the --slowest statements")
    parser.add_argument("--debug", action="store_true", help="run with DEBUG=true, as bench/lists.py")
    return parser.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else None
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjin_crm.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
if ARGS is not None and ARGS.debug:
    os.environ["DEBUG"] = "true"
else:
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789abcdef")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", DEVELOPMENT_FIELD_KEY)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from jinjin_crm.core.models import Park, User  # noqa: E402
from jinjin_crm.core.roles import Role  # noqa: E402
from jinjin_crm.core.services import user_create  # noqa: E402
from jinjin_crm.dashboard import selectors  # noqa: E402
from jinjin_crm.dashboard.periods import HALF, MONTH, YEAR, Period, parse_period, period_of  # noqa: E402

PAGES = (
    ("/dashboard/", True),
    ("/dashboard/ledger/", False),
    ("/dashboard/ranking/", False),
    ("/dashboard/scorecard/", False),
    ("/dashboard/follow-through/", True),
)
PARK = "SF"


def periods() -> list[Period]:
    """This year, last year, this year's first half (last year's before July), last month; or the
    periods of ``--period``."""
    if ARGS is not None and ARGS.period:
        return [parse_period(code) for code in ARGS.period]
    today = timezone.localdate()
    this_month = period_of(MONTH, today)
    return [
        Period(YEAR, today.year),
        Period(YEAR, today.year - 1),
        Period(HALF, today.year if today.month > 6 else today.year - 1, 1),
        this_month.previous(),
    ]


def urls() -> list[str]:
    found = []
    for path, by_park in PAGES:
        for period in periods():
            found.append(f"{path}?period={period.code}")
        if by_park:
            found += [f"{path}?period={period.code}&park={PARK}" for period in periods()]
    return found


def percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, round(len(timings) * 0.95) - 1)]


class QueryTimer:
    """An execute wrapper keeping each statement, its parameters and its wall time in seconds
    (CaptureQueriesContext rounds to the millisecond, and most of these take less)."""

    def __init__(self):
        self.queries: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - started))

    def milliseconds(self) -> float:
        return sum(duration for _sql, _params, duration in self.queries) * 1000


def time_pages(client: Client, repeat: int, only: str | None) -> None:
    print("| URL | cache | status | queries | SQL ms | bytes | p50 ms | p95 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for url in urls():
        if only and not url.startswith(only):
            continue
        for mode in ("cold", "warm"):
            # What earlier URLs left behind is collected now, not in a timed request (bench/lists.py).
            gc.collect()
            cache.clear()
            timings, sql_ms = [], []
            for _ in range(repeat):
                if mode == "cold":
                    cache.clear()
                timer = QueryTimer()
                with connection.execute_wrapper(timer):
                    started = time.perf_counter()
                    response = client.get(url, HTTP_HOST="127.0.0.1", secure=True)
                    timings.append((time.perf_counter() - started) * 1000)
                sql_ms.append(timer.milliseconds())
            kept = slice(2, None) if len(timings) > 2 else slice(None)
            p50, p95 = percentiles(timings[kept])
            sql = statistics.median(sql_ms[kept])
            print(
                f"| `{url}` | {mode} | {response.status_code} | {len(timer.queries)} | {sql:.1f} "
                f"| {len(response.content)} | {p50:.1f} | {p95:.1f} |",
                flush=True,
            )


def selector_calls() -> list[tuple[str, str, object]]:
    """(selector, arguments as shown, call) for every selector of the pages and period (and park)."""
    park = Park.objects.get(code=PARK)
    calls = []
    for period in periods():
        for scope, place in (("", None), (f", park={PARK}", park)):
            label = f"{period.code}{scope}"
            calls.append(("kpi_tiles", label, lambda p=period, k=place: selectors.kpi_tiles(p, k)))
            calls.append(("charts", label, lambda p=period, k=place: selectors.charts(p, k)))
            calls.append(("follow_through", label, lambda p=period, k=place: selectors.follow_through(p, k)))
        label = period.code
        calls.append(("targets_ledger", label, lambda p=period: selectors.targets_ledger(p)))
        calls.append(("park_ranking", label, lambda p=period: selectors.park_ranking(p)))
        calls.append(("officer_scorecard", label, lambda p=period: selectors.officer_scorecard(p)))
    order = ("kpi_tiles", "charts", "follow_through", "targets_ledger", "park_ranking", "officer_scorecard")
    if ARGS is not None and ARGS.selector:
        calls = [call for call in calls if call[0] in ARGS.selector]
    return sorted(calls, key=lambda call: order.index(call[0]))


def time_selectors(repeat: int, slowest: int, explain: bool) -> None:
    print()
    print("| selector | period | queries | SQL ms | p50 ms | p95 ms |")
    print("|---|---|---:|---:|---:|---:|")
    notes = []
    for name, label, call in selector_calls():
        gc.collect()
        timings, sql_ms = [], []
        for _ in range(repeat):
            cache.clear()
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                call()
                timings.append((time.perf_counter() - started) * 1000)
            sql_ms.append(timer.milliseconds())
        kept = slice(1, None) if len(timings) > 1 else slice(None)
        p50, p95 = percentiles(timings[kept])
        sql = statistics.median(sql_ms[kept])
        print(
            f"| `{name}` | {label} | {len(timer.queries)} | {sql:.1f} | {p50:.1f} | {p95:.1f} |", flush=True
        )
        if slowest:
            notes.append((name, label, sorted(timer.queries, key=lambda query: -query[2])[:slowest]))
    for name, label, ranked in notes:
        print(f"\n### {name} ({label}): the {len(ranked)} slowest statements of the last run\n")
        for sql, params, duration in ranked:
            with connection.cursor() as cursor:
                shown = cursor.mogrify(sql, params) if params else sql
                print(f"- {duration * 1000:.1f} ms: `{shown}`")
                if explain:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    print(f"\n```\n{plan}\n```\n")


def main(args) -> None:
    leader = User.objects.filter(username="bench_leader").first() or user_create(
        username="bench_leader", password=None, name="领导", roles=(Role.LEADER,)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    backend = settings.CACHES["default"]
    print(
        f"{timezone.localtime():%Y-%m-%d %H:%M} {settings.TIME_ZONE}; {os.cpu_count()} CPUs, "
        f"load average {load}; {version} {connection.settings_dict['NAME']}; DEBUG={settings.DEBUG}; "
        f"cache {backend['BACKEND'].rsplit('.', 1)[-1]} {backend.get('LOCATION', '')}"
    )
    print(f"Periods: {', '.join(period.code for period in periods())}\n")
    client = Client()
    client.force_login(leader)
    if not args.no_pages:
        time_pages(client, args.repeat, args.only)
    if not args.no_selectors:
        time_selectors(args.selector_repeat, args.slowest, args.explain)
    print(f"\nLoad average at the end: {', '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        main(ARGS)
