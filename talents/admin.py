"""Read-only admin for talents: records change through the pages, API and imports (the services).
Personal data shows masked here too; revealing it is a logged action on the talent page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jinjin_crm.core.admin import ReadOnlyMixin
from jinjin_crm.core.masking import mask_national_id, mask_phone

from .models import Talent, TalentMerge, Team


@admin.register(Talent)
class TalentAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "birth_year",
        "highest_degree",
        "university",
        "tier",
        "stage",
        "owner",
        "masked_phone",
    ]
    list_filter = ["stage", "tier", "highest_degree", "source", "mode"]
    search_fields = ["name", "university"]
    list_select_related = ["highest_degree", "tier", "owner"]
    exclude = ["id_number", "phone", "id_number_hash", "phone_hash", "search_text"]
    readonly_fields = ["masked_id_number", "masked_phone"]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, talent):
        return mask_national_id(talent.id_number)

    @admin.display(description=_("mobile"))
    def masked_phone(self, talent):
        return mask_phone(talent.phone)


@admin.register(Team)
class TeamAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "leader", "host_enterprise", "mode", "introduced_on"]
    list_select_related = ["leader", "host_enterprise"]


@admin.register(TalentMerge)
class TalentMergeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["kept", "dropped_id", "merged_by", "merged_at"]
    list_select_related = ["kept", "merged_by"]
