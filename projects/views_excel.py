"""Excel pages of the projects app: the ledger export, imports with a preview and a confirmation, and
the import templates. The reading, checking and writing live in ``importers``; workbooks in ``exports``."""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from jinjin_crm.core import excel_import
from jinjin_crm.core.excel_export import export_stream, xlsx_response
from jinjin_crm.core.roles import Role

from . import exports, importers, selectors
from .filters import officers

# Rows of the upload shown in the preview, to check that the columns were understood.
PREVIEW_ROWS = 20

IMPORT_TITLES = {
    "projects": gettext_lazy("Import projects"),
    "enterprises": gettext_lazy("Import enterprises"),
}
LIST_URLS = {"projects": "projects:project-list", "enterprises": "projects:enterprise-list"}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


def _require_role(user) -> None:
    """Anyone who holds a role may read and export; an account without one sees nothing."""
    if not (user.is_superuser or user.role_codes):
        raise PermissionDenied


@login_required
@require_GET
def project_export(request):
    """The ledger as filtered by the same query parameters as the ledger page, as .xlsx."""
    _require_role(request.user)
    queryset = selectors.project_list(filters=request.GET)
    stream = export_stream()
    exports.project_ledger_write(queryset=queryset, params=request.GET, stream=stream, by=request.user)
    # Company and project data, no personal data: browsers may keep the file as they usually do.
    return xlsx_response(stream, f"{_('Project ledger')}-{timezone.localdate():%Y%m%d}.xlsx", private=False)


@login_required
@require_GET
def import_template(request, kind: str):
    if kind not in importers.COLUMNS:
        raise Http404
    _require_role(request.user)
    # The example row names a real officer, so that it passes the import's checks as it is.
    officer = request.user if request.user.has_role(Role.OFFICER) else officers().first()
    stream = io.BytesIO()
    exports.import_template_write(kind=kind, stream=stream, officer=officer)
    name = _("Project import template") if kind == "projects" else _("Enterprise import template")
    return xlsx_response(stream, f"{name}.xlsx", private=False)


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request):
    return _import(request, "projects")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    return _import(request, "enterprises")


def _import(request, kind: str):
    """GET: the upload form. POST ``action=preview``: read and check the file, show every error, write
    nothing, and keep the rows for confirmation when there is none. POST ``action=confirm``: check the
    kept rows again and write them all in one transaction, or nothing."""
    if not request.user.can_write:
        raise PermissionDenied
    context = {
        "kind": kind,
        "title": IMPORT_TITLES[kind],
        "template_url": reverse("projects:import-template", args=[kind]),
        "list_url": _list_url(kind),
        "max_rows": importers.MAX_DATA_ROWS,
        "max_megabytes": importers.MAX_FILE_BYTES // (1024 * 1024),
        "required_headers": [column.header for column in importers.COLUMNS[kind] if column.required],
        "optional_headers": [column.header for column in importers.COLUMNS[kind] if not column.required],
    }
    if request.method == "GET":
        return render(request, "projects/excel/import.html", {**context, "form": UploadForm()})
    if request.POST.get("action") == "confirm":
        return _confirm(request, kind, context)
    return _preview(request, kind, context)


def _preview(request, kind: str, context: dict):
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rows = importers.workbook_read(file=form.cleaned_data["file"], columns=importers.COLUMNS[kind])
        except importers.ImportFileError as exc:
            form.add_error("file", exc.message)
    if not form.is_valid():
        return render(request, "projects/excel/import.html", {**context, "form": form}, status=400)
    checked = importers.CHECKS[kind](rows=rows)
    token = importers.pending_save(user=request.user, kind=kind, rows=rows) if checked.ok else None
    return _render_preview(
        request,
        kind,
        context,
        rows=rows,
        errors=checked.errors,
        token=token,
        filename=form.cleaned_data["file"].name,
    )


def _confirm(request, kind: str, context: dict):
    rows = importers.pending_take(user=request.user, kind=kind, token=request.POST.get("token", ""))
    if rows is None:
        messages.error(request, _("This preview has expired or was already imported; upload the file again."))
        return redirect(request.path)
    # Checked again: reference data or records may have changed since the preview.
    checked = importers.CHECKS[kind](rows=rows)
    errors = checked.errors
    if not errors:
        try:
            count = importers.COMMITS[kind](rows=checked.rows, by=request.user)
        except importers.ImportRefused as exc:
            errors = exc.errors
    if errors:
        messages.error(request, _("Nothing was imported: the rows below need correcting first."))
        return _render_preview(request, kind, context, rows=rows, errors=errors, token=None, status=409)
    if kind == "projects":
        text = ngettext("Imported %(count)d project.", "Imported %(count)d projects.", count)
    else:
        text = ngettext("Imported %(count)d enterprise.", "Imported %(count)d enterprises.", count)
    messages.success(request, text % {"count": count})
    return redirect(context["list_url"] or request.path)


def _render_preview(request, kind, context, *, rows, errors, token, filename="", status=200):
    errors = sorted(errors, key=lambda error: error.row)
    present = [column for column in importers.COLUMNS[kind] if column.key in rows[0][1]]
    sample = [
        (number, [texts.get(column.key, "") for column in present]) for number, texts in rows[:PREVIEW_ROWS]
    ]
    preview = {
        "filename": filename,
        "row_count": len(rows),
        "error_rows": len({error.row for error in errors}),
        "errors": errors,
        "headers": [column.header for column in present],
        "columns": excel_import.columns_report(rows=rows, columns=importers.COLUMNS[kind]),
        "sample": sample,
        "token": token,
    }
    return render(
        request,
        "projects/excel/import.html",
        {**context, "form": UploadForm(), "preview": preview},
        status=status,
    )


def _list_url(kind: str) -> str | None:
    try:
        return reverse(LIST_URLS[kind])
    except NoReverseMatch:
        return None
