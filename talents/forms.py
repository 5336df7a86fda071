"""Page forms of the talents app. Like the projects forms they validate input and hand clean values to
the services (``form.save()`` is never used) and take the services' field errors back.

Personal data: the edit form never shows a stored ID number or phone (that would be a reveal without a
reason or a log line); it shows the masked value and keeps the stored one unless a new one is typed.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.forms import ActivityForm, DateInput, ServiceModelForm
from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.models import Degree, Discipline, TalentTier, User
from projects.forms import enterprise_lookup_field

from .filters import owners
from .models import TRANSITIONS, Stage, Talent
from .services import TALENT_FIELDS

__all__ = [
    "ActivityForm",
    "AnonymiseForm",
    "AssignForm",
    "MergeForm",
    "RevealForm",
    "TalentForm",
    "TalentTransitionForm",
    "talent_transition_forms",
]

PERSONAL_FIELDS = ("id_number", "phone")

# The form in the order an officer fills it in, in groups (a heading each).
FORM_GROUPS = (
    (_("Identity"), ("name", "gender", "birth_year", "id_number", "phone", "email")),
    (
        _("Education and expertise"),
        ("highest_degree", "university", "disciplines", "research_keywords", "title", "tier"),
    ),
    (_("Work"), ("employer", "employer_enterprise", "location", "mode")),
    (_("Source and consent"), ("source", "source_detail", "consent_method", "consent_at")),
    (_("Notes"), ("notes",)),
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class TalentForm(ServiceModelForm):
    """Create or edit a talent's facts. The stage, the owner and anonymisation have actions of their own
    on the detail page."""

    reference_fields = {"highest_degree": Degree, "tier": TalentTier}

    confirmed_not_duplicate = forms.BooleanField(
        label=_("These are different people: save the new record anyway"), required=False
    )

    class Meta:
        model = Talent
        fields = (*(name for name in TALENT_FIELDS if name != "owner"), "disciplines")
        widgets = {
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel", "maxlength": 20}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "consent_at": DateTimeInput(),
            "disciplines": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer_enterprise"] = enterprise_lookup_field(
            required=False, label=Talent._meta.get_field("employer_enterprise").verbose_name
        )
        current = list(self.instance.disciplines.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["disciplines"].queryset = Discipline.objects.filter(Q(is_active=True) | Q(pk__in=current))
        self.fields["disciplines"].help_text = _("Hold Ctrl to choose several.")
        self.fields["id_number"].help_text = _("18 characters; gender and birth year are taken from it.")
        self.fields["consent_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        if self.instance.pk:
            del self.fields["confirmed_not_duplicate"]
            # Never echo stored personal data into the page: show it masked, keep it unless replaced.
            for name, mask in (("id_number", mask_national_id), ("phone", mask_phone)):
                stored = getattr(self.instance, name)
                self.initial[name] = ""
                if stored:
                    self.fields[name].widget.attrs["placeholder"] = mask(stored)
                    self.fields[name].help_text = _("Leave empty to keep the current value.")

    def groups(self):
        """The visible fields by group, for the template."""
        return [
            (title, [self[name] for name in names if name in self.fields]) for title, names in FORM_GROUPS
        ]

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields.pop("disciplines", None)
        fields.pop("confirmed_not_duplicate", None)
        if self.instance.pk:
            for name in PERSONAL_FIELDS:
                if not (fields.get(name) or "").strip():
                    fields.pop(name, None)
        return fields


class TalentTransitionForm(forms.Form):
    """One move along the pipeline: the date, and a note (the reason, required to mark a talent lost)."""

    to = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=_("date"), required=False, widget=DateInput())
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to") == Stage.LOST and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the talent was lost."))
        return cleaned


def talent_transition_forms(talent: Talent, *, failed: TalentTransitionForm | None = None) -> list[dict]:
    """One small form per move allowed now; the one that just failed keeps what was typed."""
    items = []
    for to in TRANSITIONS[talent.stage]:
        if failed is not None and failed.data.get("to") == to:
            form = failed
        else:
            form = TalentTransitionForm(initial={"to": to, "on": timezone.localdate()}, auto_id=f"id_{to}_%s")
        items.append({"to": to, "label": Stage(to).label, "form": form, "open": form is failed})
    return items


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the values?"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. calling to arrange the visit")}),
    )


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("owner officer"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (e.g. the deletion request's reference)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the name, ID number, phone and contact details are erased for good."),
    )


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Talent.objects.all(), widget=forms.HiddenInput)
    drop = forms.ModelChoiceField(queryset=Talent.objects.all(), widget=forms.HiddenInput)
