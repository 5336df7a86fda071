"""Personal data is encrypted in the row and found through its keyed hash."""

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from jinjin_crm.core import crypto
from jinjin_crm.core.models import User
from tests.factories import officer

pytestmark = pytest.mark.django_db


def raw_row(user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, mobile_hash FROM core_user WHERE id = %s", [user.pk])
        return cursor.fetchone()


def test_the_row_holds_no_plain_text():
    user = officer(mobile="+86 138 1234 5678")
    stored_mobile, stored_hash = raw_row(user)
    assert "13812345678" not in stored_mobile
    assert "5678" not in stored_mobile
    assert stored_mobile.startswith("gAAAA")  # a Fernet token
    assert stored_hash == crypto.blind_index("13812345678")
    # The same value encrypts differently each time, so equal values do not show as equal rows.
    assert crypto.encrypt("13812345678") != crypto.encrypt("13812345678")


def test_the_model_reads_the_plain_value_back():
    user = officer(mobile="13812345678")
    assert User.objects.get(pk=user.pk).mobile == "13812345678"


def test_lookup_by_keyed_hash_finds_the_record():
    user = officer(mobile="13812345678")
    officer(mobile="13900000000")
    assert list(User.objects.filter(mobile_hash=crypto.blind_index("13812345678"))) == [user]


def test_filtering_on_the_encrypted_column_is_refused():
    with pytest.raises(FieldError, match="blind index"):
        User.objects.filter(mobile="13812345678")


def test_empty_value_stays_empty():
    user = officer()
    assert raw_row(user) == ("", "")


def test_invalid_mobile_is_refused_and_nothing_is_written():
    with pytest.raises(ValidationError):
        officer(username="bad-mobile", mobile="12345")
    assert not User.objects.filter(username="bad-mobile").exists()


def test_rotated_keys_still_decrypt(settings):
    from cryptography.fernet import Fernet

    user = officer(mobile="13812345678")
    settings.FIELD_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{settings.FIELD_ENCRYPTION_KEY}"
    assert User.objects.get(pk=user.pk).mobile == "13812345678"
