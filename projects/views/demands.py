"""Talent demand pages: the list with its headcount total, the detail, and create/edit (an edit may also
change the status)."""

from django.db import transaction
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jinjin_crm.core.pages import KnownCountPaginator, list_context, page_size, save_form
from jinjin_crm.core.permissions import reader_required, writer_required
from jinjin_crm.core.sections import sections_for

from .. import services
from ..filters import DemandFilter
from ..forms import DemandForm
from ..models import TalentDemand


@reader_required
@require_GET
def demand_list(request):
    filterset = DemandFilter(request.GET, queryset=TalentDemand.objects.for_list())
    demands = filterset.qs
    totals = demands.order_by().aggregate(count=Count("id"), headcount=Sum("headcount"))
    page = KnownCountPaginator(demands, page_size(request), count=totals["count"]).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/demand_list.html", list_context(request, filterset, page, totals=totals))


@reader_required
@require_GET
def demand_detail(request, pk):
    demand = get_object_or_404(TalentDemand.objects.for_list().select_related("enterprise__park"), pk=pk)
    return render(
        request,
        "projects/demand_detail.html",
        {
            "demand": demand,
            "can_write": request.user.can_write,
            "record_sections": sections_for("projects.talentdemand"),
        },
    )


@writer_required(read_only="projects:demand-list")
def demand_create(request):
    initial = {}
    for name in ("enterprise", "project"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    form = DemandForm(request.POST or None, initial=initial)
    return save_form(
        request,
        form,
        lambda fields: services.demand_create(
            by=request.user, disciplines=form.cleaned_data["disciplines"], **fields
        ),
        template="projects/demand_form.html",
        context={},
        next_url=lambda demand: reverse("projects:demand-detail", args=[demand.pk]),
        success=_("Talent demand “%(name)s” saved."),
    )


@writer_required(read_only="projects:demand-detail")
def demand_edit(request, pk):
    demand = get_object_or_404(TalentDemand.objects.for_list(), pk=pk)
    form = DemandForm(request.POST or None, instance=demand)

    @transaction.atomic
    def save(fields):
        # The status first: closing an out-of-date demand and fixing its facts is one save.
        status = form.cleaned_data.get("status")
        if status and status != demand.status:
            services.demand_set_status(demand=demand, status=status, by=request.user)
        return services.demand_update(
            demand=demand, by=request.user, disciplines=form.cleaned_data["disciplines"], **fields
        )

    return save_form(
        request,
        form,
        save,
        template="projects/demand_form.html",
        context={"demand": demand},
        next_url=lambda saved: reverse("projects:demand-detail", args=[saved.pk]),
        success=_("Talent demand “%(name)s” saved."),
    )
