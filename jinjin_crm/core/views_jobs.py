"""The jobs page: background job runs with their state, counts, errors and live progress.

Every role may look: a leader wondering why the catalogue is a day old should see that last night's
compile failed. Unfinished runs poll ``job-progress`` every two seconds; the answer for a finished run no
longer asks to be polled, so the polling stops by itself.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors
from .filters import JobFilter
from .jobs import for_display
from .pages import list_context, page_size
from .permissions import reader_required

# The pieces of a run's row (and detail page) that change while it runs; ``core/_job_live.html`` draws each.
LIVE_PARTS = ("state", "started", "finished", "duration", "outcome")


@reader_required
@require_GET
def job_list(request):
    filterset = JobFilter(request.GET, queryset=selectors.job_queryset())
    page = Paginator(filterset.qs, page_size(request)).get_page(request.GET.get("page"))
    page.object_list = for_display(page.object_list)
    return render(request, "core/jobs.html", list_context(request, filterset, page))


@reader_required
@require_GET
def job_detail(request, pk):
    (job,) = for_display([selectors.job_get(pk=pk)])
    return render(request, "core/jobs_detail.html", {"job": job})


@never_cache
@reader_required
@require_GET
def job_progress(request, pk):
    """The progress bar of one run, with its state, finish time, duration and counts swapped in beside it
    (htmx out-of-band), so a row or a detail page catches up when the run ends."""
    (job,) = for_display([selectors.job_get(pk=pk)])
    return render(request, "core/jobs_progress.html", {"job": job, "live_parts": LIVE_PARTS})
