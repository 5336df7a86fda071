"""Who may use a page: every role reads; officers and administrators write."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def reader_required(view):
    """Signed in and holding a role: everyone who works with the system may read."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_superuser or request.user.role_codes):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def writer_required(view):
    """Signed in and allowed to change records (officers, administrators); leaders get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.can_write:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
