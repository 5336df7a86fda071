"""Template tags every page shares: stage labels, money, dates, sortable headers, the form widgets' look.

Load with ``{% load ui %}``. Formatting lives here so a figure or a stage looks the same on every page.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms, template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from jinjin_crm.core.masking import mask_national_id, mask_phone

register = template.Library()

# One colour per stage or state code, whatever the record: a "signed" label is the same green on the
# ledger, the board, the detail page and the dashboard. Codes shared by several lifecycles (lead, signed)
# mean the same step in each, so they share the colour too. Tones are defined in static/css/app.css.
STAGE_TONES = {
    # projects
    "lead": "grey",
    "negotiating": "blue",
    "signed": "green",
    "started": "cyan",
    "operating": "teal",
    "at_capacity": "indigo",
    "terminated": "red",
    # talents
    "contacted": "blue",
    "intent": "gold",
    "onboarded": "teal",
    "lost": "red",
    # demands and other states
    "open": "green",
    "filled": "indigo",
    "expired": "grey",
    # matches
    "recommended": "grey",
    "interviewing": "gold",
    "hired": "green",
    "rejected": "red",
    # placement terms (科技副总)
    "upcoming": "grey",
    "active": "green",
    "ending": "gold",
    "completed": "indigo",
    "ended_early": "red",
    # background jobs
    "queued": "grey",
    "running": "blue",
    "succeeded": "green",
    "failed": "red",
    "skipped": "gold",
    # policies: a policy's status, an application's state, a service request's state, a fund movement,
    # and the calculator's verdict
    "draft": "grey",
    "repealed": "red",
    "submitted": "blue",
    "under_review": "gold",
    "approved": "green",
    "disbursed": "indigo",
    "withdrawn": "grey",
    "in_progress": "blue",
    "resolved": "indigo",
    "cancelled": "grey",
    "commit": "blue",
    "release": "grey",
    "disburse": "indigo",
    "eligible": "green",
    "not_eligible": "red",
}

WAN_PER_YI = Decimal("10000")  # 1 亿元 = 10,000 万元
TWO_PLACES = Decimal("0.01")


@register.simple_tag
def stage_badge(code, label=None):
    """A coloured label for a stage or state code:
    ``{% stage_badge project.stage project.get_stage_display %}``."""
    if not code:
        return ""
    tone = STAGE_TONES.get(str(code), "grey")
    return format_html(
        '<span class="badge stage-badge tone-{}" data-stage="{}">{}</span>', tone, code, label or code
    )


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _grouped(amount: Decimal, places: Decimal = TWO_PLACES) -> str:
    amount = amount.quantize(places, rounding=ROUND_HALF_UP)
    return f"{amount:,}"


@register.filter
def wan(value, empty="—"):
    """An amount in 万元 as a bare number with thousands separators and two decimals (the unit is in the
    column header): ``12345.5`` → ``12,345.50``. Empty values show a dash."""
    amount = _decimal(value)
    if amount is None:
        return empty
    return _grouped(amount)


@register.filter
def money(value, empty="—"):
    """An amount in 万元 with its unit, switching to 亿元 from 1 亿 up: ``3500`` → ``3,500.00 万元``,
    ``510000`` → ``51.00 亿元``."""
    amount = _decimal(value)
    if amount is None:
        return empty
    # Not f-strings: xgettext does not find messages inside them.
    if abs(amount) >= WAN_PER_YI:
        return _("%(amount)s 100M yuan") % {"amount": _grouped(amount / WAN_PER_YI)}
    return _("%(amount)s 10k yuan") % {"amount": _grouped(amount)}


# Policies keep money in yuan (元) to the fen; pages show it in 万元 like every other figure.
YUAN_PER_WAN = Decimal("10000")


@register.filter
def yuan_wan(value, empty="—"):
    """An amount in yuan shown as a bare 万元 number (``1234500`` → ``123.45``), for columns whose
    header carries the unit. Empty values show a dash."""
    amount = _decimal(value)
    if amount is None:
        return empty
    return _grouped(amount / YUAN_PER_WAN)


@register.filter
def yuan(value, empty="—"):
    """An amount in yuan to the fen with thousands separators: ``33333.3`` → ``33,333.30``."""
    amount = _decimal(value)
    if amount is None:
        return empty
    return _grouped(amount)


@register.filter
def yuan_money(value, empty="—"):
    """An amount in yuan with its unit, as ``money`` shows 万元 amounts (``1234500`` → ``123.45 万元``)."""
    amount = _decimal(value)
    if amount is None:
        return empty
    return money(amount / YUAN_PER_WAN, empty)


@register.filter
def ymd(value, empty="—"):
    """A date (or the local date of a datetime) as ``YYYY-MM-DD``."""
    if not value:
        return empty
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@register.filter
def ymdhm(value, empty="—"):
    """A datetime as local ``YYYY-MM-DD HH:MM``."""
    if not value:
        return empty
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return ymd(value, empty)


@register.filter
def intsep(value, empty="—"):
    """A whole number with thousands separators."""
    if value is None or value == "":
        return empty
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@register.simple_tag(takes_context=True)
def sort_header(context, field, label, css_class=""):
    """A column header that orders the list by ``field`` through the ``ordering`` parameter, keeping the
    other parameters; clicking again reverses the order. The first page is shown after a re-sort."""
    request = context["request"]
    current = request.GET.get("ordering", "")
    if current == field:
        target, arrow, state = f"-{field}", " ▲", "ascending"
    elif current == f"-{field}":
        target, arrow, state = field, " ▼", "descending"
    else:
        target, arrow, state = field, "", "none"
    params = request.GET.copy()
    params["ordering"] = target
    params.pop("page", None)
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a class="sort-link" href="?{}">{}{}</a></th>',
        css_class,
        state,
        params.urlencode(),
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def query_without(context, *names):
    """The current query string without the given parameters (and without ``page``), for links that
    change one thing and keep the filters."""
    params = context["request"].GET.copy()
    for name in (*names, "page"):
        params.pop(name, None)
    return params.urlencode()


@register.filter
def styled(bound_field):
    """Render a form field with Bootstrap's classes, marked invalid when it has errors."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
        widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)
    ):
        css = "form-select"
    elif isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        css = ""
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def getlist(query_dict, name):
    """All values of a repeated query parameter (``?park=SF&park=DG``), for marking selected options."""
    return query_dict.getlist(name) if hasattr(query_dict, "getlist") else []


@register.filter
def elided_pages(paginator, number):
    """Page numbers around the current one, with ellipses: 1 2 … 7 8 9 … 40 41."""
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.filter
def choice_list(bound_field):
    """A field's choices as a list: one query for a model choice field (the template's ``for`` would ask
    for the length first, costing a COUNT as well)."""
    return list(iter(bound_field.field.choices))


# --- Personal data and generic records ------------------------------------------------------------


@register.filter
def masked_phone(value):
    """A mobile as lists show it: ``138****5678``; a dash when there is none."""
    return mask_phone(value) or "—"


@register.filter
def masked_id(value):
    """An ID number as lists show it: ``5001**********1234``; a dash when there is none."""
    return mask_national_id(value) or "—"


# The detail page of each kind of record that can carry a timeline or a follow-up, by model label.
# Names, not imports: core does not depend on the apps; a URL an app has not added yet gives no link.
RECORD_DETAIL_URLS = {
    "projects.investmentproject": "projects:project-detail",
    "projects.enterprise": "projects:enterprise-detail",
    "projects.talentdemand": "projects:demand-detail",
    "talents.talent": "talents:talent-detail",
    "policies.policyapplication": "policies:application-detail",
}


@register.filter
def record_url(record) -> str:
    """The detail page of any record (a project, a talent …), or "" when it has none."""
    if record is None:
        return ""
    name = RECORD_DETAIL_URLS.get(record._meta.label_lower)
    if name is None:
        return ""
    try:
        return reverse(name, args=[record.pk])
    except NoReverseMatch:
        return ""


@register.filter
def record_kind(record) -> str:
    """What kind of record this is, in words: "talent", "investment project" …"""
    return str(record._meta.verbose_name) if record is not None else ""
