"""The talent page's campaigns section: the campaigns a talent was met on and the placements they
served. The talents app may not import campaigns, so its page loads this fragment by URL (htmx)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from jinjin_crm.core.permissions import reader_required
from talents.models import Talent

from ..models import Contact, Placement


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
