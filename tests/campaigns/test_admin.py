"""The admin adds universities and placement batches through the services and only shows campaigns,
contacts and placements, which change through the pages, imports and API."""

import datetime

import pytest
from django.urls import reverse

from campaigns.models import PlacementBatch, University
from campaigns.services import contact_record, partnership_record, placement_outcome_record
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(factories.admin())
    return client


# The agreements inline is read-only, but its management form is posted with the page.
NO_PARTNERSHIPS = {"partnerships-TOTAL_FORMS": "0", "partnerships-INITIAL_FORMS": "0"}


def test_a_university_is_added_and_renamed_through_the_services(admin_client):
    data = {"name": " 重庆大学 ", "city": "重庆", "kind": "first_class", "notes": "", **NO_PARTNERSHIPS}
    response = admin_client.post(reverse("admin:campaigns_university_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    university = University.objects.get()
    assert university.name == "重庆大学"  # stripped by the service

    data["name"] = "重庆大学（虎溪校区）"
    response = admin_client.post(reverse("admin:campaigns_university_change", args=[university.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    university.refresh_from_db()
    assert university.name == "重庆大学（虎溪校区）"


def test_a_second_university_of_the_same_name_is_a_form_error(admin_client):
    factories.university("南开大学")
    data = {"name": "南开大学", "city": "天津", "kind": "first_class", "notes": "", **NO_PARTNERSHIPS}
    response = admin_client.post(reverse("admin:campaigns_university_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"]
    assert University.objects.count() == 1


def test_a_batch_is_added_once_and_then_only_shown(admin_client):
    data = {"number": "5", "announced_on": "2025-05-20", "notes": "第五批"}
    response = admin_client.post(reverse("admin:campaigns_placementbatch_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = PlacementBatch.objects.get(number=5)
    assert batch.announced_on == datetime.date(2025, 5, 20)

    response = admin_client.post(
        reverse("admin:campaigns_placementbatch_change", args=[batch.pk]), {**data, "number": "6"}
    )
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.number == 5


def test_campaigns_contacts_and_placements_are_read_only(admin_client):
    university = factories.university("北京理工大学", city="北京")
    partnership_record(university=university, title="战略合作协议", signed_on=datetime.date(2023, 6, 9))
    campaign = factories.campaign(university=university)
    contact = contact_record(campaign=campaign, talent=factories.talent(), by=campaign.lead_officer)
    placement = factories.placement()
    placement_outcome_record(
        placement=placement,
        kind="patent",
        title="一种机器视觉检测装置",
        achieved_on=datetime.date(2024, 9, 1),
        by=None,
    )
    pages = [
        reverse("admin:campaigns_university_change", args=[university.pk]),
        reverse("admin:campaigns_campaign_changelist"),
        reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        reverse("admin:campaigns_contact_changelist"),
        reverse("admin:campaigns_contact_change", args=[contact.pk]),
        reverse("admin:campaigns_placement_changelist"),
        reverse("admin:campaigns_placement_change", args=[placement.pk]),
        reverse("admin:campaigns_placementbatch_changelist"),
        reverse("admin:campaigns_university_changelist"),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page
    for name in ("campaign", "contact", "placement"):
        assert admin_client.get(reverse(f"admin:campaigns_{name}_add")).status_code == 403, name
    response = admin_client.post(
        reverse("admin:campaigns_campaign_change", args=[campaign.pk]), {"title": "改名"}
    )
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.title != "改名"
