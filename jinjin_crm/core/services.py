"""Writes of the core app: users and roles, the shared timeline (activities, stage changes), heartbeat."""

import datetime
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import Conflict
from .models import Activity, JobRun, Park, PersonalDataAccess, StageChange, User
from .roles import Role
from .validators import normalize_mobile

HEARTBEAT_CACHE_KEY = "core:worker-heartbeat"
# How long after a move its author may undo it; the boards offer "undo" for as long.
UNDO_SECONDS = 30


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    name: str = "",
    title: str = "",
    roles: list[Role] | tuple[Role, ...] = (),
    parks: list[Park] | tuple[Park, ...] = (),
    email: str = "",
    mobile: str = "",
) -> User:
    """Create a user with roles (groups) and parks. ``password=None`` makes an unusable password.

    Staff status follows the admin role, so administrators reach the Django admin.
    """
    user = User(
        username=username,
        name=name,
        title=title,
        email=email,
        mobile=normalize_mobile(mobile) if mobile else "",
        is_staff=Role.ADMIN in roles,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user_set_roles(user=user, roles=roles)
    user.parks.set(parks)
    return user


def user_set_roles(*, user: User, roles: list[Role] | tuple[Role, ...]) -> User:
    """Make ``roles`` exactly the user's roles; groups that are not roles are left alone."""
    role_names = {role.value for role in Role}
    keep = [group for group in user.groups.all() if group.name not in role_names]
    wanted = list(Group.objects.filter(name__in=[Role(role).value for role in roles]))
    user.groups.set(keep + wanted)
    user.__dict__.pop("role_codes", None)
    return user


def worker_heartbeat_record() -> datetime.datetime:
    now = timezone.now()
    cache.set(HEARTBEAT_CACHE_KEY, now.isoformat(), timeout=24 * 60 * 60)
    return now


def stage_change_record(
    *,
    record,
    from_stage: str,
    to_stage: str,
    by: User | None,
    note: str = "",
    previous_values: dict | None = None,
) -> StageChange:
    """Write the history line of a stage move. Call it inside the transaction that moves the record.

    ``previous_values`` (the other fields the move set, with their values before it) makes the move
    undoable by ``stage_change_undo``; without it the line is history only.
    """
    return StageChange.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_by=by,
        note=note,
        previous_values=previous_values,
    )


# A later app knows what a move of an earlier app's record set off in it (an onboarding's 免申即享
# proposals in policies) and that undoing the move would leave behind. It registers a guard for the
# record's model in its ``AppConfig.ready()``: ``guard(record, change)`` returns a refusal or None.
UndoGuard = Callable[[object, StageChange], str | None]
_undo_guards: dict[str, list[UndoGuard]] = {}


def stage_undo_guard_register(model_label: str, guard: UndoGuard) -> None:
    """Ask ``guard`` before any move of a ``model_label`` record (``"talents.talent"``) is undone."""
    guards = _undo_guards.setdefault(model_label.lower(), [])
    if guard not in guards:
        guards.append(guard)


def stage_change_undo(*, record, change_id: int, by: User, refuse: UndoGuard | None = None) -> StageChange:
    """Undo the move ``change_id`` of ``record``: put back its stage and the fields the move set, and
    mark the history line undone (by whom, when) instead of writing a second move.

    The caller locks the record's row and calls this inside its transaction. A move is undone only
    while it is the record's last (not undone) move, by the officer who made it, within
    ``UNDO_SECONDS``, when it recorded what it changed, and when neither ``refuse`` (the app's own
    rule) nor a guard registered for the model says something depends on it; otherwise ``Conflict``
    is raised with the reason, and nothing changes.
    """
    content_type = ContentType.objects.get_for_model(record)
    moves = StageChange.objects.filter(content_type=content_type, object_id=record.pk)
    change = moves.filter(pk=change_id).first()
    if change is None:
        raise Conflict(_("This move is not in the record's history."), code="undo_refused")
    if change.undone_at is not None:
        raise Conflict(_("This move has already been undone."), code="undo_refused")
    if change.previous_values is None or not change.from_stage:
        raise Conflict(_("This entry of the history cannot be undone."), code="undo_refused")
    if by is None or change.changed_by_id != by.pk:
        raise Conflict(_("Only the officer who made a move can undo it."), code="undo_refused")
    if timezone.now() - change.changed_at > datetime.timedelta(seconds=UNDO_SECONDS):
        raise Conflict(
            _("A move can be undone only within %(seconds)d seconds of making it.")
            % {"seconds": UNDO_SECONDS},
            code="undo_refused",
        )
    last = moves.filter(undone_at__isnull=True).order_by("-changed_at", "-id").first()
    if last is None or last.pk != change.pk or record.stage != change.to_stage:
        raise Conflict(
            _("The record has moved again since; only its last move can be undone."), code="undo_refused"
        )
    for guard in (refuse, *_undo_guards.get(record._meta.label_lower, ())):
        reason = guard(record, change) if guard is not None else None
        if reason:
            raise Conflict(reason, code="undo_refused")
    record.stage = change.from_stage
    for name, value in change.previous_values.items():
        setattr(record, name, record._meta.get_field(name).to_python(value))
    update_fields = ["stage", *change.previous_values]
    if any(field.name == "updated_at" for field in record._meta.concrete_fields):
        update_fields.append("updated_at")
    record.save(update_fields=update_fields)
    change.undone_at = timezone.now()
    change.undone_by = by
    change.save(update_fields=["undone_at", "undone_by"])
    return change


def activity_log(
    *,
    record,
    officer: User,
    channel: str,
    summary: str,
    occurred_at: datetime.datetime | None = None,
    next_follow_up_on: datetime.date | None = None,
) -> Activity:
    """Log a contact with ``record``; a follow-up date puts it on the officer's worklist.

    Logging a new contact closes the record's earlier open follow-ups of the same officer: the
    follow-up has happened.
    """
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say what happened in the contact.")})
    if channel not in Activity.Channel.values:
        raise ValidationError({"channel": _("Choose a contact channel.")})
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("A contact cannot be logged in the future.")})
    if next_follow_up_on and next_follow_up_on < timezone.localdate():
        raise ValidationError({"next_follow_up_on": _("The next follow-up cannot be in the past.")})
    with transaction.atomic():
        Activity.objects.for_record(record).follow_ups_open().filter(officer=officer).update(
            follow_up_done_at=timezone.now()
        )
        return Activity.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            officer=officer,
            channel=channel,
            summary=summary,
            occurred_at=occurred_at,
            next_follow_up_on=next_follow_up_on,
        )


def follow_up_schedule(*, record, officer: User, summary: str, due_on: datetime.date) -> Activity:
    """A reminder the system puts on an officer's worklist (no contact happened yet)."""
    return Activity.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        officer=officer,
        channel=Activity.Channel.SYSTEM,
        summary=summary,
        next_follow_up_on=due_on,
    )


def follow_up_complete(*, activity: Activity) -> Activity:
    if activity.follow_up_done_at is None:
        activity.follow_up_done_at = timezone.now()
        activity.save(update_fields=["follow_up_done_at"])
    return activity


def personal_data_access_log(
    *, user: User, kind: str, fields: list[str], reason: str, record=None, record_count: int = 1
) -> PersonalDataAccess:
    """Write the access log line that must precede showing personal data in the clear.

    A reason is required: the Personal Information Protection Law asks why sensitive data was used.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you need to see the personal data.")})
    return PersonalDataAccess.objects.create(
        user=user,
        kind=kind,
        content_type=ContentType.objects.get_for_model(record) if record is not None else None,
        object_id=record.pk if record is not None else None,
        record_count=record_count,
        fields=",".join(fields),
        reason=reason[:200],
    )


# --- Job runs -----------------------------------------------------------------------------------


def job_create(*, kind: str, by: User | None = None, total: int = 0) -> JobRun:
    """A queued job run; the task that does the work takes its id."""
    return JobRun.objects.create(kind=kind, requested_by=by, total=total)


def job_start(*, job: JobRun, total: int | None = None) -> JobRun:
    """Mark the run as running (again, if a worker died and the task was redelivered)."""
    job.state = JobRun.State.RUNNING
    job.started_at = timezone.now()
    job.finished_at = None
    job.error = ""
    job.done = 0
    if total is not None:
        job.total = total
    job.save(update_fields=["state", "started_at", "finished_at", "error", "done", "total"])
    return job


def job_progress(*, job: JobRun, done: int | None = None, advance: int = 0) -> None:
    """Record progress: an absolute ``done`` or an ``advance``. One UPDATE, safe from parallel chunks."""
    if done is not None:
        JobRun.objects.filter(pk=job.pk).update(done=done)
    elif advance:
        JobRun.objects.filter(pk=job.pk).update(done=models.F("done") + advance)


def job_finish(*, job: JobRun, counts: dict | None = None, state: str = JobRun.State.SUCCEEDED) -> JobRun:
    job.refresh_from_db(fields=["done", "total"])
    job.state = state
    job.finished_at = timezone.now()
    job.counts = counts or {}
    if state == JobRun.State.SUCCEEDED and job.total:
        job.done = job.total
    job.save(update_fields=["state", "finished_at", "counts", "done"])
    return job


def job_fail(*, job: JobRun, error: str) -> JobRun:
    job.state = JobRun.State.FAILED
    job.finished_at = timezone.now()
    job.error = error[:5000]
    job.save(update_fields=["state", "finished_at", "error"])
    return job


def fields_apply(record, fields: dict, *, allowed: tuple[str, ...]) -> None:
    """Set ``fields`` on ``record`` (unsaved); a field outside ``allowed`` is a programming error
    (a service's keyword arguments are its contract), so it raises ``TypeError``."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(record, name, value)
