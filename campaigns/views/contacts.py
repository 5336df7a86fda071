"""The campaign detail page's writes: a person met, a contact's outcome, and the projects a promotion
trip yielded. Each goes through a service; on success it redirects back to the detail page with a
message, on an error it shows the page again with the form's errors (400)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinjin_crm.core.exceptions import ApplicationError
from jinjin_crm.core.forms import apply_service_errors
from jinjin_crm.core.permissions import writer_required

from .. import services
from ..forms import ContactOutcomeForm, ContactPersonForm, ProjectLinkForm
from ..models import CampaignProject, Contact, Outcome
from .campaigns import campaign_get, render_campaign_detail


def _detail_url(campaign, anchor: str) -> str:
    return reverse("campaigns:campaign-detail", args=[campaign.pk]) + anchor


def _back(request, fallback: str) -> str:
    """Where a small form was posted from (the contacts page and filter it was on), if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@writer_required
@require_POST
def contact_create(request, pk):
    """Record a person met: linked to the talent the duplicate rules find, or a new lead of the
    campaign's responsible officer. The message says which, with a link to the record."""
    campaign = campaign_get(pk)
    form = ContactPersonForm(request.POST)
    if form.is_valid():
        try:
            contact, created = services.contact_record_person(
                campaign=campaign, by=request.user, **form.service_fields()
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            talent = contact.talent
            url = reverse("talents:talent-detail", args=[talent.pk])
            if created:
                message = format_html(
                    _('Recorded; new lead <a href="{url}">{name}</a> created for {officer}.'),
                    url=url,
                    name=talent.name,
                    officer=campaign.lead_officer,
                )
            else:
                message = format_html(
                    _('Recorded; linked to the existing record <a href="{url}">{name}</a>.'),
                    url=url,
                    name=talent.name,
                )
            messages.success(request, message)
            return redirect(_detail_url(campaign, "#contacts"))
    return render_campaign_detail(request, campaign, status=400, person_form=form, person_open=True)


@writer_required
@require_POST
def contact_outcome(request, pk):
    """Change a contact's outcome from the contacts table; a better one moves the talent forward."""
    contact = get_object_or_404(Contact.objects.select_related("campaign", "talent"), pk=pk)
    back = _back(request, _detail_url(contact.campaign, "#contacts"))
    form = ContactOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("outcome", [])))
        return redirect(back)
    try:
        services.contact_update(contact=contact, by=request.user, outcome=form.cleaned_data["outcome"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s: outcome set to “%(outcome)s”.")
            % {"name": contact.talent.name, "outcome": Outcome(contact.outcome).label},
        )
    return redirect(back)


@writer_required
@require_POST
def campaign_project_link(request, pk):
    """Record that a project came from this promotion trip."""
    campaign = campaign_get(pk)
    form = ProjectLinkForm(request.POST)
    if form.is_valid():
        try:
            link = services.campaign_project_link(
                campaign=campaign,
                project=form.cleaned_data["project"],
                by=request.user,
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("“%(project)s” recorded as coming from this trip.") % {"project": link.project}
            )
            return redirect(_detail_url(campaign, "#projects"))
    return render_campaign_detail(request, campaign, status=400, link_form=form)


@writer_required
@require_POST
def campaign_project_unlink(request, pk, link_pk):
    campaign = campaign_get(pk)
    link = get_object_or_404(CampaignProject.objects.select_related("project"), pk=link_pk, campaign=campaign)
    project = link.project
    services.campaign_project_unlink(link=link, by=request.user)
    messages.success(
        request,
        _("“%(project)s” is no longer counted for this trip; link it again below if that was a mistake.")
        % {"project": project},
    )
    return redirect(_detail_url(campaign, "#projects"))
