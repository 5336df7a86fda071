"""Admin for the campaigns app. Universities and placement batches are reference-like and can be
added here (through the services); campaigns, contacts and placements change through the pages,
imports and API, so here they are read-only: for looking things up and reading their history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jinjin_crm.core.admin import ReadOnlyMixin

from .models import (
    Campaign,
    CampaignProject,
    Contact,
    Partnership,
    Placement,
    PlacementBatch,
    PlacementOutcome,
    TermStatus,
    University,
)
from .services import placement_batch_create, university_create, university_update


class PartnershipInline(ReadOnlyMixin, admin.TabularInline):
    """Agreements are recorded on the university page (``partnership_record``); here they are listed."""

    model = Partnership
    fields = readonly_fields = ["title", "signed_on", "starts_on", "ends_on", "scope"]
    extra = 0


@admin.register(University)
class UniversityAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "kind", "created_at"]
    list_filter = ["kind", "city"]
    search_fields = ["name", "city"]
    fields = ["name", "city", "kind", "notes"]
    inlines = [PartnershipInline]

    def has_delete_permission(self, request, obj=None):
        # Campaigns and talents refer to a university; there is no service that removes one.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            university_update(university=obj, **fields)
        else:
            obj.pk = university_create(**fields).pk


@admin.register(PlacementBatch)
class PlacementBatchAdmin(admin.ModelAdmin):
    list_display = ["number", "announced_on", "notes"]
    ordering = ["number"]
    fields = ["number", "announced_on", "notes"]

    def has_change_permission(self, request, obj=None):
        # A batch's number and date are what its placements were announced under: recorded once.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = placement_batch_create(**{name: form.cleaned_data[name] for name in self.fields}).pk


class CampaignProjectInline(ReadOnlyMixin, admin.TabularInline):
    model = CampaignProject
    fields = readonly_fields = ["project", "notes", "linked_by", "linked_at"]
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "starts_on", "ends_on", "season", "university", "lead_officer"]
    list_filter = ["kind", "season", "university"]
    search_fields = ["title", "place", "leader"]
    list_select_related = ["university", "lead_officer"]
    date_hierarchy = "starts_on"
    inlines = [CampaignProjectInline]


@admin.register(Contact)
class ContactAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["talent", "campaign", "outcome", "degree", "met_on", "recorded_by"]
    list_filter = ["outcome", "campaign__kind", "campaign__season", "degree"]
    search_fields = ["talent__name", "campaign__title"]
    list_select_related = ["talent", "campaign", "degree", "recorded_by"]
    date_hierarchy = "met_on"
    # A season brings thousands of contacts: skip the second count of the whole table.
    show_full_result_count = False


class PlacementOutcomeInline(ReadOnlyMixin, admin.TabularInline):
    model = PlacementOutcome
    fields = readonly_fields = ["kind", "title", "achieved_on", "amount", "recorded_by"]
    extra = 0


@admin.register(Placement)
class PlacementAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "expert",
        "host_enterprise",
        "batch",
        "term_start",
        "term_end",
        "term_status",
        "extensions",
        "grade",
    ]
    list_filter = ["batch", "grade", "host_enterprise__park"]
    search_fields = ["expert__name", "host_enterprise__name"]
    list_select_related = ["expert", "host_enterprise", "batch"]
    inlines = [PlacementOutcomeInline]

    @admin.display(description=_("term status"))
    def term_status(self, placement):
        return TermStatus(placement.status).label
