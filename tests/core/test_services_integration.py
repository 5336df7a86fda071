"""The real services: migrations on PostgreSQL, a task through a real Celery worker on Redis."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jinjin_crm.core.selectors import worker_heartbeat_last


@pytest.mark.postgres
@pytest.mark.django_db
def test_migrations_apply_on_postgresql():
    assert connection.vendor == "postgresql"
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    # And the models have no change that a migration does not cover.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_a_real_worker_on_redis():
    from celery.contrib.testing.worker import start_worker

    from jinjin_crm.celery import app
    from jinjin_crm.core.tasks import heartbeat

    assert app.conf.broker_url.startswith("redis://")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = heartbeat.delay()
            returned = result.get(timeout=20)
    finally:
        app.conf.task_always_eager = True
    assert result.successful()
    # The worker ran the task in its own thread and wrote the heartbeat where the site reads it.
    assert worker_heartbeat_last().isoformat() == returned


@pytest.mark.django_db
def test_task_requests_are_sent_once_after_commit_and_held_ones_at_the_end(monkeypatch):
    from django.db import transaction

    from jinjin_crm.core import task_requests

    sent = []
    monkeypatch.setattr(task_requests, "_send", lambda name, args: sent.append((name, args)))
    with transaction.atomic():
        task_requests.request_task("matching.catalogue_refresh_soon")
        task_requests.request_task("matching.catalogue_refresh_soon")
        task_requests.request_task("matching.recompute_talent", 7)
        assert sent == []  # nothing before the commit
    # pytest-django wraps the test in a transaction, so run the on-commit callbacks by hand.
    for _savepoints, callback, _robust in transaction.get_connection().run_on_commit:
        callback()
    assert sent == [("matching.catalogue_refresh_soon", ()), ("matching.recompute_talent", (7,))]

    sent.clear()
    transaction.get_connection().run_on_commit.clear()
    with task_requests.task_requests_held(suppress={"matching.recompute_talent"}):
        for talent_id in range(100):
            task_requests.request_task("matching.recompute_talent", talent_id)
        task_requests.request_task("matching.catalogue_refresh_soon")
    for _savepoints, callback, _robust in transaction.get_connection().run_on_commit:
        callback()
    assert sent == [("matching.catalogue_refresh_soon", ())]
