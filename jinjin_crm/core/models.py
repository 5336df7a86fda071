"""Users and the reference data every other app points at."""

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .fields import BlindIndexField, EncryptedTextField
from .history import history_user
from .roles import Role
from .validators import validate_mobile


class ReferenceData(models.Model):
    """A short, admin-editable list: a stable code, a display name and an order."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Shown instead of ``name`` to people reading the site in English, where one is given.
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the English name in English when there is one."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Park(ReferenceData):
    class Kind(models.TextChoices):
        INDUSTRIAL_PARK = "park", _("industrial park")
        INDUSTRIAL_ZONE = "zone", _("industrial zone")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.INDUSTRIAL_PARK)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta(ReferenceData.Meta):
        verbose_name = _("park")
        verbose_name_plural = _("parks")


class IndustryChain(ReferenceData):
    is_lead = models.BooleanField(_("lead industry"), default=False)
    history = HistoricalRecords(get_user=history_user)

    class Meta(ReferenceData.Meta):
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")


class Discipline(ReferenceData):
    """A first-level discipline of the Ministry of Education's catalogue (code such as 0812)."""

    code = models.CharField(
        _("code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("A discipline code is four digits, such as 0812."))],
    )
    category_code = models.CharField(_("category code"), max_length=2)
    category_name = models.CharField(_("category"), max_length=20)
    history = HistoricalRecords(get_user=history_user)

    class Meta(ReferenceData.Meta):
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")

    def __str__(self):
        return f"{self.code} {self.label}"


class Degree(ReferenceData):
    # Higher is more advanced; "at least a master's" compares ranks.
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta(ReferenceData.Meta):
        verbose_name = _("degree")
        verbose_name_plural = _("degrees")


class TalentTier(ReferenceData):
    # 1 is the top tier; each district sets its own tiers, so they are data.
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta(ReferenceData.Meta):
        verbose_name = _("talent tier")
        verbose_name_plural = _("talent tiers")


class Region(ReferenceData):
    history = HistoricalRecords(get_user=history_user)

    class Meta(ReferenceData.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class User(AbstractUser):
    name = models.CharField(_("full name"), max_length=50, blank=True)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    parks = models.ManyToManyField(Park, blank=True, related_name="officers", verbose_name=_("parks"))
    # Officers' own mobile numbers are personal data too: encrypted, found by their keyed hash.
    mobile = EncryptedTextField(_("mobile"), blank=True, validators=[validate_mobile])
    mobile_hash = BlindIndexField(source="mobile")

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_codes

    @property
    def can_write(self) -> bool:
        """Officers and administrators change records; leaders only read."""
        return self.is_superuser or self.has_role(Role.OFFICER) or self.has_role(Role.ADMIN)


class StageChange(models.Model):
    """One move of any staged record (project, talent, …) from one stage to another: who, when, why."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    from_stage = models.CharField(_("from stage"), max_length=20, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20)
    changed_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # The fields the move set besides the stage, with their values before it ({"signed_on": None}),
    # so that its author can undo it exactly for a few seconds (``services.stage_change_undo``).
    # Null for lines written without them (creation, imports, bulk records): those are not undone.
    previous_values = models.JSONField(
        _("values before the move"), null=True, blank=True, editable=False, encoder=DjangoJSONEncoder
    )
    # An undone move stays in the history, marked, rather than being answered by a second move.
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-changed_at"], name="stagechange_record_idx")
        ]

    def __str__(self):
        return f"{self.from_stage or '∅'} → {self.to_stage}"


class ActivityQuerySet(models.QuerySet):
    def follow_ups_open(self):
        return self.filter(next_follow_up_on__isnull=False, follow_up_done_at__isnull=True)

    def for_record(self, record):
        return self.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


class Activity(models.Model):
    """A logged contact with any record (project, enterprise, talent, campaign), and its next follow-up.

    Open follow-ups (a date, not yet done) make the officer's worklist: due today and overdue.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("visit")
        MEETING = "meeting", _("meeting")
        WECHAT = "wechat", _("WeChat")
        EMAIL = "email", _("email")
        EVENT = "event", _("event")
        SYSTEM = "system", _("system reminder")
        OTHER = "other", _("other")

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    officer = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="activities", verbose_name=_("officer")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    summary = models.TextField(_("summary"))
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("follow-up done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-occurred_at"], name="activity_record_idx"),
            # The scorecard's contacts per officer in a period, answered from the index alone.
            models.Index(
                fields=["occurred_at"], include=["officer", "channel"], name="activity_occurred_idx"
            ),
            models.Index(
                fields=["officer", "next_follow_up_on"],
                name="activity_open_follow_up_idx",
                condition=models.Q(next_follow_up_on__isnull=False, follow_up_done_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.summary[:40]


class PersonalDataAccess(models.Model):
    """One look at personal data in the clear: who, whose record, when, why. Never the values."""

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("reveal on screen")
        EXPORT = "export", _("unmasked export")
        API = "api", _("unmasked API read")

    user = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="personal_data_accesses", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The record looked at; for an export, null, with the number of records in ``record_count``.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.BigIntegerField(null=True, blank=True)
    record_count = models.PositiveIntegerField(_("records"), default=1)
    fields = models.CharField(_("fields"), max_length=200)
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="pda_record_idx"),
            models.Index(fields=["user", "-at"], name="pda_user_idx"),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class JobRun(models.Model):
    """One run of a background job (catalogue compile, matching, expiry …), kept in the database so
    the jobs page shows it after a worker restarts. Progress is ``done`` of ``total``."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    kind = models.CharField(_("kind"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="jobrun_kind_recent_idx")]

    def __str__(self):
        return f"{self.kind} #{self.pk} {self.state}"

    @property
    def duration(self):
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.finished_at else 0)
