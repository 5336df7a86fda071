"""Reads of the catalogue for the pages, the .xlsx export and the API."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from jinjin_crm.core.models import Park
from jinjin_crm.core.scoping import ParkScope

from ..models import CatalogueEntry, CatalogueVersion
from .compiler import diff_for_parks
from .filters import CatalogueEntryFilter


def catalogue_current() -> CatalogueVersion | None:
    """The latest published version, or None before the first compile."""
    return CatalogueVersion.objects.order_by("-number").first()


def catalogue_versions() -> QuerySet[CatalogueVersion]:
    return CatalogueVersion.objects.order_by("-number")


def catalogue_entries(
    *, version: CatalogueVersion, filters=None, scope: ParkScope | None = None
) -> QuerySet[CatalogueEntry]:
    """The entries of ``version`` in catalogue order (park, industry, discipline, degree), narrowed by
    ``filters`` (park/industry/discipline/degree codes) and the caller's park ``scope``; the reference
    rows they show are joined, so reading a page of them is one query."""
    queryset = (
        CatalogueEntry.objects.filter(version=version)
        .select_related("park", "industry", "discipline", "min_degree")
        # Codes break ties of sort order, so each park's and industry's lines are consecutive.
        .order_by(
            "park__sort_order",
            "park__code",
            "industry__sort_order",
            "industry__code",
            "discipline__code",
            "min_degree__rank",
        )
    )
    if scope is not None:
        queryset = scope.apply(queryset, "park")
    return CatalogueEntryFilter(filters or {}, queryset=queryset).qs


def entries_totals(entries) -> dict:
    """Lines, distinct demands and their headcount: a demand in two lines counts once."""
    demands: dict[str, int] = {}
    lines = 0
    for entry in entries:
        lines += 1
        demands.update(entry.demand_headcounts)
    return {"lines": lines, "demands": len(demands), "headcount": sum(demands.values())}


@dataclass
class IndustrySection:
    industry: object  # IndustryChain or None
    entries: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)


@dataclass
class ParkSection:
    park: Park
    industries: list[IndustrySection] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def catalogue_sections(entries) -> list[ParkSection]:
    """``entries`` (in catalogue order) grouped by park, then industry chain, each group with its totals."""
    parks: list[ParkSection] = []
    for entry in entries:
        if not parks or parks[-1].park.pk != entry.park_id:
            parks.append(ParkSection(park=entry.park))
        section = parks[-1]
        if not section.industries or section.industries[-1].entries[0].industry_id != entry.industry_id:
            section.industries.append(IndustrySection(industry=entry.industry))
        section.industries[-1].entries.append(entry)
    for section in parks:
        for industry in section.industries:
            industry.totals = entries_totals(industry.entries)
        section.totals = entries_totals(
            entry for industry in section.industries for entry in industry.entries
        )
    return parks


def scope_park_codes(scope: ParkScope) -> set[str] | None:
    """The park codes a scope allows, or None for district-wide."""
    if scope.is_district_wide:
        return None
    return set(Park.objects.filter(pk__in=scope.park_ids).values_list("code", flat=True))


def version_diff(*, version: CatalogueVersion, scope: ParkScope | None = None) -> dict:
    """The version's diff, narrowed to the scope's parks for a park system."""
    codes = scope_park_codes(scope) if scope is not None else None
    diff = version.diff or {"added": [], "changed": [], "withdrawn": []}
    return diff if codes is None else diff_for_parks(diff, codes)


@dataclass
class DiffView:
    """A version's diff with the entries behind its keys, for the diff page."""

    added: list  # CatalogueEntry of this version
    changed: list  # (CatalogueEntry of this version, before dict, after dict)
    withdrawn: list  # CatalogueEntry of the previous version, or the bare key if that is gone
    previous: CatalogueVersion | None


def version_diff_view(*, version: CatalogueVersion, park_codes: set[str] | None = None) -> DiffView:
    """The diff of ``version`` with its entries loaded (two queries), optionally for some parks only."""
    diff = version.diff or {}
    if park_codes:
        diff = diff_for_parks(diff, park_codes)
    previous = CatalogueVersion.objects.filter(number__lt=version.number).order_by("-number").first()
    related = ("park", "industry", "discipline", "min_degree")
    current_keys = list(diff.get("added", [])) + [item["key"] for item in diff.get("changed", [])]
    current = {
        entry.key: entry
        for entry in CatalogueEntry.objects.filter(version=version, key__in=current_keys).select_related(
            *related
        )
    }
    old = {}
    if previous is not None and diff.get("withdrawn"):
        old = {
            entry.key: entry
            for entry in CatalogueEntry.objects.filter(
                version=previous, key__in=diff["withdrawn"]
            ).select_related(*related)
        }
    return DiffView(
        added=[current[key] for key in diff.get("added", []) if key in current],
        changed=[
            (current[item["key"]], item["before"], item["after"])
            for item in diff.get("changed", [])
            if item["key"] in current
        ],
        withdrawn=[old.get(key, key) for key in diff.get("withdrawn", [])],
        previous=previous,
    )
