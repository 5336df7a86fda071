"""Catalogue pages: the current version grouped by park and industry, the versions and their diffs,
"compile now", and the .xlsx export. Thin: they read through the selectors and write through the
services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinjin_crm.core.excel_export import export_stream, xlsx_response
from jinjin_crm.core.pages import filters_in_use
from jinjin_crm.core.permissions import reader_required, writer_required

from .catalogue import selectors, services
from .catalogue.filters import CatalogueEntryFilter
from .exports import catalogue_workbook_write
from .models import CatalogueVersion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job_url(job) -> str | None:
    """The job's page, else the jobs list, if the site has them (they are built beside the catalogue)."""
    for name, args in (("job-detail", [job.pk]), ("jobs", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


@reader_required
@require_GET
def catalogue(request):
    version = selectors.catalogue_current()
    filterset = CatalogueEntryFilter(request.GET or None, queryset=CatalogueVersion.objects.none())
    context = {
        "version": version,
        "form": filterset.form,
        "filters_active": bool(filters_in_use(request, filterset)),
        "sections": [],
        "totals": {"lines": 0, "demands": 0, "headcount": 0},
    }
    if version is not None:
        entries = list(selectors.catalogue_entries(version=version, filters=request.GET))
        context["sections"] = selectors.catalogue_sections(entries)
        context["totals"] = selectors.entries_totals(entries)
    return render(request, "matching/catalogue.html", context)


@reader_required
@require_GET
def catalogue_versions(request):
    page = Paginator(selectors.catalogue_versions().select_related("job"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "matching/catalogue_versions.html", {"page": page, "rows": page.object_list})


@reader_required
@require_GET
def catalogue_version(request, number):
    version = get_object_or_404(CatalogueVersion, number=number)
    park_codes = set(request.GET.getlist("park")) or None
    return render(
        request,
        "matching/catalogue_version.html",
        {
            "version": version,
            "diff": selectors.version_diff_view(version=version, park_codes=park_codes),
            "is_current": version == selectors.catalogue_current(),
        },
    )


@writer_required
@require_POST
def catalogue_compile_now(request):
    job = services.catalogue_compile_request(by=request.user)
    jobs_url = _job_url(job)
    if jobs_url:
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("The catalogue is being compiled; a new version appears if the demands changed."),
                jobs_url,
                _("Follow the job"),
            ),
        )
    else:
        messages.success(
            request, _("The catalogue is being compiled; a new version appears if the demands changed.")
        )
    return redirect("matching:catalogue")


@reader_required
@require_GET
def catalogue_export(request):
    version = selectors.catalogue_current()
    if version is None:
        raise Http404(_("No catalogue has been compiled yet."))
    entries = list(selectors.catalogue_entries(version=version, filters=request.GET))
    stream = export_stream()
    catalogue_workbook_write(version=version, entries=entries, stream=stream)
    name = _("Demand catalogue v%(number)s") % {"number": version.number}
    return xlsx_response(stream, f"{name}-{timezone.localdate():%Y%m%d}.xlsx", private=False)
