"""Matching tasks: they take ids, call ``matching.services`` and are safe to run twice.

A full recompute is ``recompute_full`` → a chord of ``recompute_score_chunk`` (one per range of
demand ids) → a chord of ``recompute_write_chunk`` → ``recompute_finish``; the chunks run on as many
workers as there are. ``recompute_nightly`` is the beat entry: it starts one full recompute per day
even when beat fires twice.
"""

from celery import chord, shared_task
from django.core.cache import cache
from django.utils import timezone

from jinjin_crm.core.models import JobRun
from jinjin_crm.core.services import job_create, job_finish

from .. import services

__all__ = [
    "recompute_demand",
    "recompute_finish",
    "recompute_full",
    "recompute_nightly",
    "recompute_score_chunk",
    "recompute_scored",
    "recompute_talent",
    "recompute_write_chunk",
]


def _failing(job_id: int, exc: Exception) -> None:
    services.recompute_full_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="matching.recompute_full")
def recompute_full(job_id: int, chunks: int | None = None) -> None:
    job = JobRun.objects.get(pk=job_id)
    try:
        ranges = services.recompute_full_plan(job=job, chunks=chunks)
    except Exception as exc:
        _failing(job_id, exc)
        raise
    scoring = [recompute_score_chunk.si(job_id, index, low, high) for index, (low, high) in enumerate(ranges)]
    chord(scoring, recompute_scored.si(job_id, ranges)).apply_async()


@shared_task(name="matching.recompute_score_chunk")
def recompute_score_chunk(job_id: int, index: int, low: int, high: int) -> int:
    try:
        return services.recompute_chunk_score(job_id=job_id, index=index, low=low, high=high)
    except Exception as exc:
        _failing(job_id, exc)
        raise


@shared_task(name="matching.recompute_scored")
def recompute_scored(job_id: int, ranges: list) -> None:
    """Every chunk is scored: write them, then finish."""
    writing = [
        recompute_write_chunk.si(job_id, index, len(ranges), low, high)
        for index, (low, high) in enumerate(ranges)
    ]
    chord(writing, recompute_finish.s(job_id, len(ranges))).apply_async()


@shared_task(name="matching.recompute_write_chunk")
def recompute_write_chunk(job_id: int, index: int, chunks: int, low: int, high: int) -> dict:
    try:
        return services.recompute_chunk_write(job_id=job_id, index=index, chunks=chunks, low=low, high=high)
    except Exception as exc:
        _failing(job_id, exc)
        raise


@shared_task(name="matching.recompute_finish")
def recompute_finish(results: list, job_id: int, chunks: int) -> None:
    services.recompute_full_finish(job_id=job_id, chunks=chunks, results=results)


@shared_task(name="matching.recompute_nightly")
def recompute_nightly() -> int:
    """Start the day's full recompute once, however often beat fires."""
    today = timezone.localdate().isoformat()
    job = job_create(kind=services.JOB_KIND)
    if not cache.add(f"matching:nightly:{today}", job.pk, timeout=36 * 60 * 60):
        job_finish(job=job, counts={"reason": "already started today"}, state=JobRun.State.SKIPPED)
        return job.pk
    recompute_full.delay(job.pk)
    return job.pk


@shared_task(name="matching.recompute_talent")
def recompute_talent(talent_id: int) -> dict:
    return services.talent_recompute(talent_id=talent_id)


@shared_task(name="matching.recompute_demand")
def recompute_demand(demand_id: int) -> dict:
    return services.demand_recompute(demand_id=demand_id)
