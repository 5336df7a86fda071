"""Duplicates: the pairs to review side by side (masked), and the merge with a confirmation page that
shows both records and what will move before ``services.talent_merge`` runs."""

from django.apps import apps
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jinjin_crm.core.models import Activity, StageChange
from jinjin_crm.core.permissions import reader_required, writer_required

from .. import services
from ..forms import MergeForm
from ..models import Talent
from ..selectors import duplicate_pairs


@reader_required
@require_GET
def talent_duplicates_review(request):
    """Pairs that may be the same person, oldest record on the left. The pairs' records are loaded again
    in one query with everything a card shows, so the page does not query per pair."""
    pairs = duplicate_pairs()
    ids = {talent.pk for pair in pairs for talent in (pair.first, pair.second)}
    loaded = Talent.objects.for_list().in_bulk(ids)
    rows = [
        {
            "left": loaded[pair.first.pk],
            "right": loaded[pair.second.pk],
            "certain": pair.certain,
            "reason": pair.reason,
        }
        for pair in pairs
        if pair.first.pk in loaded and pair.second.pk in loaded
    ]
    return render(
        request,
        "talents/talent_duplicates.html",
        {"rows": rows, "can_write": request.user.can_write},
    )


def merge_preview(keep: Talent, drop: Talent) -> dict:
    """What a merge of ``drop`` into ``keep`` will do, counted before it runs: the rows that move (by kind)
    and the facts of ``keep`` that will be filled from ``drop``."""
    talent_type = ContentType.objects.get_for_model(Talent)
    moves = []
    for model in (Activity, StageChange):
        count = model.objects.filter(content_type=talent_type, object_id=drop.pk).count()
        if count:
            moves.append((model._meta.verbose_name_plural, count))
    for relation in Talent._meta.related_objects:
        if relation.many_to_many and not relation.through._meta.auto_created:
            continue  # counted through its own model (a team membership)
        if relation.many_to_many:
            count = relation.through.objects.filter(**{relation.field.m2m_reverse_field_name(): drop}).count()
        else:
            count = relation.related_model._base_manager.filter(**{relation.field.name: drop}).count()
        if count:
            moves.append((relation.related_model._meta.verbose_name_plural, count))
    fills = [
        Talent._meta.get_field(name).verbose_name
        for name in services.MERGE_FILLS
        if not getattr(keep, name) and getattr(drop, name)
    ]
    return {"moves": moves, "fills": fills}


def _moved_text(moved: dict) -> str:
    """``{"core.Activity": 3}`` → "3 activities, …" in words."""
    parts = []
    for label, count in moved.items():
        try:
            name = apps.get_model(label)._meta.verbose_name_plural
        except LookupError:
            name = label
        parts.append(f"{name} {count}")
    return "、".join(parts) or _("nothing besides the record itself")


@writer_required(read_only="talents:talent-duplicates")
def talent_merge_view(request):
    """GET ``?keep=&drop=`` shows the confirmation; POST merges and returns to the duplicates page with a
    message saying what moved and linking to the kept record."""
    form = MergeForm(request.POST or request.GET or None)
    if not form.is_valid():
        messages.error(request, _("Choose two existing records to merge."))
        return redirect("talents:talent-duplicates")
    keep, drop = form.cleaned_data["keep"], form.cleaned_data["drop"]
    error = None
    if request.method == "POST":
        try:
            merge = services.talent_merge(keep=keep, drop=drop, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                format_html(
                    '{} <a class="alert-link" href="{}">{}</a>',
                    _("Merged record #%(dropped)s into “%(name)s”; moved: %(moved)s.")
                    % {
                        "dropped": merge.dropped_id,
                        "name": merge.kept.name,
                        "moved": _moved_text(merge.moved),
                    },
                    reverse("talents:talent-detail", args=[merge.kept_id]),
                    _("Open the kept record"),
                ),
            )
            return redirect("talents:talent-duplicates")
    keep = Talent.objects.for_list().get(pk=keep.pk)
    drop = Talent.objects.for_list().get(pk=drop.pk)
    context = {
        "keep": keep,
        "drop": drop,
        "preview": merge_preview(keep, drop),
        "error": error,
        "same": keep.pk == drop.pk,
    }
    return render(request, "talents/talent_merge.html", context, status=400 if error else 200)
