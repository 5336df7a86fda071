"""Park systems' API clients, and the Idempotency-Key records of API POSTs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiClient(models.Model):
    """One park system. Its key is shown once at creation; only a SHA-256 hash is stored.

    The key is ``<prefix>.<secret>``: the prefix finds the row, the hash of the whole key proves it.
    """

    name = models.CharField(_("name"), max_length=100)
    park = models.ForeignKey(
        "core.Park", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("park")
    )
    key_prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["park__sort_order", "name"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` a principal sent with a POST, and the response it got.

    While ``response_status`` is null the first request is still running. ``fingerprint`` is a hash of
    the method, path and body, so the key cannot be reused for a different request.
    """

    principal = models.CharField(_("principal"), max_length=40)
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    started_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("expires at"))
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_content_type = models.CharField(_("response content type"), max_length=100, blank=True)
    # The rendered body, byte for byte as first sent (a JSON column would reorder its keys).
    response_body = models.TextField(_("response body"), blank=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_one_per_principal_key")
        ]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_expires_idx")]

    def __str__(self):
        return f"{self.principal} {self.key}"

    @property
    def is_complete(self) -> bool:
        return self.response_status is not None
