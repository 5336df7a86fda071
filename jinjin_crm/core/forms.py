"""Form pieces every app's pages share. Page forms validate input and hand clean values to a service; they
never save a model themselves (``form.save()`` is not used), and a service's ``ValidationError`` comes
back onto the field it names through ``apply_service_errors``."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import Activity


def apply_service_errors(form: forms.Form, error: ValidationError, *, rename: dict | None = None) -> None:
    """Put a service's ``ValidationError`` onto the form: each field's messages under that field, the rest
    (and fields the form does not show) in the summary at the top."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        field = rename.get(field, field)
        messages = [message for item in errors for message in item.messages]
        if field in form.fields:
            form.add_error(field, messages)
        else:
            form.add_error(None, messages)


def active_or_current(queryset, current_id):
    """Active reference data, plus the record's current choice even if it has been retired since."""
    condition = Q(is_active=True)
    if current_id:
        condition |= Q(pk=current_id)
    return queryset.filter(condition)


class DateInput(forms.DateInput):
    """The browser's date picker, with the value written ``YYYY-MM-DD`` as the picker expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ServiceModelForm(forms.ModelForm):
    """A ModelForm used for its labels and field validation only: the view passes ``service_fields()``
    to a service. Model-level validation is the service's job, so it is not run twice here.

    ``reference_fields`` maps a field to its reference-data model: the choices are the active entries
    plus the record's current one, so retiring an entry never blanks an existing record's value."""

    reference_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in self.reference_fields.items():
            if name in self.fields:
                current = getattr(self.instance, f"{name}_id", None) if self.instance.pk else None
                self.fields[name].queryset = active_or_current(model.objects.all(), current)

    def _post_clean(self):
        # Skip ModelForm's instance.full_clean(): the service validates the whole record and its errors
        # come back onto the fields through apply_service_errors.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class ActivityForm(forms.Form):
    """One contact logged on a record's timeline (any channel but the system's own entries), with an
    optional date for the next follow-up."""

    channel = forms.ChoiceField(
        label=Activity._meta.get_field("channel").verbose_name,
        choices=[choice for choice in Activity.Channel.choices if choice[0] != Activity.Channel.SYSTEM],
    )
    summary = forms.CharField(
        label=Activity._meta.get_field("summary").verbose_name, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_follow_up_on = forms.DateField(
        label=Activity._meta.get_field("next_follow_up_on").verbose_name, required=False, widget=DateInput()
    )
