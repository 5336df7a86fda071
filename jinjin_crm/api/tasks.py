"""Celery tasks of the api app: thin wrappers around its services."""

from celery import shared_task

from .idempotency import idempotency_records_prune


@shared_task(name="api.idempotency_prune")
def idempotency_prune() -> int:
    """Beat runs this hourly: Idempotency-Key records older than a day are deleted."""
    return idempotency_records_prune()
