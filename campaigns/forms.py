"""Page forms of the campaigns app. They validate input and hand clean values to the services; they never
save a model themselves, and the services' field errors come back onto their fields
(``jinjin_crm.core.forms.apply_service_errors``).

Record pickers: universities and batches are few, so they are plain selects; experts (talents) and host
enterprises are many, so they are typed with suggestions (``projects.forms.LookupChoiceField``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.forms import DateInput, ServiceModelForm
from jinjin_crm.core.models import Degree, User
from jinjin_crm.core.validators import check_national_id, normalize_mobile
from projects.filters import officers
from projects.forms import LookupChoiceField, LookupInput, enterprise_lookup_field
from projects.models import InvestmentProject
from talents.models import Talent

from .models import (
    Campaign,
    Contact,
    Grade,
    Outcome,
    Partnership,
    Placement,
    PlacementBatch,
    PlacementOutcome,
    University,
)
from .services import CAMPAIGN_FIELDS


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


def _officer_choices(*current_ids):
    """Active officers, plus whoever the record names now (an officer may have left since)."""
    return User.objects.filter(Q(pk__in=officers().values("pk")) | Q(pk__in=[i for i in current_ids if i]))


# --- Campaigns ------------------------------------------------------------------------------------


class CampaignForm(ServiceModelForm):
    """A campaign's facts, its team and its targets. The season is derived from the start date."""

    # The sections of the form page, in order: (title, fields).
    sections = (
        (_("The campaign"), ("kind", "title", "starts_on", "ends_on", "university", "place", "description")),
        (_("Team"), ("lead_officer", "officers", "leader")),
        (
            _("Targets"),
            (
                "target_consultations",
                "target_intents",
                "target_masters",
                "target_signed",
                "target_projects",
                "target_investment",
            ),
        ),
    )

    class Meta:
        model = Campaign
        fields = (*CAMPAIGN_FIELDS, "officers")
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "officers": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team = list(self.instance.officers.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["lead_officer"].queryset = _officer_choices(self.instance.lead_officer_id).order_by(
            "name"
        )
        self.fields["officers"].queryset = _officer_choices(*team).order_by("name")
        self.fields["officers"].help_text = _("The officers who went; hold Ctrl to choose several.")
        # The model's "university" reads as a talent's alma mater in Chinese; here it is the host.
        self.fields["university"].label = _("University visited")
        self.fields["university"].help_text = _("For a university visit: the university visited.")

    def grouped(self):
        """The bound fields of each section, for the template."""
        return [(title, [self[name] for name in names]) for title, names in self.sections]

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields.pop("officers", None)
        return fields


class ContactOutcomeForm(forms.Form):
    """Change how far a contact went (from the contacts table, one small form per row)."""

    outcome = forms.ChoiceField(label=_label(Contact, "outcome"), choices=Outcome.choices)


class ContactPersonForm(forms.Form):
    """A person met on the campaign, by their details: the duplicate rules of the talents app decide
    whether they are someone on record or a new lead. Phone and ID number are normalised here so the
    rules compare like with like."""

    name = forms.CharField(label=_("full name"), max_length=50)
    phone = forms.CharField(label=_label(Talent, "phone"), max_length=20, required=False)
    id_number = forms.CharField(
        label=_label(Talent, "id_number"),
        max_length=18,
        required=False,
        help_text=_("Optional; finds the person on record for certain."),
    )
    birth_year = forms.IntegerField(
        label=_label(Talent, "birth_year"), required=False, min_value=1900, max_value=2100
    )
    university = forms.CharField(label=_label(Talent, "university"), max_length=100, required=False)
    degree = forms.ModelChoiceField(
        label=_label(Contact, "degree"), queryset=Degree.objects.none(), required=False
    )
    outcome = forms.ChoiceField(label=_label(Contact, "outcome"), choices=Outcome.choices)
    met_on = forms.DateField(label=_label(Contact, "met_on"), required=False, widget=DateInput())
    notes = forms.CharField(
        label=_label(Contact, "notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["degree"].queryset = Degree.objects.filter(is_active=True).order_by("rank")

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalize_mobile(phone) if phone else ""

    def clean_id_number(self):
        number = self.cleaned_data["id_number"].strip()
        return check_national_id(number).number if number else ""

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        # Blank personal fields are left out, so the new lead's record stays as the talents app makes it.
        for name in ("phone", "id_number", "university", "birth_year"):
            if data.get(name) in ("", None):
                data.pop(name)
        data["name"] = data["name"].strip()
        return data


def trip_project_field(**kwargs) -> LookupChoiceField:
    # Any project is accepted, so that one already linked elsewhere gets the service's clear refusal
    # naming its campaign; the suggestions offer only the projects not linked yet.
    return LookupChoiceField(
        key_field="pk",
        queryset=InvestmentProject.objects.all(),
        widget=LookupInput(lookup_url=reverse_lazy("campaigns:project-lookup")),
        help_text=_("Type a project name and choose a suggestion (projects not linked to a campaign yet)."),
        **kwargs,
    )


class ProjectLinkForm(forms.Form):
    """Record that a project came from this promotion trip."""

    project = trip_project_field(label=_("project"))
    notes = forms.CharField(label=_("notes"), required=False, max_length=500)


# --- Universities ---------------------------------------------------------------------------------


class UniversityForm(ServiceModelForm):
    class Meta:
        model = University
        fields = ("name", "city", "kind", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class PartnershipForm(ServiceModelForm):
    class Meta:
        model = Partnership
        fields = ("title", "signed_on", "starts_on", "ends_on", "scope")
        widgets = {
            "signed_on": DateInput(),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "scope": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].help_text = _("Empty: from the day it was signed.")
        self.fields["ends_on"].help_text = _("Empty: open-ended.")


# --- Placements -----------------------------------------------------------------------------------


class ExpertChoiceField(LookupChoiceField):
    """A talent typed as ``Name（university） [id]`` (what the suggestions offer), or a name only one
    talent bears: names repeat (张伟), and a wrong expert would be placed silently."""

    def to_python(self, value):
        typed = (value or "").strip()
        if typed and not self.key_pattern.search(typed) and self.queryset.filter(name=typed)[:2].count() > 1:
            raise ValidationError(
                _("Several talents are called “%(name)s”; choose one of the suggestions."),
                code="ambiguous",
                params={"name": typed},
            )
        return super().to_python(value)


def expert_lookup_field(**kwargs) -> ExpertChoiceField:
    return ExpertChoiceField(
        key_field="pk",
        queryset=Talent.objects.all(),
        widget=LookupInput(lookup_url=reverse_lazy("campaigns:expert-lookup")),
        help_text=_("Type a name, its pinyin or a university and choose a suggestion."),
        **kwargs,
    )


class PlacementForm(ServiceModelForm):
    """Place an expert (a talent on record) in an enterprise of the district for a term."""

    class Meta:
        model = Placement
        fields = ("expert", "host_enterprise", "batch", "term_start", "term_end", "task_book", "goals")
        widgets = {
            "term_start": DateInput(),
            "term_end": DateInput(),
            "task_book": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"] = expert_lookup_field(label=_label(Placement, "expert"))
        self.fields["host_enterprise"] = enterprise_lookup_field(label=_label(Placement, "host_enterprise"))
        self.fields["batch"].queryset = PlacementBatch.objects.order_by("-number")
        self.order_fields(self.Meta.fields)


class PlacementBatchForm(ServiceModelForm):
    class Meta:
        model = PlacementBatch
        fields = ("number", "announced_on", "notes")
        widgets = {"announced_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}


class PlacementTaskForm(ServiceModelForm):
    """The task book and the goals, revised."""

    class Meta:
        model = Placement
        fields = ("task_book", "goals")
        widgets = {"task_book": forms.Textarea(attrs={"rows": 5}), "goals": forms.Textarea(attrs={"rows": 4})}


class PlacementOutcomeForm(ServiceModelForm):
    class Meta:
        model = PlacementOutcome
        fields = ("kind", "title", "achieved_on", "amount", "notes")
        widgets = {"achieved_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("For revenue enabled and technology transfers.")


class PlacementExtendForm(forms.Form):
    term_end = forms.DateField(label=_("new end of term"), widget=DateInput())


class PlacementEndForm(forms.Form):
    on = forms.DateField(label=_("ended on"), widget=DateInput())
    reason = forms.CharField(label=_("reason for ending"), widget=forms.Textarea(attrs={"rows": 2}))


class PlacementEvaluateForm(forms.Form):
    grade = forms.ChoiceField(label=_label(Placement, "grade"), choices=Grade.choices)
    on = forms.DateField(label=_label(Placement, "evaluated_on"), widget=DateInput())
    evaluation = forms.CharField(
        label=_label(Placement, "evaluation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
