"""Asking for background work by Celery task name, sent after the transaction commits.

Apps early in the dependency order (projects, talents) ask the matching app to refresh the catalogue
or recompute matches without importing it: the task's name is the contract. Guarantees:

- nothing is sent unless the transaction commits, and a request that cannot be queued does not undo
  the committed write: the failure is logged as a warning, after about a second at most when the
  broker is down (the timeouts in the Celery settings), and the request goes on;
- the same task with the same arguments asked for twice in one transaction is sent once (an import
  of 2,000 demands asks for one catalogue refresh);
- inside ``task_requests_held()`` requests are collected and sent once when the block ends without
  an error; ``suppress`` drops the named ones, for a bulk load that replaces them with one job of its
  own (the demo seed runs one full recompute instead of one per talent).
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What publishing raises when Redis does not answer: kombu wraps the broker's errors, the result
# backend (subscribing to the new task's result) raises redis-py's own. Anything else (an inline
# task's bug) still reaches ``robust``'s error log with its traceback.
BROKER_DOWN = (OperationalError, RedisError, OSError)

_held: ContextVar[dict | None] = ContextVar("held_task_requests", default=None)


def _send(name: str, args: tuple) -> None:
    from jinjin_crm.celery import app

    # Nothing waits for a requested task's result. Ignoring it also spares the web process the result
    # backend's subscription to it, which is what held writes for 20 s when Redis was down.
    app.signature(name, args=list(args)).apply_async(ignore_result=True)


def request_task(name: str, *args) -> None:
    """Send task ``name`` with ``args`` once the current transaction commits (at once outside one)."""
    held = _held.get()
    if held is not None:
        held[(name, args)] = None
        return
    key = (name, args)
    pending = transaction.get_connection().run_on_commit
    if any(getattr(callback, "task_request", None) == key for _savepoints, callback, _robust in pending):
        return

    def send():
        try:
            _send(name, args)
        except BROKER_DOWN as exc:
            # The write has committed; the nightly jobs (recompute, catalogue refresh) catch up.
            logger.warning("Could not queue %s%r: %s: %s", name, args, exc.__class__.__name__, exc)

    send.task_request = key
    transaction.on_commit(send, robust=True)


@contextmanager
def task_requests_held(*, suppress: Iterable[str] = ()) -> Iterator[None]:
    """Collect the requests made inside; send each distinct one once at the end, but ``suppress``."""
    requests: dict[tuple, None] = {}
    token = _held.set(requests)
    try:
        yield
    finally:
        _held.reset(token)
    suppressed = set(suppress)
    for name, args in requests:
        if name not in suppressed:
            request_task(name, *args)
