"""Celery tasks of the core app: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task(name="core.heartbeat")
def heartbeat() -> str:
    """Beat runs this every minute; the health endpoint reports how long ago a worker last did."""
    return services.worker_heartbeat_record().isoformat()
