"""Time the talent search box the way the list page runs it: ``talent_list(filters={"search": q})``,
the count and the first page of 20 rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinjin_bench DEBUG=true \\
        .venv/bin/python bench/search.py --repeat 20

Prints, per query kind and overall, the median and 95th percentile in milliseconds (wall time in
this process: SQL plus the ORM's work, without template rendering), then EXPLAIN (ANALYZE, BUFFERS)
of the page and count queries of one 1-character and one 2-character search, which should show a
Bitmap Index Scan on ``talent_search_tokens_gin``. Load the data first with bench/generate.py.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjin_crm.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.db import connection  # noqa: E402

from jinjin_crm.core.pages import IdsFirstPaginator  # noqa: E402
from talents.models import Talent  # noqa: E402
from talents.selectors import talent_list  # noqa: E402

PAGE_SIZE = 20
# Kind → queries. Fixed, so runs compare; common surnames and names (many hits) and rarer ones.
QUERIES = {
    "name, 1 character": ("王", "李", "张", "伟", "敏"),
    "name, 2 characters": ("王伟", "张敏", "李娜", "刘洋", "陈静"),
    "name, 3 characters": ("王秀英", "李建华", "张桂英", "刘建国", "陈志强"),
    "full pinyin": ("wangwei", "zhangmin", "liuyang", "chenjing", "zhang"),
    "pinyin initials": ("zw", "lj", "wjg", "zm", "cy"),
    "phone tail": ("8888", "1234", "5920", "6666", "0713"),
    "university": ("重庆大学", "南开大学", "电子科技大学"),
    "discipline": ("材料科学与工程", "0812", "计算机"),
    "keyword": ("机器视觉", "复合材料"),
    "two terms": ("王 重庆大学", "zw 0812"),
}
EXPLAINED = ("王", "王伟")


def run_once(query: str) -> tuple[float, int]:
    """One list-page search as the page runs it: the count, the page's ids, then their rows with
    degree, tier, owner, employer and disciplines. Returns (ms, matches)."""
    started = time.perf_counter()
    paginator = IdsFirstPaginator(
        talent_list(filters={"search": query}).prefetch_related("disciplines"), PAGE_SIZE
    )
    page = paginator.page(1)
    list(page.object_list)
    return (time.perf_counter() - started) * 1000, paginator.count


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def captured(query: str) -> list[tuple[str, tuple]]:
    """The SQL (with its parameters) that one search runs."""
    statements: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        run_once(query)
    return statements


def explain(query: str) -> None:
    for sql, params in captured(query):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n-- search {query!r}: {sql[:60]}…\n{plan}")


def environment() -> None:
    print(f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            print(f"Database: {cursor.fetchone()[0]}")
            cursor.execute("SHOW lc_ctype")
            print(f"LC_CTYPE: {cursor.fetchone()[0]}")
            cursor.execute("SELECT pg_size_pretty(pg_relation_size('talent_search_tokens_gin'))")
            print(f"GIN index size: {cursor.fetchone()[0]}")
        else:
            print(f"Database: {connection.vendor}")
    print(f"Talents: {Talent.objects.count()}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query (default 20)")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--explain", nargs="*", default=EXPLAINED, help="the searches to EXPLAIN")
    args = parser.parse_args(argv)
    run = run_once

    environment()
    everything: list[float] = []
    print(f"\n{'kind':<20} {'query':<16} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8}")
    by_kind: dict[str, list[float]] = {}
    for kind, queries in QUERIES.items():
        for query in queries:
            run(query)  # warm the caches and the connection
            timings, matches = [], 0
            for _ in range(args.repeat):
                elapsed, matches = run(query)
                timings.append(elapsed)
            by_kind.setdefault(kind, []).extend(timings)
            everything.extend(timings)
            print(
                f"{kind:<20} {query:<16} {matches:>8} "
                f"{statistics.median(timings):>8.1f} {percentile(timings, 0.95):>8.1f}"
            )
    print(f"\n{'kind':<20} {'runs':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, timings in by_kind.items():
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        print(f"{kind:<20} {len(timings):>6} {p50:>8.1f} {p95:>8.1f}")
    print(
        f"{'overall':<20} {len(everything):>6} {statistics.median(everything):>8.1f} "
        f"{percentile(everything, 0.95):>8.1f}"
    )
    if not args.no_explain and connection.vendor == "postgresql":
        for query in args.explain:
            explain(query)


if __name__ == "__main__":
    main()
