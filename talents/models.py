"""Talents, their teams and the enterprises they founded.

ID numbers and phones are sensitive personal information (PIPL): stored encrypted, found through
keyed hashes, shown masked unless the user holds ``talents.view_personal_data`` and the look is
logged (``core.PersonalDataAccess``).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jinjin_crm.core.fields import BlindIndexField, EncryptedTextField
from jinjin_crm.core.history import history_user


class Stage(models.TextChoices):
    """The talent pipeline; the codes are part of the API contract."""

    LEAD = "lead", _("lead")
    CONTACTED = "contacted", _("contacted")
    INTENT = "intent", _("intent")
    SIGNED = "signed", _("signed")
    ONBOARDED = "onboarded", _("onboarded")
    LOST = "lost", _("lost")


# Forward one step at a time; lost from any open stage. Onboarded and lost are closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.LEAD: (Stage.CONTACTED, Stage.LOST),
    Stage.CONTACTED: (Stage.INTENT, Stage.LOST),
    Stage.INTENT: (Stage.SIGNED, Stage.LOST),
    Stage.SIGNED: (Stage.ONBOARDED, Stage.LOST),
    Stage.ONBOARDED: (),
    Stage.LOST: (),
}
OPEN_STAGES = tuple(stage for stage, targets in TRANSITIONS.items() if targets)


class Source(models.TextChoices):
    CAMPAIGN = "campaign", _("recruiting campaign")
    REFERRAL = "referral", _("referral")
    PLATFORM = "platform", _("online platform")
    PROJECT = "project", _("investment project")
    OTHER = "other", _("other")


class Mode(models.TextChoices):
    FULL_TIME = "full_time", _("full-time")
    FLEXIBLE = "flexible", _("flexible")


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("signed form")
    ONLINE = "online", _("online form")
    VERBAL = "verbal", _("verbal, noted by the officer")


class TalentQuerySet(models.QuerySet):
    def for_list(self):
        """The one shape of a talent list: everything a row shows, in one query (no disciplines)."""
        return self.select_related("highest_degree", "tier", "owner", "employer_enterprise__park")


class Talent(models.Model):
    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hash = BlindIndexField(source="id_number")
    phone = EncryptedTextField(_("mobile"), blank=True)
    phone_hash = BlindIndexField(source="phone")
    email = models.EmailField(_("email"), blank=True)
    highest_degree = models.ForeignKey(
        "core.Degree",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("highest degree"),
    )
    university = models.CharField(_("university"), max_length=100, blank=True)
    disciplines = models.ManyToManyField(
        "core.Discipline", blank=True, related_name="talents", verbose_name=_("disciplines")
    )
    research_keywords = models.CharField(
        _("research keywords"), max_length=300, blank=True, help_text=_("separated by commas")
    )
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    tier = models.ForeignKey(
        "core.TalentTier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier"),
    )
    employer = models.CharField(_("current employer"), max_length=200, blank=True)
    # Set when the employer is an enterprise of the district: its park scopes the talent.
    employer_enterprise = models.ForeignKey(
        "projects.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("employer in the district"),
    )
    location = models.CharField(_("current location"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OTHER)
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.FULL_TIME)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.LEAD)
    lost_reason = models.TextField(_("reason lost"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    onboarded_on = models.DateField(_("onboarded on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_talents",
        verbose_name=_("owner officer"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_method = models.CharField(
        _("consent method"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Derived by services.talent_search_refresh: tokens for name, pinyin, initials, university,
    # disciplines, keywords and the phone's last four digits (see talents/search.py).
    search_text = models.TextField(editable=False, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    activities = GenericRelation("core.Activity")
    stage_changes = GenericRelation("core.StageChange")
    history = HistoricalRecords(
        excluded_fields=["updated_at", "search_text", "id_number", "phone", "id_number_hash", "phone_hash"],
        get_user=history_user,
    )
    objects = TalentQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        ordering = ["-updated_at", "-id"]
        permissions = [("view_personal_data", _("Can view ID numbers and phones in the clear"))]
        indexes = [
            models.Index(fields=["stage", "-updated_at"], name="talent_stage_recent_idx"),
            models.Index(fields=["owner", "stage"], name="talent_owner_stage_idx"),
            models.Index(fields=["-updated_at", "-id"], name="talent_recent_idx"),
            models.Index(fields=["name", "birth_year"], name="talent_name_birth_idx"),
            # "Talents from this university" on the campaigns' university pages.
            models.Index(fields=["university"], name="talent_university_idx"),
            # The leadership's counts by onboarding and signing date, for the district and per park
            # (36 → 2.5 ms and 110 → 7.5 ms at 100,000 talents).
            models.Index(
                fields=["onboarded_on"],
                name="talent_onboarded_idx",
                condition=models.Q(onboarded_on__isnull=False),
            ),
            models.Index(
                fields=["signed_on"], name="talent_signed_idx", condition=models.Q(signed_on__isnull=False)
            ),
            models.Index(
                fields=["employer_enterprise", "onboarded_on"], name="talent_employer_onboarded_idx"
            ),
        ]
        constraints = [
            # The same person cannot be entered twice: an ID number belongs to one record.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="talent_unique_id_number",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS[self.stage]

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.research_keywords.replace("，", ",").split(",") if word.strip()]


class Team(models.Model):
    """An innovation team led by a talent, hosted by an enterprise of the district."""

    name = models.CharField(_("team name"), max_length=100)
    leader = models.ForeignKey(
        Talent, on_delete=models.PROTECT, related_name="led_teams", verbose_name=_("leader")
    )
    members = models.ManyToManyField(
        Talent, through="TeamMembership", related_name="teams", verbose_name=_("members")
    )
    host_enterprise = models.ForeignKey(
        "projects.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("host enterprise"),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.FLEXIBLE)
    introduced_on = models.DateField(_("introduced on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("innovation team")
        verbose_name_plural = _("innovation teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(_("role in the team"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "talent"], name="team_member_once")]

    def __str__(self):
        return f"{self.team}: {self.talent}"


class FoundedEnterprise(models.Model):
    """A start-up a talent founded, with the awards it won."""

    talent = models.ForeignKey(
        Talent, on_delete=models.CASCADE, related_name="founded_enterprises", verbose_name=_("founder")
    )
    enterprise = models.ForeignKey(
        "projects.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="founders",
        verbose_name=_("enterprise in the district"),
    )
    name = models.CharField(_("enterprise name"), max_length=200)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    awards = models.TextField(_("awards"), blank=True)

    class Meta:
        verbose_name = _("founded enterprise")
        verbose_name_plural = _("founded enterprises")
        ordering = ["-founded_on"]

    def __str__(self):
        return self.name


class TalentMerge(models.Model):
    """The record of a merge: the dropped record's id and what moved. Its personal data is not kept."""

    kept = models.ForeignKey(
        Talent, on_delete=models.CASCADE, related_name="merges", verbose_name=_("kept record")
    )
    dropped_id = models.BigIntegerField(_("dropped record id"))
    moved = models.JSONField(_("rows moved"), default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("talent merge")
        verbose_name_plural = _("talent merges")
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.dropped_id} → {self.kept_id}"
