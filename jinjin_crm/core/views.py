from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import api_errors, selectors, services
from .models import Activity
from .permissions import writer_required


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
    """For load balancers and monitoring: 200 when the database and cache answer, else 503."""
    checks = selectors.system_health()
    healthy = checks["database"] == "ok" and checks["cache"] == "ok"
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def page_not_found(request, exception=None):
    """404: JSON in the API's error shape under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return api_errors.json_not_found(request)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return api_errors.json_server_error(request)
    return render(request, "500.html", status=500)
