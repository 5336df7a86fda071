"""The innovation teams list (创新团队): talent-led teams with their host enterprise, park, mode and
members. Read-only; the dashboard's "talent-led teams" figure links here with its period and park
(``?introduced_on_after=…&introduced_on_before=…&park=SF``)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jinjin_crm.core.pages import list_context, page_size
from jinjin_crm.core.permissions import reader_required

from .. import selectors
from ..filters import TeamFilter


@reader_required
@require_GET
def team_list(request):
    """The filtered list: a COUNT and one query for the page's rows (leader, host enterprise, park and
    member count included), whatever the page size."""
    filterset = TeamFilter(request.GET, queryset=selectors.team_list())
    page = Paginator(filterset.qs, page_size(request)).get_page(request.GET.get("page"))
    return render(request, "talents/team_list.html", list_context(request, filterset, page))
