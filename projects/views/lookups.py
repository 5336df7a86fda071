"""Suggestions for the record pickers: ``<option>`` lists for an enterprise or project ``<datalist>``."""

from django.db.models import Q
from django.http import HttpResponse
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET

from jinjin_crm.core.permissions import reader_required

from ..models import Enterprise, InvestmentProject


def _options(items) -> HttpResponse:
    return HttpResponse(format_html_join("", '<option value="{} [{}]"></option>', items))


@reader_required
@require_GET
def enterprise_lookup(request):
    query = _lookup_query(request)
    found = (
        Enterprise.objects.filter(Q(name__icontains=query) | Q(credit_code__istartswith=query))
        if query
        else []
    )
    return _options((enterprise.name, enterprise.credit_code) for enterprise in found[:20])


@reader_required
@require_GET
def project_lookup(request):
    query = _lookup_query(request)
    found = InvestmentProject.objects.filter(name__icontains=query).only("id", "name") if query else []
    return _options((project.name, project.pk) for project in found[:20])


def _lookup_query(request) -> str:
    # The picker sends its own field's value; any of the known field names will do.
    for name in ("q", "enterprise", "project", "expands"):
        if request.GET.get(name):
            return request.GET[name].split("[")[0].strip()
    return ""
