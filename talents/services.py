"""Every write of the talents app: records, their pipeline, owners, merges, anonymisation, and the
logged reveal of personal data.

Guarantees: ID numbers and phones are validated and normalised before they are stored (encrypted);
each service writes in one transaction and leaves nothing half-written when it refuses; the search
tokens are rebuilt whenever a searched field changes.
"""

import datetime
import hashlib
import zlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinjin_crm.core.crypto import blind_index
from jinjin_crm.core.exceptions import ApplicationError, IllegalTransition, illegal_move
from jinjin_crm.core.models import Activity, PersonalDataAccess, StageChange, User
from jinjin_crm.core.services import personal_data_access_log, stage_change_record, stage_change_undo
from jinjin_crm.core.task_requests import request_task
from jinjin_crm.core.validators import check_national_id, date_not_future, normalize_mobile

from .models import TRANSITIONS, FoundedEnterprise, Mode, Stage, Talent, TalentMerge, Team, TeamMembership
from .search import search_text_for
from .selectors import talent_duplicates

TALENT_FIELDS = (
    "name",
    "gender",
    "birth_year",
    "id_number",
    "phone",
    "email",
    "highest_degree",
    "university",
    "research_keywords",
    "title",
    "tier",
    "employer",
    "employer_enterprise",
    "location",
    "source",
    "source_detail",
    "mode",
    "owner",
    "consent_at",
    "consent_method",
    "notes",
)
# What a merge copies from the dropped record into blanks of the kept one.
MERGE_FILLS = (
    "gender",
    "birth_year",
    "id_number",
    "phone",
    "email",
    "highest_degree",
    "university",
    "title",
    "tier",
    "employer",
    "employer_enterprise",
    "location",
    "owner",
    "consent_at",
    "consent_method",
    "consent_recorded_by",
)
# The advisory-lock namespace of creations (the first of the two 32-bit keys; a stable hash of a name).
IDENTITY_LOCK_SPACE = zlib.crc32(b"talents.talent_create") - 2**31
STAGE_DATE_FIELDS = {Stage.SIGNED: "signed_on", Stage.ONBOARDED: "onboarded_on"}
ANONYMISED_NAME = "（已匿名）"


class DuplicateSuspected(ApplicationError):
    """The new record looks like one already there; the caller shows them and asks for confirmation."""

    status_code = 409
    default_code = "possible_duplicate"

    def __init__(self, duplicates):
        super().__init__(
            _("This person may already be registered: %(names)s.")
            % {"names": "、".join(f"{found.talent.name}（{found.reason}）" for found in duplicates)}
        )
        self.duplicates = duplicates


def _apply(talent: Talent, fields: dict) -> None:
    unknown = set(fields) - set(TALENT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(talent, name, value)


def talent_personal_data_normalise(talent: Talent) -> list[str]:
    """Validate and normalise ID number and phone; fill gender and birth year from the ID number.

    Returns warnings for the officer (an area code not in the table); raises on hard errors.
    """
    errors: dict[str, list] = {}
    warnings: list[str] = []
    if talent.id_number:
        try:
            checked = check_national_id(talent.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            talent.id_number = checked.number
            warnings.extend(checked.warnings)
            if talent.birth_year and talent.birth_year != checked.birth_date.year:
                errors["birth_year"] = [
                    _("The birth year does not match the ID number (%(year)d).")
                    % {"year": checked.birth_date.year}
                ]
            talent.birth_year = checked.birth_date.year
            if talent.gender and talent.gender != checked.gender:
                errors["gender"] = [checked.gender_mismatch_message()]
            talent.gender = checked.gender
    if talent.phone:
        try:
            talent.phone = normalize_mobile(talent.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if talent.birth_year and talent.birth_year > timezone.localdate().year:
        errors.setdefault("birth_year", []).append(_("The birth year cannot be in the future."))
    if errors:
        raise ValidationError(errors)
    return warnings


def talent_search_refresh(talent: Talent) -> None:
    """Rebuild the search tokens from the plain values (call after the disciplines are set)."""
    talent.search_text = search_text_for(
        name=talent.name,
        university=talent.university,
        disciplines=list(talent.disciplines.all()),
        keywords=talent.research_keywords,
        phone=talent.phone,
    )
    Talent.objects.filter(pk=talent.pk).update(search_text=talent.search_text)


def _save(talent: Talent, *, disciplines, by: User | None) -> Talent:
    talent.full_clean(
        exclude=["created_by", "owner", "consent_recorded_by", "disciplines"], validate_constraints=False
    )
    if talent.id_number:
        clash = Talent.objects.filter(id_number_hash=blind_index(talent.id_number))
        if talent.pk:
            clash = clash.exclude(pk=talent.pk)
        if clash.exists():
            raise ValidationError({"id_number": _("A talent with this ID number is already registered.")})
    if talent.consent_method and talent.consent_recorded_by_id is None:
        talent.consent_recorded_by = by
        talent.consent_at = talent.consent_at or timezone.now()
    talent.save()
    if disciplines is not None:
        talent.disciplines.set(disciplines)
    talent_search_refresh(talent)
    # Matching (by task name: talents may not import it) recomputes this talent's matches.
    request_task("matching.recompute_talent", talent.pk)
    return talent


def _identity_keys(talent: Talent) -> list[str]:
    """What a duplicate is recognised by (``talent_duplicates``' rules): the ID number's and the
    phone's blind indexes, and the name with birth year and university."""
    keys = []
    if talent.id_number:
        keys.append("id:" + blind_index(talent.id_number))
    if talent.phone:
        keys.append("phone:" + blind_index(talent.phone))
    name = " ".join(talent.name.split())
    if name and talent.birth_year and talent.university:
        keys.append(f"person:{name}|{talent.birth_year}|{' '.join(talent.university.split())}")
    return keys


def _identity_lock(talent: Talent) -> None:
    """Hold, until the transaction ends, a lock on each identity the new record has, so that a second
    creation of the same person waits for the first to commit and then finds it as a duplicate.

    PostgreSQL: ``pg_advisory_xact_lock`` on a 32-bit hash of each key, taken in sorted order so two
    creators never wait on each other crosswise (a hash collision only makes one wait needlessly).
    SQLite (the embedded default, one process) serialises writing transactions by itself.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(
            {zlib.crc32(hashlib.sha256(key.encode()).digest()) - 2**31 for key in _identity_keys(talent)}
        ):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IDENTITY_LOCK_SPACE, key])


def _id_number_clash(exc: IntegrityError) -> bool:
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    if constraint:
        return constraint == "talent_unique_id_number"
    # SQLite names the column, not the constraint.
    return "id_number_hash" in str(exc)


@transaction.atomic
def talent_create(
    *,
    by: User | None,
    disciplines=(),
    stage: str = Stage.LEAD,
    confirmed_not_duplicate: bool = False,
    note: str = "",
    **fields,
) -> Talent:
    """Create a talent. Probable duplicates (same phone; same name, birth year and university) are
    refused with ``DuplicateSuspected`` unless the caller confirms they are different people; a
    record with the same ID number is refused always. The owner defaults to the creating officer.

    Safe under concurrency: creations of the same identity (ID number, phone, or name with birth year
    and university) are serialised by a lock taken before the checks, so of ten at once one is created
    and the others get the same refusal as if they had come later; the unique constraint on the ID
    number, the last guard, is turned into that refusal too rather than an ``IntegrityError``."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage “%(stage)s”.") % {"stage": stage}})
    talent = Talent(stage=stage, created_by=by)
    _apply(talent, fields)
    talent_personal_data_normalise(talent)
    if talent.owner is None and by is not None and by.can_write:
        talent.owner = by
    if talent.owner is not None:
        talent.assigned_at = timezone.now()
    _identity_lock(talent)
    if not confirmed_not_duplicate:
        found = [
            duplicate
            for duplicate in talent_duplicates(
                id_number=talent.id_number,
                phone=talent.phone,
                name=talent.name,
                birth_year=talent.birth_year,
                university=talent.university,
            )
            if not duplicate.by_id_number
        ]
        if found:
            raise DuplicateSuspected(found)
    try:
        with transaction.atomic():
            _save(talent, disciplines=disciplines, by=by)
    except IntegrityError as exc:
        if not _id_number_clash(exc):
            raise
        raise ValidationError(
            {"id_number": _("A talent with this ID number is already registered.")}
        ) from exc
    stage_change_record(record=talent, from_stage="", to_stage=stage, by=by, note=note or _("created"))
    if stage == Stage.ONBOARDED:
        # A talent recorded as already onboarded (a park system's push) gets 免申即享 too.
        request_task("policies.propose_benefits", talent.pk)
    return talent


@transaction.atomic
def talent_update(*, talent: Talent, by: User | None, disciplines=None, **fields) -> Talent:
    """Change a talent's facts. The stage moves only through ``talent_transition``, the owner
    through ``talent_assign``."""
    if "owner" in fields:
        raise TypeError("change the owner with talent_assign")
    if talent.anonymised_at:
        raise ApplicationError(_("This record was anonymised and cannot be changed."), code="anonymised")
    _apply(talent, fields)
    talent_personal_data_normalise(talent)
    return _save(talent, disciplines=disciplines, by=by)


def _illegal(current: str, to: str) -> IllegalTransition:
    return illegal_move(
        _("A talent cannot move from “%(from)s” to “%(to)s”; allowed next stages: %(allowed)s."),
        current=current,
        to=to,
        choices=Stage,
        transitions=TRANSITIONS,
        attr="to",
    )


@transaction.atomic
def talent_transition(
    *, talent: Talent, to: str, by: User | None, note: str = "", on: datetime.date | None = None
) -> Talent:
    """Move a talent one step along the pipeline, or mark it lost (with a reason), and record it.

    The row is locked first; a refused move raises and changes nothing.
    """
    locked = Talent.objects.select_for_update().get(pk=talent.pk)
    current = locked.stage
    if to not in TRANSITIONS.get(current, ()):
        raise _illegal(current, to)
    on = on or timezone.localdate()
    date_not_future(on, field="on")
    # What the move sets besides the stage, as it was, so that the move can be undone exactly.
    previous_values = (
        {STAGE_DATE_FIELDS[to]: getattr(locked, STAGE_DATE_FIELDS[to])} if to in STAGE_DATE_FIELDS else {}
    )
    if to == Stage.LOST:
        if not note.strip():
            raise ValidationError({"note": _("Say why the talent was lost.")})
        previous_values["lost_reason"] = locked.lost_reason
        locked.lost_reason = note.strip()
    if to in STAGE_DATE_FIELDS:
        setattr(locked, STAGE_DATE_FIELDS[to], on)
    locked.stage = to
    locked.save(update_fields=["stage", "lost_reason", "signed_on", "onboarded_on", "updated_at"])
    stage_change_record(
        record=locked,
        from_stage=current,
        to_stage=to,
        by=by,
        note=note.strip(),
        previous_values=previous_values,
    )
    # Matching (by task name: talents may not import it) recomputes this talent's matches.
    request_task("matching.recompute_talent", talent.pk)
    if to == Stage.ONBOARDED:
        # 免申即享: policies proposes the benefits the talent now qualifies for (by task name too).
        request_task("policies.propose_benefits", talent.pk)
    talent.refresh_from_db()
    return talent


@transaction.atomic
def talent_transition_undo(*, talent: Talent, change_id: int, by: User) -> Talent:
    """Undo the talent's move ``change_id`` (a ``StageChange``) made by ``by`` moments ago: the stage
    and the date or reason it set are as they were, the history line is marked undone, and the
    talent's matches are recomputed. An onboarding whose 免申即享 proposals exist is refused by the
    guard the policies app registers; refusals raise ``Conflict`` and change nothing (see
    ``core.services.stage_change_undo``).
    """
    locked = Talent.objects.select_for_update().get(pk=talent.pk)
    stage_change_undo(record=locked, change_id=change_id, by=by)
    request_task("matching.recompute_talent", talent.pk)
    talent.refresh_from_db()
    return talent


@transaction.atomic
def talent_assign(*, talent: Talent, owner: User, by: User | None) -> Talent:
    """Make ``owner`` (an officer) responsible for the talent; it shows on their worklist."""
    if not owner.can_write:
        raise ValidationError({"owner": _("Only an officer can own a talent.")})
    if talent.owner_id != owner.pk:
        talent.owner = owner
        talent.assigned_at = timezone.now()
        talent.save(update_fields=["owner", "assigned_at", "updated_at"])
    return talent


def _refuse_conditional_collisions(model, field_name: str, drop: Talent, keep: Talent) -> None:
    """A row of ``drop`` that would break a conditional uniqueness rule once moved (both records hold
    a live application for the same benefit) is a decision for an officer, not for the merge."""
    for constraint in model._meta.constraints:
        if not (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.condition is not None
            and field_name in constraint.fields
        ):
            continue
        others = sorted(set(constraint.fields) - {field_name})
        live = model._base_manager.filter(constraint.condition)
        for values in live.filter(**{field_name: keep}).values_list(*others):
            if live.filter(**{field_name: drop}, **dict(zip(others, values, strict=True))).exists():
                raise ValidationError(
                    {
                        "drop": _(
                            "Both records have an open %(record)s for the same %(what)s; close one of "
                            "them before merging."
                        )
                        % {
                            "record": model._meta.verbose_name,
                            "what": "、".join(
                                str(model._meta.get_field(name).verbose_name) for name in others
                            ),
                        }
                    }
                )


def _delete_colliding(model, field_name: str, drop: Talent, keep: Talent) -> int:
    """Delete the dropped record's rows that would break a uniqueness rule once moved to ``keep``."""
    deleted = 0
    unique_sets = [set(fields) for fields in model._meta.unique_together]
    unique_sets += [
        set(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and constraint.fields
        and constraint.condition is None
    ]
    for fields in unique_sets:
        if field_name not in fields:
            continue
        others = sorted(fields - {field_name})
        kept_values = model._base_manager.filter(**{field_name: keep}).values_list(*others)
        for values in kept_values:
            deleted += model._base_manager.filter(
                **{field_name: drop}, **dict(zip(others, values, strict=True))
            ).delete()[0]
    return deleted


@transaction.atomic
def talent_merge(*, keep: Talent, drop: Talent, by: User) -> TalentMerge:
    """Merge ``drop`` into ``keep``: every row that points at ``drop`` (activities, stage history,
    team memberships, founded enterprises, and whatever later apps point at talents: matches,
    applications, campaign contacts …) moves to ``keep``, blanks of ``keep`` are filled from
    ``drop``, and ``drop`` is deleted. One transaction; no reference to ``drop`` is left.

    Rows that would duplicate one ``keep`` already has (the same team twice) are dropped. Two records
    with different ID numbers are different people and are refused.
    """
    if keep.pk == drop.pk:
        raise ValidationError({"drop": _("A record cannot be merged with itself.")})
    locked = {
        talent.pk: talent for talent in Talent.objects.select_for_update().filter(pk__in=[keep.pk, drop.pk])
    }
    if len(locked) != 2:
        raise ValidationError({"drop": _("One of the records no longer exists.")})
    keep, drop = locked[keep.pk], locked[drop.pk]
    if keep.id_number_hash and drop.id_number_hash and keep.id_number_hash != drop.id_number_hash:
        raise ValidationError(
            {"drop": _("The two records have different ID numbers: they are different people.")}
        )

    moved: dict[str, int] = {}
    talent_type = ContentType.objects.get_for_model(Talent)
    for model in (Activity, StageChange, PersonalDataAccess):
        count = model.objects.filter(content_type=talent_type, object_id=drop.pk).update(object_id=keep.pk)
        if count:
            moved[model._meta.label] = count
    for relation in Talent._meta.related_objects:
        if relation.many_to_many and relation.through._meta.auto_created:
            through = relation.through
            source = relation.field.m2m_reverse_field_name()
            _delete_colliding(through, source, drop, keep)
            count = through.objects.filter(**{source: drop}).update(**{source: keep})
        elif relation.many_to_many:
            continue  # a through model of its own is moved as a one-to-many relation below
        else:
            model, field_name = relation.related_model, relation.field.name
            _refuse_conditional_collisions(model, field_name, drop, keep)
            _delete_colliding(model, field_name, drop, keep)
            count = model._base_manager.filter(**{field_name: drop}).update(**{field_name: keep})
        if count:
            moved[relation.related_model._meta.label] = (
                moved.get(relation.related_model._meta.label, 0) + count
            )
    keep.disciplines.add(*drop.disciplines.all())
    keywords = dict.fromkeys([*keep.keyword_list, *drop.keyword_list])
    keep.research_keywords = ", ".join(keywords)[:300]
    for name in MERGE_FILLS:
        if not getattr(keep, name) and getattr(drop, name):
            setattr(keep, name, getattr(drop, name))
    dropped_id = drop.pk
    drop.delete()
    keep.save()
    talent_search_refresh(keep)
    return TalentMerge.objects.create(kept=keep, dropped_id=dropped_id, moved=moved, merged_by=by)


@transaction.atomic
def talent_anonymise(*, talent: Talent, by: User, reason: str) -> Talent:
    """On a deletion request: clear what identifies the person, keep what statistics need (stage,
    degree, tier, disciplines, birth year, gender, the counts of contacts). The history rows and
    contact summaries lose the personal text too."""
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": _("Say why the record is anonymised (e.g. the request's reference).")}
        )
    cleared = {
        "name": ANONYMISED_NAME,
        "id_number": "",
        "phone": "",
        "email": "",
        "employer": "",
        "location": "",
        "notes": "",
        "source_detail": "",
        "lost_reason": "",
    }
    for name, value in cleared.items():
        setattr(talent, name, value)
    talent.anonymised_at = timezone.now()
    talent.save()
    talent_search_refresh(talent)
    Talent.history.filter(id=talent.pk).update(
        name=ANONYMISED_NAME, email="", employer="", location="", notes="", source_detail="", lost_reason=""
    )
    talent_type = ContentType.objects.get_for_model(Talent)
    Activity.objects.filter(content_type=talent_type, object_id=talent.pk).update(summary=ANONYMISED_NAME)
    StageChange.objects.filter(content_type=talent_type, object_id=talent.pk).update(note="")
    stage_change_record(
        record=talent, from_stage=talent.stage, to_stage=talent.stage, by=by, note=_("anonymised")
    )
    return talent


def talent_personal_data_reveal(*, talent: Talent, user: User, reason: str) -> dict:
    """The ID number and phone in the clear, for a user holding the permission; the look is logged
    first (who, whose record, when, why — never the values)."""
    if not user.has_perm("talents.view_personal_data"):
        raise PermissionDenied(_("You may not see personal data in the clear."))
    personal_data_access_log(
        user=user,
        kind=PersonalDataAccess.Kind.REVEAL,
        fields=["id_number", "phone"],
        reason=reason,
        record=talent,
    )
    return {"id_number": talent.id_number, "phone": talent.phone}


@transaction.atomic
def team_create(
    *,
    name: str,
    leader: Talent,
    by: User | None,
    mode: str = Mode.FLEXIBLE,
    host_enterprise=None,
    introduced_on: datetime.date | None = None,
    description: str = "",
    members: list[tuple[Talent, str]] = (),
) -> Team:
    """A talent-led team with its members (the leader is a member too, as 团队负责人)."""
    team = Team(
        name=(name or "").strip(),
        leader=leader,
        mode=mode,
        host_enterprise=host_enterprise,
        introduced_on=introduced_on,
        description=description,
    )
    team.full_clean()
    date_not_future(introduced_on, field="introduced_on")
    team.save()
    team_member_add(team=team, talent=leader, role=_("team leader"))
    for talent, role in members:
        team_member_add(team=team, talent=talent, role=role)
    return team


def team_member_add(*, team: Team, talent: Talent, role: str = "") -> TeamMembership:
    """Add ``talent`` to ``team``; adding a member twice keeps one membership (with the new role)."""
    membership, _created = TeamMembership.objects.update_or_create(
        team=team, talent=talent, defaults={"role": role}
    )
    return membership


@transaction.atomic
def founded_enterprise_record(
    *, talent: Talent, name: str, enterprise=None, founded_on: datetime.date | None = None, awards: str = ""
) -> FoundedEnterprise:
    """Record a start-up the talent founded (linked to the district's enterprise when it is one)."""
    founded = FoundedEnterprise(
        talent=talent, enterprise=enterprise, name=(name or "").strip(), founded_on=founded_on, awards=awards
    )
    founded.full_clean()
    date_not_future(founded_on, field="founded_on")
    founded.save()
    return founded
