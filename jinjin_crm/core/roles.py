"""Roles are Django groups with a fixed code name; this module says what each may do.

- officer (引才专员/招商专员): reads everything, changes the records of the domain apps.
- leader (区委/区政府 leaders, department heads): reads everything, changes nothing.
- admin: everything, including reference data, users, API clients, targets and ranking weights.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("officer")
    LEADER = "leader", _("leader")
    ADMIN = "admin", _("administrator")


# The apps whose records officers keep. Later apps' models join automatically on migrate.
DOMAIN_APPS = ("projects", "talents", "campaigns", "policies", "matching")
# Apps only administrators change and leaders read: the targets and the park ranking's weights are
# set for the officers, not by them.
LEADERSHIP_APPS = ("dashboard",)
# Permissions no role but the administrator's holds by default: an administrator grants them to
# named people (seeing ID numbers and phones in the clear).
SENSITIVE_CODENAMES = ("view_personal_data",)
# Extra permissions a role holds beyond the model defaults, as "app_label.codename".
EXTRA_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.OFFICER: (),
    Role.LEADER: (),
    Role.ADMIN: (),
}


def role_permission_filter(role: str):
    """The permissions a role holds, as a Q over auth.Permission."""
    from django.db.models import Q

    if role == Role.ADMIN:
        return Q(content_type__app_label__in=(*DOMAIN_APPS, *LEADERSHIP_APPS, "core", "api", "auth"))
    if role == Role.OFFICER:
        return Q(content_type__app_label__in=DOMAIN_APPS) & ~Q(codename__in=SENSITIVE_CODENAMES)
    # Leaders read everything an officer keeps, the reference data, and the targets and weights.
    return Q(
        content_type__app_label__in=(*DOMAIN_APPS, *LEADERSHIP_APPS, "core"), codename__startswith="view_"
    ) & ~Q(codename__in=SENSITIVE_CODENAMES)


def sync_role_permissions(sender=None, using="default", apps=None, **kwargs):
    """Create the role groups if missing and give each exactly its permissions."""
    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    # post_migrate is sent once per app; permissions of every app exist only after the last one.
    last_app = list(global_apps.get_app_configs())[-1]
    if sender is not None and sender.label != last_app.label:
        return

    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        wanted = Q(pk__in=[])
        for dotted in EXTRA_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        permissions = Permission.objects.using(using).filter(role_permission_filter(role) | wanted)
        group.permissions.set(permissions)
