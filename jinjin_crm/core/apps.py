from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jinjin_crm.core"
    label = "core"
    verbose_name = _("Core and reference data")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import sync_role_permissions

        # Every migrate leaves each role with exactly the permissions roles.py gives it, including
        # permissions of models added since the roles were created.
        post_migrate.connect(sync_role_permissions, dispatch_uid="core.sync_role_permissions")
