"""Sections a later app adds to the officer's worklist, the site's home page.

The worklist is read in the talents app (``talents.selectors.worklist``: follow-ups of every record,
talents and projects going cold, talents recently assigned). What waits on an officer in a later app
(service requests due, applications to check) cannot be named there: the dependency rule
(core ← projects ← talents ← campaigns ← policies) forbids it. A later app registers a section in its
``AppConfig.ready()``; the home page shows every registered section in ``order``.

A section is a template and a loader. ``loader(user=, today=, limit=)`` returns the template's context
(its rows, at most ``limit`` of them) and must run a fixed number of queries whatever the number of
rows, so the home page costs the same for a quiet day and a busy one.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorklistSection:
    key: str
    template: str
    loader: Callable[..., dict]
    order: int


_sections: dict[str, WorklistSection] = {}


def worklist_section_register(key: str, template: str, loader: Callable[..., dict], *, order: int) -> None:
    """Show ``template``, filled by ``loader``, on every officer's worklist; registering a key again
    replaces it (``ready()`` may run more than once)."""
    _sections[key] = WorklistSection(key=key, template=template, loader=loader, order=order)


def worklist_sections() -> list[WorklistSection]:
    """The registered sections, in their order."""
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def worklist_sections_load(*, user, today: datetime.date, limit: int) -> list[dict]:
    """Each registered section's context for ``user``'s day: ``key`` and ``template`` and whatever
    its loader returns."""
    return [
        {
            "key": section.key,
            "template": section.template,
            **section.loader(user=user, today=today, limit=limit),
        }
        for section in worklist_sections()
    ]
