"""A filter left blank means "no filter", on every list page and in the API.

A browser submits a filter form's selects left at 全部 as ``stage=&park=…``; each page here is asked
for its own filter form, which is submitted untouched the way a browser would, and must come back
without a field error. Also the campaigns' season choices, newest first."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urlencode

import django_filters
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jinjin_crm.core.filters import FilterSet, blanks_dropped
from tests import factories

pytestmark = pytest.mark.django_db

# Every page with a filter form (``<form method="get">``), by URL name.
LIST_PAGES = (
    "projects:project-list",
    "projects:project-board",
    "projects:enterprise-list",
    "projects:demand-list",
    "talents:talent-list",
    "talents:talent-board",
    "talents:team-list",
    "matching:catalogue",
    "matching:match-list",
    "campaigns:campaign-list",
    "campaigns:campaign-calendar",
    "campaigns:campaign-funnel",
    "campaigns:university-list",
    "campaigns:placement-list",
    "policies:policy-list",
    "policies:calculator",
    "policies:application-list",
    "policies:service-board",
    "jobs",
    "dashboard:home",
    "dashboard:ledger",
    "dashboard:ranking",
    "dashboard:scorecard",
    "dashboard:follow-through",
)

# What Django and the pages say about a value they refuse.
ERROR_TEXTS = ("is-invalid", "选择一个有效的选项", "不是一个有效的值", "invalid-feedback")

# Pages that are not an officer's list: the admin, the API, log-in and language switch, downloads.
NOT_PAGES = ("/admin/", "/api/", "/accounts/", "/i18n/", "/healthz")


class GetFormFields(HTMLParser):
    """The name/value pairs a browser sends when the first ``<form method="get">`` of a page is
    submitted untouched: text, search, date and number inputs as rendered, checked boxes, hidden
    inputs, and each select's selected option (else its first), multiple selects with none chosen
    sending nothing."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.names: list[str] = []
        self.action = None
        self._state = "before"  # before, inside, after the form
        self._select = None  # [name, multiple, options: [(value, selected)]]
        self._option = None  # [value or None, selected, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self._state == "before" and (attrs.get("method") or "").lower() == "get":
            self._state = "inside"
            self.action = attrs.get("action")
            return
        if self._state != "inside" or "disabled" in attrs or "form" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            self.names.append(name)
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.pairs.append((name, attrs.get("value") or "on"))
                return
            self.pairs.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.names.append(name)
            self.pairs.append((name, ""))
        elif tag == "select" and name:
            self.names.append(name)
            self._select = [name, "multiple" in attrs, []]
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if self._state != "inside":
            return
        if tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._select[2].append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not multiple and not chosen and options:
                chosen = [options[0][0]]
            self.pairs.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._state = "after"


def untouched_form(html: str) -> GetFormFields:
    parser = GetFormFields()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def records():
    """A few records of every kind, so each filter form lists its choices (seasons, batches, funds…)."""
    by = factories.officer(parks=[factories.park("SF")])
    project = factories.project(by=by)
    factories.demand(project_obj=project, by=by)
    factories.campaign(by=by)
    factories.placement(by=by)
    factories.policy_application(by=by)
    return by


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_an_untouched_filter_form_submits_without_errors(client, officer, records, url_name):
    client.force_login(officer)
    url = reverse(url_name)
    page = client.get(url)
    assert page.status_code == 200
    form = untouched_form(page.content.decode())
    assert form.names, f"{url} has no filter form"
    if isinstance(page.context.get("filter"), FilterSet):
        # A FilterSet's page sends its selects at 全部 as blanks: the case this test is about.
        assert any(value == "" for _name, value in form.pairs), f"{url} sends no blank value"

    response = client.get(f"{form.action or url}?{urlencode(form.pairs)}")

    assert response.status_code == 200
    html = response.content.decode()
    for text in ERROR_TEXTS:
        assert text not in html, f"{url}?{urlencode(form.pairs)} shows {text!r}"
    context_form = response.context.get("form") if response.context else None
    if context_form is not None and hasattr(context_form, "errors"):
        assert not context_form.errors


def test_blank_values_in_a_multi_valued_key_are_dropped_and_the_rest_kept(client, officer, records):
    client.force_login(officer)
    response = client.get(reverse("projects:project-list"), {"stage": ["", "lead"], "park": ["", "SF"]})
    assert response.status_code == 200
    assert "is-invalid" not in response.content.decode()
    assert response.context["filter"].form.cleaned_data["stage"] == ["lead"]
    assert [park.code for park in response.context["filter"].form.cleaned_data["park"]] == ["SF"]


def test_a_real_bad_value_is_still_reported(client, officer, records):
    client.force_login(officer)
    html = client.get(reverse("projects:project-list"), {"stage": "nonsense"}).content.decode()
    assert "is-invalid" in html
    assert "选择一个有效的选项" in html


def _pages_without_arguments(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if "<" in route or "(?P" in route:
            continue
        if isinstance(pattern, URLResolver):
            yield from _pages_without_arguments(pattern, route)
        elif isinstance(pattern, URLPattern):
            path = "/" + route.lstrip("^").rstrip("$")
            if not path.startswith(NOT_PAGES) and not path.endswith(".xlsx"):
                yield path


def test_every_page_with_a_filter_form_is_checked(client, officer, records):
    """A new list page joins ``LIST_PAGES``, so its blank form is submitted too."""
    client.force_login(officer)
    checked = {reverse(name) for name in LIST_PAGES}
    with_forms = set()
    for path in set(_pages_without_arguments()):
        response = client.get(path)
        if response.status_code == 200 and untouched_form(response.content.decode()).names:
            with_forms.add(path)
    assert with_forms - checked == set()
    assert len(with_forms) > 15


def test_a_campaigns_untouched_contact_filter_submits_without_errors(client, officer, records):
    from campaigns.models import Campaign

    client.force_login(officer)
    url = reverse("campaigns:campaign-detail", args=[Campaign.objects.get().pk])
    form = untouched_form(client.get(url).content.decode())
    assert ("search", "") in form.pairs
    response = client.get(f"{url}?{urlencode(form.pairs)}")
    assert response.status_code == 200
    assert "is-invalid" not in response.content.decode()


# --- The API --------------------------------------------------------------------------------------

API_BLANKS = (
    ("/api/v1/projects/", "stage=&park=&industry=&source=&kind=&officer=&signed_on_after=&ordering="),
    ("/api/v1/enterprises/", "park=&industry=&is_key="),
    ("/api/v1/demands/", "park=&status=&discipline=&min_degree=&tier=&industry=&candidates=&enterprise="),
    ("/api/v1/talents/", "stage=&tier=&degree=&discipline=&park=&owner=&source=&mode=&search="),
    ("/api/v1/campaigns/", "kind=&season=&university=&officer=&starts_on_before="),
    ("/api/v1/placements/", "batch=&park=&status=&grade="),
    ("/api/v1/policies/", "status=&series="),
    ("/api/v1/applications/", "state=&benefit=&kind=&fund=&owner=&park=&proposed_automatically="),
)


@pytest.mark.parametrize(("url", "blanks"), API_BLANKS)
def test_the_api_reads_blank_filters_as_none(api, officer, records, url, blanks):
    api.force_login(officer)
    unfiltered = api.get(url)
    assert unfiltered.status_code == 200
    response = api.get(f"{url}?{blanks}")
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == unfiltered.json()["count"] > 0


def test_the_api_keeps_the_values_beside_a_blank_one(api, officer, records):
    api.force_login(officer)
    assert api.get("/api/v1/projects/?stage=&stage=lead").json()["count"] == 1
    assert api.get("/api/v1/projects/?stage=&stage=signed").json()["count"] == 0


# --- The base FilterSet ---------------------------------------------------------------------------


def test_blanks_dropped_keeps_the_kind_of_mapping():
    from django.http import QueryDict

    query = QueryDict("stage=&stage=lead&park=&search=王&page=2")
    kept = blanks_dropped(query)
    assert isinstance(kept, QueryDict)
    assert dict(kept.lists()) == {"stage": ["lead"], "search": ["王"], "page": ["2"]}
    assert query.getlist("stage") == ["", "lead"]  # the request's own data is left alone
    assert blanks_dropped({"park": [""], "stage": ["", "lead"], "officer": "", "year": 2024}) == {
        "stage": ["lead"],
        "year": 2024,
    }
    assert blanks_dropped(None) is None


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_filterset_of_the_project_reads_blank_as_none():
    import jinjin_crm.matching.views_matches  # noqa: F401  (a FilterSet outside a filters module)

    ours = ("jinjin_crm.", "projects.", "talents.", "campaigns.", "policies.")
    found = [cls for cls in _subclasses(django_filters.FilterSet) if cls.__module__.startswith(ours)]
    assert len(found) > 15
    assert [cls for cls in found if not issubclass(cls, FilterSet)] == []


# --- Seasons --------------------------------------------------------------------------------------


def test_seasons_are_listed_newest_first_autumn_before_spring(officer):
    from campaigns.filters import seasons

    for day in ("2025-10-01", "2026-03-01", "2025-04-01", "2026-09-01", "2024-11-20"):
        factories.campaign(by=officer, starts_on=datetime.date.fromisoformat(day))
    assert [code for code, _label in seasons()] == [
        "2026-autumn",
        "2026-spring",
        "2025-autumn",
        "2025-spring",
        "2024-autumn",
    ]
    assert [label for _code, label in seasons()][:2] == ["2026年秋季", "2026年春季"]
