"""Running a background job's body with its ``JobRun`` record kept true, and showing job runs to people.

A task wraps its work in ``job_running``::

    @shared_task(acks_late=True)
    def catalogue_refresh(job_id=None):
        with job_running(job_id, kind="catalogue_compile") as job:
            version = catalogue_compile(...)
            job.counts = {"entries": version.entry_count}

The record is marked running on entry, succeeded (with ``job.counts``) on a normal exit, and failed with
the exception's message when the body raises; the exception is re-raised so Celery sees the failure too
(and logs the traceback, which stays out of the database and off the page).

A worker killed mid-job runs no exit code at all: the record stays "running" until the broker redelivers
the task (``acks_late`` with ``reject_on_worker_lost``) and ``job_start`` marks it running again from zero.
The jobs page shows such a record as running, with the time it started.
"""

import datetime
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _

from .models import JobRun
from .services import job_create, job_fail, job_finish, job_start
from .templatetags.ui import STAGE_TONES

# The kinds of job the jobs page names, and the words for each kind's counts, registered by the app
# that runs them (``job_kind_register`` in its ``AppConfig.ready()``), so core names no domain app.
# A kind nobody registered is shown as its code.
JOB_KIND_LABELS: dict = {}
JOB_COUNT_LABELS: dict[str, dict] = {}
# Counts every kind may report.
COMMON_COUNT_LABELS = {"reason": _("reason"), "chunks": _("chunks")}


def job_kind_register(kind: str, label, counts: dict | None = None) -> None:
    """Name the job ``kind`` on the jobs page as ``label``, and its counts by ``counts`` (key → words)."""
    JOB_KIND_LABELS[kind] = label
    JOB_COUNT_LABELS[kind] = dict(counts or {})


# One tone per state, from the palette of static/css/app.css (the same classes as stage labels).

UNFINISHED_STATES = (JobRun.State.QUEUED, JobRun.State.RUNNING)


@contextmanager
def job_running(job_id: int | None, total: int | None = None, *, kind: str = "") -> Iterator[JobRun]:
    """Run a job body with its record kept in step.

    On entry the run ``job_id`` is marked running (with ``total`` steps when given); without an id (a
    task fired by beat) a run of ``kind`` is created first. On a normal exit it is marked succeeded with
    the counts the body put in ``job.counts`` — or skipped, if the body set ``job.state`` to
    ``JobRun.State.SKIPPED`` because there was nothing to do. If the body raises, the run is marked failed
    with the exception's type and message, and the exception propagates unchanged.

    Use it outside any transaction: the failure must be written even when the body's work rolls back.
    """
    job = JobRun.objects.get(pk=job_id) if job_id is not None else job_create(kind=kind)
    job_start(job=job, total=total)
    try:
        yield job
    except Exception as exc:
        job_fail(job=job, error=error_text(exc))
        raise
    state = JobRun.State.SKIPPED if job.state == JobRun.State.SKIPPED else JobRun.State.SUCCEEDED
    job_finish(job=job, counts=job.counts, state=state)


def error_text(exc: BaseException) -> str:
    """The last line of the exception's traceback (``ValueError: no such demand``), with any notes."""
    return "".join(traceback.format_exception_only(exc)).strip()


def job_kind_label(kind: str) -> str:
    return str(JOB_KIND_LABELS.get(kind, kind))


def duration_text(value: datetime.timedelta | None) -> str:
    """A duration as ``h:mm:ss`` (``0:03:07``, ``26:00:00``); an empty string when there is none."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def for_display(jobs: Iterable[JobRun]) -> list[JobRun]:
    """The runs with what the pages show computed once: ``kind_label``, ``duration_text``, ``tone``,
    ``unfinished`` (polled for progress), ``error_summary`` (the error's first line) and ``count_items``."""
    jobs = list(jobs)
    for job in jobs:
        job.kind_label = job_kind_label(job.kind)
        job.duration_text = duration_text(job.duration)
        job.tone = STAGE_TONES.get(job.state, "grey")
        job.unfinished = job.state in UNFINISHED_STATES
        job.error_summary = job.error.strip().splitlines()[0] if job.error.strip() else ""
        job.count_items = count_items(job)
    return jobs


def count_items(job: JobRun) -> list[tuple[str, str, str]]:
    """The run's counts as (key, words, value) in the registered order: yes/no for flags, a dash for
    nothing; keys nobody named come last, as their code."""
    if not isinstance(job.counts, dict):
        return []
    labels = {**COMMON_COUNT_LABELS, **JOB_COUNT_LABELS.get(job.kind, {})}
    order = list(labels)
    items = []
    for key in sorted(
        job.counts, key=lambda name: (order.index(name) if name in order else len(order), name)
    ):
        value = job.counts[key]
        if isinstance(value, bool):
            shown = str(_("yes") if value else _("no"))
        elif value is None:
            shown = "—"
        elif isinstance(value, int):
            shown = f"{value:,}"
        else:
            shown = str(value)
        items.append((key, str(labels.get(key, key)), shown))
    return items
