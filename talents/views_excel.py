"""Excel pages of the talents app: the export of the filtered list, the import with a preview and a
confirmation, and the import template. Reading, checking and writing live in ``importers``; workbooks
in ``exports``.

The import follows the projects import (a preview writes nothing; the confirmation checks the kept rows
again and writes all of them or none) and adds duplicates: the preview lists every row that may be a
person already known and says what will happen to it; the officer decides, for all flagged rows at
once, whether they are skipped (the default) or created anyway.
"""

import io

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jinjin_crm.core import excel_import
from jinjin_crm.core.excel_export import personal_data_export, xlsx_response
from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.permissions import reader_required, writer_required
from jinjin_crm.core.roles import Role

from . import exports, importers, selectors
from .filters import owners

# Rows of the upload shown in the preview, to check that the columns were understood.
PREVIEW_ROWS = 20
MASKS = {"id_number": mask_national_id, "phone": mask_phone}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


# --- Export -------------------------------------------------------------------------------------


@reader_required
@never_cache
@require_http_methods(["GET", "POST"])
def talent_export(request):
    """The list as filtered by the same query parameters as the list page, as .xlsx, masked.

    ``unmasked=1`` asks for ID numbers and mobiles in the clear: 403 without
    ``talents.view_personal_data``; with it, a ``reason`` (query or form) is required — without one
    the page asks for it — and the export is logged before the file is produced.
    """
    filters = request.GET.copy()
    for name in ("unmasked", "reason"):
        filters.pop(name, None)
    list_url = _list_url()

    def write(**how):
        queryset = selectors.talent_list(filters=request.GET)
        exports.talent_list_export(queryset=queryset, params=request.GET, by=request.user, **how)

    return personal_data_export(
        request,
        permission=exports.PERSONAL_DATA_PERMISSION,
        write=write,
        name=_("Talent list"),
        template="talents/excel/export_reason.html",
        # Cancel goes back to the list as it was filtered.
        context={"cancel_url": f"{list_url}?{filters.urlencode()}" if list_url else ""},
    )


@reader_required
@require_GET
def talent_import_template(request):
    # The example row names a real officer, so that it passes the import's checks as it is.
    officer = request.user if request.user.has_role(Role.OFFICER) else owners().first()
    stream = io.BytesIO()
    exports.import_template_write(stream=stream, officer=officer)
    return xlsx_response(stream, f"{_('Talent import template')}.xlsx")


# --- Import -------------------------------------------------------------------------------------


@writer_required(read_only="talents:talent-list")
@never_cache
@require_http_methods(["GET", "POST"])
def talent_import(request):
    """GET: the upload form. POST ``action=preview``: read and check the file, show every error and
    every possible duplicate, write nothing, and keep the rows for confirmation when there is no error.
    POST ``action=confirm``: check the kept rows again and write them all in one transaction, or
    nothing; flagged rows are created only with ``create_flagged``."""
    context = {
        "title": _("Import talents"),
        "template_url": reverse("talents:talent-import-template"),
        "list_url": _list_url(),
        "max_rows": importers.MAX_DATA_ROWS,
        "max_megabytes": importers.MAX_FILE_BYTES // (1024 * 1024),
        "required_headers": [column.header for column in importers.COLUMNS if column.required],
        "optional_headers": [column.header for column in importers.COLUMNS if not column.required],
    }
    if request.method == "GET":
        return render(request, "talents/excel/import.html", {**context, "form": UploadForm()})
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
        return render(request, "talents/excel/import.html", {**context, "form": form}, status=400)
    checked = importers.talents_check(rows=rows)
    token = importers.pending_rows_save(user=request.user, rows=rows) if checked.ok else None
    return _render_preview(
        request, context, rows=rows, checked=checked, token=token, filename=form.cleaned_data["file"].name
    )


def _flagged_posted(request) -> set[int]:
    return {int(part) for part in request.POST.get("flagged", "").split(",") if part.strip().isdigit()}


def _confirm(request, context: dict):
    rows = importers.pending_rows_take(user=request.user, token=request.POST.get("token", ""))
    if rows is None:
        messages.error(request, _("This preview has expired or was already imported; upload the file again."))
        return redirect(request.path)
    # Checked again: reference data or records may have changed since the preview.
    checked = importers.talents_check(rows=rows)
    if checked.ok and checked.flagged != _flagged_posted(request):
        # The officer decided on the rows the preview flagged; others are flagged now. Ask again.
        messages.warning(
            request,
            _(
                "Records were added or changed since the preview, so other rows are flagged now. Nothing was "
                "imported; check the flagged rows below and confirm again."
            ),
        )
        token = importers.pending_rows_save(user=request.user, rows=rows)
        return _render_preview(request, context, rows=rows, checked=checked, token=token, status=409)
    errors = checked.errors
    if not errors:
        try:
            result = importers.talents_commit(
                checked=checked, by=request.user, create_flagged=request.POST.get("create_flagged") == "1"
            )
        except importers.ImportRefused as exc:
            errors = exc.errors
    if errors:
        messages.error(request, _("Nothing was imported: the rows below need correcting first."))
        return _render_preview(
            request, context, rows=rows, checked=checked, token=None, errors=errors, status=409
        )
    text = ngettext("Imported %(count)d talent.", "Imported %(count)d talents.", result.created) % {
        "count": result.created
    }
    if result.skipped:
        text += " " + ngettext(
            "Skipped %(count)d possible duplicate (row %(rows)s).",
            "Skipped %(count)d possible duplicates (rows %(rows)s).",
            len(result.skipped),
        ) % {"count": len(result.skipped), "rows": "、".join(str(number) for number in result.skipped)}
    messages.success(request, text)
    return redirect(context["list_url"] or request.path)


def _render_preview(request, context, *, rows, checked, token, filename="", errors=None, status=200):
    errors = sorted(checked.errors if errors is None else errors, key=lambda error: error.row)
    error_rows = {error.row for error in errors}
    present = [column for column in importers.COLUMNS if column.key in rows[0][1]]
    flagged = checked.duplicates

    def shown(key, text):
        # The preview never shows an ID number or mobile in the clear, not even the officer's own upload.
        return MASKS[key](text) if key in MASKS else text

    sample = [
        {
            "number": number,
            "cells": [shown(column.key, texts.get(column.key, "")) for column in present],
            "outcome": "error" if number in error_rows else "flagged" if number in flagged else "create",
        }
        for number, texts in rows[:PREVIEW_ROWS]
    ]
    names = {number: texts.get("name", "") for number, texts in rows}
    duplicates = [
        {"number": number, "name": names.get(number, ""), "matches": matches}
        for number, matches in sorted(flagged.items())
    ]
    preview = {
        "filename": filename,
        "row_count": len(rows),
        "error_rows": len(error_rows),
        "errors": errors,
        "warnings": sorted(checked.warnings, key=lambda warning: warning.row),
        "headers": [column.header for column in present],
        "columns": excel_import.columns_report(rows=rows, columns=importers.COLUMNS),
        "sample": sample,
        "duplicates": duplicates,
        "flagged": ",".join(str(number) for number in sorted(flagged)),
        "flagged_count": len(flagged),
        "clean_count": len(rows) - len(flagged),
        "token": token,
    }
    return render(
        request,
        "talents/excel/import.html",
        {**context, "form": UploadForm(), "preview": preview},
        status=status,
    )


def _list_url() -> str | None:
    try:
        return reverse("talents:talent-list")
    except NoReverseMatch:
        return None
