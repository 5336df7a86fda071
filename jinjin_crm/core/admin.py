from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Degree,
    Discipline,
    IndustryChain,
    JobRun,
    Park,
    PersonalDataAccess,
    Region,
    StageChange,
    TalentTier,
    User,
)
from .roles import Role


class ReadOnlyMixin:
    """Domain records are written by their services (the pages and the API); the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The administration carries the site's name, not Django's.
admin.site.site_header = _("Jiangjin Talent & Investment CRM · administration")
admin.site.site_title = _("Jiangjin Talent & Investment CRM")
admin.site.index_title = _("Reference data, users, API clients, targets and funds")


class ReferenceDataAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["sort_order", "code"]


@admin.register(Park)
class ParkAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "name_en", "kind", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(IndustryChain)
class IndustryChainAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "name_en", "is_lead", "sort_order", "is_active"]
    list_filter = ["is_lead", "is_active"]


@admin.register(Discipline)
class DisciplineAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "name_en", "category_code", "category_name", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["category_name", "is_active"]
    ordering = ["code"]


@admin.register(Degree)
class DegreeAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "name_en", "rank", "sort_order", "is_active"]
    ordering = ["rank"]


@admin.register(TalentTier)
class TalentTierAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "name_en", "rank", "sort_order", "is_active"]
    ordering = ["rank"]


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "title", "is_active", "is_staff"]
    list_filter = ["groups", "parks", "is_active", "is_staff"]
    search_fields = ["username", "name", "email"]
    filter_horizontal = ["groups", "user_permissions", "parks"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "title", "email")}),
        (_("Roles and parks"), {"fields": ("groups", "parks")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "password1", "password2")}),
        (_("Roles and parks"), {"fields": ("groups", "parks")}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            # Groups are the roles, named by their code ("officer"); show the role's name instead.
            field.label = _("roles")
            field.label_from_instance = role_label
        return field


def role_label(group) -> str:
    return str(Role(group.name).label) if group.name in Role.values else group.name


@admin.register(StageChange)
class StageChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """History is written by services only; here it can be read, never edited."""

    list_display = ["content_type", "object_id", "from_stage", "to_stage", "changed_by", "changed_at"]
    list_filter = ["content_type", "to_stage"]
    list_select_related = ["changed_by", "content_type"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The access log of personal data, for audits: who looked at whose data, when and why."""

    list_display = ["at", "user", "kind", "content_type", "object_id", "record_count", "fields", "reason"]
    list_filter = ["kind", "content_type"]
    search_fields = ["user__username", "user__name", "reason"]
    date_hierarchy = "at"
    list_select_related = ["user", "content_type"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Job runs are written by the tasks (``core.jobs.job_running``); here they can be read, never edited.
    The jobs page (``/jobs/``) shows the same records to every role."""

    list_display = [
        "id",
        "kind",
        "state",
        "done",
        "total",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    list_filter = ["kind", "state"]
    search_fields = ["kind", "error"]
    date_hierarchy = "created_at"
    list_select_related = ["requested_by"]
