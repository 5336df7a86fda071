"""Excel pages of the campaigns app: a campaign's sign-in sheet import (preview, then confirmation),
its blank template, and the exports of the campaign list, a campaign's contacts and the placements.
Reading, checking and writing live in ``importers``; workbooks in ``exports``.

The import follows the talents import: a preview writes nothing and says, row by row, which talent
on record each person is (and why) or that they will be a new lead; the confirmation checks the kept
rows again and writes all of them or none. If a row would now link elsewhere than the officer saw,
the preview is shown again instead.
"""

import io

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jinjin_crm.core import excel_import
from jinjin_crm.core.excel_export import export_stream, personal_data_export, xlsx_response
from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.permissions import reader_required, writer_required

from . import exports, importers, selectors
from .filters import ContactFilter
from .models import Campaign

# Rows of the upload listed in the preview with what will happen to each.
PREVIEW_ROWS = 500
MASKS = {"id_number": mask_national_id, "phone": mask_phone}
# The cells of a row the preview lists beside what will happen to it.
PREVIEW_KEYS = ("name", "phone", "university", "degree", "outcome")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


def _campaign_url(campaign: Campaign) -> str:
    return reverse("campaigns:campaign-detail", args=[campaign.pk])


def _campaign(pk) -> Campaign:
    return get_object_or_404(Campaign.objects.for_list(), pk=pk)


# --- Exports ------------------------------------------------------------------------------------


@reader_required
@never_cache
@require_GET
def campaign_export(request):
    """The campaign list as filtered by the same query parameters as the list page, with the funnel."""
    queryset = selectors.campaign_list(filters=request.GET)
    stream = export_stream()
    exports.campaign_list_write(queryset=queryset, params=request.GET, stream=stream, by=request.user)
    return xlsx_response(stream, f"{_('Campaigns')}-{timezone.localdate():%Y%m%d}.xlsx")


@reader_required
@never_cache
@require_GET
def placement_export(request):
    """The placements as filtered by the same query parameters as the placements page."""
    queryset = selectors.placement_list(filters=request.GET)
    stream = export_stream()
    exports.placement_list_write(queryset=queryset, params=request.GET, stream=stream, by=request.user)
    return xlsx_response(stream, f"{_('Placements')}-{timezone.localdate():%Y%m%d}.xlsx")


@reader_required
@never_cache
@require_http_methods(["GET", "POST"])
def contact_export(request, pk):
    """A campaign's contacts, filtered as on its page, masked.

    ``unmasked=1`` asks for ID numbers and mobiles in the clear: 403 without
    ``talents.view_personal_data``; with it, a ``reason`` (query or form) is required — without one
    the page asks for it — and the export is logged before the file is produced.
    """
    campaign = _campaign(pk)

    def write(**how):
        queryset = ContactFilter(request.GET, queryset=selectors.campaign_contacts(campaign)).qs
        exports.contact_list_export(
            campaign=campaign, queryset=queryset, params=request.GET, by=request.user, **how
        )

    return personal_data_export(
        request,
        permission=exports.PERSONAL_DATA_PERMISSION,
        write=write,
        name=_("Contacts of %(campaign)s") % {"campaign": campaign.title},
        template="campaigns/excel/export_reason.html",
        context={"campaign": campaign, "cancel_url": _campaign_url(campaign)},
    )


@reader_required
@require_GET
def contact_import_template(request):
    stream = io.BytesIO()
    exports.import_template_write(stream=stream)
    return xlsx_response(stream, f"{_('Sign-in sheet template')}.xlsx")


# --- Import -------------------------------------------------------------------------------------


@writer_required(read_only="campaigns:campaign-detail")
@never_cache
@require_http_methods(["GET", "POST"])
def contact_import(request, pk):
    """GET: the upload form. POST ``action=preview``: read and check the sheet, show every error and
    what each row will become, write nothing, and keep the rows for confirmation when there is no
    error. POST ``action=confirm``: check the kept rows again and write them all in one transaction,
    or nothing."""
    campaign = _campaign(pk)
    context = {
        "campaign": campaign,
        "title": _("Import the sign-in sheet"),
        "campaign_url": _campaign_url(campaign),
        "template_url": reverse("campaigns:contact-import-template"),
        "max_rows": importers.MAX_DATA_ROWS,
        "max_megabytes": importers.MAX_FILE_BYTES // (1024 * 1024),
        "required_headers": [column.header for column in importers.COLUMNS if column.required],
        "optional_headers": [column.header for column in importers.COLUMNS if not column.required],
    }
    if request.method == "GET":
        return render(request, "campaigns/excel/import.html", {**context, "form": UploadForm()})
    if request.POST.get("action") == "confirm":
        return _confirm(request, campaign, context)
    return _preview(request, campaign, context)


def _preview(request, campaign: Campaign, context: dict):
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rows = importers.workbook_read(file=form.cleaned_data["file"])
            checked = importers.contacts_check(campaign=campaign, rows=rows)
        except importers.ImportFileError as exc:
            form.add_error("file", exc.message)
    if not form.is_valid():
        return render(request, "campaigns/excel/import.html", {**context, "form": form}, status=400)
    token = (
        importers.pending_rows_save(user=request.user, campaign=campaign, rows=rows) if checked.ok else None
    )
    return _render_preview(
        request, context, rows=rows, checked=checked, token=token, filename=form.cleaned_data["file"].name
    )


def _confirm(request, campaign: Campaign, context: dict):
    rows = importers.pending_rows_take(
        user=request.user, campaign=campaign, token=request.POST.get("token", "")
    )
    if rows is None:
        messages.error(request, _("This preview has expired or was already imported; upload the file again."))
        return redirect(request.path)
    try:
        # Checked again: records may have been added, merged or recorded on the campaign meanwhile.
        checked = importers.contacts_check(campaign=campaign, rows=rows)
    except importers.ImportFileError as exc:
        messages.error(request, exc.message)
        return redirect(request.path)
    if checked.ok and importers.plan_signature(checked) != request.POST.get("plan", ""):
        messages.warning(
            request,
            _(
                "Records were added or changed since the preview, so some rows now link to other talents. "
                "Nothing was imported; check the rows below and confirm again."
            ),
        )
        token = importers.pending_rows_save(user=request.user, campaign=campaign, rows=rows)
        return _render_preview(request, context, rows=rows, checked=checked, token=token, status=409)
    errors = checked.errors
    if not errors:
        try:
            result = importers.contacts_commit(campaign=campaign, checked=checked, by=request.user)
        except importers.ImportRefused as exc:
            errors = exc.errors
    if errors:
        messages.error(request, _("Nothing was imported: the rows below need correcting first."))
        return _render_preview(
            request, context, rows=rows, checked=checked, token=None, errors=errors, status=409
        )
    messages.success(
        request,
        ngettext(
            "Recorded %(count)d person met: %(linked)d linked to talents on record, %(created)d new leads.",
            "Recorded %(count)d people met: %(linked)d linked to talents on record, %(created)d new leads.",
            result.contacts,
        )
        % {"count": result.contacts, "linked": result.linked, "created": result.created},
    )
    return redirect(context["campaign_url"])


def _render_preview(request, context, *, rows, checked, token, filename="", errors=None, status=200):
    errors = sorted(checked.errors if errors is None else errors, key=lambda error: error.row)
    error_rows = {error.row for error in errors}
    present = [importers.HEADERS[key] for key in PREVIEW_KEYS if key in rows[0][1]]

    def shown(key, text):
        # The preview never shows an ID number or mobile in the clear, not even the officer's own upload.
        return MASKS[key](text) if key in MASKS else text

    listed = [
        {
            "number": number,
            "cells": [shown(column.key, texts.get(column.key, "")) for column in present],
            "outcome": "error" if number in error_rows else "link" if checked.plans[number].links else "new",
            "plan": checked.plans.get(number),
        }
        for number, texts in rows[:PREVIEW_ROWS]
    ]
    preview = {
        "filename": filename,
        "row_count": len(rows),
        "linked_count": checked.linked,
        "new_count": checked.new,
        "error_rows": len(error_rows),
        "errors": errors,
        "warnings": sorted(checked.warnings, key=lambda warning: warning.row),
        "headers": [column.header for column in present],
        "columns": excel_import.columns_report(rows=rows, columns=importers.COLUMNS),
        "rows": listed,
        "truncated": len(rows) > PREVIEW_ROWS,
        "plan": importers.plan_signature(checked),
        "token": token,
    }
    return render(
        request,
        "campaigns/excel/import.html",
        {**context, "form": UploadForm(), "preview": preview},
        status=status,
    )
