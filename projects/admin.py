"""Read-only admin for the projects app: records change through the pages, API and imports, which
call the services; the admin is for looking things up and reading their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jinjin_crm.core.admin import ReadOnlyMixin

from .models import Enterprise, FundsArrival, InvestmentProject, TalentDemand


class ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    pass


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "park", "industry", "is_key"]
    list_filter = ["park", "industry", "is_key"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["park", "industry"]


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "park", "industry", "stage", "agreed_investment", "signed_on", "lead_officer"]
    list_filter = ["stage", "park", "industry", "source", "kind"]
    search_fields = ["name", "investor"]
    list_select_related = ["park", "industry", "lead_officer"]
    date_hierarchy = "signed_on"


@admin.register(TalentDemand)
class TalentDemandAdmin(ReadOnlyAdmin):
    list_display = [
        "position",
        "park",
        "enterprise",
        "project",
        "min_degree",
        "headcount",
        "status",
        "valid_until",
    ]
    list_filter = ["status", "park", "min_degree"]
    search_fields = ["position", "keywords"]
    list_select_related = ["park", "enterprise", "project", "min_degree"]


@admin.register(FundsArrival)
class FundsArrivalAdmin(ReadOnlyAdmin):
    list_display = ["project", "period", "amount", "recorded_by"]
    list_select_related = ["project", "recorded_by"]
