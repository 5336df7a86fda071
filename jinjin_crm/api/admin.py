from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiClient
from .services import api_client_create, api_client_rename, api_client_revoke


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "park", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["park", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "key_prefix"]
    readonly_fields = ["key_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name", "park"] if obj is None else ["name", "park", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # A key belongs to one park for life: a new park means a new client.
        return [] if obj is None else ["park", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            api_client_rename(client=obj, name=obj.name)
            return
        client, key = api_client_create(name=obj.name, park=obj.park, created_by=request.user)
        obj.pk = client.pk
        messages.warning(
            request,
            _("The key of %(name)s is shown this once; store it now: %(key)s")
            % {"name": client.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected clients' keys"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client=client)
        messages.success(request, _("Revoked %(count)d client(s).") % {"count": queryset.count()})
