"""University pages: the list, the detail (campaigns held there with their funnels, partnerships, the
talents who studied there), recording a partnership, and create/edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.forms import apply_service_errors
from jinjin_crm.core.pages import DETAIL_RELATED_LIMIT, PAGE_SIZES, list_context, page_size, save_form
from jinjin_crm.core.permissions import reader_required, writer_required

from .. import selectors, services
from ..filters import UniversityFilter
from ..forms import PartnershipForm, UniversityForm
from ..models import Campaign, Contact, University
from .common import funnel_steps


@reader_required
@require_GET
def university_list(request):
    """Universities with their campaigns, current partnerships and talents counted in the same query."""
    filterset = UniversityFilter(request.GET, queryset=selectors.university_list())
    page = Paginator(filterset.qs, page_size(request)).get_page(request.GET.get("page"))
    return render(request, "campaigns/university_list.html", list_context(request, filterset, page))


def _university_detail_context(request, university, **extra) -> dict:
    campaigns = selectors.campaign_list(queryset=Campaign.objects.filter(university=university))
    talents = Paginator(selectors.university_talents(university), page_size(request)).get_page(
        request.GET.get("page")
    )
    return {
        "university": university,
        "campaigns": list(campaigns[:DETAIL_RELATED_LIMIT]),
        "steps": funnel_steps(selectors.funnel(Contact.objects.filter(campaign__university=university))),
        "partnerships": list(university.partnerships.all()),
        "page": talents,
        "rows": talents.object_list,
        "page_sizes": PAGE_SIZES,
        "page_size": talents.paginator.per_page,
        "partnership_form": extra.pop("partnership_form", None) or PartnershipForm(),
        "partnership_open": extra.pop("partnership_open", False),
        "can_write": request.user.can_write,
        **extra,
    }


@reader_required
@require_GET
def university_detail(request, pk):
    university = get_object_or_404(University, pk=pk)
    return render(
        request, "campaigns/university_detail.html", _university_detail_context(request, university)
    )


@writer_required
@require_POST
def partnership_create(request, pk):
    university = get_object_or_404(University, pk=pk)
    form = PartnershipForm(request.POST)
    if form.is_valid():
        try:
            partnership = services.partnership_record(university=university, **form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Partnership “%(title)s” recorded.") % {"title": partnership.title})
            return redirect(reverse("campaigns:university-detail", args=[university.pk]) + "#partnerships")
    context = _university_detail_context(request, university, partnership_form=form, partnership_open=True)
    return render(request, "campaigns/university_detail.html", context, status=400)


@writer_required(read_only="campaigns:university-list")
def university_create(request):
    form = UniversityForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda fields: services.university_create(**fields),
        template="campaigns/university_form.html",
        context={"cancel_url": reverse("campaigns:university-list")},
        next_url=lambda university: reverse("campaigns:university-detail", args=[university.pk]),
        success=_("University “%(name)s” saved."),
    )


@writer_required(read_only="campaigns:university-detail")
def university_edit(request, pk):
    university = get_object_or_404(University, pk=pk)
    form = UniversityForm(request.POST or None, instance=university)
    return save_form(
        request,
        form,
        lambda fields: services.university_update(university=university, **fields),
        template="campaigns/university_form.html",
        context={
            "university": university,
            "cancel_url": reverse("campaigns:university-detail", args=[university.pk]),
        },
        next_url=lambda saved: reverse("campaigns:university-detail", args=[saved.pk]),
        success=_("University “%(name)s” saved."),
    )
