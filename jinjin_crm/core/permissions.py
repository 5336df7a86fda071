"""Who may use a page: every role reads; officers and administrators write."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The reasons the 403 page shows (it prints the exception's message).
READ_ONLY = _("Your role can only view, not change, records.")
NO_ROLE = _("Your account has no role yet: ask an administrator to assign one.")


def _has_role(user) -> bool:
    return user.is_superuser or bool(user.role_codes)


def reader_required(view):
    """Signed in and holding a role: everyone who works with the system may read."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not _has_role(request.user):
            raise PermissionDenied(NO_ROLE)
        return view(request, *args, **kwargs)

    return wrapper


def writer_required(view=None, *, read_only: str | None = None):
    """Signed in and allowed to change records (officers, administrators).

    A reader (a leader) gets 403 saying that the role only reads, except that with ``read_only`` (a URL
    name) a GET or HEAD is redirected there with that sentence as a warning: the page's read-only
    counterpart, reversed with the view's own URL arguments (``projects:project-detail`` for
    ``/projects/<pk>/edit/``, the list for a create page). POSTs stay 403: nothing a reader sends is
    written, and a form posted from elsewhere is not silently dropped.

    Use bare (``@writer_required``) or with the fallback (``@writer_required(read_only="...")``).
    """
    if view is None:
        return lambda view: writer_required(view, read_only=read_only)

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.can_write:
            if not _has_role(request.user):
                raise PermissionDenied(NO_ROLE)
            if read_only and request.method in ("GET", "HEAD"):
                messages.warning(request, READ_ONLY)
                return redirect(reverse(read_only, args=args, kwargs=kwargs))
            raise PermissionDenied(READ_ONLY)
        return view(request, *args, **kwargs)

    return wrapper
