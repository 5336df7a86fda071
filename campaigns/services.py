"""Every write of the campaigns app: campaigns, the people met on them, universities, the projects a
promotion trip yields, and 科技副总 placements.

Guarantees: each service writes in one transaction and changes nothing when it refuses; a contact's
outcome moves its talent forward through ``talents.services.talent_transition`` (never backwards,
never out of a closed stage); a person met who is not yet on record becomes a lead of the campaign's
responsible officer only when the duplicate rules of the talents app find nobody.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from jinjin_crm.core.models import StageChange, User
from jinjin_crm.core.services import fields_apply
from jinjin_crm.core.task_requests import request_task
from jinjin_crm.core.validators import check_national_id, date_not_future, normalize_mobile
from projects.models import Enterprise, InvestmentProject
from talents.models import Source, Stage, Talent
from talents.search import search_text_for
from talents.selectors import Duplicate, talent_duplicates, talent_duplicates_many
from talents.services import talent_create, talent_personal_data_normalise, talent_transition

from .models import (
    Campaign,
    CampaignProject,
    Contact,
    Outcome,
    Partnership,
    Placement,
    PlacementBatch,
    PlacementOutcome,
    University,
    season_of,
)

CAMPAIGN_FIELDS = (
    "kind",
    "title",
    "starts_on",
    "ends_on",
    "place",
    "university",
    "leader",
    "lead_officer",
    "target_consultations",
    "target_intents",
    "target_masters",
    "target_signed",
    "target_projects",
    "target_investment",
    "description",
)
# The talent stage each outcome brings a talent to (at least).
OUTCOME_STAGE = {
    Outcome.CONSULTED: Stage.CONTACTED,
    Outcome.INTENT: Stage.INTENT,
    Outcome.SIGNED: Stage.SIGNED,
}
PIPELINE = (Stage.LEAD, Stage.CONTACTED, Stage.INTENT, Stage.SIGNED, Stage.ONBOARDED)


def _check_dates(start, end, *, start_field: str, end_field: str) -> None:
    if start and end and end < start:
        raise ValidationError({end_field: _("The end date cannot be before the start date.")})


# --- Universities -------------------------------------------------------------------------------


@transaction.atomic
def university_create(*, name: str, city: str = "", kind: str = University.Kind.UNIVERSITY, notes: str = ""):
    """A university or institute; names are unique (a second 南开大学 is refused)."""
    university = University(name=(name or "").strip(), city=city.strip(), kind=kind, notes=notes)
    university.full_clean()
    university.save()
    return university


@transaction.atomic
def university_update(*, university: University, **fields) -> University:
    fields_apply(university, fields, allowed=("name", "city", "kind", "notes"))
    university.name = university.name.strip()
    university.full_clean()
    university.save()
    return university


@transaction.atomic
def partnership_record(
    *,
    university: University,
    title: str,
    signed_on: datetime.date,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    scope: str = "",
) -> Partnership:
    """A strategic cooperation agreement; it runs from ``starts_on`` (default: signing) to ``ends_on``."""
    date_not_future(signed_on, field="signed_on")
    starts_on = starts_on or signed_on
    _check_dates(starts_on, ends_on, start_field="starts_on", end_field="ends_on")
    partnership = Partnership(
        university=university,
        title=(title or "").strip(),
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        scope=scope,
    )
    partnership.full_clean()
    partnership.save()
    return partnership


# --- Campaigns ----------------------------------------------------------------------------------


def _save_campaign(campaign: Campaign, *, officers) -> Campaign:
    campaign.title = (campaign.title or "").strip()
    campaign.full_clean(exclude=["officers", "created_by", "lead_officer"], validate_constraints=False)
    _check_dates(campaign.starts_on, campaign.ends_on, start_field="starts_on", end_field="ends_on")
    if campaign.lead_officer_id is None:
        raise ValidationError({"lead_officer": _("Name the officer responsible for the campaign.")})
    if not campaign.lead_officer.can_write:
        raise ValidationError({"lead_officer": _("Only an officer can be responsible for a campaign.")})
    campaign.season = season_of(campaign.starts_on)
    campaign.save()
    if officers is not None:
        campaign.officers.set(officers)
    return campaign


@transaction.atomic
def campaign_create(*, by: User | None, officers=(), **fields) -> Campaign:
    """Plan or record a campaign. The responsible officer defaults to the creator."""
    campaign = Campaign(created_by=by)
    fields_apply(campaign, fields, allowed=CAMPAIGN_FIELDS)
    if campaign.lead_officer_id is None and by is not None and by.can_write:
        campaign.lead_officer = by
    return _save_campaign(campaign, officers=officers)


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: User | None, officers=None, **fields) -> Campaign:
    """Change a campaign's facts. Its dates cannot move so that contacts fall after its end."""
    fields_apply(campaign, fields, allowed=CAMPAIGN_FIELDS)
    if campaign.pk and campaign.starts_on and campaign.ends_on:
        # Contacts are dated within their campaign: the dates may not move past the people met.
        dates = campaign.contacts.aggregate(first=Min("met_on"), last=Max("met_on"))
        if dates["first"] and dates["first"] < campaign.starts_on:
            raise ValidationError(
                {
                    "starts_on": _("People were met from %(date)s: the campaign cannot start later.")
                    % {"date": dates["first"].isoformat()}
                }
            )
        if dates["last"] and dates["last"] > campaign.ends_on:
            raise ValidationError(
                {
                    "ends_on": _("People were met until %(date)s: the campaign cannot end earlier.")
                    % {"date": dates["last"].isoformat()}
                }
            )
    return _save_campaign(campaign, officers=officers)


# --- Contacts -----------------------------------------------------------------------------------


def _default_met_on(campaign: Campaign) -> datetime.date:
    return min(campaign.starts_on, timezone.localdate())


def talent_advance(
    *, talent: Talent, outcome: str, on: datetime.date, by: User | None, note: str
) -> list[str]:
    """Move ``talent`` forward one step at a time until it reaches the stage ``outcome`` implies.

    A talent already there or beyond, or lost, stays where it is. Returns the stages passed through.
    """
    target = OUTCOME_STAGE[outcome]
    if talent.stage not in PIPELINE or PIPELINE.index(talent.stage) >= PIPELINE.index(target):
        return []
    passed = []
    on = min(on, timezone.localdate())
    for stage in PIPELINE[PIPELINE.index(talent.stage) + 1 : PIPELINE.index(target) + 1]:
        talent_transition(talent=talent, to=stage, by=by, note=note, on=on)
        passed.append(stage)
    return passed


def _check_contact(contact: Contact) -> None:
    campaign = contact.campaign
    if contact.outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Unknown outcome “%(outcome)s”.") % {"outcome": contact.outcome}})
    if contact.met_on < campaign.starts_on or contact.met_on > campaign.ends_on:
        raise ValidationError(
            {
                "met_on": _("The date must fall within the campaign (%(start)s to %(end)s).")
                % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
            }
        )
    date_not_future(contact.met_on, field="met_on")


@transaction.atomic
def contact_record(
    *,
    campaign: Campaign,
    talent: Talent,
    by: User | None,
    outcome: str = Outcome.CONSULTED,
    degree=None,
    met_on: datetime.date | None = None,
    notes: str = "",
) -> Contact:
    """Record that ``talent`` was met on ``campaign`` and how far it went, and move the talent
    forward accordingly (consulted → contacted, intent → intent, signed → signed).

    A talent is recorded once per campaign: a second contact is refused (change the outcome instead).
    The degree defaults to the talent's highest degree today.
    """
    contact = Contact(
        campaign=campaign,
        talent=talent,
        outcome=outcome,
        degree=degree if degree is not None else talent.highest_degree,
        met_on=met_on or _default_met_on(campaign),
        notes=notes,
        recorded_by=by,
    )
    _check_contact(contact)
    try:
        # The unique constraint decides, so two officers recording the same person at once (or a
        # double click) get this error rather than a server error.
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        raise ValidationError(
            {
                "talent": _("%(name)s is already recorded on this campaign; change the outcome in the table.")
                % {"name": talent.name}
            }
        ) from None
    talent_advance(
        talent=talent,
        outcome=outcome,
        on=contact.met_on,
        by=by,
        note=_("Met on %(campaign)s") % {"campaign": campaign},
    )
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, by: User | None, outcome: str | None = None, notes: str | None = None, degree=None
) -> Contact:
    """Correct a contact. A better outcome moves the talent forward; a lesser one is a correction of
    the record only (the talent's pipeline is not moved back: that is the talents app's business)."""
    if outcome is not None:
        contact.outcome = outcome
    if notes is not None:
        contact.notes = notes
    if degree is not None:
        contact.degree = degree
    _check_contact(contact)
    contact.save()
    talent_advance(
        talent=contact.talent,
        outcome=contact.outcome,
        on=timezone.localdate(),
        by=by,
        note=_("Met on %(campaign)s") % {"campaign": contact.campaign},
    )
    return contact


def existing_talent(duplicates: list[Duplicate], *, id_number: str = "") -> Talent | None:
    """The record a person met is linked to, by the duplicate rules of the talents app: the one with
    the same ID number, else the first with the same mobile, else the first with the same name,
    birth year and university; ``None`` for a new person.

    An ID number identifies a person: when ``id_number`` (normalised) is given, a record holding
    another ID number is someone else, however alike the rest.
    """
    candidates = [
        duplicate
        for duplicate in duplicates
        if not (id_number and duplicate.talent.id_number and duplicate.talent.id_number != id_number)
    ]
    for rule in (lambda d: d.by_id_number, lambda d: d.certain, lambda d: True):
        found = next((duplicate.talent for duplicate in candidates if rule(duplicate)), None)
        if found is not None:
            return found
    return None


def lead_create(*, campaign: Campaign, by: User | None, disciplines=(), **talent_fields) -> Talent:
    """A person met on the campaign who is not on record: a new lead of the campaign's responsible
    officer, sourced from the campaign. The caller has applied the duplicate rules already."""
    return talent_create(
        by=by,
        disciplines=disciplines,
        confirmed_not_duplicate=True,
        owner=campaign.lead_officer,
        source=Source.CAMPAIGN,
        source_detail=campaign.title[:200],
        note=_("Met on %(campaign)s") % {"campaign": campaign},
        **talent_fields,
    )


def _normalised_identity(fields: dict) -> dict:
    """The ID number and phone as the talents app stores them, so the duplicate rules see them."""
    fields = dict(fields)
    errors = {}
    if fields.get("id_number"):
        try:
            fields["id_number"] = check_national_id(fields["id_number"]).number
        except ValidationError as exc:
            errors["id_number"] = exc.messages
    if fields.get("phone"):
        try:
            fields["phone"] = normalize_mobile(fields["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def contact_record_person(
    *,
    campaign: Campaign,
    by: User | None,
    outcome: str = Outcome.CONSULTED,
    degree=None,
    met_on: datetime.date | None = None,
    notes: str = "",
    disciplines=(),
    **talent_fields,
) -> tuple[Contact, bool]:
    """Record a person met by their details: linked to the talent the duplicate rules find, or a new
    lead. Returns the contact and whether a talent was created."""
    talent_fields = _normalised_identity(talent_fields)
    found = talent_duplicates(
        id_number=talent_fields.get("id_number", ""),
        phone=talent_fields.get("phone", ""),
        name=talent_fields.get("name", ""),
        birth_year=talent_fields.get("birth_year"),
        university=talent_fields.get("university", ""),
    )
    talent = existing_talent(found, id_number=talent_fields.get("id_number", ""))
    created = talent is None
    if created:
        talent = lead_create(
            campaign=campaign, by=by, disciplines=disciplines, highest_degree=degree, **talent_fields
        )
    contact = contact_record(
        campaign=campaign, talent=talent, by=by, outcome=outcome, degree=degree, met_on=met_on, notes=notes
    )
    return contact, created


# --- Projects from promotion trips --------------------------------------------------------------


@transaction.atomic
def campaign_project_link(
    *, campaign: Campaign, project: InvestmentProject, by: User | None, notes: str = ""
) -> CampaignProject:
    """Record that ``project`` came from ``campaign``; a project comes from one campaign only."""
    existing = CampaignProject.objects.filter(project=project).select_related("campaign").first()
    if existing is not None:
        if existing.campaign_id == campaign.pk:
            return existing
        raise ValidationError(
            {
                "project": _("This project is already recorded as coming from “%(campaign)s”.")
                % {"campaign": existing.campaign}
            }
        )
    try:
        with transaction.atomic():
            return CampaignProject.objects.create(
                campaign=campaign, project=project, notes=notes, linked_by=by
            )
    except IntegrityError:
        raise ValidationError(
            {"project": _("This project was just recorded as coming from another campaign.")}
        ) from None


@transaction.atomic
def campaign_project_unlink(*, link: CampaignProject, by: User | None) -> None:
    link.delete()


# --- Placements ---------------------------------------------------------------------------------


@transaction.atomic
def placement_batch_create(*, number: int, announced_on: datetime.date, notes: str = "") -> PlacementBatch:
    batch = PlacementBatch(number=number, announced_on=announced_on, notes=notes)
    batch.full_clean()
    batch.save()
    return batch


def _check_overlap(*, expert: Talent, host_enterprise: Enterprise, start, end, exclude_pk=None) -> None:
    """An expert serves one term at a time in an enterprise: terms there may not overlap.

    The caller holds the expert's row lock, so two concurrent placements cannot both pass.
    """
    others = Placement.objects.filter(expert=expert, host_enterprise=host_enterprise)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        if other.term_start <= end and start <= other.last_day:
            raise ValidationError(
                {
                    "term_start": _(
                        "%(expert)s already serves at %(enterprise)s from %(start)s to %(end)s "
                        "(batch %(batch)d): terms at the same enterprise cannot overlap."
                    )
                    % {
                        "expert": expert.name,
                        "enterprise": host_enterprise.name,
                        "start": other.term_start.isoformat(),
                        "end": other.last_day.isoformat(),
                        "batch": other.batch.number,
                    }
                }
            )


@transaction.atomic
def placement_create(
    *,
    expert: Talent,
    host_enterprise: Enterprise,
    batch: PlacementBatch,
    term_start: datetime.date,
    term_end: datetime.date,
    by: User | None,
    task_book: str = "",
    goals: str = "",
) -> Placement:
    """Place ``expert`` in ``host_enterprise`` as 科技副总 for a term. Refused when the term ends
    before it starts or overlaps a term the expert already serves at the same enterprise."""
    _check_dates(term_start, term_end, start_field="term_start", end_field="term_end")
    Talent.objects.select_for_update().filter(pk=expert.pk).first()
    _check_overlap(expert=expert, host_enterprise=host_enterprise, start=term_start, end=term_end)
    placement = Placement(
        expert=expert,
        host_enterprise=host_enterprise,
        batch=batch,
        term_start=term_start,
        term_end=term_end,
        task_book=task_book,
        goals=goals,
        created_by=by,
    )
    placement.full_clean(exclude=["created_by"])
    placement.save()
    return placement


@transaction.atomic
def placement_update(*, placement: Placement, by: User | None, task_book=None, goals=None) -> Placement:
    """Revise the task book or the goals."""
    if task_book is not None:
        placement.task_book = task_book
    if goals is not None:
        placement.goals = goals
    placement.save(update_fields=["task_book", "goals", "updated_at"])
    return placement


def _locked(placement: Placement) -> Placement:
    Talent.objects.select_for_update().filter(pk=placement.expert_id).first()
    return Placement.objects.select_for_update().select_related("batch").get(pk=placement.pk)


@transaction.atomic
def placement_extend(*, placement: Placement, term_end: datetime.date, by: User | None) -> Placement:
    """Extend the term to ``term_end`` (later than the current end; not for a term ended early)."""
    locked = _locked(placement)
    if locked.ended_on:
        raise ValidationError({"term_end": _("This placement has ended; it cannot be extended.")})
    if term_end <= locked.term_end:
        raise ValidationError(
            {"term_end": _("The new end must be after the current end (%(end)s).") % {"end": locked.term_end}}
        )
    _check_overlap(
        expert=locked.expert,
        host_enterprise=locked.host_enterprise,
        start=locked.term_start,
        end=term_end,
        exclude_pk=locked.pk,
    )
    locked.term_end = term_end
    locked.extensions += 1
    locked.save(update_fields=["term_end", "extensions", "updated_at"])
    return locked


@transaction.atomic
def placement_end(*, placement: Placement, on: datetime.date, reason: str, by: User | None) -> Placement:
    """End the term early on ``on`` (within the term), saying why."""
    locked = _locked(placement)
    if locked.ended_on:
        raise ValidationError({"on": _("This placement has already ended.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the placement ends early.")})
    if not (locked.term_start <= on <= locked.term_end):
        raise ValidationError(
            {
                "on": _("The date must fall within the term (%(start)s to %(end)s).")
                % {"start": locked.term_start.isoformat(), "end": locked.term_end.isoformat()}
            }
        )
    locked.ended_on = on
    locked.end_reason = reason.strip()
    locked.save(update_fields=["ended_on", "end_reason", "updated_at"])
    return locked


@transaction.atomic
def placement_outcome_record(
    *,
    placement: Placement,
    kind: str,
    title: str,
    achieved_on: datetime.date,
    by: User | None,
    amount=None,
    notes: str = "",
) -> PlacementOutcome:
    """A dated result: a patent, a joint project, a technology transfer or revenue enabled (万元)."""
    outcome = PlacementOutcome(
        placement=placement,
        kind=kind,
        title=(title or "").strip(),
        achieved_on=achieved_on,
        amount=amount,
        notes=notes,
        recorded_by=by,
    )
    outcome.full_clean(exclude=["recorded_by"])
    date_not_future(achieved_on, field="achieved_on")
    if achieved_on < placement.term_start:
        raise ValidationError(
            {
                "achieved_on": _("The date cannot be before the term starts (%(start)s).")
                % {"start": placement.term_start}
            }
        )
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    outcome.save()
    return outcome


@transaction.atomic
def placement_evaluate(
    *,
    placement: Placement,
    grade: str,
    by: User | None,
    evaluation: str = "",
    on: datetime.date | None = None,
) -> Placement:
    """Record the evaluation (考核) of a placement: a grade, the assessment, and its date."""
    on = on or timezone.localdate()
    date_not_future(on, field="on")
    if on < placement.term_start:
        raise ValidationError({"on": _("A placement cannot be evaluated before its term starts.")})
    placement.grade = grade
    placement.evaluation = evaluation
    placement.evaluated_on = on
    placement.full_clean(exclude=["created_by"])
    placement.save(update_fields=["grade", "evaluation", "evaluated_on", "updated_at"])
    return placement


# ================================================================================================
# Bulk recording of the people met: thousands of sign-in rows (a season's campus visits, the demo
# seed) in one transaction. Same rules as contact_record_person, written with bulk inserts.
# ================================================================================================

# What a person met may carry: the talent's facts, then the contact's own.
PERSON_FIELDS = (
    "name",
    "gender",
    "birth_year",
    "id_number",
    "phone",
    "email",
    "university",
    "research_keywords",
    "title",
    "employer",
    "location",
)
PERSON_CONTACT_FIELDS = ("outcome", "degree", "met_on", "notes", "disciplines")
# Checked when the rows are written (they are model instances already, or set by the service).
BULK_UNCHECKED = (
    "highest_degree",
    "tier",
    "employer_enterprise",
    "owner",
    "created_by",
    "consent_recorded_by",
    "search_text",
)


def _row_messages(row: int, error: ValidationError) -> list[str]:
    """``error`` as "Row n, field: message" lines, the field named as the pages name it."""

    def label(name: str) -> str:
        for model in (Contact, Talent):
            try:
                return str(model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                continue
        return name

    by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return [
        _("Row %(row)d, %(field)s: %(message)s") % {"row": row, "field": label(name), "message": message}
        if name and name != "__all__"
        else _("Row %(row)d: %(message)s") % {"row": row, "message": message}
        for name, messages in by_field.items()
        for message in messages
    ]


def _person_keys(talent: Talent) -> list[tuple]:
    """What makes two rows the same person, by the duplicate rules of the talents app."""
    keys = []
    if talent.id_number:
        keys.append(("id_number", talent.id_number))
    if talent.phone:
        keys.append(("phone", talent.phone))
    if talent.name and talent.birth_year and talent.university:
        keys.append(("person", talent.name, talent.birth_year, talent.university))
    return keys


@transaction.atomic
def contacts_bulk_record(
    *, campaign: Campaign, by: User | None, people: list[dict]
) -> tuple[list[Contact], int]:
    """Record many people met on ``campaign`` at once, as ``contact_record_person`` does one by one.

    Each person (a dict of talent facts from ``PERSON_FIELDS`` plus ``outcome``, ``degree``,
    ``met_on``, ``notes`` and ``disciplines``) is linked to the talent the duplicate rules find, or
    becomes a new lead of the campaign's responsible officer, sourced from the campaign. Every talent
    is moved forward to the stage its outcome implies, with a stage-history line per step; a linked
    talent moves through ``talent_advance``, so never backwards and never out of a closed stage.

    All or nothing: every row is checked before anything is written, and the errors of all rows are
    raised together under ``people`` ("Row n, field: message"). A person may be met once per
    campaign: two rows for the same person, or a person the campaign already has, are errors.

    Returns the contacts, in the order of ``people``, and the number of talents created. The talents,
    their disciplines, history and the contacts go in with bulk inserts and the duplicate look-up is
    batched, so a sheet of thousands costs a few dozen queries rather than a dozen per row.
    """
    allowed = set(PERSON_FIELDS) | set(PERSON_CONTACT_FIELDS)
    errors: list[str] = []
    rows: list[tuple[int, Talent, Contact, list]] = []
    now = timezone.now()
    for row, person in enumerate(people, start=1):
        unknown = set(person) - allowed
        if unknown:
            raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
        talent = Talent(
            **{name: person[name] for name in PERSON_FIELDS if person.get(name) not in (None, "")},
            highest_degree=person.get("degree"),
            owner=campaign.lead_officer,
            assigned_at=now,
            source=Source.CAMPAIGN,
            source_detail=campaign.title[:200],
            created_by=by,
        )
        talent.name = (talent.name or "").strip()
        contact = Contact(
            campaign=campaign,
            outcome=person.get("outcome") or Outcome.CONSULTED,
            degree=person.get("degree"),
            met_on=person.get("met_on") or _default_met_on(campaign),
            notes=person.get("notes") or "",
            recorded_by=by,
        )
        try:
            talent_personal_data_normalise(talent)
            talent.clean_fields(exclude=BULK_UNCHECKED)
            _check_contact(contact)
        except ValidationError as exc:
            errors.extend(_row_messages(row, exc))
            continue
        rows.append((row, talent, contact, list(person.get("disciplines") or ())))

    found = talent_duplicates_many(
        [
            {
                "id_number": talent.id_number,
                "phone": talent.phone,
                "name": talent.name,
                "birth_year": talent.birth_year,
                "university": talent.university,
            }
            for _row, talent, _contact, _disciplines in rows
        ]
    )
    matches = [
        existing_talent(duplicates, id_number=talent.id_number)
        for duplicates, (_row, talent, _contact, _disciplines) in zip(found, rows, strict=True)
    ]
    already = set(
        Contact.objects.filter(
            campaign=campaign, talent__in=[match.pk for match in matches if match is not None]
        ).values_list("talent_id", flat=True)
    )
    seen: dict[tuple, int] = {}
    for (row, talent, _contact, _disciplines), match in zip(rows, matches, strict=True):
        if match is not None and match.pk in already:
            errors.append(
                _("Row %(row)d: %(message)s")
                % {
                    "row": row,
                    "message": _("%(name)s is already recorded on this campaign.") % {"name": match.name},
                }
            )
            continue
        keys = ([("talent", match.pk)] if match is not None else []) + _person_keys(talent)
        earlier = next((seen[key] for key in keys if key in seen), None)
        if earlier is not None:
            errors.append(
                _("Row %(row)d: the same person as row %(other)d; a person is met once per campaign.")
                % {"row": row, "other": earlier}
            )
        for key in keys:
            seen.setdefault(key, row)
    if errors:
        raise ValidationError({"people": errors})

    # New people: leads of the responsible officer, moved at once to the stage of their outcome.
    new = [
        (talent, contact, disciplines)
        for (_r, talent, contact, disciplines), match in zip(rows, matches, strict=True)
        if match is None
    ]
    today = timezone.localdate()
    for talent, contact, disciplines in new:
        talent.stage = OUTCOME_STAGE[contact.outcome]
        if talent.stage == Stage.SIGNED:
            talent.signed_on = min(contact.met_on, today)
        talent.search_text = search_text_for(
            name=talent.name,
            university=talent.university,
            disciplines=disciplines,
            keywords=talent.research_keywords,
            phone=talent.phone,
        )
    created = Talent.objects.bulk_create([talent for talent, _contact, _disciplines in new], batch_size=500)
    Talent.history.bulk_history_create(created, batch_size=500, default_user=by)
    Link = Talent.disciplines.through
    Link.objects.bulk_create(
        [
            Link(talent_id=talent.pk, discipline_id=discipline.pk)
            for talent, _contact, disciplines in new
            for discipline in dict.fromkeys(disciplines)
        ],
        batch_size=1000,
    )
    note = _("Met on %(campaign)s") % {"campaign": campaign}
    talent_type = ContentType.objects.get_for_model(Talent)
    changes = []
    for talent, _contact, _disciplines in new:
        path = PIPELINE[: PIPELINE.index(talent.stage) + 1]
        for before, after in zip(("", *path[:-1]), path, strict=True):
            changes.append(
                StageChange(
                    content_type=talent_type,
                    object_id=talent.pk,
                    from_stage=before,
                    to_stage=after,
                    changed_by=by,
                    changed_at=now,
                    note=note,
                )
            )
    StageChange.objects.bulk_create(changes, batch_size=1000)

    contacts = []
    for (_row, talent, contact, _disciplines), match in zip(rows, matches, strict=True):
        contact.talent = match or talent
        if contact.degree is None:
            contact.degree = contact.talent.highest_degree
        contacts.append(contact)
    Contact.objects.bulk_create(contacts, batch_size=1000)
    for contact, match in zip(contacts, matches, strict=True):
        if match is not None:
            talent_advance(talent=match, outcome=contact.outcome, on=contact.met_on, by=by, note=note)
    for talent, _contact, _disciplines in new:
        # Matching (by task name, as the talents app asks) scores the new talents.
        request_task("matching.recompute_talent", talent.pk)
    return contacts, len(created)
