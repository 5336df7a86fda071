"""Celery tasks of the catalogue and of matching (thin: they load by id and call a service)."""

from .catalogue import *  # noqa: F403
from .matching import *  # noqa: F403
