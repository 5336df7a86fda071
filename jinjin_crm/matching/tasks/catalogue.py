"""Catalogue tasks: thin wrappers that load by id and call ``matching.catalogue.services``.

Names are the contract: ``projects.services`` enqueues ``matching.catalogue_refresh_soon`` by name
(it may not import matching), and beat runs ``matching.catalogue_refresh`` and
``matching.demands_expire`` nightly. Each is safe to run twice at once: compiles take the advisory
lock and write nothing when the fingerprint is unchanged; expiry finds nothing left to expire.
"""

from celery import shared_task

from jinjin_crm.core.models import JobRun
from jinjin_crm.core.services import job_create

from ..catalogue import services

__all__ = [
    "catalogue_refresh",
    "catalogue_refresh_debounced",
    "catalogue_refresh_soon",
    "demands_expire",
]


def _job(job_id: int | None, kind: str) -> JobRun:
    """The run the caller queued, or a fresh one for beat (which passes no id)."""
    if job_id is not None:
        job = JobRun.objects.filter(pk=job_id).first()
        if job is not None:
            return job
    return job_create(kind=kind)


@shared_task(name="matching.catalogue_refresh")
def catalogue_refresh(job_id: int | None = None) -> int | None:
    """Compile the catalogue (nightly, or "compile now"); the new version's number, or None."""
    version = services.catalogue_compile(job=_job(job_id, services.JOB_KIND))
    return version.number if version else None


@shared_task(name="matching.catalogue_refresh_soon")
def catalogue_refresh_soon() -> bool:
    """Demands changed: schedule one compile soon unless one is already scheduled (the debounce)."""
    return services.catalogue_refresh_schedule()


@shared_task(name="matching.catalogue_refresh_debounced")
def catalogue_refresh_debounced() -> int | None:
    """The compile a burst of demand edits scheduled; edits from now on schedule the next one."""
    services.catalogue_refresh_marker_clear()
    version = services.catalogue_compile(job=job_create(kind=services.JOB_KIND))
    return version.number if version else None


@shared_task(name="matching.demands_expire")
def demands_expire(job_id: int | None = None) -> int:
    """Expire the demands past their date (nightly), then refresh the catalogue."""
    return services.catalogue_demands_expire(job=_job(job_id, services.EXPIRY_JOB_KIND))
