"""The talent-demand catalogue: compiling, diffs, expiry, debounce, locking, pages, API and export."""

import datetime
import io
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from jinjin_crm.core.models import Degree, Discipline, IndustryChain, JobRun
from jinjin_crm.matching.catalogue.selectors import catalogue_current
from jinjin_crm.matching.catalogue.services import (
    JOB_KIND,
    catalogue_compile,
    catalogue_demands_expire,
)
from jinjin_crm.matching.models import CatalogueEntry, CatalogueVersion
from projects.models import DemandStatus, TalentDemand
from projects.services import demand_set_status, demand_update, demands_expire
from tests import factories

TODAY = datetime.date.today()


def _entries(version) -> dict[str, CatalogueEntry]:
    return {entry.key: entry for entry in version.entries.all()}


@pytest.fixture
def ent_sf(db):
    return factories.enterprise(
        park_code="SF", name="双福电池公司", industry=IndustryChain.objects.get(code="NEV")
    )


class TestCompile:
    def test_groups_by_park_industry_discipline_degree_and_sums(self, ent_sf):
        # A project's industry wins over its enterprise's.
        project = factories.project(
            park_code="SF", name="光伏组件项目", industry=IndustryChain.objects.get(code="PV")
        )
        factories.demand(
            enterprise_obj=ent_sf,
            position="电池工程师",
            headcount=3,
            salary_min=Decimal("20"),
            salary_max=Decimal("30"),
            scarcity=2,
            disciplines=("0812", "0805"),
        )
        factories.demand(
            enterprise_obj=ent_sf,
            position="算法工程师",
            headcount=2,
            salary_min=Decimal("15"),
            salary_max=Decimal("40"),
            scarcity=5,
        )
        factories.demand(project_obj=project, position="工艺工程师", headcount=4)
        factories.demand(enterprise_obj=ent_sf, headcount=1, min_degree=Degree.objects.get(code="DOCTOR"))
        # Not listed: filled, and another park's line stays apart.
        filled = factories.demand(enterprise_obj=ent_sf, headcount=9)
        demand_set_status(demand=filled, status=DemandStatus.FILLED, by=None)
        factories.demand(enterprise_obj=factories.enterprise(park_code="DG"), headcount=7)

        version = catalogue_compile()

        entries = _entries(version)
        assert set(entries) == {
            "SF/NEV/0812/MASTER",
            "SF/NEV/0805/MASTER",
            "SF/PV/0812/MASTER",
            "SF/NEV/0812/DOCTOR",
            "DG/NEV/0812/MASTER",
        }
        line = entries["SF/NEV/0812/MASTER"]
        assert (line.headcount, line.demand_count, line.scarcity) == (5, 2, 5)
        assert (line.salary_min, line.salary_max) == (Decimal("15"), Decimal("40"))
        assert line.positions == sorted(["算法工程师", "电池工程师"])
        assert line.sources == [{"kind": "enterprise", "id": ent_sf.pk, "name": "双福电池公司"}]
        assert len(line.demand_ids) == 2
        # The two-discipline demand stands in both lines; the version counts it once.
        assert entries["SF/NEV/0805/MASTER"].headcount == 3
        assert entries["SF/PV/0812/MASTER"].sources[0]["kind"] == "project"
        assert (version.number, version.entry_count, version.demand_count, version.headcount) == (1, 5, 5, 17)
        assert version.diff["added"] == sorted(entries)

    def test_no_new_version_when_nothing_changed(self, ent_sf):
        factories.demand(enterprise_obj=ent_sf)
        first = catalogue_compile()
        assert catalogue_compile() is None
        assert list(CatalogueVersion.objects.values_list("number", flat=True)) == [first.number]

    def test_nothing_to_publish_makes_no_first_version(self, db):
        assert catalogue_compile() is None
        assert not CatalogueVersion.objects.exists()

    def test_diff_added_changed_withdrawn(self, ent_sf):
        kept = factories.demand(enterprise_obj=ent_sf, headcount=2, scarcity=3)
        withdrawn = factories.demand(enterprise_obj=ent_sf, disciplines=("0701",))
        catalogue_compile()

        demand_update(demand=kept, by=None, headcount=6, scarcity=4, position="电池专家")
        demand_set_status(demand=withdrawn, status=DemandStatus.FILLED, by=None)
        factories.demand(enterprise_obj=ent_sf, disciplines=("0703",))
        job = JobRun.objects.create(kind=JOB_KIND)
        version = catalogue_compile(job=job)

        assert version.number == 2
        assert version.diff["added"] == ["SF/NEV/0703/MASTER"]
        assert version.diff["withdrawn"] == ["SF/NEV/0701/MASTER"]
        [changed] = version.diff["changed"]
        assert changed["key"] == "SF/NEV/0812/MASTER"
        assert (changed["before"]["headcount"], changed["after"]["headcount"]) == (2, 6)
        assert (changed["before"]["scarcity"], changed["after"]["scarcity"]) == (3, 4)
        assert changed["after"]["positions"] == ["电池专家"]
        job.refresh_from_db()
        assert job.state == JobRun.State.SUCCEEDED
        assert job.counts == {
            "created": True,
            "version": 2,
            "entries": 2,
            "demands": 2,
            "added": 1,
            "changed": 1,
            "withdrawn": 1,
        }


class TestExpiry:
    def test_moves_only_open_demands_past_their_date(self, ent_sf):
        past_due = factories.demand(enterprise_obj=ent_sf, valid_until=TODAY + datetime.timedelta(days=1))
        due_today = factories.demand(enterprise_obj=ent_sf, valid_until=TODAY + datetime.timedelta(days=2))
        filled = factories.demand(enterprise_obj=ent_sf, valid_until=TODAY + datetime.timedelta(days=1))
        demand_set_status(demand=filled, status=DemandStatus.FILLED, by=None)

        # Two days on: the first is past its date, the second is valid through "today".
        later = TODAY + datetime.timedelta(days=2)
        assert demands_expire(today=later) == 1
        assert demands_expire(today=later) == 0
        statuses = dict(TalentDemand.objects.values_list("pk", "status"))
        assert statuses == {past_due.pk: "expired", due_today.pk: "open", filled.pk: "filled"}
        assert past_due.history.first().status == "expired"

    def test_expiry_job_then_refreshes_the_catalogue(self, ent_sf):
        factories.demand(enterprise_obj=ent_sf, valid_until=TODAY + datetime.timedelta(days=1))
        factories.demand(
            enterprise_obj=ent_sf, disciplines=("0701",), valid_until=TODAY + datetime.timedelta(days=9)
        )
        catalogue_compile()
        later = TODAY + datetime.timedelta(days=2)
        assert catalogue_demands_expire(today=later) == 1
        assert catalogue_current().number == 2
        assert catalogue_current().diff["withdrawn"] == ["SF/NEV/0812/MASTER"]
        # Beat firing twice: nothing more.
        assert catalogue_demands_expire(today=later) == 0
        assert catalogue_current().number == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_compiles_make_one_version(shipped_data):
    assert connection.vendor == "postgresql"
    enterprise = factories.enterprise(park_code="SF")
    for code in ("0812", "0701", "0703"):
        factories.demand(enterprise_obj=enterprise, disciplines=(code,))
    CatalogueVersion.objects.all().delete()  # the inline refreshes after those writes

    barrier = threading.Barrier(2)
    results, errors = [], []

    def compile_():
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            results.append(catalogue_compile())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=compile_) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(result is None for result in results) == [False, True]
    assert CatalogueVersion.objects.count() == 1
    assert CatalogueEntry.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_inline_refresh_once_per_committed_transaction(shipped_data):
    """Without a worker, each transaction that changes demands compiles once, however many it wrote."""
    from django.db import transaction

    enterprise = factories.enterprise(park_code="SF")
    with transaction.atomic():
        for code in ("0812", "0701", "0703"):
            factories.demand(enterprise_obj=enterprise, disciplines=(code,))
    assert JobRun.objects.filter(kind=JOB_KIND).count() == 1
    assert catalogue_current().entry_count == 3


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_demand_edits_compiles_once_through_a_real_worker(shipped_data, settings):
    from celery.contrib.testing.worker import start_worker

    from jinjin_crm.celery import app

    settings.CATALOGUE_REFRESH_DELAY = 2
    enterprise = factories.enterprise(park_code="SF")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            demand = factories.demand(enterprise_obj=enterprise, headcount=1)
            for headcount in range(2, 31):
                demand_update(demand=demand, by=None, headcount=headcount)
            deadline = time.monotonic() + 30
            while (
                time.monotonic() < deadline
                and not JobRun.objects.filter(kind=JOB_KIND, finished_at__isnull=False).exists()
            ):
                time.sleep(0.2)
            # Longer than the debounce window: a second compile would have started by now.
            time.sleep(3)
    finally:
        app.conf.task_always_eager = True
    jobs = JobRun.objects.filter(kind=JOB_KIND)
    assert jobs.count() == 1
    assert jobs.get().state == JobRun.State.SUCCEEDED
    version = CatalogueVersion.objects.get()
    assert version.entries.get().headcount == 30


# --- Pages, export and API ----------------------------------------------------------------------------


@pytest.fixture
def published(ent_sf):
    """A version with lines in Shuangfu (two industries) and Degan."""
    project = factories.project(
        park_code="SF", name="光伏组件项目", industry=IndustryChain.objects.get(code="PV")
    )
    factories.demand(enterprise_obj=ent_sf, position="电池工程师", headcount=3, disciplines=("0812", "0805"))
    factories.demand(project_obj=project, position="工艺工程师", headcount=4)
    factories.demand(enterprise_obj=factories.enterprise(park_code="DG"), position="德感岗位", headcount=7)
    return catalogue_compile()


class TestPages:
    def test_current_version_grouped_and_filtered(self, client, officer, published):
        client.force_login(officer)
        page = client.get(reverse("matching:catalogue"))
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-version="1"' in html
        assert 'data-park="SF"' in html
        assert 'data-park="DG"' in html
        assert 'data-industry="PV"' in html
        # Three demands, 14 positions: the two-discipline demand counts once.
        assert 'data-totals-headcount="14"' in html

        filtered = client.get(reverse("matching:catalogue"), {"park": "SF", "discipline": "0805"})
        html = filtered.content.decode()
        assert 'data-key="SF/NEV/0805/MASTER"' in html
        assert 'data-park="DG"' not in html
        assert 'data-key="SF/NEV/0812/MASTER"' not in html

    def test_versions_and_diff_pages(self, client, officer, published):
        client.force_login(officer)
        assert client.get(reverse("matching:catalogue-versions")).status_code == 200
        page = client.get(reverse("matching:catalogue-version", args=[1]))
        assert page.status_code == 200
        assert 'data-added="4"' in page.content.decode()
        assert client.get(reverse("matching:catalogue-version", args=[99])).status_code == 404

    def test_empty_catalogue_says_what_next(self, client, officer):
        client.force_login(officer)
        page = client.get(reverse("matching:catalogue"))
        assert "data-empty-state" in page.content.decode()

    def test_compile_now_for_officers_only(
        self, client, officer, leader, ent_sf, django_capture_on_commit_callbacks
    ):
        factories.demand(enterprise_obj=ent_sf)
        client.force_login(leader)
        assert client.post(reverse("matching:catalogue-compile")).status_code == 403
        client.force_login(officer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("matching:catalogue-compile"))
        assert response.status_code == 302
        job = JobRun.objects.get(kind=JOB_KIND, requested_by=officer)
        assert job.state == JobRun.State.SUCCEEDED
        assert catalogue_current().job == job


def test_export_has_the_grouped_sections(client, officer, published):
    client.force_login(officer)
    response = client.get(reverse("matching:catalogue-export"))
    assert response.status_code == 200
    # The file is named in the site's language, as every other export.
    chinese_name = "%E4%BA%BA%E6%89%8D%E9%9C%80%E6%B1%82%E7%9B%AE%E5%BD%95"  # 人才需求目录, URL-encoded
    assert f"filename*=utf-8''{chinese_name}" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][0] == "江津区人才需求目录"
    texts = [str(row[0]) for row in cells if row[0] is not None]
    # A section per park, and inside Shuangfu's one per industry chain.
    assert any("双福" in text for text in texts)
    assert any("德感" in text for text in texts)
    assert any("光伏" in text for text in texts)
    # The grand total row: 14 positions over 3 demands.
    assert cells[-1][4:6] == (14, 3)
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1


class TestApi:
    def test_officer_sees_every_park_filterable(self, api, officer, published):
        api.force_login(officer)
        body = api.get("/api/v1/catalogue/").json()
        assert body["count"] == 4
        assert {row["park"] for row in body["results"]} == {"SF", "DG"}
        body = api.get("/api/v1/catalogue/", {"industry": "PV", "degree": "MASTER"}).json()
        assert [row["key"] for row in body["results"]] == ["SF/PV/0812/MASTER"]

    def test_park_client_sees_its_park_only(self, api, park_client, published, ent_sf):
        _client, key = park_client
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        body = api.get("/api/v1/catalogue/").json()
        assert {row["park"] for row in body["results"]} == {"SF"}
        assert body["count"] == 3

        # A change in Degan and one in Shuangfu: the park system's diff has its own key only.
        dg_demand = TalentDemand.objects.get(park__code="DG")
        demand_update(demand=dg_demand, by=None, headcount=8)
        factories.demand(enterprise_obj=ent_sf, disciplines=("0703",))
        catalogue_compile()
        diff = api.get("/api/v1/catalogue/versions/2/diff/").json()
        assert diff == {"number": 2, "added": ["SF/NEV/0703/MASTER"], "changed": [], "withdrawn": []}
        versions = api.get("/api/v1/catalogue/versions/").json()
        assert versions["results"][0]["changes"] == {"added": 1, "changed": 0, "withdrawn": 0}
        assert versions["results"][0]["headcount"] is None
        assert api.get("/api/v1/catalogue/versions/2/").json()["number"] == 2
        assert api.get("/api/v1/catalogue/versions/9/").status_code == 404

    def test_officer_diff_has_every_park(self, api, officer, published):
        demand_update(demand=TalentDemand.objects.get(park__code="DG"), by=None, headcount=8)
        catalogue_compile()
        api.force_login(officer)
        diff = api.get("/api/v1/catalogue/versions/2/diff/").json()
        assert [item["key"] for item in diff["changed"]] == ["DG/NEV/0812/MASTER"]
        assert diff["changed"][0]["after"]["headcount"] == 8

    def test_list_query_count_does_not_grow(self, api, officer, ent_sf, django_assert_num_queries):
        from django.test.utils import CaptureQueriesContext

        api.force_login(officer)
        for code in Discipline.objects.order_by("code").values_list("code", flat=True)[:5]:
            factories.demand(enterprise_obj=ent_sf, disciplines=(code,))
        catalogue_compile()
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/catalogue/", {"page_size": 50}).json()["count"] == 5
        for code in Discipline.objects.order_by("code").values_list("code", flat=True)[5:50]:
            factories.demand(enterprise_obj=ent_sf, disciplines=(code,))
        catalogue_compile()
        with django_assert_num_queries(len(captured)):
            assert api.get("/api/v1/catalogue/", {"page_size": 50}).json()["count"] == 50
