"""Targets (目标台账), the park ranking's weights, and the weekly reports kept for the record."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jinjin_crm.core.history import history_user

from .scopes import DISTRICT, OFFICER, PARK, SCOPE_KINDS


class Target(models.Model):
    """What a scope (the district, a park, an officer) should reach on a metric in a period.

    Progress is never stored: it is the metric evaluated over the period (``dashboard.metrics``).
    """

    period = models.CharField(_("period"), max_length=8, help_text=_("2024, 2024-H1, 2024-Q2 or 2024-03"))
    period_start = models.DateField(_("period starts"), editable=False)
    period_end = models.DateField(_("period ends"), editable=False)
    metric = models.CharField(_("metric"), max_length=40)
    scope = models.CharField(_("scope"), max_length=10, choices=SCOPE_KINDS, default=DISTRICT)
    park = models.ForeignKey(
        "core.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("park")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-period_start", "period", "metric", "scope", "park__sort_order", "officer__username"]
        indexes = [models.Index(fields=["period", "metric"], name="target_period_metric_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope=DISTRICT, park__isnull=True, officer__isnull=True)
                | models.Q(scope=PARK, park__isnull=False, officer__isnull=True)
                | models.Q(scope=OFFICER, park__isnull=True, officer__isnull=False),
                name="target_scope_matches_its_fields",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_value_non_negative"),
            models.UniqueConstraint(
                fields=["period", "metric"],
                condition=models.Q(scope=DISTRICT),
                name="target_once_per_district",
            ),
            models.UniqueConstraint(
                fields=["period", "metric", "park"],
                condition=models.Q(scope=PARK),
                name="target_once_per_park",
            ),
            models.UniqueConstraint(
                fields=["period", "metric", "officer"],
                condition=models.Q(scope=OFFICER),
                name="target_once_per_officer",
            ),
        ]

    def __str__(self):
        where = self.park or self.officer or _("district")
        return f"{self.period} {self.metric} {where}: {self.value}"


class RankingWeight(models.Model):
    """How much a metric weighs in the park ranking (赛马榜). Achievement is capped at ``cap`` times
    the target, so one runaway figure cannot hide the others."""

    metric = models.CharField(_("metric"), max_length=40, unique=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    cap = models.DecimalField(
        _("achievement cap"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.20"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("1.20: at most 1.2 times the target counts"),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)

    class Meta:
        verbose_name = _("ranking weight")
        verbose_name_plural = _("ranking weights")
        ordering = ["sort_order", "metric"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="ranking_weight_non_negative"),
            models.CheckConstraint(condition=models.Q(cap__gte=1), name="ranking_cap_at_least_one"),
        ]

    def __str__(self):
        return f"{self.metric} × {self.weight}"


class WeeklyReport(models.Model):
    """A weekly report as it was generated: its figures (``data``, rendered as the printable page)
    and the .xlsx made from them, so a past report reads the same after the records change."""

    week = models.CharField(_("week"), max_length=8, help_text=_("ISO week, e.g. 2024-W23"))
    week_start = models.DateField(_("week starts"))
    week_end = models.DateField(_("week ends"))
    data = models.JSONField(_("figures"), default=dict)
    workbook = models.BinaryField(_("workbook"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("generated by"),
    )
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["-week_start", "-generated_at"], name="weekly_report_recent_idx")]

    def __str__(self):
        return f"{self.week} ({self.generated_at:%Y-%m-%d %H:%M})"
