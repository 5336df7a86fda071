"""The weekly report pages: the reports kept, one report as a printable page, its .xlsx, and
"generate now". Every role reads them; officers and administrators generate (leaders get 403)."""

import datetime
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.excel_export import xlsx_response
from jinjin_crm.core.pages import PAGE_SIZES, page_size
from jinjin_crm.core.permissions import reader_required, writer_required

from .models import WeeklyReport
from .periods import WEEK, period_of
from .reports import week_label, weekly_report_display, weekly_report_generate


@reader_required
@require_GET
def report_list(request):
    # The list never loads a report's figures or its workbook.
    reports = WeeklyReport.objects.select_related("generated_by").defer("data", "workbook")
    page = Paginator(reports.order_by("-week_start", "-generated_at", "-id"), page_size(request)).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "dashboard/report_list.html",
        {
            "page": page,
            "rows": page.object_list,
            "page_sizes": PAGE_SIZES,
            "page_size": page.paginator.per_page,
            "today": timezone.localdate(),
        },
    )


@writer_required
@require_POST
def report_generate(request):
    """This week's report, or the week of the ``day`` posted (YYYY-MM-DD)."""
    text = (request.POST.get("day") or "").strip()
    try:
        day = datetime.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        messages.error(request, _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text})
        return redirect("dashboard:reports")
    try:
        report = weekly_report_generate(week=period_of(WEEK, day), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dashboard:reports")
    messages.success(
        request,
        _("The weekly report for %(week)s was generated. Print this page or download the workbook.")
        % {"week": week_label(report.week)},
    )
    return redirect("dashboard:report-detail", pk=report.pk)


@reader_required
@require_GET
def report_detail(request, pk):
    report = get_object_or_404(WeeklyReport.objects.select_related("generated_by").defer("workbook"), pk=pk)
    return render(
        request,
        "dashboard/report_detail.html",
        {"report": report, "data": weekly_report_display(report.data)},
    )


@reader_required
@require_GET
def report_download(request, pk):
    report = get_object_or_404(WeeklyReport.objects.only("pk", "week", "workbook"), pk=pk)
    # Names people (officers, talents): not kept by browsers or proxies.
    return xlsx_response(io.BytesIO(bytes(report.workbook)), f"{_('Weekly report')}-{report.week}.xlsx")
