"""Encryption at rest for personal data, and keyed hashes for exact look-up.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under ``FIELD_ENCRYPTION_KEY``:
comma-separated keys, the first encrypts and every one decrypts, so a key can be rotated by putting a
new one first and re-saving. The look-up hash is HMAC-SHA256 under a key derived from the first key;
without the key, a hash cannot be tested against guessed ID numbers or phones.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys.split(",") if key.strip()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be one or more Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated. Generate one with: python -c "
            '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        ) from exc


@lru_cache(maxsize=4)
def _hash_key(keys: str) -> bytes:
    primary = keys.split(",")[0].strip().encode()
    return hashlib.sha256(b"jinjin-crm blind index v1:" + primary).digest()


def encrypt(plain: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEY: the key is not the one it was "
            "written with (keep old keys after the new one when rotating)."
        ) from exc


def blind_index(plain: str) -> str:
    """The keyed hash used to find a record by an encrypted value; empty for an empty value."""
    if not plain:
        return ""
    key = _hash_key(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()
