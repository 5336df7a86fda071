"""Forms of the policies pages. They check the shape of what was typed and hand clean values to a
service (``policies.services``) or, for the calculator, to the eligibility engine; the rules
themselves (who qualifies, how much, what a state allows) are the services' and come back onto the
field they name through ``apply_service_errors``.

Talents are many, so they are typed with suggestions (the campaigns app's talent picker); benefits,
funds and officers are few, so they are plain selects.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.forms import expert_lookup_field
from jinjin_crm.core.forms import DateInput
from jinjin_crm.core.models import Degree, TalentTier
from talents.filters import owners

from .models import Benefit, ServiceKind

NOTE_ROWS = 2


def _note(label, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": NOTE_ROWS}),
    )


def talent_field(**kwargs):
    """A talent typed as ``Name（university） [id]`` with suggestions."""
    return expert_lookup_field(label=_("Talent"), **kwargs)


# --- Eligibility calculator -----------------------------------------------------------------------


class CalculatorForm(forms.Form):
    """The facts eligibility depends on, typed in by hand (a GET form: a result can be bookmarked).
    Everything is optional: a fact left empty fails the criteria that need it."""

    degree = forms.ChoiceField(label=_("Highest degree"), required=False)
    tier = forms.ChoiceField(label=_("Talent tier"), required=False)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2100)
    age = forms.IntegerField(
        label=_("or age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("In the year of the application date."),
    )
    employed_in_district = forms.BooleanField(
        label=_("Works at an enterprise in the district"), required=False
    )
    full_time = forms.BooleanField(label=_("Full-time"), required=False)
    onboarded_on = forms.DateField(label=_("Onboarded on"), required=False, widget=DateInput())
    on = forms.DateField(
        label=_("Application date"), required=False, widget=DateInput(), help_text=_("Empty: today.")
    )
    already_granted = forms.BooleanField(
        label=_("Already received these benefits"),
        required=False,
        help_text=_("Fails every benefit that can be granted only once."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Codes in the URL, names on screen; retired codes are no longer offered.
        blank = [("", "—")]
        self.fields["degree"].choices = blank + list(
            Degree.objects.filter(is_active=True).order_by("rank").values_list("code", "name")
        )
        self.fields["tier"].choices = blank + [
            (code, f"{code} · {name}")
            for code, name in TalentTier.objects.filter(is_active=True)
            .order_by("rank")
            .values_list("code", "name")
        ]

    def attribute_data(self) -> dict:
        """What ``eligibility.attributes_from_data`` reads."""
        return {name: value for name, value in self.cleaned_data.items() if name != "on"}


# --- Applications ---------------------------------------------------------------------------------


class BenefitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.policy.title} · {obj.name}"


class ApplicationCreateForm(forms.Form):
    """File an application of a talent for a benefit in force. The service judges eligibility."""

    talent = talent_field()
    benefit = BenefitChoiceField(label=_("Benefit"), queryset=Benefit.objects.none())
    on = forms.DateField(
        label=_("Application date"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: today. Eligibility and the amount are judged as of this date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit"].queryset = Benefit.objects.in_force()


class NoteForm(forms.Form):
    """A step that needs nothing but an optional note: start review, withdraw."""

    note = _note(_("Note"))


class SubmitForm(forms.Form):
    on = forms.DateField(
        label=_("Submission date"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: today. Eligibility is judged again as of this date."),
    )
    note = _note(_("Note"))


class OpinionForm(forms.Form):
    """Approve: the reviewer's opinion is optional."""

    opinion = _note(_("Opinion"))


class RequiredOpinionForm(forms.Form):
    """Reject or return for correction: the reviewer must say why."""

    opinion = _note(_("Opinion"), required=True)


class DisburseForm(forms.Form):
    # Yuan, not 万元: payments are made to the fen, and an installment such as 33,333.33 yuan has no
    # exact 万元 figure with two decimals.
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text=_("The next installment is filled in."),
    )
    note = _note(_("Note"), help_text=_("Empty: the installment is noted."))


class IdListField(forms.Field):
    """The ids of the rows ticked in a list (``?ids=3&ids=8``)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Tick at least one application."),
        "invalid": _("The chosen rows could not be read; reload the page and try again."),
    }

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, (list, tuple)):
            value = [value]
        try:
            return list(dict.fromkeys(int(item) for item in value))
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BulkApproveForm(forms.Form):
    ids = IdListField()
    opinion = _note(_("Opinion"))


# --- Service requests -----------------------------------------------------------------------------


class ServiceRequestForm(forms.Form):
    talent = talent_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ServiceKind.choices])
    owner = forms.ModelChoiceField(
        label=_("Owner officer"),
        queryset=owners(),
        required=False,
        help_text=_("Empty: the talent's owner officer, else you."),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    description = _note(_("Description"))


class ServiceResolveForm(forms.Form):
    resolution = _note(_("Resolution"), required=True)


class ServiceCancelForm(forms.Form):
    reason = _note(_("Reason"), required=True)
