"""Asking for background work by Celery task name, sent after the transaction commits.

Apps early in the dependency order (projects, talents) ask the matching app to refresh the catalogue
or recompute matches without importing it: the task's name is the contract. Guarantees:

- nothing is sent unless the transaction commits, and a request that cannot be queued does not undo
  the committed write (``robust``);
- the same task with the same arguments asked for twice in one transaction is sent once (an import
  of 2,000 demands asks for one catalogue refresh);
- inside ``task_requests_held()`` requests are collected and sent once when the block ends without
  an error; ``suppress`` drops the named ones, for a bulk load that replaces them with one job of its
  own (the demo seed runs one full recompute instead of one per talent).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_held: ContextVar[dict | None] = ContextVar("held_task_requests", default=None)


def _send(name: str, args: tuple) -> None:
    from jinjin_crm.celery import app

    app.signature(name, args=list(args)).delay()


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
        _send(name, args)

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
