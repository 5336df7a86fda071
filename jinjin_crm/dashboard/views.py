"""Leadership pages: the dashboard, the targets ledger, the park ranking, the officer scorecard and
the follow-through of investment by talent work. Every role may read them; they write nothing."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from jinjin_crm.core.permissions import reader_required


@reader_required
@require_GET
def dashboard(request):
    return HttpResponse("")


targets_ledger = targets_ledger_export = park_ranking = officer_scorecard = follow_through = dashboard
