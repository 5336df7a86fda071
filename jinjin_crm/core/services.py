"""Writes of the core app: users and their roles, the worker heartbeat."""

import datetime

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import Park, User
from .roles import Role
from .validators import normalize_mobile

HEARTBEAT_CACHE_KEY = "core:worker-heartbeat"


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    name: str = "",
    title: str = "",
    roles: list[Role] | tuple[Role, ...] = (),
    parks: list[Park] | tuple[Park, ...] = (),
    email: str = "",
    mobile: str = "",
) -> User:
    """Create a user with roles (groups) and parks. ``password=None`` makes an unusable password.

    Staff status follows the admin role, so administrators reach the Django admin.
    """
    user = User(
        username=username,
        name=name,
        title=title,
        email=email,
        mobile=normalize_mobile(mobile) if mobile else "",
        is_staff=Role.ADMIN in roles,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user_set_roles(user=user, roles=roles)
    user.parks.set(parks)
    return user


def user_set_roles(*, user: User, roles: list[Role] | tuple[Role, ...]) -> User:
    """Make ``roles`` exactly the user's roles; groups that are not roles are left alone."""
    role_names = {role.value for role in Role}
    keep = [group for group in user.groups.all() if group.name not in role_names]
    wanted = list(Group.objects.filter(name__in=[Role(role).value for role in roles]))
    user.groups.set(keep + wanted)
    user.__dict__.pop("role_codes", None)
    return user


def worker_heartbeat_record() -> datetime.datetime:
    now = timezone.now()
    cache.set(HEARTBEAT_CACHE_KEY, now.isoformat(), timeout=24 * 60 * 60)
    return now
