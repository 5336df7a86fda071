"""Sections later apps add to earlier apps' detail pages, without the earlier app naming them."""

import pytest
from django.urls import reverse

from jinjin_crm.core.sections import sections_for
from tests import factories


def test_later_apps_register_their_talent_sections_in_order():
    assert sections_for("talents.talent") == [
        "matching/_match_talent_section.html",
        "campaigns/_talent_campaigns_section.html",
        "policies/_entitlements_section.html",
    ]
    assert sections_for("projects.talentdemand") == ["matching/_match_demand_section.html"]
    assert sections_for("projects.investmentproject") == ["campaigns/_project_origin_section.html"]
    assert sections_for("projects.enterprise") == []


@pytest.mark.django_db
def test_the_talent_page_loads_each_registered_section(client, leader):
    talent = factories.talent()
    client.force_login(leader)
    body = client.get(reverse("talents:talent-detail", args=[talent.pk])).content.decode()
    urls = [
        reverse("matching:talent-fits", args=[talent.pk]),
        reverse("campaigns:talent-campaigns", args=[talent.pk]),
        reverse("policies:talent-entitlements", args=[talent.pk]),
    ]
    positions = [body.index(url) for url in urls]
    assert positions == sorted(positions)
