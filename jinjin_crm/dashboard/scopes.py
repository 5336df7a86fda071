"""Whom a figure is about: the whole district, one park, or one officer."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinjin_crm.core.models import Park, User

DISTRICT, PARK, OFFICER = "district", "park", "officer"
SCOPE_KINDS = (
    (DISTRICT, gettext_lazy("district")),
    (PARK, gettext_lazy("park")),
    (OFFICER, gettext_lazy("officer")),
)


@dataclass(frozen=True)
class Scope:
    kind: str
    park: Park | None = None
    officer: User | None = None

    @property
    def key(self) -> str:
        """A stable string for caches and dictionaries: ``district``, ``park:SF``, ``officer:12``."""
        if self.kind == PARK:
            return f"{PARK}:{self.park.code}"
        if self.kind == OFFICER:
            return f"{OFFICER}:{self.officer.pk}"
        return DISTRICT

    @property
    def label(self) -> str:
        if self.kind == PARK:
            return self.park.name
        if self.kind == OFFICER:
            return str(self.officer)
        return _("Whole district")

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Scope) and self.key == other.key


def district() -> Scope:
    return Scope(DISTRICT)


def park_scope(park: Park) -> Scope:
    return Scope(PARK, park=park)


def officer_scope(officer: User) -> Scope:
    return Scope(OFFICER, officer=officer)


def parse_park(code: str | None, *, field: str = "park") -> Park | None:
    """The park whose code is ``code`` (None for blank: the whole district); a ``ValidationError`` on
    ``field`` naming the code otherwise."""
    code = (code or "").strip()
    if not code:
        return None
    park = Park.objects.filter(code__iexact=code, is_active=True).first() if "\x00" not in code else None
    if park is None:
        raise ValidationError(
            {field: _("There is no park with the code “%(code)s”.") % {"code": code}}, code="unknown_park"
        )
    return park


def ranked_parks() -> list[Park]:
    """The industrial parks the ranking compares (kind "park"), in their usual order."""
    return list(
        Park.objects.filter(is_active=True, kind=Park.Kind.INDUSTRIAL_PARK).order_by("sort_order", "code")
    )
