"""Excel exports of the campaigns app: the campaign list with its funnel and yields, a campaign's
contacts (masked, or in the clear with permission, reason and log), and the placements."""

import datetime
import io
import itertools
import zipfile
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from campaigns import exports, services
from campaigns.models import Campaign, Outcome, Placement
from jinjin_crm.core.models import Degree, PersonalDataAccess
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 4, 10)
HEADER_ROW = exports.HEADER_ROW
_phones = itertools.count(1)


def header(msgid: str) -> str:
    """A column's header as the export writes it, in the interface language of the requests."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def workbook(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(response.streaming_content)


def rows(content: bytes):
    """(sheet, headers, data rows, totals row) of the first sheet."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = values[HEADER_ROW - 1]
    return sheet, headers, values[HEADER_ROW:-1], values[-1]


def xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def grant_personal_data(user):
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def degree(code):
    return Degree.objects.get(code=code)


def meet(campaign, officer, *outcomes, degree_code="MASTER"):
    """One contact per outcome, each a fresh talent with a mobile."""
    contacts = []
    for outcome in outcomes:
        talent = factories.talent(by=officer, phone=f"1371{next(_phones):07d}")
        contacts.append(
            services.contact_record(
                campaign=campaign, talent=talent, by=officer, outcome=outcome, degree=degree(degree_code)
            )
        )
    return contacts


# --- Campaigns ------------------------------------------------------------------------------------


def test_campaign_export_holds_the_filtered_campaigns_with_funnel_yield_and_totals(officer_client, officer):
    visit = factories.campaign(by=officer, title="南开大学春季引才", starts_on=START)
    meet(visit, officer, Outcome.CONSULTED, Outcome.CONSULTED, Outcome.INTENT, Outcome.SIGNED)
    meet(visit, officer, Outcome.INTENT, degree_code="BACHELOR")
    trip = factories.campaign(by=officer, kind="promotion_trip", title="成都招商推介", starts_on=START)
    signed = factories.project(stage="signed", agreed_investment=Decimal("510000.00"))
    services.campaign_project_link(campaign=trip, project=signed, by=officer)
    services.campaign_project_link(campaign=trip, project=factories.project(), by=officer)
    factories.campaign(by=officer, kind="job_fair", title="津鹰人才荟招聘会", starts_on=START)

    params = {"kind": ["university_visit", "promotion_trip"]}
    sheet, headers, data, totals = rows(
        workbook(officer_client.get(reverse("campaigns:campaign-export"), params, True))
    )

    by_title = {row[headers.index(str(Campaign._meta.get_field("title").verbose_name))]: row for row in data}
    assert set(by_title) == {"南开大学春季引才", "成都招商推介"}

    def column(msgid):
        return headers.index(header(msgid))

    funnel = [column(msgid) for _name, msgid in exports.FUNNEL_COLUMNS]
    assert [by_title["南开大学春季引才"][index] for index in funnel] == [5, 3, 2, 1, 0]
    assert [by_title["成都招商推介"][index] for index in funnel] == [0, 0, 0, 0, 0]
    trip_columns = [column(msgid) for _name, msgid, _kind in exports.YIELD_COLUMNS]
    assert [by_title["成都招商推介"][index] for index in trip_columns] == [2, 1, 510000]
    assert [by_title["南开大学春季引才"][index] for index in trip_columns] == [None, None, None]
    # The totals row: the number of campaigns, the funnel and the yield summed.
    assert totals[1] == 2
    assert [totals[index] for index in funnel] == [5, 3, 2, 1, 0]
    assert [totals[index] for index in trip_columns] == [2, 1, 510000]
    assert "津鹰人才荟" not in xml(
        workbook(officer_client.get(reverse("campaigns:campaign-export"), params, True))
    )
    # The filters line names the kinds chosen.
    assert sheet.cell(row=2, column=1).value.count("、") == 1


def test_campaign_export_runs_the_same_queries_for_5_and_50_campaigns(officer_client, officer):
    def count_queries(total):
        Campaign.objects.all().delete()
        for index in range(total):
            kind = "promotion_trip" if index % 2 else "university_visit"
            campaign = factories.campaign(by=officer, kind=kind, starts_on=START)
            if index % 2:
                services.campaign_project_link(campaign=campaign, project=factories.project(), by=officer)
        with CaptureQueriesContext(connection) as queries:
            _sheet, _headers, data, _totals = rows(
                workbook(officer_client.get(reverse("campaigns:campaign-export")))
            )
        assert len(data) == total
        return len(queries)

    assert count_queries(5) == count_queries(50)


def test_leaders_may_export_and_anonymous_users_are_sent_to_log_in(client, leader):
    assert client.get(reverse("campaigns:campaign-export")).status_code == 302
    assert client.get(reverse("campaigns:placement-export")).status_code == 302
    client.force_login(leader)
    workbook(client.get(reverse("campaigns:campaign-export")))
    workbook(client.get(reverse("campaigns:placement-export")))


# --- Contacts -------------------------------------------------------------------------------------


def contact_url(campaign):
    return reverse("campaigns:contact-export", args=[campaign.pk])


@pytest.fixture
def campaign(officer):
    return factories.campaign(by=officer, title="北京理工大学引才", starts_on=START)


def test_contact_export_is_masked_everywhere_and_filtered_like_the_page(officer_client, officer, campaign):
    contacts = meet(campaign, officer, Outcome.CONSULTED, Outcome.INTENT, Outcome.SIGNED)
    talent = contacts[0].talent
    factories.talent(by=officer)  # not met on this campaign

    content = workbook(officer_client.get(contact_url(campaign)))

    text = xml(content)
    for contact in contacts:
        assert contact.talent.phone not in text
    _sheet, headers, data, totals = rows(content)
    phones = {row[headers.index(exports.HEADERS["phone"].header)] for row in data}
    assert phones == {c.talent.phone[:3] + "****" + c.talent.phone[-4:] for c in contacts}
    assert totals[1] == 3
    assert {row[headers.index(exports.HEADERS["name"].header)] for row in data} == {
        c.talent.name for c in contacts
    }
    assert not PersonalDataAccess.objects.exists()

    _sheet, headers, data, _totals = rows(
        workbook(officer_client.get(contact_url(campaign), {"outcome": "signed"}))
    )
    assert [row[headers.index(exports.HEADERS["name"].header)] for row in data] == [contacts[2].talent.name]
    assert talent.name not in [row[1] for row in data]


def test_unmasked_contact_export_needs_the_permission(officer_client, officer, campaign):
    meet(campaign, officer, Outcome.CONSULTED)
    response = officer_client.get(contact_url(campaign), {"unmasked": "1", "reason": "核对"})
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_unmasked_contact_export_asks_for_a_reason(client, officer, campaign):
    client.force_login(grant_personal_data(officer))
    meet(campaign, officer, Outcome.CONSULTED)
    response = client.get(contact_url(campaign), {"unmasked": "1"})
    assert response.status_code == 200
    assert b"data-export-reason-form" in response.content
    assert client.post(f"{contact_url(campaign)}?unmasked=1", {"reason": "  "}).status_code == 400
    assert not PersonalDataAccess.objects.exists()


def test_unmasked_contact_export_is_logged_with_the_count_before_the_file_is_made(
    client, officer, campaign, monkeypatch
):
    user = grant_personal_data(officer)
    client.force_login(user)
    signed = meet(campaign, officer, Outcome.SIGNED, Outcome.SIGNED)
    meet(campaign, officer, Outcome.CONSULTED)
    write = exports._contacts_write

    def write_after_the_log(**kwargs):
        assert PersonalDataAccess.objects.filter(kind=PersonalDataAccess.Kind.EXPORT).count() == 1
        return write(**kwargs)

    monkeypatch.setattr(exports, "_contacts_write", write_after_the_log)
    query = urlencode({"unmasked": "1", "outcome": "signed"})

    text = xml(workbook(client.post(f"{contact_url(campaign)}?{query}", {"reason": "签约人才安家补助核对"})))

    for contact in signed:
        assert contact.talent.phone in text
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.kind, access.record_count, access.reason) == (
        user,
        PersonalDataAccess.Kind.EXPORT,
        2,
        "签约人才安家补助核对",
    )


def test_contacts_of_an_unknown_campaign_are_404(officer_client):
    assert officer_client.get(reverse("campaigns:contact-export", args=[999999])).status_code == 404


# --- Placements -----------------------------------------------------------------------------------


def test_placement_export_lists_expert_enterprise_term_outcomes_and_revenue(officer_client, officer):
    host = factories.enterprise(name="重庆多弧科技有限公司", park_code="SF")
    expert = factories.talent(name="陈教授", by=officer)
    placement = factories.placement(expert=expert, host=host, batch=factories.placement_batch(2), by=officer)
    on = datetime.date(2024, 6, 1)
    for kind, title, amount in (
        ("patent", "视觉检测专利", None),
        ("patent", "叶片回收专利", None),
        ("joint_project", "联合攻关项目", None),
        ("revenue", "新增产值", Decimal("1200.50")),
        ("revenue", "新增产值二", Decimal("300.00")),
    ):
        services.placement_outcome_record(
            placement=placement, kind=kind, title=title, achieved_on=on, by=officer, amount=amount
        )
    services.placement_evaluate(
        placement=placement, grade="excellent", by=officer, on=datetime.date(2024, 12, 1)
    )
    factories.placement(
        host=factories.enterprise(park_code="LH"), batch=factories.placement_batch(2), by=officer
    )

    _sheet, headers, data, totals = rows(
        workbook(officer_client.get(reverse("campaigns:placement-export"), {"park": "SF"}))
    )

    assert len(data) == 1
    row = dict(zip(headers, data[0], strict=True))
    verbose = lambda name: str(Placement._meta.get_field(name).verbose_name)  # noqa: E731
    assert row[verbose("expert")] == "陈教授"
    assert row[verbose("host_enterprise")] == "重庆多弧科技有限公司"
    assert row[verbose("term_start")].date() == placement.term_start
    counts = [row[header(msgid)] for _name, msgid in exports.OUTCOME_COLUMNS]
    assert counts == [5, 2, 1, 0]
    assert row[header(exports.REVENUE)] == 1500.5
    assert row[verbose("grade")]
    assert totals[1] == 1
    assert totals[headers.index(header(exports.REVENUE))] == 1500.5


def test_placement_export_runs_the_same_queries_for_5_and_50_placements(officer_client, officer):
    batch = factories.placement_batch(1)
    host = factories.enterprise()

    def count_queries(total):
        Placement.objects.all().delete()
        for _index in range(total):
            placement = factories.placement(host=host, batch=batch, by=officer)
            services.placement_outcome_record(
                placement=placement,
                kind="patent",
                title="专利",
                achieved_on=datetime.date(2024, 6, 1),
                by=officer,
            )
        with CaptureQueriesContext(connection) as queries:
            _sheet, _headers, data, _totals = rows(
                workbook(officer_client.get(reverse("campaigns:placement-export")))
            )
        assert len(data) == total
        return len(queries)

    assert count_queries(5) == count_queries(50)


def test_contact_export_runs_the_same_queries_for_5_and_50_contacts(officer_client, officer, campaign):
    def count_queries(total):
        campaign.contacts.all().delete()
        meet(campaign, officer, *([Outcome.INTENT] * total))
        with CaptureQueriesContext(connection) as queries:
            _sheet, _headers, data, _totals = rows(workbook(officer_client.get(contact_url(campaign))))
        assert len(data) == total
        return len(queries)

    assert count_queries(5) == count_queries(50)


def test_a_link_with_a_reason_does_not_export_contacts_in_the_clear(client, officer, campaign):
    client.force_login(grant_personal_data(officer))
    meet(campaign, officer, Outcome.CONSULTED)
    response = client.get(contact_url(campaign), {"unmasked": "1", "reason": "核对"})
    assert response.status_code == 200
    assert not PersonalDataAccess.objects.exists()
