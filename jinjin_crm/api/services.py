"""Writes for API clients."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from jinjin_crm.core.models import Park, User

from .models import ApiClient

# last_used_at is informative; writing it on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash_key(key: str) -> str:
    # Keys are 256-bit random strings, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, name: str, park: Park, created_by: User | None = None) -> tuple[ApiClient, str]:
    """Create a client for ``park`` and return it with its key, the only time the key exists in clear."""
    prefix = secrets.token_hex(4)
    while ApiClient.objects.filter(key_prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        name=name, park=park, key_prefix=prefix, key_hash=_hash_key(key), created_by=created_by
    )
    return client, key


def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """Revoke the client's key at once; revoking twice keeps the first time."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


def api_client_authenticate(*, key: str) -> ApiClient | None:
    """The active client whose key this is, or None. Marks the client as used."""
    prefix, _sep, _secret = key.partition(".")
    if not _sep:
        return None
    client = ApiClient.objects.active().select_related("park").filter(key_prefix=prefix).first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash_key(key)):
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


def api_client_rename(*, client: ApiClient, name: str) -> ApiClient:
    """Change the client's name; its park and key stay (a new park means a new client)."""
    client.name = name.strip()
    client.full_clean(exclude=["key_prefix", "key_hash"])
    client.save(update_fields=["name"])
    return client
