"""Every sidebar page in a real browser, as each role: no JavaScript error, no failed request, no red
error on an untouched filter form after 查询, no bare error page. Screenshots go to var/screenshots/.

Drives the system Chromium through Playwright (no browser download); skipped where Chromium is not
installed, and a failure under REQUIRE_SERVICES=1 (CI installs it).
"""

import datetime
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def browser():
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed")
    # Playwright's sync API runs its own event loop; Django's async-safety check would refuse the
    # database calls of the test itself while it runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def people(shipped_data):
    """One of each role, and a record behind most pages."""
    officer = factories.officer(username="walk_officer", password=PASSWORD, parks=[factories.park("SF")])
    project = factories.project(
        stage="signed",
        lead_officer=officer,
        signed_on=datetime.date(2024, 3, 1),
        agreed_investment=Decimal("5000"),
    )
    factories.demand(project_obj=project)
    factories.talent(by=officer, owner=officer)
    factories.campaign(by=officer)
    return {
        "officer": officer,
        "leader": factories.leader(username="walk_leader", password=PASSWORD),
        "admin": factories.admin(username="walk_admin", password=PASSWORD),
    }


def _walk(browser, base: str, username: str) -> tuple[list, list[str]]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append((page.url, message.text)))
    page.on("pageerror", lambda error: problems.append((page.url, str(error))))
    page.on(
        "response",
        lambda response: response.status >= 400 and problems.append((response.url, response.status)),
    )
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    links = page.eval_on_selector_all(
        ".app-sidebar a.nav-link", "links => links.map(l => l.getAttribute('href'))"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for href in links:
        page.goto(base + href)
        page.wait_for_load_state("load")
        if not href.startswith(("/api/", "/admin/")):  # Swagger UI and Django's admin have their own
            assert "app-sidebar" in page.content(), f"{href} is not in the site's shell"
        submit = page.query_selector("form[method=get] button[type=submit]")
        if submit:
            submit.click()
            page.wait_for_load_state("load")
            if page.query_selector(".is-invalid, .invalid-feedback"):
                problems.append((page.url, "an untouched filter form shows an error"))
        name = re.sub(r"[^a-z0-9]+", "-", href).strip("-") or "home"
        page.screenshot(path=str(SCREENSHOTS / f"{username}-{name}.png"))
    context.close()
    return problems, links


@pytest.mark.parametrize("role", ["officer", "leader", "admin"])
def test_every_sidebar_page_is_clean_for_each_role(browser, live_server, people, role):
    problems, links = _walk(browser, live_server.url, people[role].username)
    assert len(links) >= 18
    assert "/dashboard/" in links
    assert problems == []
