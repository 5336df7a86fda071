from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import api_errors, selectors
from .models import Degree, Discipline, IndustryChain, Park, TalentTier


@login_required
def home(request):
    context = {
        "user_parks": list(request.user.parks.all()),
        "reference_counts": [
            (Park._meta.verbose_name_plural, Park.objects.filter(is_active=True).count()),
            (IndustryChain._meta.verbose_name_plural, IndustryChain.objects.filter(is_active=True).count()),
            (Discipline._meta.verbose_name_plural, Discipline.objects.filter(is_active=True).count()),
            (Degree._meta.verbose_name_plural, Degree.objects.filter(is_active=True).count()),
            (TalentTier._meta.verbose_name_plural, TalentTier.objects.filter(is_active=True).count()),
        ],
    }
    return render(request, "core/home.html", context)


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
