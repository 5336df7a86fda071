"""First paint of chart pages in a real browser: cold (empty cache) and warm (cached), as people see them.

Run against a site that is serving (``make run``, or the full stack), from the repository root:

    .venv/bin/python bench/first_paint.py --base http://127.0.0.1:8000 --user leader \\
        /campaigns/funnel/ /dashboard/?period=2024-H1

Drives the system Chromium through Playwright (no browser download). For each page it prints the
first contentful paint, the load event and the moment the last chart was drawn, in ms, cold (a new
browser context: nothing cached) and warm (the same context, reloaded), the median of ``--repeat``
runs, and the bytes of the page and its files (as sent: compressed where the server compresses; from the
cache on a warm load). Loopback has no bandwidth limit, so the browser is given an office
network's (``--mbps``, 20 by default, and 10 ms latency); ``--mbps 0`` measures without a limit.
Loopback only.
"""

import argparse
import shutil
import statistics
import sys
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMINGS = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return {fcp: paint ? paint.startTime : null, load: nav ? nav.loadEventEnd : null};
}"""


def measure(page, url: str) -> dict:
    received = []

    # The bytes on the wire: each response's Content-Length (compressed when the server compresses).
    def listener(response):
        received.append(int(response.headers.get("content-length") or 0))

    page.on("response", listener)
    page.goto(url, wait_until="load")
    if page.query_selector("[data-plotly-chart]"):
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-plotly-chart]')]"
            ".every(e => e.hasAttribute('data-drawn'))",
            timeout=60_000,
        )
    drawn = page.evaluate("() => performance.now()")
    page.remove_listener("response", listener)
    return {**page.evaluate(TIMINGS), "charts": drawn, "bytes": sum(received)}


def log_in(context, base: str, user: str, password: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    page.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="leader")
    parser.add_argument("--password", default="jinjin-demo-2024")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mbps", type=float, default=20, help="download bandwidth to emulate; 0: none")
    args = parser.parse_args(argv)
    if urlparse(args.base).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("first_paint.py measures a site on this machine only (127.0.0.1 or localhost).")
    print("| page | cache | first paint ms | load ms | charts drawn ms | bytes |")
    print("|---|---|---:|---:|---:|---:|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        for path in args.paths:
            runs = {"cold": [], "warm": []}
            for _ in range(args.repeat):
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                log_in(context, args.base, args.user, args.password)
                page = context.new_page()
                if args.mbps:
                    session = context.new_cdp_session(page)
                    session.send(
                        "Network.emulateNetworkConditions",
                        {
                            "offline": False,
                            "latency": 10,
                            "downloadThroughput": args.mbps * 1_000_000 / 8,
                            "uploadThroughput": args.mbps * 1_000_000 / 8,
                        },
                    )
                runs["cold"].append(measure(page, args.base + path))
                runs["warm"].append(measure(page, args.base + path))
                context.close()
            for cache, results in runs.items():
                median = {key: statistics.median(r[key] or 0 for r in results) for key in results[0]}
                print(
                    f"| {path} | {cache} | {median['fcp']:.0f} | {median['load']:.0f} | "
                    f"{median['charts']:.0f} | {median['bytes']:,.0f} |"
                )
        browser.close()


if __name__ == "__main__":
    main()
