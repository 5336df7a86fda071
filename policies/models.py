"""Policies, their benefits, the funds that pay them, applications and talent services.

Money is in yuan (元) with two decimals; pages show it in 万元. A fund's committed, disbursed and
remaining amounts are never stored: they are sums over its ledger of ``FundMovement`` rows, which
services only ever append (see ``selectors.fund_figures``).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jinjin_crm.core.history import history_user

MONEY = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
ZERO = Decimal("0.00")


# --- Funds and their ledger -----------------------------------------------------------------------


class Fund(models.Model):
    """A budget line (专项资金) for one year: the talent development fund, an incentive fund …"""

    name = models.CharField(_("fund name"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    budget = models.DecimalField(_("budget (yuan)"), **MONEY, validators=NON_NEGATIVE)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("open for approvals"),
        default=True,
        help_text=_("A closed fund accepts no new approvals; what it already committed can still be paid."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="fund_unique_name_year"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="fund_budget_non_negative"),
        ]

    def __str__(self):
        return f"{self.name}（{self.year}）"

    def clean(self):
        # A friendly early check for forms; fund_update repeats it with the fund row locked.
        if self.pk and self.budget is not None:
            from .selectors import fund_figures

            figures = fund_figures(self)
            if self.budget < figures.committed + figures.disbursed:
                raise ValidationError({"budget": budget_too_low_message(figures)})


def budget_too_low_message(figures) -> str:
    from .rules import format_amount

    return gettext(
        "The budget cannot be less than what the fund has already committed (%(committed)s yuan) "
        "and disbursed (%(disbursed)s yuan)."
    ) % {"committed": format_amount(figures.committed), "disbursed": format_amount(figures.disbursed)}


class MovementKind(models.TextChoices):
    COMMIT = "commit", _("commitment")
    RELEASE = "release", _("release")
    DISBURSE = "disburse", _("disbursement")


class FundMovementQuerySet(models.QuerySet):
    def figures(self) -> dict:
        """Σ per kind of these movements, as ``{"commit": …, "release": …, "disburse": …}`` (0 if none)."""
        return self.aggregate(
            **{
                kind: Coalesce(
                    models.Sum("amount", filter=models.Q(kind=kind)),
                    models.Value(ZERO),
                    output_field=models.DecimalField(**MONEY),
                )
                for kind in MovementKind.values
            }
        )


class FundMovement(models.Model):
    """One line of a fund's ledger. Append-only: services create lines and never change them.

    committed = Σcommit − Σrelease − Σdisburse (promised, not yet paid); disbursed = Σdisburse.
    """

    # Indexed by (fund, kind) and (application, kind) below, which serve the plain lookups too.
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="movements", verbose_name=_("fund"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    application = models.ForeignKey(
        "PolicyApplication",
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("application"),
        db_index=False,
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = FundMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund movement")
        verbose_name_plural = _("fund movements")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["fund", "kind"], name="movement_fund_kind_idx"),
            models.Index(fields=["application", "kind"], name="movement_application_kind_idx"),
            models.Index(fields=["fund", "-at"], name="movement_fund_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="movement_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


# --- Policies and benefits ------------------------------------------------------------------------


class PolicySeries(models.TextChoices):
    """The "1+10+N" system: one core policy, ten special policies, N implementation rules."""

    CORE = "1", _("core policy (1)")
    SPECIAL = "10", _("special policy (10)")
    RULES = "N", _("implementation rules (N)")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("in force")
    EXPIRED = "expired", _("expired")
    REPEALED = "repealed", _("repealed")


class PolicyQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        """Policies in force on ``on`` (today): status active and the date within their range."""
        on = on or timezone.localdate()
        return self.filter(status=PolicyStatus.ACTIVE, effective_from__lte=on).filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on)
        )


class Policy(models.Model):
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("such as 江津府发〔2024〕12号")
    )
    series = models.CharField(
        _("series"), max_length=2, choices=PolicySeries.choices, default=PolicySeries.RULES
    )
    version = models.CharField(_("version"), max_length=20, blank=True, help_text=_("such as 3.0"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    summary = models.TextField(_("summary in plain language"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)
    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["series", "-effective_from", "title"]
        indexes = [models.Index(fields=["status", "effective_from"], name="policy_status_from_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="policy_effective_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.version}".strip()

    def clean(self):
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The end date cannot be before the start date.")})

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == PolicyStatus.ACTIVE
            and self.effective_from <= on
            and (self.effective_to is None or on <= self.effective_to)
        )


class BenefitKind(models.TextChoices):
    HOUSING_SUBSIDY = "housing_subsidy", _("housing subsidy")
    POSITION_INCENTIVE = "position_incentive", _("position incentive")
    FAMILY_ALLOWANCE = "family_allowance", _("family allowance")
    STARTUP_SUPPORT = "startup_support", _("startup support")
    OTHER = "other", _("other")


class BenefitQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None):
        """Active benefits of policies in force on ``on``, with policy and fund, in display order."""
        return (
            self.filter(is_active=True, policy__in=Policy.objects.active(on))
            .select_related("policy", "fund")
            .order_by("policy__series", "policy_id", "sort_order", "id")
        )


class Benefit(models.Model):
    """A clause of a policy (政策条款) that pays talents: who qualifies and how much, as data.

    ``criteria``, ``amount_rule`` and ``installments`` are JSON an administrator edits; their shapes
    are described and checked in ``policies.rules``. ``clean()`` refuses data that does not parse and
    stores the canonical form.
    """

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="benefits", verbose_name=_("policy")
    )
    name = models.CharField(_("benefit name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=BenefitKind.choices, default=BenefitKind.OTHER)
    description = models.TextField(_("description in plain language"), blank=True)
    criteria = models.JSONField(
        _("eligibility criteria"),
        default=list,
        blank=True,
        help_text=_(
            'A list such as [{"type": "min_degree", "degree": "MASTER"}, {"type": "max_age", "years": 35}]'
        ),
    )
    amount_rule = models.JSONField(
        _("amount rule"),
        default=dict,
        help_text=_(
            'Such as {"type": "fixed", "amount": "100000"} or {"type": "by_tier_degree", '
            '"by_tier": {"A": "1000000"}, "by_degree": {"DOCTOR": "200000"}, "default": "0"}'
        ),
    )
    installments = models.JSONField(
        _("installments"),
        default=list,
        blank=True,
        help_text=_(
            "Shares of the amount paid in turn, summing to 1, such as [0.5, 0.25, 0.25]; empty: paid at once"
        ),
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("fund"))
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)
    objects = BenefitQuerySet.as_manager()

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["policy", "sort_order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        from .rules import Reference, normalise_benefit_rules

        data = normalise_benefit_rules(
            criteria=self.criteria,
            amount_rule=self.amount_rule,
            installments=self.installments,
            reference=Reference.load(),
        )
        self.criteria, self.amount_rule, self.installments = (
            data["criteria"],
            data["amount_rule"],
            data["installments"],
        )


# --- Applications ---------------------------------------------------------------------------------


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    UNDER_REVIEW = "under_review", _("under review")
    APPROVED = "approved", _("approved")
    DISBURSED = "disbursed", _("disbursed")
    REJECTED = "rejected", pgettext_lazy("application state", "rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ApplicationAction(models.TextChoices):
    """The steps of an application; each is one service in ``policies.services``."""

    SUBMIT = "submit", _("submit")
    REVIEW_START = "review_start", _("start review")
    APPROVE = "approve", _("approve")
    REJECT = "reject", _("reject")
    RETURN = "return", _("return for correction")
    WITHDRAW = "withdraw", _("withdraw")
    DISBURSE = "disburse", _("disburse")


# The steps allowed from each state. Withdrawal of an approved application needs nothing paid yet;
# rejection of an approved one (a revoked approval) releases what is still unpaid.
APPLICATION_ACTIONS: dict[str, tuple[str, ...]] = {
    ApplicationState.DRAFT: (ApplicationAction.SUBMIT, ApplicationAction.WITHDRAW),
    ApplicationState.SUBMITTED: (
        ApplicationAction.REVIEW_START,
        ApplicationAction.RETURN,
        ApplicationAction.WITHDRAW,
    ),
    ApplicationState.UNDER_REVIEW: (
        ApplicationAction.APPROVE,
        ApplicationAction.REJECT,
        ApplicationAction.RETURN,
        ApplicationAction.WITHDRAW,
    ),
    ApplicationState.APPROVED: (
        ApplicationAction.DISBURSE,
        ApplicationAction.REJECT,
        ApplicationAction.WITHDRAW,
    ),
    ApplicationState.DISBURSED: (),
    ApplicationState.REJECTED: (),
    ApplicationState.WITHDRAWN: (),
}
# A talent has at most one application per benefit outside these states.
CLOSED_STATES = (ApplicationState.REJECTED, ApplicationState.WITHDRAWN)
# States that count as "already granted" for the not_already_granted criterion (a draft does not:
# it is only a proposal until submitted).
GRANTED_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.UNDER_REVIEW,
    ApplicationState.APPROVED,
    ApplicationState.DISBURSED,
)


class PolicyApplicationQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(state__in=CLOSED_STATES)

    def with_disbursed(self):
        """Annotate ``disbursed``: Σ disburse movements of each application (a subquery per row)."""
        paid = (
            FundMovement.objects.filter(application=models.OuterRef("pk"), kind=MovementKind.DISBURSE)
            .order_by()
            .values("application")
            .annotate(total=models.Sum("amount"))
            .values("total")
        )
        return self.annotate(
            disbursed=Coalesce(
                models.Subquery(paid, output_field=models.DecimalField(**MONEY)),
                models.Value(ZERO),
                output_field=models.DecimalField(**MONEY),
            )
        )

    def for_list(self):
        """The one shape of an application list: every column a row shows, in one query."""
        return self.select_related("talent", "benefit__policy", "fund", "owner").with_disbursed()


class PolicyApplication(models.Model):
    """A talent's application (申报) for a benefit, from draft to paid.

    ``amount``, ``installment_plan``, ``fund`` and ``eligibility`` are fixed when the application is
    made and again each time it is submitted; approval commits ``amount`` against ``fund``, and
    payments go against the same fund even if the benefit later changes fund. The state is
    "disbursed" only once fully paid; a partly paid application stays "approved".
    """

    talent = models.ForeignKey(
        "talents.Talent",
        on_delete=models.PROTECT,
        related_name="policy_applications",
        verbose_name=_("talent"),
    )
    benefit = models.ForeignKey(
        Benefit, on_delete=models.PROTECT, related_name="applications", verbose_name=_("benefit")
    )
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="applications", verbose_name=_("fund")
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=NON_NEGATIVE)
    # The amounts of the installments, as strings, summing exactly to ``amount``.
    installment_plan = models.JSONField(_("installment plan"), default=list, blank=True)
    # {"on": date, "eligible": bool, "amount": str, "reasons": [{"type", "passed", "reason"}]}
    eligibility = models.JSONField(_("eligibility check"), default=dict, blank=True)
    proposed_automatically = models.BooleanField(
        _("proposed automatically"),
        default=False,
        help_text=_("免申即享: proposed without the talent applying"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_policy_applications",
        verbose_name=_("owner officer"),
        db_index=False,  # (owner, state) below serves it
    )
    returned_count = models.PositiveSmallIntegerField(_("times returned for correction"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    activities = GenericRelation("core.Activity")
    stage_changes = GenericRelation("core.StageChange")
    objects = PolicyApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy application")
        verbose_name_plural = _("policy applications")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="application_state_recent_idx"),
            models.Index(fields=["owner", "state"], name="application_owner_state_idx"),
            models.Index(fields=["-updated_at", "-id"], name="application_recent_idx"),
            # Applications decided in a period (the leadership's "approved"): 13.5 → 4.3 ms.
            models.Index(
                fields=["decided_at"],
                name="application_decided_idx",
                condition=models.Q(decided_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["talent", "benefit"],
                condition=~models.Q(state__in=["rejected", "withdrawn"]),
                name="application_one_live_per_benefit",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="application_amount_non_negative"),
        ]

    def __str__(self):
        return f"{self.talent} · {self.benefit}"

    @property
    def allowed_actions(self) -> tuple[str, ...]:
        return APPLICATION_ACTIONS[self.state]

    @property
    def installment_amounts(self) -> list[Decimal]:
        return [Decimal(part) for part in self.installment_plan] or [self.amount]


# --- Talent services ------------------------------------------------------------------------------


class ServiceKind(models.TextChoices):
    SCHOOLING = "schooling", _("children's schooling")
    SPOUSE_EMPLOYMENT = "spouse_employment", _("spouse employment")
    HOUSING = "housing", _("housing")
    MEDICAL = "medical", _("medical care")
    OTHER = "other", _("other")


class ServiceState(models.TextChoices):
    OPEN = "open", pgettext_lazy("service request state", "open")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    CANCELLED = "cancelled", _("cancelled")


SERVICE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ServiceState.OPEN: (ServiceState.IN_PROGRESS, ServiceState.RESOLVED, ServiceState.CANCELLED),
    ServiceState.IN_PROGRESS: (ServiceState.RESOLVED, ServiceState.CANCELLED),
    ServiceState.RESOLVED: (),
    ServiceState.CANCELLED: (),
}
SERVICE_OPEN_STATES = (ServiceState.OPEN, ServiceState.IN_PROGRESS)


class ServiceRequestQuerySet(models.QuerySet):
    def with_overdue(self, today: datetime.date | None = None):
        """Annotate ``is_overdue``: due before ``today`` and still open or in progress."""
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=models.Case(
                models.When(models.Q(due_on__lt=today, state__in=SERVICE_OPEN_STATES), then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )

    def for_list(self, today: datetime.date | None = None):
        return self.select_related("talent", "owner").with_overdue(today)


class ServiceRequest(models.Model):
    """Something a talent needs from the district (人才服务事项): a school place, a job for a spouse …"""

    talent = models.ForeignKey(
        "talents.Talent", on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("talent")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_service_requests",
        verbose_name=_("owner officer"),
        db_index=False,  # (owner, state) below serves it
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ServiceState.choices, default=ServiceState.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    activities = GenericRelation("core.Activity")
    stage_changes = GenericRelation("core.StageChange")
    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="service_state_due_idx"),
            # The board's closed columns, most recently closed first (see service_requests_board).
            models.Index(fields=["state", "-resolved_at", "-id"], name="service_state_closed_idx"),
            models.Index(fields=["owner", "state"], name="service_owner_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="resolved") | ~models.Q(resolution=""),
                name="service_resolved_has_resolution",
            ),
        ]

    def __str__(self):
        return f"{self.talent} · {self.get_kind_display()}"

    @property
    def allowed_transitions(self) -> tuple[str, ...]:
        return SERVICE_TRANSITIONS[self.state]
