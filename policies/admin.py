"""Admin of the policies app. Administrators edit the policy system (policies with their benefits)
and the funds here, through the services, so rules are validated the same way as everywhere else.
The ledger, applications and service requests are read-only: they change through the workflow."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jinjin_crm.core.admin import ReadOnlyMixin

from .models import Benefit, Fund, FundMovement, Policy, PolicyApplication, ServiceRequest
from .rules import format_amount
from .selectors import funds_with_figures
from .services import (
    FUND_FIELDS,
    POLICY_FIELDS,
    benefit_save,
    fund_create,
    fund_update,
    policy_create,
    policy_update,
)


class NoDeleteMixin:
    # Funds and policies are closed or repealed, never deleted: applications point at them.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fund)
class FundAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "year",
        "budget_display",
        "committed_display",
        "disbursed_display",
        "remaining_display",
        "is_active",
    ]
    list_filter = ["year", "is_active"]
    search_fields = ["name"]
    fields = ["name", "year", "budget", "description", "is_active"]

    def get_queryset(self, request):
        return funds_with_figures(super().get_queryset(request))

    @admin.display(description=_("budget (yuan)"), ordering="budget")
    def budget_display(self, fund):
        return format_amount(fund.budget)

    @admin.display(description=_("committed (yuan)"), ordering="committed")
    def committed_display(self, fund):
        return format_amount(fund.committed)

    @admin.display(description=_("disbursed (yuan)"), ordering="disbursed")
    def disbursed_display(self, fund):
        return format_amount(fund.disbursed)

    @admin.display(description=_("remaining (yuan)"), ordering="remaining")
    def remaining_display(self, fund):
        return format_amount(fund.remaining)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in FUND_FIELDS if name in form.cleaned_data}
        if change:
            fund_update(fund=obj, by=request.user, **fields)
            return
        created = fund_create(by=request.user, **fields)
        obj.pk, obj._state.adding = created.pk, False


class BenefitInline(admin.StackedInline):
    model = Benefit
    extra = 0
    can_delete = False  # deactivate a benefit instead: applications point at it
    fields = [
        ("name", "kind", "fund"),
        "description",
        "criteria",
        "amount_rule",
        "installments",
        ("is_active", "sort_order"),
    ]
    autocomplete_fields = ["fund"]


@admin.register(Policy)
class PolicyAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "document_number",
        "series",
        "version",
        "effective_from",
        "effective_to",
        "status",
    ]
    list_filter = ["status", "series", "is_demo"]
    search_fields = ["title", "document_number"]
    date_hierarchy = "effective_from"
    inlines = [BenefitInline]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in POLICY_FIELDS if name in form.cleaned_data}
        if change:
            policy_update(policy=obj, by=request.user, **fields)
            return
        created = policy_create(by=request.user, **fields)
        obj.pk, obj._state.adding = created.pk, False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Benefit:
            super().save_formset(request, form, formset, change)
            return
        # The admin's change message reads these lists, which formset.save() would have filled.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed():
                continue
            benefit = inline_form.instance
            is_new = benefit.pk is None
            # The form already put its values on the instance; the service validates and saves it.
            benefit_save(benefit=benefit, by=request.user, policy=form.instance)
            if is_new:
                formset.new_objects.append(benefit)
            else:
                formset.changed_objects.append((benefit, inline_form.changed_data))


@admin.register(FundMovement)
class FundMovementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "fund", "kind", "amount", "application", "by", "note"]
    list_filter = ["kind", "fund"]
    date_hierarchy = "at"
    list_select_related = ["fund", "application__talent", "application__benefit", "by"]


@admin.register(PolicyApplication)
class PolicyApplicationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["talent", "benefit", "amount", "state", "proposed_automatically", "owner", "updated_at"]
    list_filter = ["state", "proposed_automatically", "benefit__kind", "fund"]
    search_fields = ["talent__name", "benefit__name"]
    list_select_related = ["talent", "benefit", "owner"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["talent", "kind", "state", "owner", "due_on", "resolved_at"]
    list_filter = ["state", "kind"]
    search_fields = ["talent__name", "description"]
    list_select_related = ["talent", "owner"]
