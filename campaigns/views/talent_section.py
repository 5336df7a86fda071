"""Sections of earlier apps' pages served by the campaigns app (registered in ``apps.py``, loaded by
htmx): on a talent's page the campaigns the talent was met on and the placements served; on a
project's page the campaign it came from."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from jinjin_crm.core.permissions import reader_required
from projects.models import InvestmentProject
from talents.models import Talent

from ..models import CampaignProject, Contact, Placement


@reader_required
@require_GET
def talent_campaigns(request, pk):
    talent = get_object_or_404(Talent, pk=pk)
    contacts = (
        Contact.objects.filter(talent=talent)
        .select_related("campaign__university", "degree")
        .order_by("-met_on", "-id")
    )
    placements = Placement.objects.filter(expert=talent).for_list().order_by("-term_start", "-id")
    return render(
        request,
        "campaigns/_talent_campaigns.html",
        {"talent": talent, "contacts": list(contacts), "placements": list(placements)},
    )


@reader_required
@require_GET
def project_origin(request, pk):
    project = get_object_or_404(InvestmentProject, pk=pk)
    link = CampaignProject.objects.filter(project=project).select_related("campaign__university").first()
    return render(request, "campaigns/_project_origin.html", {"project": project, "link": link})
