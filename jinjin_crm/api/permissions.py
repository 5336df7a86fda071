from rest_framework import permissions

from jinjin_crm.core.roles import Role


def principal_has_role(user) -> bool:
    """Signed-in people need a role to use the API; park systems always have one."""
    if getattr(user, "client", None) is not None:
        return True
    return user.is_superuser or bool(user.role_codes & {role.value for role in Role})


class RolePermission(permissions.BasePermission):
    """Reads for every role and park system; writes for officers, administrators and park systems.

    Scope (which records) is not decided here but in each viewset's queryset, so a record outside
    the caller's park is a 404.
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not principal_has_role(user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(user.can_write)
