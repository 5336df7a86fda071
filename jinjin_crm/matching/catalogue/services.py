"""Every write of the catalogue: compiling a version, and the refreshes that follow demand changes.

How a demand change reaches the catalogue. ``projects`` may not import ``matching`` (dependencies
point one way), so ``projects.services`` asks for a refresh by Celery task NAME,
``matching.catalogue_refresh_soon``, once per committed transaction however many demands it wrote.
A task name was chosen over a hook registry in core because it needs no new shared module, works
the same in the worker and inline, and the name is the contract a test can check; the debounce
itself (below) lives here, with the catalogue.

Debounce: ``catalogue_refresh_schedule`` sets a cache marker with ``cache.add`` (atomic in Redis);
only the call that sets it enqueues the delayed compile (``CATALOGUE_REFRESH_DELAY`` seconds), so a
burst of edits leads to one compile. The delayed task clears the marker *before* compiling, so an
edit made while it compiles schedules the next one rather than being lost. With tasks running
inline (no Redis: the embedded default and most tests), the countdown is ignored and each committed
transaction that changed demands compiles right away, once.
"""

import datetime
import zlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from jinjin_crm.core.models import JobRun, User
from jinjin_crm.core.services import job_create, job_fail, job_finish, job_start
from jinjin_crm.core.task_requests import request_task

from ..models import CatalogueEntry, CatalogueVersion
from .compiler import Compiled, diff_compute, entries_build, fingerprint_of

DEFAULTS = {
    # Seconds between the first demand edit of a burst and the compile that takes them all in.
    "CATALOGUE_REFRESH_DELAY": 30,
}
JOB_KIND = "catalogue_compile"
EXPIRY_JOB_KIND = "demands_expire"
REFRESH_MARKER = "matching:catalogue-refresh-scheduled"
# The marker outlives the countdown a little, so a slow queue does not let a second compile in; if
# the delayed task were lost, the next edit after this grace schedules a new one.
MARKER_GRACE = 60
# One advisory lock id for every compile, on every host (a stable 32-bit hash of a name).
LOCK_ID = zlib.crc32(b"matching.catalogue_compile")


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


def _lock() -> None:
    """Hold the compile lock until the surrounding transaction ends.

    PostgreSQL: ``pg_advisory_xact_lock`` makes a second compile wait until the first has committed.
    SQLite (the embedded default, one process) serialises writing transactions by itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def entries_canonical(version: CatalogueVersion | None) -> list[dict]:
    """A stored version's entries in the form ``entries_build`` makes them (to diff against)."""
    if version is None:
        return []
    rows = (
        CatalogueEntry.objects.filter(version=version)
        .select_related("park", "industry", "discipline", "min_degree")
        .order_by("key")
    )
    return [
        {
            "key": row.key,
            "park": row.park.code,
            "industry": row.industry.code if row.industry else None,
            "discipline": row.discipline.code,
            "min_degree": row.min_degree.code,
            "headcount": row.headcount,
            "demand_count": row.demand_count,
            "salary_min": None if row.salary_min is None else f"{row.salary_min:.2f}",
            "salary_max": None if row.salary_max is None else f"{row.salary_max:.2f}",
            "scarcity": row.scarcity,
            "positions": row.positions,
            "sources": row.sources,
            "demand_headcounts": row.demand_headcounts,
        }
        for row in rows
    ]


def _version_write(*, compiled: Compiled, fingerprint: str, latest, job) -> CatalogueVersion:
    version = CatalogueVersion.objects.create(
        number=latest.number + 1 if latest else 1,
        job=job,
        fingerprint=fingerprint,
        entry_count=len(compiled.entries),
        demand_count=compiled.demand_count,
        headcount=compiled.headcount,
        diff=diff_compute(entries_canonical(latest), compiled.entries),
    )
    ids = compiled.ids
    CatalogueEntry.objects.bulk_create(
        [
            CatalogueEntry(
                version=version,
                key=entry["key"],
                park_id=ids["park"][entry["park"]],
                industry_id=ids["industry"][entry["industry"]] if entry["industry"] else None,
                discipline_id=ids["discipline"][entry["discipline"]],
                min_degree_id=ids["min_degree"][entry["min_degree"]],
                headcount=entry["headcount"],
                demand_count=entry["demand_count"],
                salary_min=entry["salary_min"],
                salary_max=entry["salary_max"],
                scarcity=entry["scarcity"],
                positions=entry["positions"],
                sources=entry["sources"],
                demand_ids=[int(pk) for pk in entry["demand_headcounts"]],
                demand_headcounts=entry["demand_headcounts"],
            )
            for entry in compiled.entries
        ],
        batch_size=1000,
    )
    return version


def catalogue_compile(*, job: JobRun | None = None, today: datetime.date | None = None):
    """Compile the catalogue from the open demands; a new numbered version only if something changed.

    Returns the new version, or ``None`` when the entries are exactly those of the latest version
    (then nothing is written; with no version yet, an empty catalogue is "nothing" too). The new
    version holds its entries and its diff against the previous one.

    Two compiles at once make at most one version: the whole compile (reading the demands included)
    runs inside one transaction holding an advisory lock, so the second waits, reads the demands as
    the first left them, finds the fingerprint of the version just written and writes nothing. Reading
    inside the lock also means a compile that read older demands can never publish after one that read
    newer ones. ``job``, if given, is started, finished with the counts, or failed with the error.
    """
    today = today or timezone.localdate()
    if job is not None:
        job_start(job=job)
    try:
        with transaction.atomic():
            _lock()
            compiled = entries_build(today=today)
            fingerprint = fingerprint_of(compiled.entries)
            latest = CatalogueVersion.objects.order_by("-number").first()
            current_fingerprint = latest.fingerprint if latest else fingerprint_of([])
            version = None
            if fingerprint != current_fingerprint:
                version = _version_write(compiled=compiled, fingerprint=fingerprint, latest=latest, job=job)
    except Exception as exc:
        if job is not None:
            job_fail(job=job, error=f"{type(exc).__name__}: {exc}")
        raise
    if job is not None:
        published = version or latest
        counts = {
            "created": version is not None,
            "version": published.number if published else None,
            "entries": len(compiled.entries),
            "demands": compiled.demand_count,
        }
        if version is not None:
            counts.update({name: len(version.diff[name]) for name in ("added", "changed", "withdrawn")})
        job_finish(job=job, counts=counts)
    return version


def catalogue_compile_request(*, by: User | None) -> JobRun:
    """Queue a compile now (the "compile now" button): a job run, and its task once this commits."""
    job = job_create(kind=JOB_KIND, by=by)
    request_task("matching.catalogue_refresh", job.pk)
    return job


def catalogue_refresh_schedule() -> bool:
    """Make sure a compile runs within ``CATALOGUE_REFRESH_DELAY`` seconds (the debounce).

    Returns True when this call scheduled it, False when one was already scheduled.
    """
    from ..tasks.catalogue import catalogue_refresh_debounced

    delay = setting("CATALOGUE_REFRESH_DELAY")
    if not cache.add(REFRESH_MARKER, timezone.now().isoformat(), timeout=delay + MARKER_GRACE):
        return False
    catalogue_refresh_debounced.apply_async(countdown=delay)
    return True


def catalogue_refresh_marker_clear() -> None:
    """The scheduled compile is starting: edits from now on need a compile of their own."""
    cache.delete(REFRESH_MARKER)


def catalogue_demands_expire(*, job: JobRun | None = None, today: datetime.date | None = None) -> int:
    """Expire the open demands past their date, then refresh the catalogue; returns how many expired.

    Running it twice expires nothing the second time and compiles no new version.
    """
    from projects.services import demands_expire

    today = today or timezone.localdate()
    if job is not None:
        job_start(job=job)
    try:
        expired = demands_expire(today=today)
    except Exception as exc:
        if job is not None:
            job_fail(job=job, error=f"{type(exc).__name__}: {exc}")
        raise
    if job is not None:
        job_finish(job=job, counts={"expired": expired})
    catalogue_compile(job=job_create(kind=JOB_KIND), today=today)
    return expired
