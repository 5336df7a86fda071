"""Excel pages of the policies app: the export of the filtered application list and of a fund's
ledger. Workbooks are written in ``exports``; everyone who may read the pages may export them."""

import tempfile

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jinjin_crm.core.permissions import reader_required

from . import exports, selectors
from .models import Fund

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The export is built in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def _xlsx_response(stream, filename: str) -> FileResponse:
    stream.seek(0)
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)
    # Names of talents and what they are paid: not kept by browsers or proxies.
    response["Cache-Control"] = "no-store"
    return response


@reader_required
@require_GET
def application_export(request):
    """The applications as filtered by the same query parameters as the list page, as .xlsx."""
    queryset = selectors.application_list(filters=request.GET)
    # FileResponse closes the file once it is sent, so no context manager here.
    stream = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    exports.application_list_export(queryset=queryset, params=request.GET, stream=stream, by=request.user)
    return _xlsx_response(stream, f"{_('Policy applications')}-{timezone.localdate():%Y%m%d}.xlsx")


@reader_required
@require_GET
def fund_movements_export(request, pk: int):
    """A fund's ledger with its figures, as .xlsx."""
    fund = get_object_or_404(Fund, pk=pk)
    stream = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    exports.fund_movements_export(fund=fund, stream=stream, by=request.user)
    name = _("%(fund)s ledger") % {"fund": f"{fund.name}{fund.year}"}
    return _xlsx_response(stream, f"{name}-{timezone.localdate():%Y%m%d}.xlsx")
