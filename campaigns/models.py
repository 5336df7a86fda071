"""Recruiting campaigns, the people met on them, universities, and 科技副总 placements.

The funnel of a campaign (consulted → intent → master's or above → signed → onboarded) is never
typed: it is counted from the contacts (``campaigns.selectors.funnel``). An investment promotion trip
yields projects, linked through ``CampaignProject`` (a project came from at most one campaign).
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jinjin_crm.core.history import history_user

MONEY = {"max_digits": 14, "decimal_places": 2}


class University(models.Model):
    class Kind(models.TextChoices):
        DOUBLE_FIRST_CLASS = "first_class", _("“Double First-Class” university")
        UNIVERSITY = "university", _("general university")
        INSTITUTE = "institute", _("research institute")
        VOCATIONAL = "vocational", _("vocational college")

    name = models.CharField(_("name"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.UNIVERSITY)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("university or institute")
        verbose_name_plural = _("universities and institutes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Partnership(models.Model):
    """A strategic cooperation agreement (战略合作协议) with a university or institute."""

    university = models.ForeignKey(
        University,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("university or institute"),
    )
    title = models.CharField(_("agreement"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("valid from"), null=True, blank=True)
    ends_on = models.DateField(_("valid until"), null=True, blank=True)
    scope = models.TextField(_("scope"), blank=True)

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="partnership_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.starts_on is None or self.starts_on <= today) and (
            self.ends_on is None or today <= self.ends_on
        )


class Kind(models.TextChoices):
    """What a campaign is; the codes are part of the API contract."""

    UNIVERSITY_VISIT = "university_visit", _("university recruiting visit")
    JOB_FAIR = "job_fair", _("job fair")
    TALENT_EVENT = "talent_event", _("talent event")
    PROMOTION_TRIP = "promotion_trip", _("investment promotion trip")


def season_of(day: datetime.date) -> str:
    """The recruiting season a date falls in: spring (January–June) or autumn (July–December).

    Campus recruiting runs in two seasons a year; ``"2024-spring"`` sorts and reads well.
    """
    return f"{day.year}-{'spring' if day.month <= 6 else 'autumn'}"


def season_label(season: str) -> str:
    """``"2024-spring"`` as people say it (2024年春季)."""
    year, half = season.split("-")
    label = gettext("%(year)s spring") if half == "spring" else gettext("%(year)s autumn")
    return label % {"year": year}


class CampaignQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("university", "lead_officer")


class Campaign(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Derived from starts_on by the services (see season_of); grouped on by the funnel.
    season = models.CharField(_("season"), max_length=12, editable=False, db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    university = models.ForeignKey(
        University,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("university or institute"),
    )
    # The delegation's leader is often a district leader without an account here: a name.
    leader = models.CharField(_("delegation leader"), max_length=50, blank=True)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_campaigns",
        verbose_name=_("responsible officer"),
        help_text=_("New talents met on the campaign become this officer's leads."),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="campaigns", verbose_name=_("officers")
    )
    target_consultations = models.PositiveIntegerField(_("target consultations"), null=True, blank=True)
    target_intents = models.PositiveIntegerField(_("target intents"), null=True, blank=True)
    target_masters = models.PositiveIntegerField(_("target master's or above"), null=True, blank=True)
    target_signed = models.PositiveIntegerField(_("target signed"), null=True, blank=True)
    target_projects = models.PositiveIntegerField(_("target projects signed"), null=True, blank=True)
    target_investment = models.DecimalField(
        _("target agreed investment (10k yuan)"), **MONEY, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    activities = GenericRelation("core.Activity")
    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)
    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="campaign_recent_idx"),
            models.Index(fields=["kind", "-starts_on"], name="campaign_kind_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_promotion_trip(self) -> bool:
        return self.kind == Kind.PROMOTION_TRIP


class Outcome(models.TextChoices):
    """How far a contact went on the campaign; each includes the ones before it in the funnel."""

    CONSULTED = "consulted", _("consulted")
    INTENT = "intent", _("intent")
    SIGNED = "signed", _("signed")


class Contact(models.Model):
    """A person met on a campaign and how far it went."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("campaign")
    )
    talent = models.ForeignKey(
        "talents.Talent",
        on_delete=models.CASCADE,
        related_name="campaign_contacts",
        verbose_name=_("talent"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.CONSULTED
    )
    # The degree held (or being completed) when met: the talent's record may change later.
    degree = models.ForeignKey(
        "core.Degree",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("degree at the time"),
    )
    met_on = models.DateField(_("met on"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign contact")
        verbose_name_plural = _("campaign contacts")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "talent"], name="contact_once_per_campaign")
        ]
        indexes = [models.Index(fields=["campaign", "outcome"], name="contact_campaign_outcome_idx")]

    def __str__(self):
        return f"{self.campaign}: {self.talent}"


class CampaignProject(models.Model):
    """An investment project that came from a campaign (a lead met on a promotion trip)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="project_links", verbose_name=_("campaign")
    )
    project = models.OneToOneField(
        "projects.InvestmentProject",
        on_delete=models.CASCADE,
        related_name="campaign_link",
        verbose_name=_("project"),
    )
    notes = models.TextField(_("notes"), blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project from a campaign")
        verbose_name_plural = _("projects from campaigns")
        ordering = ["-linked_at", "-id"]

    def __str__(self):
        return f"{self.campaign}: {self.project}"


class PlacementBatch(models.Model):
    """A batch of 科技副总 selections, announced together."""

    number = models.PositiveSmallIntegerField(_("batch number"), unique=True)
    announced_on = models.DateField(_("announced on"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("placement batch")
        verbose_name_plural = _("placement batches")
        ordering = ["-number"]

    def __str__(self):
        return str(_("Batch %(number)d") % {"number": self.number})


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    GOOD = "good", _("good")
    PASS = "pass", _("pass")
    FAIL = "fail", _("fail")


class TermStatus(models.TextChoices):
    """Where a placement's term stands today (derived, never stored)."""

    UPCOMING = "upcoming", _("not started")
    ACTIVE = "active", _("serving")
    ENDING = "ending", _("ending within 60 days")
    COMPLETED = "completed", _("term completed")
    ENDED_EARLY = "ended_early", _("ended early")


ENDING_SOON_DAYS = 60


class PlacementQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("expert", "expert__highest_degree", "host_enterprise__park", "batch")


class Placement(models.Model):
    """An expert (a talent) placed in an enterprise as 科技副总 for a term, with a task book."""

    expert = models.ForeignKey(
        "talents.Talent", on_delete=models.PROTECT, related_name="placements", verbose_name=_("expert")
    )
    host_enterprise = models.ForeignKey(
        "projects.Enterprise",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("host enterprise"),
    )
    batch = models.ForeignKey(
        PlacementBatch, on_delete=models.PROTECT, related_name="placements", verbose_name=_("batch")
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    # Set when the term stops before term_end (the expert left, the enterprise closed …).
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    extensions = models.PositiveSmallIntegerField(_("times extended"), default=0)
    task_book = models.TextField(_("task book"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    grade = models.CharField(_("evaluation grade"), max_length=10, choices=Grade.choices, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)
    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("technology vice-president placement")
        verbose_name_plural = _("technology vice-president placements")
        ordering = ["-batch__number", "host_enterprise__name", "id"]
        indexes = [models.Index(fields=["expert", "host_enterprise"], name="placement_expert_host_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__gte=models.F("term_start")), name="placement_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.expert} @ {self.host_enterprise}"

    @property
    def last_day(self) -> datetime.date:
        return self.ended_on or self.term_end

    def term_status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.ended_on and self.ended_on < self.term_end:
            return TermStatus.ENDED_EARLY if self.ended_on <= today else TermStatus.ACTIVE
        if today < self.term_start:
            return TermStatus.UPCOMING
        if today > self.term_end:
            return TermStatus.COMPLETED
        if (self.term_end - today).days <= ENDING_SOON_DAYS:
            return TermStatus.ENDING
        return TermStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.term_status()

    @property
    def status_label(self) -> str:
        return TermStatus(self.status).label


class OutcomeKind(models.TextChoices):
    PATENT = "patent", _("patent")
    JOINT_PROJECT = "joint_project", _("joint project")
    TECH_TRANSFER = "tech_transfer", _("technology transfer")
    REVENUE = "revenue", _("revenue enabled")


class PlacementOutcome(models.Model):
    """One dated result of a placement; revenue and transfers carry an amount."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("placement")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OutcomeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    achieved_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (10k yuan)"), **MONEY, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement outcome")
        verbose_name_plural = _("placement outcomes")
        ordering = ["-achieved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(amount__isnull=True),
                name="placement_outcome_amount_non_negative",
            )
        ]

    def __str__(self):
        return self.title
