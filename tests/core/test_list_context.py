"""Which filters a list page counts as in use (for its "clear the filters" empty state)."""

import pytest
from django.core.paginator import Paginator
from django.test import RequestFactory

from jinjin_crm.core.pages import filters_in_use, list_context
from projects.filters import DemandFilter, EnterpriseFilter, ProjectFilter
from projects.models import Enterprise, InvestmentProject, TalentDemand
from talents.filters import TalentFilter
from talents.models import Talent


@pytest.mark.parametrize(
    ("cls", "model", "query", "expected"),
    [
        (ProjectFilter, InvestmentProject, "", []),
        (ProjectFilter, InvestmentProject, "page=2&page_size=50&ordering=-signed_on", []),
        (ProjectFilter, InvestmentProject, "search=&park=&signed_on_after=", []),
        (ProjectFilter, InvestmentProject, "signed_on_after=2024-01-01", ["signed_on"]),
        (ProjectFilter, InvestmentProject, "signed_on_before=2024-01-01", ["signed_on"]),
        (ProjectFilter, InvestmentProject, "park=&park=SF&stage=lead", ["park", "stage"]),
        (ProjectFilter, InvestmentProject, "investment_min=5&unknown=1", ["investment_min"]),
        (DemandFilter, TalentDemand, "valid_until_before=2025-01-01", ["valid_until"]),
        (EnterpriseFilter, Enterprise, "is_key=false", ["is_key"]),
        (TalentFilter, Talent, "search=张&ordering=name", ["search"]),
    ],
)
@pytest.mark.django_db
def test_filters_in_use(cls, model, query, expected):
    request = RequestFactory().get(f"/?{query}")
    filterset = cls(request.GET, queryset=model.objects.none())
    assert filters_in_use(request, filterset) == expected
    page = Paginator([], 20).get_page(1)
    assert list_context(request, filterset, page)["filters_active"] is bool(expected)
