"""Model fields for personal data: encrypted text and its look-up hash."""

from django.core.exceptions import FieldError
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; Python sees the plain value.

    The column cannot be searched or compared: any look-up other than ``isnull`` raises, so nobody
    writes a filter that silently matches nothing. Find records through a ``BlindIndexField``.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted and cannot be filtered with '{lookup_name}'; "
                "filter on its blind index instead."
            )
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """The keyed hash of another field on the same model, kept up to date on every save.

    The source value is hashed as stored, so services normalise it first (see validators).
    """

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True), ("db_index", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        if not hasattr(model_instance, self.source):
            # A copy of the model without the source (a history row): keep the value it was given.
            return getattr(model_instance, self.attname)
        value = crypto.blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
