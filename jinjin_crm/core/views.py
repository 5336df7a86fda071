import logging
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from . import api_errors, selectors, services
from .models import Activity
from .navigation import SECTIONS
from .permissions import writer_required

logger = logging.getLogger(__name__)


@writer_required
@require_POST
def follow_up_done(request, pk):
    """Mark one of the officer's own follow-ups done (from the worklist). htmx gets an empty answer and an
    ``HX-Trigger`` that makes the worklist reload; a plain form post goes back to the worklist."""
    activity = get_object_or_404(Activity, pk=pk, officer=request.user)
    services.follow_up_complete(activity=activity)
    if request.htmx:
        response = HttpResponse("")
        response["HX-Trigger"] = "follow-up-done"
        return response
    messages.success(request, _("Follow-up marked done."))
    return redirect("home")


@never_cache
@require_GET
def health(request):
    """For load balancers and monitoring: JSON, 200 when the database, cache and broker answer, else
    503 with the ones that do not marked ``down``."""
    checks = selectors.system_health()
    healthy = all(checks[name] == "ok" for name in ("database", "cache", "broker"))
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


# --- Error pages ------------------------------------------------------------------------------------
# 403, 404 and CSRF failures are pages of the shell; the 500 page looks like it without touching the
# database, the session or the context processors, any of which may be what failed. Under /api/ all
# of them answer in the API's error shape.


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _sections() -> list[tuple[str, str]]:
    """(URL, label) of the sidebar's lists; reversing reads the URLconf only."""
    found = []
    for section in SECTIONS:
        if section.staff_only or section.url_name == "home":
            continue
        try:
            found.append((reverse(section.url_name), section.label))
        except NoReverseMatch:
            continue
    return found


def _referer(request) -> str | None:
    """The page the user came from, as a path on this site, or None (absent or another site's)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _ways_back(request, *, signed_in: bool = True) -> list[dict]:
    """The links an error page offers, the likeliest first: the page the user came from when it is on
    this site, or else the list the URL belongs to (``/projects/12/edit/`` → the ledger); then the
    worklist. Someone not signed in is offered the log-in page."""
    if not signed_in:
        return [{"url": reverse("login"), "label": _("Log in")}]
    home = reverse("home")
    sections = _sections()
    ways = []
    came_from = _referer(request)
    # A GET coming from itself would only show this error again; a POST's own URL is its form.
    if came_from and came_from != home and (came_from != request.get_full_path() or request.method == "POST"):
        label = next((label for url, label in sections if url == urlsplit(came_from).path), None)
        text = _("Back to %(page)s") % {"page": label} if label else _("Back to the previous page")
        ways.append({"url": came_from, "label": text})
    else:
        lists = [
            (url, label) for url, label in sections if request.path.startswith(url) and url != request.path
        ]
        if lists:
            url, label = max(lists, key=lambda item: len(item[0]))
            ways.append({"url": url, "label": _("Back to %(page)s") % {"page": label}})
    ways.append({"url": home, "label": _("Back to the worklist")})
    return ways


def _shell_error(request, template: str, status: int, **context) -> HttpResponse:
    user = getattr(request, "user", None)  # absent when a middleware before authentication failed
    context["ways_back"] = _ways_back(request, signed_in=bool(user and user.is_authenticated))
    return render(request, template, {"status": status, **context}, status=status)


def permission_denied(request, exception=None):
    """403: the reason (a role that only reads, personal data in the clear, …) and the way back."""
    reason = str(exception or "")
    if _is_api(request):
        detail = reason or str(ApiPermissionDenied.default_detail)
        errors = [{"code": "permission_denied", "detail": detail, "attr": None}]
        return JsonResponse(api_errors.error_body("client_error", errors), status=403)
    return _shell_error(request, "403.html", 403, reason=reason)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check, mostly one kept open across a log-out or a new log-in. Django
    logs the technical reason; the user is told that nothing was saved and how to send it again."""
    if _is_api(request):
        # The words DRF's session authentication uses for the same refusal.
        errors = [{"code": "permission_denied", "detail": f"CSRF Failed: {reason}", "attr": None}]
        return JsonResponse(api_errors.error_body("client_error", errors), status=403)
    return _shell_error(request, "csrf_failure.html", 403)


def page_not_found(request, exception=None):
    """404: JSON in the API's error shape under /api/, the site's page elsewhere."""
    if _is_api(request):
        return api_errors.json_not_found(request)
    return _shell_error(request, "404.html", 404)


# What is left when even the 500 template cannot be rendered (a broken static manifest, say).
SERVER_ERROR_FALLBACK = """<!DOCTYPE html>
<html lang="zh-hans"><head><meta charset="utf-8"><title>服务器出错了</title></head>
<body style="font-family: sans-serif; margin: 3rem;">
<h1>服务器出错了</h1><p>请稍后再试；如果问题持续，请联系管理员。</p><p><a href="/">返回工作台</a></p>
<h2>A server error occurred</h2><p>Please try again later; if it persists, contact an administrator.</p>
</body></html>"""


def server_error(request):
    """500, rendered without the request's context: no user, session, messages or sidebar, which need
    the database or the cache. If the template itself fails, a fixed page still answers."""
    if _is_api(request):
        return api_errors.json_server_error(request)
    try:
        html = loader.render_to_string("500.html", {"status": 500, "ways_back": _ways_back(request)})
    except Exception:
        logger.exception("The 500 page could not be rendered")
        html = SERVER_ERROR_FALLBACK
    return HttpResponseServerError(html)
