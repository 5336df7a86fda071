"""Excel pages of the policies app: the export of the filtered application list and of a fund's
ledger. Workbooks are written in ``exports``; everyone who may read the pages may export them. The
files name talents and what they are paid: not kept by browsers or proxies."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jinjin_crm.core.excel_export import export_stream, xlsx_response
from jinjin_crm.core.permissions import reader_required

from . import exports, selectors
from .models import Fund


@reader_required
@require_GET
def application_export(request):
    """The applications as filtered by the same query parameters as the list page, as .xlsx."""
    queryset = selectors.application_list(filters=request.GET)
    stream = export_stream()
    exports.application_list_export(queryset=queryset, params=request.GET, stream=stream, by=request.user)
    return xlsx_response(stream, f"{_('Policy applications')}-{timezone.localdate():%Y%m%d}.xlsx")


@reader_required
@require_GET
def fund_movements_export(request, pk: int):
    """A fund's ledger with its figures, as .xlsx."""
    fund = get_object_or_404(Fund, pk=pk)
    stream = export_stream()
    exports.fund_movements_export(fund=fund, stream=stream, by=request.user)
    name = _("%(fund)s ledger") % {"fund": f"{fund.name}{fund.year}"}
    return xlsx_response(stream, f"{name}-{timezone.localdate():%Y%m%d}.xlsx")
