"""Demo users: the officers of the four parks, an investment officer, a leader and an administrator;
and the progress lines every demo module writes while the seed runs (``progress``)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from faker import Faker

from .models import Park, User
from .roles import Role
from .services import user_create

DEMO_PASSWORD = "jinjin-demo-2024"

# (username, role, park codes, title); names come from a seeded Faker so every run agrees.
DEMO_USERS = (
    ("admin", Role.ADMIN, (), "系统管理员"),
    ("leader", Role.LEADER, (), "区委组织部部长"),
    ("officer_dg", Role.OFFICER, ("DG",), "引才专员"),
    ("officer_sf", Role.OFFICER, ("SF",), "引才专员"),
    ("officer_lh", Role.OFFICER, ("LH",), "引才专员"),
    ("officer_bs", Role.OFFICER, ("BS",), "引才专员"),
    ("investment", Role.OFFICER, ("SNG", "TJH", "GF"), "招商专员"),
)


def seed() -> str:
    fake = Faker("zh_CN")
    fake.seed_instance(2024)
    parks = {park.code: park for park in Park.objects.all()}
    created = 0
    # The password is hashed once (a second or so of PBKDF2 on a busy machine) and the others get the
    # same hash: they share the published password anyway.
    password_hash = None
    for username, role, park_codes, title in DEMO_USERS:
        name = fake.name()
        if User.objects.filter(username=username).exists():
            continue
        user = user_create(
            username=username,
            password=DEMO_PASSWORD if password_hash is None else None,
            name=name,
            title=title,
            roles=(role,),
            parks=[parks[code] for code in park_codes],
        )
        if password_hash is None:
            password_hash = user.password
        else:
            user.password = password_hash
            user.save(update_fields=["password"])
        created += 1
    return f"{created} user(s)"


# --- Progress of the seed -----------------------------------------------------------------------

# At most one progress line this often (seconds), so a long part says how far it is without
# flooding the terminal.
PROGRESS_INTERVAL = 1.0


class _Reporter:
    def __init__(self, write, interval: float):
        self.write = write
        self.interval = interval
        self.started = time.monotonic()
        self.last = float("-inf")

    def line(self, text: str, *, force: bool = False) -> bool:
        now = time.monotonic()
        if not force and now - self.last < self.interval:
            return False
        self.last = now
        self.write(f"  [{now - self.started:4.0f} s] {text}")
        return True


_reporter: ContextVar[_Reporter | None] = ContextVar("demo_progress", default=None)


@contextmanager
def progress_to(write, *, interval: float = PROGRESS_INTERVAL) -> Iterator[None]:
    """While inside, the demo modules' ``progress`` counters write their lines with ``write`` (the
    seed command's stdout); elsewhere (a test calling ``seed()``) they say nothing."""
    token = _reporter.set(_Reporter(write, interval))
    try:
        yield
    finally:
        _reporter.reset(token)


def progress_note(text: str) -> None:
    """Say at once what is being seeded (a part that takes a while and counts nothing)."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter.line(text, force=True)


class Progress:
    """How far one part of the seed is (``人才: 1200/2000``): ``advance`` as records are written;
    a line at most every ``PROGRESS_INTERVAL`` seconds, and a last one when a part that said
    anything is done."""

    def __init__(self, label: str, total: int):
        self.label = label
        self.total = total
        self.done = 0
        self.said = None  # the count last written, if any

    def _text(self) -> str:
        return f"{self.label}: {self.done:,}/{self.total:,}"

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count) if self.total else self.done + count
        reporter = _reporter.get()
        if reporter is not None and reporter.line(self._text()):
            self.said = self.done

    def finish(self) -> None:
        self.done = self.total or self.done
        reporter = _reporter.get()
        if reporter is not None and self.said is not None and self.said != self.done:
            reporter.line(self._text(), force=True)
            self.said = self.done


def progress(label: str, total: int) -> Progress:
    """A counter for one part of the seed, ``total`` records long; the label is what an officer
    would call them (translated)."""
    return Progress(label, total)
