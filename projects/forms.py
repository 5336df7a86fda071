"""Page forms of the projects app. They validate input and hand clean values to the services; they never
save a model themselves (``form.save()`` is not used), and they take the services' field errors back.
The pieces every app shares (``ServiceModelForm``, ``ActivityForm``, ``DateInput``,
``apply_service_errors``) live in ``jinjin_crm.core.forms``; the record pickers here are the projects'
own."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.forms import DateInput, ServiceModelForm
from jinjin_crm.core.models import Degree, Discipline, IndustryChain, Park, Region, TalentTier, User

from .filters import officers
from .models import STAGE_DATE_FIELDS, TRANSITIONS, Enterprise, InvestmentProject, Stage, TalentDemand
from .services import ENTERPRISE_FIELDS, PROJECT_FIELDS


class LookupInput(forms.TextInput):
    """A text box with suggestions fetched as the officer types (an htmx-filled ``<datalist>``), so a
    choice among tens of thousands of records never sends them all to the browser."""

    def __init__(self, *, lookup_url: str, attrs=None):
        self.lookup_url = lookup_url
        super().__init__(attrs=attrs)

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "list": f"{attrs.get('id', name)}-options",
            "autocomplete": "off",
            "hx-get": self.lookup_url,
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{attrs.get('id', name)}-options",
            "hx-swap": "innerHTML",
            "name": name,
        }
        return super().get_context(name, value, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', name)}-options"
        return html + format_html('<datalist id="{}"></datalist>', list_id)


class LookupChoiceField(forms.ModelChoiceField):
    """A record typed as ``Name [key]`` (what the suggestions offer), the bare key, or the exact name."""

    key_pattern = re.compile(r"\[([^\[\]]+)\]\s*$")

    def __init__(self, *, key_field: str, **kwargs):
        self.key_field = key_field
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return f"{obj} [{getattr(obj, self.key_field)}]"

    def prepare_value(self, value):
        if isinstance(value, self.queryset.model):
            return self.label_from_instance(value)
        if value and not isinstance(value, str):
            obj = self.queryset.filter(pk=value).first()
            return self.label_from_instance(obj) if obj else value
        return value

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        match = self.key_pattern.search(value)
        key = match.group(1).strip() if match else value
        try:
            obj = self.queryset.filter(**{self.key_field: key}).first() if key else None
        except (ValueError, TypeError):
            obj = None  # a name typed where the key is a number: try the name below
        if obj is None and not match:
            obj = self.queryset.filter(name=value).first()
        if obj is None:
            raise ValidationError(
                _("No record matches “%(value)s”; choose one of the suggestions."),
                code="invalid_choice",
                params={"value": value},
            )
        return obj


def enterprise_lookup_field(**kwargs) -> LookupChoiceField:
    from django.urls import reverse_lazy

    return LookupChoiceField(
        key_field="credit_code",
        queryset=Enterprise.objects.all(),
        widget=LookupInput(lookup_url=reverse_lazy("projects:enterprise-lookup")),
        help_text=_("Type a name or credit code and choose a suggestion."),
        **kwargs,
    )


def project_lookup_field(**kwargs) -> LookupChoiceField:
    from django.urls import reverse_lazy

    return LookupChoiceField(
        key_field="pk",
        queryset=InvestmentProject.objects.all(),
        widget=LookupInput(lookup_url=reverse_lazy("projects:project-lookup")),
        help_text=_("Type a project name and choose a suggestion."),
        **kwargs,
    )


class EnterpriseForm(ServiceModelForm):
    reference_fields = {"park": Park, "industry": IndustryChain}

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ProjectForm(ServiceModelForm):
    """Create or edit a project's facts. The stage moves only through the transition form; on edit, the
    dates of the stages already reached (and a termination reason) can be corrected here."""

    reference_fields = {"source": Region, "industry": IndustryChain, "park": Park}

    class Meta:
        model = InvestmentProject
        fields = PROJECT_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "termination_reason": forms.Textarea(attrs={"rows": 2}),
            **{name: DateInput() for name in ("first_contact_on", *STAGE_DATE_FIELDS.values())},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = enterprise_lookup_field(
            required=False, label=InvestmentProject._meta.get_field("enterprise").verbose_name
        )
        self.fields["expands"] = project_lookup_field(
            required=False, label=InvestmentProject._meta.get_field("expands").verbose_name
        )
        if self.instance.pk:
            self.fields["expands"].queryset = InvestmentProject.objects.exclude(pk=self.instance.pk)
        current_officer = self.instance.lead_officer_id if self.instance.pk else None
        self.fields["lead_officer"].queryset = User.objects.filter(
            Q(pk__in=officers().values("pk")) | Q(pk=current_officer)
        ).order_by("name")
        # Only the dates of stages the project has reached are editable; a new project starts as a lead.
        reached = self._stages_reached()
        for stage, field in STAGE_DATE_FIELDS.items():
            if stage not in reached:
                del self.fields[field]
        if Stage.TERMINATED not in reached:
            del self.fields["termination_reason"]

    def _stages_reached(self) -> set[str]:
        if not self.instance.pk:
            return set()
        stage = self.instance.stage
        if stage == Stage.TERMINATED:
            return {s for s, field in STAGE_DATE_FIELDS.items() if getattr(self.instance, field)} | {stage}
        order = [
            Stage.LEAD,
            Stage.NEGOTIATING,
            Stage.SIGNED,
            Stage.STARTED,
            Stage.OPERATING,
            Stage.AT_CAPACITY,
        ]
        return set(order[: order.index(stage) + 1])


class DemandForm(ServiceModelForm):
    reference_fields = {"min_degree": Degree, "tier": TalentTier}

    status = forms.ChoiceField(label=TalentDemand._meta.get_field("status").verbose_name, required=False)

    class Meta:
        model = TalentDemand
        fields = (
            "enterprise",
            "project",
            "position",
            "disciplines",
            "min_degree",
            "tier",
            "years_experience",
            "headcount",
            "salary_min",
            "salary_max",
            "scarcity",
            "keywords",
            "valid_until",
            "description",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "valid_until": DateInput(),
            "disciplines": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = enterprise_lookup_field(
            required=False, label=TalentDemand._meta.get_field("enterprise").verbose_name
        )
        self.fields["project"] = project_lookup_field(
            required=False, label=TalentDemand._meta.get_field("project").verbose_name
        )
        current = list(self.instance.disciplines.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["disciplines"].queryset = Discipline.objects.filter(Q(is_active=True) | Q(pk__in=current))
        self.fields["disciplines"].help_text = _("Hold Ctrl to choose several.")
        if self.instance.pk:
            self.fields["status"].choices = TalentDemand._meta.get_field("status").choices
            self.fields["status"].initial = self.instance.status
        else:
            del self.fields["status"]

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields.pop("status", None)
        fields.pop("disciplines", None)
        return fields


class TransitionForm(forms.Form):
    """One move along the lifecycle: a date for every move, the amount for signing, a reason to terminate."""

    to = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=_("date"), required=False, widget=DateInput())
    agreed_investment = forms.DecimalField(
        label=InvestmentProject._meta.get_field("agreed_investment").verbose_name,
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to") == Stage.TERMINATED and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the project is terminated."))
        return cleaned


def transition_forms(project: InvestmentProject, *, failed: TransitionForm | None = None) -> list[dict]:
    """One small form per move allowed now, prefilled; the one that just failed keeps what was typed."""
    items = []
    for to in TRANSITIONS[project.stage]:
        if failed is not None and failed.data.get("to") == to:
            form = failed
        else:
            form = TransitionForm(
                initial={
                    "to": to,
                    "on": timezone.localdate(),
                    "agreed_investment": project.agreed_investment,
                },
                auto_id=f"id_{to}_%s",
            )
        items.append({"to": to, "label": Stage(to).label, "form": form, "open": form is failed})
    return items


class FundsArrivalForm(forms.Form):
    period = forms.DateField(label=_("month"), widget=DateInput(), help_text=_("any day of the month"))
    amount = forms.DecimalField(
        label=_("amount arrived (10k yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
