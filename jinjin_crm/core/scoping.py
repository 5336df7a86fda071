"""Park scope: which parks' records a caller may see and change.

People who sign in (officers, leaders, administrators) work district-wide. A park system's API
client sees one park. Everything that lists or fetches records applies the caller's scope in the
query itself, so a record outside the scope is simply not found (404), never forbidden (403).
"""

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class ParkScope:
    # None means every park.
    park_ids: frozenset[int] | None

    @classmethod
    def everything(cls) -> "ParkScope":
        return cls(park_ids=None)

    @classmethod
    def single(cls, park_id: int) -> "ParkScope":
        return cls(park_ids=frozenset([park_id]))

    @property
    def is_district_wide(self) -> bool:
        return self.park_ids is None

    def allows(self, park_id: int | None) -> bool:
        return self.park_ids is None or park_id in self.park_ids

    def apply(self, queryset: QuerySet, park_path: str = "park") -> QuerySet:
        """Limit ``queryset`` to the scope; ``park_path`` leads from its model to a Park."""
        if self.park_ids is None:
            return queryset
        return queryset.filter(**{f"{park_path}__in": self.park_ids})
