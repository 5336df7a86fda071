"""The jobs page and ``job_running``: runs are recorded, listed, filtered and polled while they run."""

import datetime
import re

import pytest
from django.urls import reverse

from jinjin_crm.core.jobs import duration_text, job_running
from jinjin_crm.core.models import JobRun
from jinjin_crm.core.services import job_create, job_fail, job_finish, job_progress, job_start

pytestmark = pytest.mark.django_db


def running_job(*, kind="matching_full", total=200, done=50, by=None):
    job = job_create(kind=kind, by=by)
    job_start(job=job, total=total)
    job_progress(job=job, done=done)
    return job


def succeeded_job(*, kind="catalogue_compile", counts=None):
    job = job_create(kind=kind)
    job_start(job=job, total=10)
    return job_finish(job=job, counts=counts if counts is not None else {"added": 3, "withdrawn": 1})


def failed_job(*, kind="demands_expire", error="ValueError: no demand 42\nmore detail on a second line"):
    job = job_create(kind=kind)
    job_start(job=job)
    return job_fail(job=job, error=error)


# --- job_running ----------------------------------------------------------------------------------


def test_job_running_marks_a_run_succeeded_with_the_bodys_counts():
    job = job_create(kind="matching_incremental")
    with job_running(job.pk, total=4) as running:
        running.refresh_from_db()
        assert running.state == JobRun.State.RUNNING
        assert running.started_at is not None
        assert running.total == 4
        job_progress(job=running, advance=4)
        running.counts = {"matches": 17}
    job.refresh_from_db()
    assert job.state == JobRun.State.SUCCEEDED
    assert job.counts == {"matches": 17}
    assert job.done == job.total == 4
    assert job.finished_at is not None
    assert job.error == ""


def test_job_running_marks_a_run_failed_and_reraises():
    job = job_create(kind="catalogue_compile")
    with pytest.raises(ZeroDivisionError), job_running(job.pk):
        1 / 0  # noqa: B018 - the body fails
    job.refresh_from_db()
    assert job.state == JobRun.State.FAILED
    assert job.error == "ZeroDivisionError: division by zero"
    assert job.finished_at is not None


def test_job_running_records_a_skip_the_body_asks_for():
    job = job_create(kind="catalogue_compile")
    with job_running(job.pk) as running:
        running.state = JobRun.State.SKIPPED
        running.counts = {"reason": "no change"}
    job.refresh_from_db()
    assert job.state == JobRun.State.SKIPPED
    assert job.counts == {"reason": "no change"}


def test_job_running_without_an_id_creates_the_run():
    with job_running(None, kind="demands_expire") as running:
        running.counts = {"expired": 2}
    job = JobRun.objects.get(pk=running.pk)
    assert job.kind == "demands_expire"
    assert job.state == JobRun.State.SUCCEEDED
    assert job.requested_by is None


def test_a_redelivered_run_starts_over():
    """A worker died mid-run: the record still says running, and the redelivered task restarts it."""
    job = running_job(total=100, done=60)
    with job_running(job.pk) as running:
        running.refresh_from_db()
        assert running.done == 0
    job.refresh_from_db()
    assert job.state == JobRun.State.SUCCEEDED


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0:00:00"), (187, "0:03:07"), (3600 * 26, "26:00:00"), (-5, "0:00:00")]
)
def test_duration_text(seconds, text):
    assert duration_text(datetime.timedelta(seconds=seconds)) == text
    assert duration_text(None) == ""


# --- the list -------------------------------------------------------------------------------------


def test_list_shows_runs_newest_first_with_their_facts(client, officer):
    done = succeeded_job(counts={"added": 3, "withdrawn": 1})
    unknown = succeeded_job(kind="nightly_cleanup", counts={})
    running = running_job(by=officer)
    client.force_login(officer)
    response = client.get(reverse("jobs"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r'data-job="(\d+)"', html)
    assert rows == [str(running.pk), str(unknown.pk), str(done.pk)]
    assert "nightly_cleanup" in html  # an unknown kind is shown as its code
    assert officer.name in html
    assert 'data-state="running"' in html
    assert 'data-state="succeeded"' in html
    # Counts are named in words, not as their codes.
    assert 'data-count="added">新增条目: 3<' in html
    assert "50 / 200 · 25%" in html
    assert f'href="{reverse("job-detail", args=[done.pk])}"' in html
    assert f'href="{reverse("jobs")}"' in html  # the sidebar entry


def test_list_filters_by_kind_and_state(client, officer):
    succeeded_job(kind="catalogue_compile")
    failed = failed_job(kind="catalogue_compile")
    running_job(kind="matching_full")
    client.force_login(officer)
    html = client.get(reverse("jobs"), {"kind": "catalogue_compile", "state": "failed"}).content.decode()
    assert re.findall(r'data-job="(\d+)"', html) == [str(failed.pk)]
    html = client.get(reverse("jobs"), {"state": ["running", "succeeded"]}).content.decode()
    assert len(re.findall(r'data-job="(\d+)"', html)) == 2
    html = client.get(reverse("jobs"), {"kind": "demands_expire"}).content.decode()
    assert "data-empty-state" in html


def test_list_kind_filter_offers_unknown_kinds_too(client, officer):
    succeeded_job(kind="nightly_cleanup")
    client.force_login(officer)
    html = client.get(reverse("jobs"), {"kind": "nightly_cleanup"}).content.decode()
    assert '<option value="nightly_cleanup" selected>' in html
    assert len(re.findall(r'data-job="(\d+)"', html)) == 1


def test_failed_run_shows_its_error_first_line_in_the_list_and_all_of_it_on_its_page(client, officer):
    job = failed_job()
    client.force_login(officer)
    html = client.get(reverse("jobs")).content.decode()
    assert "ValueError: no demand 42" in html
    assert "more detail on a second line" not in html
    detail = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "data-job-error-full" in detail
    assert "more detail on a second line" in detail


@pytest.mark.parametrize("count", [5, 50])
def test_list_queries_do_not_grow_with_the_rows(client, officer, django_assert_num_queries, count):
    for _ in range(count):
        running_job(by=officer)
    succeeded_job(kind="nightly_cleanup")
    client.force_login(officer)
    # session, user and roles; COUNT; the page with its requesters; the other kinds for the kind filter
    with django_assert_num_queries(6):
        response = client.get(reverse("jobs"), {"page_size": 100})
    assert len(re.findall(r'data-job="(\d+)"', response.content.decode())) == count + 1


# --- progress polling -----------------------------------------------------------------------------


def test_progress_of_a_running_job_keeps_polling(client, officer):
    job = running_job(total=200, done=50)
    client.force_login(officer)
    response = client.get(reverse("job-progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'hx-get="{reverse("job-progress", args=[job.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert 'aria-valuenow="25"' in html
    # the row's state, times and result catch up beside the bar
    assert f'id="job-{job.pk}-state" hx-swap-oob="true"' in html
    assert f'id="job-{job.pk}-duration" hx-swap-oob="true"' in html


def test_progress_of_a_finished_job_stops_polling(client, officer):
    job = succeeded_job()
    client.force_login(officer)
    html = client.get(reverse("job-progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html
    assert "hx-get" not in html
    assert 'data-state="succeeded"' in html
    assert 'aria-valuenow="100"' in html


def test_list_polls_only_unfinished_runs(client, officer):
    running = running_job()
    queued = job_create(kind="matching_full")
    succeeded_job()
    failed_job()
    client.force_login(officer)
    html = client.get(reverse("jobs")).content.decode()
    polled = re.findall(r'hx-get="/jobs/(\d+)/progress/" hx-trigger="every 2s"', html)
    assert sorted(polled) == sorted([str(running.pk), str(queued.pk)])


# --- who may look ---------------------------------------------------------------------------------


def test_leaders_may_view_the_jobs(client, leader):
    job = failed_job()
    client.force_login(leader)
    assert client.get(reverse("jobs")).status_code == 200
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 200
    assert client.get(reverse("job-progress", args=[job.pk])).status_code == 200


def test_the_jobs_need_a_login(client):
    response = client.get(reverse("jobs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_missing_run_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("job-detail", args=[999999])).status_code == 404
    assert client.get(reverse("job-progress", args=[999999])).status_code == 404
