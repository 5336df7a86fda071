"""From the open demands to canonical catalogue entries, their fingerprint, and the diff of two versions.

An entry is a plain dict of codes, numbers and sorted lists (``entries_build``), so the same demands
always give the same entries, byte for byte, and the fingerprint is a hash of their JSON. The diff
compares two such lists by key.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from jinjin_crm.core.models import Degree, Discipline, IndustryChain, Park
from projects.models import DemandStatus, TalentDemand

# An enterprise filed without an industry chain (and not under a project) still has a line.
NO_INDUSTRY = "-"
# What a "changed" entry of the diff shows before and after.
COMPARED_FIELDS = (
    "headcount",
    "demand_count",
    "salary_min",
    "salary_max",
    "scarcity",
    "positions",
    "sources",
)


def entry_key(*, park: str, industry: str | None, discipline: str, degree: str) -> str:
    """``SF/NEV/0812/MASTER``: the codes of the line's park, industry, discipline and minimum degree."""
    return f"{park}/{industry or NO_INDUSTRY}/{discipline}/{degree}"


def key_park(key: str) -> str:
    """The park code of an entry key (park scoping of diffs)."""
    return key.split("/", 1)[0]


def open_demands(*, today: datetime.date):
    """The demands a catalogue compiled on ``today`` lists: open and still valid.

    A demand past its date is left out even before the nightly expiry marks it expired, so the
    catalogue never depends on whether that job has already run.
    """
    return TalentDemand.objects.filter(status=DemandStatus.OPEN, valid_until__gte=today)


@dataclass
class Compiled:
    entries: list[dict]
    demand_count: int = 0
    headcount: int = 0
    # code -> id of the reference rows, to write the entries' foreign keys.
    ids: dict[str, dict[str, int]] = field(default_factory=dict)


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def entries_build(*, today: datetime.date) -> Compiled:
    """The catalogue's entries from the open demands, sorted by key, in four queries.

    A line is (park, industry chain, discipline, minimum degree). The industry is the project's,
    else the enterprise's. A demand with two disciplines stands in both lines; the version's totals
    count it once. Per line: headcount summed, demands counted, the lowest salary floor and highest
    salary ceiling, the highest scarcity, the position names, the projects and enterprises behind it,
    and each demand's headcount.
    """
    demands = list(
        open_demands(today=today).values(
            "id",
            "park__code",
            "position",
            "min_degree__code",
            "headcount",
            "salary_min",
            "salary_max",
            "scarcity",
            "project_id",
            "project__name",
            "project__industry__code",
            "enterprise_id",
            "enterprise__name",
            "enterprise__industry__code",
        )
    )
    through = TalentDemand.disciplines.through
    disciplines: dict[int, list[str]] = {}
    for demand_id, code in (
        through.objects.filter(talentdemand__in=open_demands(today=today))
        .order_by("discipline__code")
        .values_list("talentdemand_id", "discipline__code")
    ):
        disciplines.setdefault(demand_id, []).append(code)

    lines: dict[str, dict] = {}
    for demand in demands:
        industry = demand["project__industry__code"] or demand["enterprise__industry__code"]
        sources = []
        if demand["project_id"]:
            sources.append(("project", demand["project_id"], demand["project__name"]))
        if demand["enterprise_id"]:
            sources.append(("enterprise", demand["enterprise_id"], demand["enterprise__name"]))
        for discipline in disciplines.get(demand["id"], ()):
            key = entry_key(
                park=demand["park__code"],
                industry=industry,
                discipline=discipline,
                degree=demand["min_degree__code"],
            )
            line = lines.setdefault(
                key,
                {
                    "park": demand["park__code"],
                    "industry": industry,
                    "discipline": discipline,
                    "min_degree": demand["min_degree__code"],
                    "headcount": 0,
                    "salary_min": None,
                    "salary_max": None,
                    "scarcity": 0,
                    "positions": set(),
                    "sources": set(),
                    "demands": {},
                },
            )
            line["headcount"] += demand["headcount"]
            line["demands"][demand["id"]] = demand["headcount"]
            line["scarcity"] = max(line["scarcity"], demand["scarcity"])
            line["positions"].add(demand["position"].strip())
            line["sources"].update(sources)
            if demand["salary_min"] is not None:
                low = line["salary_min"]
                line["salary_min"] = demand["salary_min"] if low is None else min(low, demand["salary_min"])
            if demand["salary_max"] is not None:
                high = line["salary_max"]
                line["salary_max"] = demand["salary_max"] if high is None else max(high, demand["salary_max"])

    entries = []
    for key in sorted(lines):
        line = lines[key]
        entries.append(
            {
                "key": key,
                "park": line["park"],
                "industry": line["industry"],
                "discipline": line["discipline"],
                "min_degree": line["min_degree"],
                "headcount": line["headcount"],
                "demand_count": len(line["demands"]),
                "salary_min": _money(line["salary_min"]),
                "salary_max": _money(line["salary_max"]),
                "scarcity": line["scarcity"],
                "positions": sorted(line["positions"]),
                "sources": [
                    {"kind": kind, "id": pk, "name": name}
                    for kind, pk, name in sorted(line["sources"], key=lambda s: (s[0], s[2], s[1]))
                ],
                # JSON object keys are strings; sorted so the hash does not depend on dict order.
                "demand_headcounts": {str(pk): line["demands"][pk] for pk in sorted(line["demands"])},
            }
        )
    listed = [demand for demand in demands if demand["id"] in disciplines]
    return Compiled(
        entries=entries,
        demand_count=len(listed),
        headcount=sum(demand["headcount"] for demand in listed),
        ids=_reference_ids(),
    )


def _reference_ids() -> dict[str, dict[str, int]]:
    return {
        "park": dict(Park.objects.values_list("code", "id")),
        "industry": dict(IndustryChain.objects.values_list("code", "id")),
        "discipline": dict(Discipline.objects.values_list("code", "id")),
        "min_degree": dict(Degree.objects.values_list("code", "id")),
    }


def fingerprint_of(entries: list[dict]) -> str:
    """SHA-256 of the entries' canonical JSON: equal entries, equal fingerprint."""
    text = json.dumps(entries, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def diff_compute(before: list[dict], after: list[dict]) -> dict:
    """What changed from ``before`` to ``after`` (entries as ``entries_build`` makes them).

    ``added`` and ``withdrawn`` are sorted keys; ``changed`` lists, by key, the lines present in both
    whose content differs, with ``before`` and ``after`` of the ``COMPARED_FIELDS``.
    """
    old = {entry["key"]: entry for entry in before}
    new = {entry["key"]: entry for entry in after}
    changed = []
    for key in sorted(old.keys() & new.keys()):
        if old[key] != new[key]:
            changed.append(
                {
                    "key": key,
                    "before": {name: old[key][name] for name in COMPARED_FIELDS},
                    "after": {name: new[key][name] for name in COMPARED_FIELDS},
                }
            )
    return {
        "added": sorted(new.keys() - old.keys()),
        "changed": changed,
        "withdrawn": sorted(old.keys() - new.keys()),
    }


def diff_for_parks(diff: dict, park_codes: set[str]) -> dict:
    """The part of ``diff`` about lines of ``park_codes`` (what a park system may see)."""
    return {
        "added": [key for key in diff.get("added", []) if key_park(key) in park_codes],
        "changed": [item for item in diff.get("changed", []) if key_park(item["key"]) in park_codes],
        "withdrawn": [key for key in diff.get("withdrawn", []) if key_park(key) in park_codes],
    }
