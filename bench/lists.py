"""List pages and list endpoints at district scale: time and SQL queries per request.

Run against the benchmark database (``make bench-data``), from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinjin_bench DEBUG=true \\
        .venv/bin/python bench/lists.py --repeat 12

Each URL is requested ``--repeat`` times in this process through Django's test client as a signed-in
officer (created once as ``bench_officer``); the first two runs warm up and are dropped. Prints a
Markdown table: URL, status, SQL queries of the last request, response bytes, p50 and p95 in ms.
"""

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjin_crm.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from jinjin_crm.core.models import User  # noqa: E402
from jinjin_crm.core.roles import Role  # noqa: E402
from jinjin_crm.core.services import user_create  # noqa: E402

URLS = (
    "/projects/",
    "/projects/?page_size=100",
    "/projects/?stage=signed&park=SF",
    "/api/v1/projects/?page_size=50",
    "/api/v1/projects/?page_size=200",
    "/talents/",
    "/talents/?search=王",
    "/api/v1/talents/?page_size=50",
    "/enterprises/",
    "/api/v1/enterprises/?page_size=50",
    # The campaigns app.
    "/campaigns/",
    "/campaigns/?kind=university_visit",
    "/api/v1/campaigns/?page_size=50",
    "/placements/",
    "/api/v1/placements/?page_size=50",
    "/universities/",
    # The policies app.
    "/applications/",
    "/applications/?state=under_review",
    "/api/v1/applications/?page_size=50",
    "/funds/",
    "/service-requests/",
    "/policies/",
    "/api/v1/policies/",
)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("--only", help="only the URLs that start with this (e.g. /campaigns/)")
    args = parser.parse_args(argv)
    officer = User.objects.filter(username="bench_officer").first() or user_create(
        username="bench_officer", password=None, roles=(Role.OFFICER,)
    )
    client = Client()
    client.force_login(officer)
    print("| URL | status | queries | bytes | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for url in URLS:
        if args.only and not url.startswith(args.only):
            continue
        # What earlier URLs left behind is collected now, not in a timed request of this one (a full
        # collection of the process's heap took 150–300 ms, landing on whichever URL came next).
        gc.collect()
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, HTTP_HOST="127.0.0.1")
                timings.append((time.perf_counter() - started) * 1000)
        timings = sorted(timings[2:])
        p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
        print(
            f"| `{url}` | {response.status_code} | {len(queries.captured_queries)} | {len(response.content)} "
            f"| {statistics.median(timings):.1f} | {p95:.1f} |"
        )


if __name__ == "__main__":
    main()
