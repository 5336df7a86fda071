"""The targets import (目标台账导入): upload, preview with every row's problems, confirm; and its
template workbook. Importing is for administrators, who set the targets; anyone with a role may
download the template, since officers and park staff fill in the sheets. The reading, checking and
writing live in ``importers``."""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from jinjin_crm.core import excel_import
from jinjin_crm.core.excel_export import xlsx_response
from jinjin_crm.core.permissions import reader_required
from jinjin_crm.core.roles import Role

from . import importers

# Rows of the upload shown in the preview, to check that the columns were understood.
PREVIEW_ROWS = 20
TEMPLATE = "dashboard/targets_import.html"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


def _is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.ADMIN)


@reader_required
@require_GET
def targets_template(request):
    stream = io.BytesIO()
    importers.import_template_write(stream=stream)
    # The code sheet lists the officers' names: not kept by browsers or proxies.
    return xlsx_response(stream, f"{_('Targets import template')}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def targets_import(request):
    """GET: the upload form. POST ``action=preview``: read and check the file, show every error,
    write nothing, and keep the rows for confirmation when there is none. POST ``action=confirm``:
    check the kept rows again and write them all in one transaction, or nothing."""
    if not _is_admin(request.user):
        raise PermissionDenied
    context = {
        "title": _("Import targets"),
        "template_url": reverse("dashboard:targets-template"),
        "ledger_url": reverse("dashboard:ledger"),
        "max_rows": importers.MAX_DATA_ROWS,
        "max_megabytes": importers.MAX_FILE_BYTES // (1024 * 1024),
        "required_headers": [column.header for column in importers.COLUMNS if column.required],
        "optional_headers": [column.header for column in importers.COLUMNS if not column.required],
    }
    if request.method == "GET":
        return render(request, TEMPLATE, {**context, "form": UploadForm()})
    if request.POST.get("action") == "confirm":
        return _confirm(request, context)
    return _preview(request, context)


def _preview(request, context: dict):
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rows = importers.workbook_read(file=form.cleaned_data["file"])
        except importers.ImportFileError as exc:
            form.add_error("file", exc.message)
    if not form.is_valid():
        return render(request, TEMPLATE, {**context, "form": form}, status=400)
    checked = importers.targets_check(rows=rows)
    token = importers.pending_save(user=request.user, kind=importers.KIND, rows=rows) if checked.ok else None
    return _render_preview(
        request, context, rows=rows, checked=checked, token=token, filename=form.cleaned_data["file"].name
    )


def _confirm(request, context: dict):
    rows = importers.pending_take(user=request.user, kind=importers.KIND, token=request.POST.get("token", ""))
    if rows is None:
        messages.error(request, _("This preview has expired or was already imported; upload the file again."))
        return redirect(request.path)
    # Checked again: parks, officers or targets may have changed since the preview.
    checked = importers.targets_check(rows=rows)
    if checked.ok:
        try:
            count = importers.targets_commit(rows=checked.rows, by=request.user)
        except importers.ImportRefused as exc:
            checked.errors = exc.errors
    if not checked.ok:
        messages.error(request, _("Nothing was imported: the rows below need correcting first."))
        return _render_preview(request, context, rows=rows, checked=checked, token=None, status=409)
    text = ngettext("Imported %(count)d target.", "Imported %(count)d targets.", count) % {"count": count}
    if checked.existing:
        text += " " + ngettext(
            "%(count)d of them replaced a target set before.",
            "%(count)d of them replaced targets set before.",
            checked.existing,
        ) % {"count": checked.existing}
    messages.success(request, text)
    return redirect(context["ledger_url"])


def _render_preview(request, context, *, rows, checked, token, filename="", status=200):
    errors = sorted(checked.errors, key=lambda error: error.row)
    present = [column for column in importers.COLUMNS if column.key in rows[0][1]]
    sample = [
        (number, [texts.get(column.key, "") for column in present]) for number, texts in rows[:PREVIEW_ROWS]
    ]
    preview = {
        "filename": filename,
        "row_count": len(rows),
        "error_rows": len({error.row for error in errors}),
        "errors": errors,
        "warnings": sorted(checked.warnings, key=lambda warning: warning.row) if not errors else [],
        "new_count": checked.new,
        "existing_count": checked.existing,
        "headers": [column.header for column in present],
        "columns": excel_import.columns_report(rows=rows, columns=importers.COLUMNS),
        "sample": sample,
        "token": token,
    }
    return render(request, TEMPLATE, {**context, "form": UploadForm(), "preview": preview}, status=status)
