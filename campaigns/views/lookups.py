"""Suggestions for the campaigns pages' record pickers: an expert (any talent, found like the talent
list's search box) and a project a promotion trip yielded (only projects not linked to a campaign yet)."""

from django.http import HttpResponse
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET

from jinjin_crm.core.permissions import reader_required
from projects.models import InvestmentProject
from talents.models import Talent
from talents.search import talent_search

SUGGESTIONS = 20


def _query(request, *names) -> str:
    # The picker sends its own field's value, typed or as a suggestion ("Name [id]").
    for name in ("q", *names):
        if request.GET.get(name):
            return request.GET[name].split("[")[0].split("（")[0].strip()
    return ""


@reader_required
@require_GET
def expert_lookup(request):
    query = _query(request, "expert")
    found = (
        talent_search(Talent.objects.all(), query).only("id", "name", "university")[:SUGGESTIONS]
        if query
        else []
    )
    return HttpResponse(
        format_html_join(
            "",
            '<option value="{}{} [{}]"></option>',
            (
                (talent.name, f"（{talent.university}）" if talent.university else "", talent.pk)
                for talent in found
            ),
        )
    )


@reader_required
@require_GET
def project_lookup(request):
    query = _query(request, "project")
    found = (
        InvestmentProject.objects.filter(name__icontains=query, campaign_link__isnull=True).only(
            "id", "name"
        )[:SUGGESTIONS]
        if query
        else []
    )
    return HttpResponse(
        format_html_join("", '<option value="{} [{}]"></option>', ((p.name, p.pk) for p in found))
    )
