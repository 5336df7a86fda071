"""Admin of the dashboard app: administrators set targets and the park ranking's weights here,
through the services, so a target is checked the same way as in the Excel import. The form's
``clean`` runs the service's validation, so its messages appear under the fields; saving and
deleting (one record or a selection) call the services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jinjin_crm.core.models import Park, User
from jinjin_crm.core.roles import Role

from . import services
from .metrics import METRIC_BY_CODE, METRIC_CHOICES, METRICS
from .models import RankingWeight, Target
from .scopes import PARK, Scope

IDENTITY_FIELDS = ("period", "metric", "scope", "park", "officer")


def _put_errors(form: forms.ModelForm, error: ValidationError) -> None:
    """The service's errors under the form's fields; those of fields not on the form at the top."""
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def _metric_label(code: str) -> str:
    metric = METRIC_BY_CODE.get(code)
    return str(metric.label) if metric else code


class MetricListFilter(admin.SimpleListFilter):
    title = _("metric")
    parameter_name = "metric"

    def lookups(self, request, model_admin):
        return METRIC_CHOICES

    def queryset(self, request, queryset):
        return queryset.filter(metric=self.value()) if self.value() else queryset


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["period", "metric", "scope", "park", "officer", "value", "note"]

    def clean(self):
        data = super().clean()
        if self.errors:
            # A field its own check refused would be reported again by the service.
            return data
        target = self.instance
        identity = {name: data.get(name, getattr(target, name)) for name in IDENTITY_FIELDS}
        try:
            values = services.target_validate(
                **identity, value=data.get("value"), note=data.get("note", target.note)
            )
        except ValidationError as exc:
            _put_errors(self, exc)
            return data
        existing = Target.objects.filter(**services.target_identity(**_identity(values)))
        if target.pk is None and existing.exists():
            # Under the period: the database's own uniqueness check, which names no field a person
            # would recognise, is then skipped.
            self.add_error(
                "period" if "period" in self.fields else None,
                _("A target for this period, metric and scope is set already; change that one instead."),
            )
        return data


def _identity(values: dict) -> dict:
    return {name: values[name] for name in IDENTITY_FIELDS}


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    form = TargetForm
    list_display = ["period", "metric_label", "scope", "scope_target", "value", "updated_at", "updated_by"]
    list_filter = ["period", MetricListFilter, "scope", "park"]
    search_fields = ["period", "metric", "note", "officer__username", "officer__name"]
    list_select_related = ["park", "officer", "updated_by"]
    ordering = ["-period_start", "period", "metric", "scope", "park__sort_order", "officer__username"]

    @admin.display(description=_("metric"), ordering="metric")
    def metric_label(self, target):
        return _metric_label(target.metric)

    @admin.display(description=_("park or officer"))
    def scope_target(self, target):
        return target.park or target.officer or "—"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["period", "metric", "scope", "park", "officer", "value", "note"]
        return [
            "period",
            "metric_label",
            "scope",
            "park",
            "officer",
            "value",
            "note",
            "updated_by",
            "updated_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        # A target's period, metric and scope are what it is; to move it, delete it and add another.
        if obj is None:
            return []
        return ["period", "metric_label", "scope", "park", "officer", "updated_by", "updated_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "metric":
            return forms.ChoiceField(
                choices=[("", "---------"), *METRIC_CHOICES], label=db_field.verbose_name, required=True
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "park":
            kwargs["queryset"] = Park.objects.filter(is_active=True).order_by("sort_order", "code")
        elif db_field.name == "officer":
            kwargs["queryset"] = User.objects.filter(groups__name=Role.OFFICER, is_active=True).order_by(
                "name", "username"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        identity = {name: data.get(name, getattr(obj, name)) for name in IDENTITY_FIELDS}
        saved = services.target_set(
            **identity, value=data["value"], note=data.get("note", ""), by=request.user
        )
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request, obj):
        services.target_delete(target=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            services.target_delete(target=target, by=request.user)


def _ranked_metric_choices():
    park = Scope(PARK)
    return [(metric.code, metric.label) for metric in METRICS if metric.applies_to(park)]


class RankingWeightForm(forms.ModelForm):
    class Meta:
        model = RankingWeight
        fields = ["metric", "weight", "cap", "sort_order"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.ranking_weight_validate(
                metric=data.get("metric", self.instance.metric),
                weight=data.get("weight"),
                cap=data.get("cap"),
                sort_order=data.get("sort_order") or 0,
            )
        except ValidationError as exc:
            _put_errors(self, exc)
        return data


@admin.register(RankingWeight)
class RankingWeightAdmin(SimpleHistoryAdmin):
    form = RankingWeightForm
    list_display = ["metric_label", "metric", "weight", "cap", "sort_order", "updated_at"]
    ordering = ["sort_order", "metric"]

    @admin.display(description=_("metric"), ordering="metric")
    def metric_label(self, weight):
        return _metric_label(weight.metric)

    def get_readonly_fields(self, request, obj=None):
        # One weight per metric: to weigh another metric, add its own.
        return [] if obj is None else ["metric"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "metric":
            return forms.ChoiceField(
                choices=[("", "---------"), *_ranked_metric_choices()],
                label=db_field.verbose_name,
                required=True,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.ranking_weight_set(
            metric=data.get("metric", obj.metric),
            weight=data["weight"],
            cap=data["cap"],
            sort_order=data.get("sort_order") or 0,
            by=request.user,
        )
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request, obj):
        services.ranking_weight_delete(weight=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for weight in queryset:
            services.ranking_weight_delete(weight=weight, by=request.user)
