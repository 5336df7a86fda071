"""Every write of the projects app: enterprises, projects and their lifecycle, talent demands.

Services validate (raising Django's ``ValidationError`` keyed by field, or ``IllegalTransition``),
write in one transaction, and leave nothing half-written when they refuse.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinjin_crm.core.exceptions import IllegalTransition, illegal_move
from jinjin_crm.core.models import Activity, User
from jinjin_crm.core.services import follow_up_schedule, stage_change_record, stage_change_undo
from jinjin_crm.core.task_requests import request_task
from jinjin_crm.core.validators import date_not_future, normalize_uscc

from .models import (
    STAGE_DATE_FIELDS,
    TRANSITIONS,
    DemandStatus,
    Enterprise,
    FundsArrival,
    InvestmentProject,
    Stage,
    TalentDemand,
)

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "park",
    "industry",
    "is_key",
    "address",
    "contact_name",
    "contact_title",
    "contact_phone",
    "notes",
)
# A project's facts, as the create and edit forms show them.
PROJECT_FACT_FIELDS = (
    "name",
    "investor",
    "enterprise",
    "kind",
    "expands",
    "source",
    "industry",
    "park",
    "agreed_investment",
    "fixed_asset_investment",
    "lead_officer",
    "sponsor",
    "first_contact_on",
    "description",
)
# Everything a service may set; the stage itself moves only through project_transition.
PROJECT_FIELDS = (*PROJECT_FACT_FIELDS, *STAGE_DATE_FIELDS.values(), "termination_reason")
DEMAND_FIELDS = (
    "enterprise",
    "project",
    "position",
    "min_degree",
    "tier",
    "years_experience",
    "headcount",
    "salary_min",
    "salary_max",
    "scarcity",
    "keywords",
    "description",
    "valid_until",
)
# Days an officer has, after a signing, to collect the project's talent demands.
DEMAND_COLLECTION_DAYS = 7
SIGNED_OR_LATER = (Stage.SIGNED, Stage.STARTED, Stage.OPERATING, Stage.AT_CAPACITY)


def _apply(instance, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


# --- Enterprises --------------------------------------------------------------------------------


def _enterprise_save(enterprise: Enterprise) -> Enterprise:
    if enterprise.credit_code:
        try:
            enterprise.credit_code = normalize_uscc(enterprise.credit_code)
        except ValidationError as exc:
            raise ValidationError({"credit_code": exc.messages}) from None
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_create(*, by: User | None = None, **fields) -> Enterprise:
    enterprise = Enterprise()
    _apply(enterprise, fields, ENTERPRISE_FIELDS)
    return _enterprise_save(enterprise)


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, by: User | None = None, **fields) -> Enterprise:
    _apply(enterprise, fields, ENTERPRISE_FIELDS)
    return _enterprise_save(enterprise)


# --- Projects -----------------------------------------------------------------------------------


def _project_validate(project: InvestmentProject) -> None:
    """Field validation and the lifecycle's rules, all reported at once, keyed by field.

    The check constraints in the database say the same as the rules here; they are the last guard,
    these the messages people read.
    """
    errors: dict[str, list] = {}
    try:
        project.full_clean(exclude=["created_by"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    today = timezone.localdate()
    for name in ("first_contact_on", *STAGE_DATE_FIELDS.values()):
        if getattr(project, name) and getattr(project, name) > today:
            errors.setdefault(name, []).append(_("This date cannot be in the future."))
    if project.stage in SIGNED_OR_LATER:
        if project.signed_on is None:
            errors.setdefault("signed_on", []).append(_("A signed project needs its signing date."))
        if project.agreed_investment is None and "agreed_investment" not in errors:
            errors["agreed_investment"] = [_("A signed project needs its agreed investment.")]
    if project.kind == InvestmentProject.Kind.EXPANSION and project.expands_id is None:
        errors["expands"] = _("An expansion names the project it expands.")
    if project.kind == InvestmentProject.Kind.NEW and project.expands_id is not None:
        errors["expands"] = _("Only an expansion expands another project.")
    if project.expands_id is not None and project.expands_id == project.pk:
        errors["expands"] = _("A project cannot expand itself.")
    if project.stage == Stage.TERMINATED and not project.termination_reason.strip():
        errors["termination_reason"] = _("Say why the project was terminated.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_create(
    *, by: User | None, stage: str = Stage.LEAD, note: str = "", **fields
) -> InvestmentProject:
    """Create a project, at ``lead`` or, for a ledger brought in from Excel, at any stage.

    The first history line records the stage it starts in.
    """
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage “%(stage)s”.") % {"stage": stage}})
    project = InvestmentProject(stage=stage, created_by=by)
    _apply(project, fields, PROJECT_FIELDS)
    _project_validate(project)
    project.save()
    stage_change_record(record=project, from_stage="", to_stage=stage, by=by, note=note or _("created"))
    return project


@transaction.atomic
def project_update(*, project: InvestmentProject, by: User | None, **fields) -> InvestmentProject:
    """Change a project's facts. The stage changes only through ``project_transition``."""
    _apply(project, fields, PROJECT_FIELDS)
    _project_validate(project)
    project.save()
    return project


def _illegal(current: str, to: str) -> IllegalTransition:
    return illegal_move(
        _("A project cannot move from “%(from)s” to “%(to)s”; allowed next stages: %(allowed)s."),
        current=current,
        to=to,
        choices=Stage,
        transitions=TRANSITIONS,
        attr="to",
    )


@transaction.atomic
def project_transition(
    *,
    project: InvestmentProject,
    to: str,
    by: User | None,
    note: str = "",
    on: datetime.date | None = None,
    agreed_investment: Decimal | None = None,
) -> InvestmentProject:
    """Move a project one step along its lifecycle, or terminate it, and record the move.

    The row is locked first, so two officers moving the same project cannot both succeed from the
    same stage. Signing needs the signing date (``on``, default today) and the agreed investment;
    terminating needs a reason (``note``). On signing, the lead officer gets a follow-up to collect the
    project's talent demands. Refused moves raise ``IllegalTransition`` and change nothing.
    """
    locked = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    current = locked.stage
    if to not in TRANSITIONS.get(current, ()):
        raise _illegal(current, to)
    on = on or timezone.localdate()
    date_not_future(on, field="on")
    previous_dates = [getattr(locked, field) for stage, field in STAGE_DATE_FIELDS.items() if stage != to]
    latest = max((day for day in previous_dates if day), default=None)
    if latest and on < latest:
        raise ValidationError(
            {
                "on": _("The date cannot be before the previous stage (%(date)s).")
                % {"date": latest.isoformat()}
            }
        )
    # What the move sets besides the stage, as it was, so that the move can be undone exactly.
    previous_values = (
        {STAGE_DATE_FIELDS[to]: getattr(locked, STAGE_DATE_FIELDS[to])} if to in STAGE_DATE_FIELDS else {}
    )
    if to == Stage.SIGNED:
        previous_values["agreed_investment"] = locked.agreed_investment
    if to == Stage.TERMINATED:
        previous_values["termination_reason"] = locked.termination_reason
    if to == Stage.SIGNED:
        if agreed_investment is not None:
            locked.agreed_investment = agreed_investment
        if locked.agreed_investment is None:
            raise ValidationError({"agreed_investment": _("Signing needs the agreed investment.")})
        if locked.agreed_investment < 0:
            raise ValidationError({"agreed_investment": _("The agreed investment cannot be negative.")})
    if to == Stage.TERMINATED:
        if not note.strip():
            raise ValidationError({"note": _("Say why the project is terminated.")})
        locked.termination_reason = note.strip()
    if to in STAGE_DATE_FIELDS:
        setattr(locked, STAGE_DATE_FIELDS[to], on)
    locked.stage = to
    locked.save()
    stage_change_record(
        record=locked,
        from_stage=current,
        to_stage=to,
        by=by,
        note=note.strip(),
        previous_values=previous_values,
    )
    if to == Stage.SIGNED:
        follow_up_schedule(
            record=locked,
            officer=locked.lead_officer,
            summary=_("Project signed: collect its talent demands."),
            due_on=timezone.localdate() + datetime.timedelta(days=DEMAND_COLLECTION_DAYS),
        )
    # The caller's instance sees the move too.
    project.refresh_from_db()
    return project


@transaction.atomic
def project_transition_undo(*, project: InvestmentProject, change_id: int, by: User) -> InvestmentProject:
    """Undo the project's move ``change_id`` (a ``StageChange``) made by ``by`` moments ago: the stage,
    its date, and what the move set (the agreed investment given at signing, the termination reason)
    are as they were, and the history line is marked undone. A signing's reminder to collect the
    project's talent demands goes with it. Refusals (too late, not the last move, someone else's)
    raise ``Conflict`` and change nothing; see ``core.services.stage_change_undo``.
    """
    locked = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    change = stage_change_undo(record=locked, change_id=change_id, by=by)
    if change.to_stage == Stage.SIGNED:
        Activity.objects.for_record(locked).follow_ups_open().filter(
            channel=Activity.Channel.SYSTEM, created_at__gte=change.changed_at
        ).delete()
    project.refresh_from_db()
    return project


@transaction.atomic
def funds_arrival_record(
    *, project: InvestmentProject, period: datetime.date, amount: Decimal, by: User
) -> FundsArrival:
    """Record (or correct) the funds arrived for ``project`` in the month of ``period``."""
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    month = period.replace(day=1)
    date_not_future(month, field="period")
    arrival, _created = FundsArrival.objects.update_or_create(
        project=project, period=month, defaults={"amount": amount, "recorded_by": by}
    )
    return arrival


# --- Talent demands -----------------------------------------------------------------------------

# The demand catalogue (jinjin_crm.matching) recompiles soon after demands change. Projects may not
# import matching, so the refresh is asked for by Celery task name; the task debounces bursts.
CATALOGUE_REFRESH_TASK = "matching.catalogue_refresh_soon"


def _demand_save(demand: TalentDemand, disciplines) -> TalentDemand:
    errors = {}
    if demand.enterprise_id is None and demand.project_id is None:
        errors["enterprise"] = _("A demand belongs to an enterprise or a project.")
    elif demand.enterprise_id and demand.project_id and demand.enterprise.park_id != demand.project.park_id:
        errors["project"] = _("The project is in another park than the enterprise.")
    if (
        demand.salary_min is not None
        and demand.salary_max is not None
        and demand.salary_min > demand.salary_max
    ):
        errors["salary_max"] = _("The upper end of the salary range is below the lower end.")
    if disciplines is not None and not list(disciplines):
        errors["disciplines"] = _("Choose at least one discipline.")
    if errors:
        raise ValidationError(errors)
    demand.park_id = demand.enterprise.park_id if demand.enterprise_id else demand.project.park_id
    if (
        demand.status == DemandStatus.OPEN
        and demand.valid_until
        and demand.valid_until < timezone.localdate()
    ):
        raise ValidationError({"valid_until": _("An open demand must be valid until today or later.")})
    demand.full_clean(exclude=["created_by", "disciplines"])
    demand.save()
    if disciplines is not None:
        demand.disciplines.set(disciplines)
    request_task(CATALOGUE_REFRESH_TASK)
    # Matching (by task name: projects may not import it) recomputes this demand's matches.
    request_task("matching.recompute_demand", demand.pk)
    return demand


@transaction.atomic
def demand_create(*, by: User | None, disciplines, **fields) -> TalentDemand:
    demand = TalentDemand(created_by=by)
    _apply(demand, fields, DEMAND_FIELDS)
    return _demand_save(demand, disciplines)


@transaction.atomic
def demand_update(*, demand: TalentDemand, by: User | None, disciplines=None, **fields) -> TalentDemand:
    _apply(demand, fields, DEMAND_FIELDS)
    return _demand_save(demand, disciplines)


@transaction.atomic
def demand_set_status(*, demand: TalentDemand, status: str, by: User | None) -> TalentDemand:
    if status not in DemandStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    demand.status = status
    demand.save(update_fields=["status", "updated_at"])
    request_task(CATALOGUE_REFRESH_TASK)
    # Matching (by task name: projects may not import it) recomputes this demand's matches.
    request_task("matching.recompute_demand", demand.pk)
    return demand


@transaction.atomic
def demands_expire(*, today: datetime.date | None = None) -> int:
    """Mark the open demands whose ``valid_until`` is before ``today`` as expired; returns how many.

    Through ``demand_set_status``, so each change has its history line. Only open demands past their
    date move; running it again the same day changes nothing.
    """
    today = today or timezone.localdate()
    due = TalentDemand.objects.select_for_update().filter(status=DemandStatus.OPEN, valid_until__lt=today)
    count = 0
    for demand in due.order_by("pk"):
        demand_set_status(demand=demand, status=DemandStatus.EXPIRED, by=None)
        count += 1
    return count
