"""Reads of the talents app: lists, duplicates, the officer's worklist."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from jinjin_crm.core.crypto import blind_index
from jinjin_crm.core.excel_import import chunks
from jinjin_crm.core.models import Activity, User
from jinjin_crm.core.worklist import worklist_sections_load

from .models import Stage, Talent, Team, TeamMembership

# A lead or contacted talent with no contact for this long is "going cold" on the worklist.
COLD_AFTER_DAYS = 30
RECENTLY_ASSIGNED_DAYS = 7
WORKLIST_LIMIT = 50


def talent_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Talents for the list page, API and export, filtered by ``TalentFilter``."""
    from .filters import TalentFilter

    base = (queryset if queryset is not None else Talent.objects.all()).for_list()
    return TalentFilter(filters or {}, queryset=base).qs


@dataclass(frozen=True)
class Duplicate:
    talent: Talent
    certain: bool
    reason: str
    by_id_number: bool = False


def talent_duplicates(
    *,
    id_number: str = "",
    phone: str = "",
    name: str = "",
    birth_year=None,
    university: str = "",
    exclude_pk=None,
) -> list[Duplicate]:
    """Records that may be the same person: same ID number or phone (certain), or the same name,
    birth year and university (probable)."""
    candidate = {
        "id_number": id_number,
        "phone": phone,
        "name": name,
        "birth_year": birth_year,
        "university": university,
    }
    return talent_duplicates_many([candidate], exclude_pk=exclude_pk)[0]


def talent_duplicates_many(candidates: list[dict], *, exclude_pk=None) -> list[list[Duplicate]]:
    """``talent_duplicates`` for many candidates at once (an import): the same rules, one query per
    1,000 ID numbers, phones and names rather than three per candidate. Each candidate is a dict
    with ``id_number``, ``phone``, ``name``, ``birth_year`` and ``university`` (plain values);
    the result lists each candidate's duplicates, certain ones first."""
    base = Talent.objects.exclude(pk=exclude_pk) if exclude_pk else Talent.objects.all()
    id_hashes = {blind_index(c["id_number"]) for c in candidates if c.get("id_number")}
    phone_hashes = {blind_index(c["phone"]) for c in candidates if c.get("phone")}
    people = {
        (c["name"], c["birth_year"], c["university"])
        for c in candidates
        if c.get("name") and c.get("birth_year") and c.get("university")
    }
    by_id: dict[str, list[Talent]] = {}
    by_phone: dict[str, list[Talent]] = {}
    by_person: dict[tuple, list[Talent]] = {}
    for chunk in chunks(id_hashes):
        for talent in base.filter(id_number_hash__in=chunk).order_by("pk"):
            by_id.setdefault(talent.id_number_hash, []).append(talent)
    for chunk in chunks(phone_hashes):
        for talent in base.filter(phone_hash__in=chunk).order_by("pk"):
            by_phone.setdefault(talent.phone_hash, []).append(talent)
    for chunk in chunks({name for name, _year, _university in people}):
        for talent in base.filter(name__in=chunk, birth_year__isnull=False).order_by("pk"):
            key = (talent.name, talent.birth_year, talent.university)
            if key in people:
                by_person.setdefault(key, []).append(talent)

    results = []
    for c in candidates:
        found: dict[int, Duplicate] = {}
        if c.get("id_number"):
            for talent in by_id.get(blind_index(c["id_number"]), ()):
                found[talent.pk] = Duplicate(talent, True, _("same ID number"), by_id_number=True)
        if c.get("phone"):
            for talent in by_phone.get(blind_index(c["phone"]), ()):
                found.setdefault(talent.pk, Duplicate(talent, True, _("same mobile")))
        for talent in by_person.get((c.get("name"), c.get("birth_year"), c.get("university")), ()):
            found.setdefault(talent.pk, Duplicate(talent, False, _("same name, birth year and university")))
        results.append(
            sorted(found.values(), key=lambda duplicate: (not duplicate.certain, duplicate.talent.pk))
        )
    return results


@dataclass(frozen=True)
class DuplicatePair:
    first: Talent
    second: Talent
    certain: bool
    reason: str


def duplicate_pairs(*, limit: int = 200) -> list[DuplicatePair]:
    """Pairs to review on the duplicates page: the same phone (certain), or the same name, birth year
    and university (probable). Groups are found in the database; each group becomes pairs with its
    oldest record."""
    live = Talent.objects.filter(anonymised_at__isnull=True)
    phone_groups = (
        live.exclude(phone_hash="")
        .values("phone_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("phone_hash")
    )
    name_groups = (
        live.exclude(university="")
        .filter(birth_year__isnull=False)
        .values("name", "birth_year", "university")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    pairs: list[DuplicatePair] = []
    seen: set[tuple[int, int]] = set()

    def add(members: list[Talent], certain: bool, reason: str) -> None:
        first = members[0]
        for other in members[1:]:
            key = (first.pk, other.pk)
            if key not in seen:
                seen.add(key)
                pairs.append(DuplicatePair(first, other, certain, reason))

    by_phone: dict[str, list[Talent]] = {}
    for talent in (
        live.filter(phone_hash__in=phone_groups[:limit]).select_related("highest_degree").order_by("pk")
    ):
        by_phone.setdefault(talent.phone_hash, []).append(talent)
    for members in by_phone.values():
        add(members, True, _("same mobile"))
    for group in name_groups[:limit]:
        members = list(
            live.filter(**{key: group[key] for key in ("name", "birth_year", "university")}).order_by("pk")
        )
        add(members, False, _("same name, birth year and university"))
    return pairs[:limit]


def _last_contact(model) -> Subquery:
    """The time of each record's latest logged contact (a subquery on ``Activity``). A reminder the
    system scheduled is not a contact: a record with nothing but reminders is still going cold."""
    return Subquery(
        Activity.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk")
        )
        .exclude(channel=Activity.Channel.SYSTEM)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


def going_cold(model, *, now: datetime.datetime | None = None) -> QuerySet:
    """The one rule of "going cold", for the worklist and the officers' scorecard: ``model``'s
    records (``Talent``: lead or contacted; ``InvestmentProject``: open) registered at least
    ``COLD_AFTER_DAYS`` ago with no contact logged for as long. Each carries ``last_contact_at``
    (None if never) and ``quiet_since`` (the last contact, else its creation)."""
    from projects.models import OPEN_STAGES, InvestmentProject

    stages = OPEN_STAGES if model is InvestmentProject else (Stage.LEAD, Stage.CONTACTED)
    since = (now or timezone.now()) - datetime.timedelta(days=COLD_AFTER_DAYS)
    return (
        model.objects.filter(stage__in=stages, created_at__lte=since)
        .annotate(last_contact_at=_last_contact(model), quiet_since=Coalesce("last_contact_at", "created_at"))
        .filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=since))
    )


def worklist_cold(*, user: User, limit: int = WORKLIST_LIMIT) -> list:
    """What ``user`` owns or leads that is going cold, the longest quiet first, at most ``limit``:
    their lead or contacted talents and their open projects, registered at least ``COLD_AFTER_DAYS``
    ago with no contact logged for as long. Two queries. Each record (a ``Talent`` or an
    ``InvestmentProject``) carries ``last_contact_at`` (None if never), ``quiet_since`` (the last
    contact, else its creation) and ``worklist_kind`` (``talent`` or ``project``).

    Enterprises have no owner officer, so none of them is anybody's to go cold; their follow-ups
    still reach the worklist through the officer who scheduled them.
    """
    from projects.models import InvestmentProject

    talents = list(going_cold(Talent).for_list().filter(owner=user).order_by("quiet_since", "id")[:limit])
    projects = list(
        going_cold(InvestmentProject)
        .for_ledger()
        .filter(lead_officer=user)
        .order_by("quiet_since", "id")[:limit]
    )
    for record in talents:
        record.worklist_kind = "talent"
    for record in projects:
        record.worklist_kind = "project"
    cold = [*talents, *projects]
    cold.sort(key=lambda record: (record.quiet_since, record.worklist_kind, record.pk))
    return cold[:limit]


def worklist(*, user: User, today: datetime.date | None = None) -> dict:
    """The officer's day: follow-ups due today and overdue (on talents, projects, enterprises, anything
    with a timeline), what they own or lead going cold (``worklist_cold``), talents recently
    assigned, and the sections later apps register (``core.worklist``: service requests due,
    applications waiting). A fixed number of queries whatever the number of rows; each list holds
    at most ``WORKLIST_LIMIT``."""
    today = today or timezone.localdate()
    now = timezone.now()
    follow_ups = (
        Activity.objects.follow_ups_open()
        .filter(officer=user, next_follow_up_on__lte=today)
        .select_related("content_type")
        .prefetch_related("record")
        .order_by("next_follow_up_on", "id")[:WORKLIST_LIMIT]
    )
    assigned = (
        Talent.objects.for_list()
        .filter(owner=user, assigned_at__gte=now - datetime.timedelta(days=RECENTLY_ASSIGNED_DAYS))
        .order_by("-assigned_at")[:WORKLIST_LIMIT]
    )
    follow_ups = list(follow_ups)
    return {
        "today": today,
        "due_today": [item for item in follow_ups if item.next_follow_up_on == today],
        "overdue": [item for item in follow_ups if item.next_follow_up_on < today],
        "cold": worklist_cold(user=user, limit=WORKLIST_LIMIT),
        "recently_assigned": list(assigned),
        "sections": worklist_sections_load(user=user, today=today, limit=WORKLIST_LIMIT),
    }


def team_list(*, filters: dict | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Innovation teams shaped for a list, filtered by ``TeamFilter`` when ``filters`` are given.

    Each row comes with its leader (name only: no personal data is loaded or decrypted), its host
    enterprise and that enterprise's park, and ``member_count`` (the leader included), all in the
    one query, so a page costs the same whatever its size. Newest introduced first (undated last),
    then by name, with the id as the last tie-breaker so pages never repeat a row.
    """
    from .filters import TeamFilter

    members = (
        TeamMembership.objects.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(count=Count("pk"))
        .values("count")
    )
    base = (
        (queryset if queryset is not None else Team.objects.all())
        .select_related("leader", "host_enterprise__park")
        .only(
            "name",
            "mode",
            "introduced_on",
            "leader__name",
            "host_enterprise__name",
            "host_enterprise__park__code",
            "host_enterprise__park__name",
            "host_enterprise__park__name_en",
        )
        .annotate(member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)))
        .order_by(F("introduced_on").desc(nulls_last=True), "name", "-id")
    )
    if filters is None:
        return base
    return TeamFilter(filters, queryset=base).qs
