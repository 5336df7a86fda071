"""Enterprise pages: the list, the detail with its projects, demands and timeline, logging an activity
(htmx swaps just the timeline), and create/edit."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.forms import ActivityForm
from jinjin_crm.core.pages import DETAIL_RELATED_LIMIT, list_context, log_activity, page_size, save_form
from jinjin_crm.core.permissions import reader_required, writer_required
from jinjin_crm.core.selectors import timeline_for

from .. import services
from ..filters import EnterpriseFilter
from ..forms import EnterpriseForm
from ..models import Enterprise, TalentDemand


@reader_required
@require_GET
def enterprise_list(request):
    filterset = EnterpriseFilter(request.GET, queryset=Enterprise.objects.select_related("park", "industry"))
    paginator = Paginator(filterset.qs, page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "projects/enterprise_list.html", list_context(request, filterset, page))


def _enterprise_detail_context(request, enterprise, **extra) -> dict:
    return {
        "enterprise": enterprise,
        "projects": list(enterprise.projects.for_ledger()[:DETAIL_RELATED_LIMIT]),
        "demands": list(TalentDemand.objects.for_list().filter(enterprise=enterprise)[:DETAIL_RELATED_LIMIT]),
        "timeline": timeline_for(enterprise),
        "activity_form": extra.pop("activity_form", None) or ActivityForm(),
        "can_write": request.user.can_write,
        **extra,
    }


@reader_required
@require_GET
def enterprise_detail(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.select_related("park", "industry"), pk=pk)
    return render(request, "projects/enterprise_detail.html", _enterprise_detail_context(request, enterprise))


@writer_required
@require_POST
def enterprise_activity_create(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.select_related("park", "industry"), pk=pk)
    form, logged = log_activity(request, enterprise)
    if logged and not request.htmx:
        messages.success(request, _("Activity logged."))
        return redirect("projects:enterprise-detail", pk=enterprise.pk)
    context = _enterprise_detail_context(
        request, enterprise, activity_form=form, notice=_("Activity logged.") if logged else None
    )
    if request.htmx:
        return render(request, "projects/_enterprise_timeline.html", context)
    return render(request, "projects/enterprise_detail.html", context, status=400)


@writer_required(read_only="projects:enterprise-list")
def enterprise_create(request):
    initial = {}
    park = request.user.parks.order_by("sort_order").first()
    if park:
        initial["park"] = park.pk
    form = EnterpriseForm(request.POST or None, initial=initial)
    return save_form(
        request,
        form,
        lambda fields: services.enterprise_create(by=request.user, **fields),
        template="projects/enterprise_form.html",
        context={},
        next_url=lambda enterprise: reverse("projects:enterprise-detail", args=[enterprise.pk]),
        success=_("Enterprise “%(name)s” saved."),
    )


@writer_required(read_only="projects:enterprise-detail")
def enterprise_edit(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    return save_form(
        request,
        form,
        lambda fields: services.enterprise_update(enterprise=enterprise, by=request.user, **fields),
        template="projects/enterprise_form.html",
        context={"enterprise": enterprise},
        next_url=lambda saved: reverse("projects:enterprise-detail", args=[saved.pk]),
        success=_("Enterprise “%(name)s” saved."),
    )
