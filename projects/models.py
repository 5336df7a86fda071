"""Enterprises, investment projects and the talent demands they bring."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jinjin_crm.core.history import history_user
from jinjin_crm.core.validators import validate_uscc

MONEY = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Enterprise(models.Model):
    name = models.CharField(_("enterprise name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    park = models.ForeignKey(
        "core.Park", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("park")
    )
    industry = models.ForeignKey(
        "core.IndustryChain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("industry chain"),
    )
    is_key = models.BooleanField(_("key enterprise"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_title = models.CharField(_("contact's position"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    activities = GenericRelation("core.Activity")
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [models.Index(fields=["park", "name"], name="enterprise_park_name_idx")]

    def __str__(self):
        return self.name


class Stage(models.TextChoices):
    """The project lifecycle; the codes are part of the API contract with the parks."""

    LEAD = "lead", _("lead")
    NEGOTIATING = "negotiating", _("negotiating")
    SIGNED = "signed", _("signed")
    STARTED = "started", _("construction started")
    OPERATING = "operating", _("in operation")
    AT_CAPACITY = "at_capacity", _("at full capacity")
    TERMINATED = "terminated", _("terminated")


# Forward one step at a time; terminated from any open stage. At capacity and terminated are closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.LEAD: (Stage.NEGOTIATING, Stage.TERMINATED),
    Stage.NEGOTIATING: (Stage.SIGNED, Stage.TERMINATED),
    Stage.SIGNED: (Stage.STARTED, Stage.TERMINATED),
    Stage.STARTED: (Stage.OPERATING, Stage.TERMINATED),
    Stage.OPERATING: (Stage.AT_CAPACITY, Stage.TERMINATED),
    Stage.AT_CAPACITY: (),
    Stage.TERMINATED: (),
}
OPEN_STAGES = tuple(stage for stage, targets in TRANSITIONS.items() if targets)
# The date field each stage sets when a project reaches it.
STAGE_DATE_FIELDS = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.OPERATING: "operating_on",
    Stage.AT_CAPACITY: "at_capacity_on",
    Stage.TERMINATED: "terminated_on",
}


class InvestmentProjectQuerySet(models.QuerySet):
    def for_ledger(self):
        """The one shape of a project list: everything a row shows, in one query."""
        return self.select_related("park", "industry", "source", "lead_officer", "enterprise")


class InvestmentProject(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("new project")
        EXPANSION = "expansion", _("expansion (capital increase)")

    name = models.CharField(_("project name"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("project enterprise"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    expands = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expansions",
        verbose_name=_("expands project"),
    )
    source = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="projects", verbose_name=_("source")
    )
    industry = models.ForeignKey(
        "core.IndustryChain",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("industry chain"),
    )
    park = models.ForeignKey(
        "core.Park", on_delete=models.PROTECT, related_name="projects", verbose_name=_("park")
    )
    # For an expansion, only the added amount: leadership counts each yuan once.
    agreed_investment = models.DecimalField(
        _("agreed investment (10k yuan)"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    fixed_asset_investment = models.DecimalField(
        _("fixed-asset investment (10k yuan)"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("lead officer"),
    )
    sponsor = models.CharField(_("leadership sponsor"), max_length=50, blank=True)
    first_contact_on = models.DateField(_("first contact"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    operating_on = models.DateField(_("in operation since"), null=True, blank=True)
    at_capacity_on = models.DateField(_("at full capacity since"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    activities = GenericRelation("core.Activity")
    stage_changes = GenericRelation("core.StageChange")
    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)
    objects = InvestmentProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["park", "stage"], name="project_park_stage_idx"),
            models.Index(fields=["stage", "signed_on"], name="project_stage_signed_idx"),
            models.Index(fields=["lead_officer", "stage"], name="project_officer_stage_idx"),
            models.Index(fields=["-updated_at", "-id"], name="project_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreed_investment__gte=0) | models.Q(agreed_investment__isnull=True),
                name="project_agreed_investment_non_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage__in=["signed", "started", "operating", "at_capacity"])
                | models.Q(signed_on__isnull=False, agreed_investment__isnull=False),
                name="project_signed_has_date_and_amount",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS[self.stage]

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class FundsArrival(models.Model):
    """Money actually arrived (到位资金) for a project in a month, beside the agreed amount."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.CASCADE, related_name="funds_arrivals", verbose_name=_("project")
    )
    period = models.DateField(_("month"), help_text=_("the first day of the month"))
    amount = models.DecimalField(_("amount arrived (10k yuan)"), **MONEY, validators=NON_NEGATIVE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("funds arrived")
        verbose_name_plural = _("funds arrived")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="funds_arrival_one_per_month")
        ]

    def __str__(self):
        return f"{self.project} {self.period:%Y-%m}: {self.amount}"


class DemandStatus(models.TextChoices):
    OPEN = "open", _("open")
    FILLED = "filled", _("filled")
    EXPIRED = "expired", _("expired")


class TalentDemandQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("park", "enterprise", "project", "min_degree", "tier").prefetch_related(
            "disciplines"
        )


class TalentDemand(models.Model):
    """A position an enterprise or project needs filled. Its park follows the enterprise or project."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("enterprise"),
    )
    project = models.ForeignKey(
        InvestmentProject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("project"),
    )
    park = models.ForeignKey(
        "core.Park", on_delete=models.PROTECT, related_name="demands", verbose_name=_("park"), editable=False
    )
    position = models.CharField(_("position"), max_length=100)
    disciplines = models.ManyToManyField(
        "core.Discipline", related_name="demands", verbose_name=_("disciplines")
    )
    min_degree = models.ForeignKey(
        "core.Degree", on_delete=models.PROTECT, related_name="+", verbose_name=_("minimum degree")
    )
    tier = models.ForeignKey(
        "core.TalentTier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("talent tier"),
    )
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1, validators=[MinValueValidator(1)])
    salary_min = models.DecimalField(
        _("salary from (10k yuan/year)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    salary_max = models.DecimalField(
        _("salary to (10k yuan/year)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    scarcity = models.PositiveSmallIntegerField(
        _("scarcity (1-5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, help_text=_("separated by commas"))
    description = models.TextField(_("description"), blank=True)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)
    objects = TalentDemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent demand")
        verbose_name_plural = _("talent demands")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["park", "status"], name="demand_park_status_idx"),
            models.Index(fields=["status", "valid_until"], name="demand_status_valid_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | models.Q(project__isnull=False),
                name="demand_has_enterprise_or_project",
            ),
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="demand_salary_range_ordered",
            ),
        ]

    def __str__(self):
        return self.position

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.replace("，", ",").split(",") if word.strip()]
