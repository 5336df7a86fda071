"""The talent page's policy panel (loaded with htmx, as the matches panel is): what the talent is
entitled to today, benefit by benefit, with the reasons, the amount and the talent's application for
it; officers file an application from it in one click."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.exceptions import ApplicationError
from jinjin_crm.core.permissions import reader_required, writer_required
from talents.models import Talent

from .. import selectors, services
from ..models import Benefit


def _render_panel(request, talent, *, notice=None, refusal=None, refused_benefit=None):
    entitlements = selectors.talent_entitlements(talent)
    # What the talent has or can have: the live applications' amounts, and what it qualifies for
    # without one yet.
    amounts = []
    for entry in entitlements:
        live = entry.live_application
        if live is not None:
            amounts.append(live.amount)
        elif entry.result is not None and entry.result.eligible:
            amounts.append(entry.result.amount)
    context = {
        "talent": talent,
        "entitlements": entitlements,
        "entitled_count": len(amounts),
        "entitled_total": sum(amounts, start=0),
        "can_write": request.user.can_write and not talent.anonymised_at,
        "notice": notice,
        "refusal": refusal,
        "refused_benefit": refused_benefit,
    }
    return render(request, "policies/_entitlements.html", context)


@reader_required
@require_GET
def talent_entitlements(request, pk):
    talent = get_object_or_404(Talent, pk=pk)
    return _render_panel(request, talent)


@writer_required
@require_POST
def talent_entitlement_apply(request, pk):
    """File a draft application of the talent for the posted benefit. With htmx the answer is the panel
    again, with a notice or, when the service refuses (the talent does not qualify, an application is
    already live), the refusal and every failing reason beside the benefit; htmx does not swap error
    statuses, so it is answered with 200. Without htmx: to the new application, or back to the talent."""
    talent = get_object_or_404(Talent, pk=pk)
    chosen = request.POST.get("benefit", "")
    benefit = get_object_or_404(
        Benefit.objects.select_related("policy", "fund"), pk=int(chosen) if chosen.isdigit() else 0
    )
    talent_url = reverse("talents:talent-detail", args=[talent.pk]) + "#applications"
    try:
        application = services.application_create(talent=talent, benefit=benefit, by=request.user)
    except (ApplicationError, ValidationError) as exc:
        reasons = [exc.message] if isinstance(exc, ApplicationError) else exc.messages
        if request.htmx:
            return _render_panel(request, talent, refusal=reasons, refused_benefit=benefit.pk)
        for reason in reasons:
            messages.error(request, reason)
        return redirect(talent_url)
    notice = _("Application for “%(benefit)s” filed as a draft.") % {"benefit": benefit.name}
    if request.htmx:
        return _render_panel(request, talent, notice=notice)
    messages.success(request, notice)
    return redirect("policies:application-detail", pk=application.pk)
