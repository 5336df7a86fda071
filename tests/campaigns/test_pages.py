"""The officers' pages of the campaigns app: campaigns (list, calendar, funnel, detail and its forms),
universities and 科技副总 placements, and who may do what."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from campaigns import services
from campaigns.models import Campaign, CampaignProject, Contact, Placement, PlacementOutcome
from jinjin_crm.core.models import Degree
from talents.models import Talent
from tests import factories

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def degree(code: str) -> Degree:
    return Degree.objects.get(code=code)


def meet(campaign, *, outcome="consulted", degree_code="BACHELOR", by=None, **talent_fields):
    """A talent met on ``campaign`` with ``outcome`` (through the service, as the pages do)."""
    talent = factories.talent(highest_degree=degree(degree_code), **talent_fields)
    return services.contact_record(
        campaign=campaign, talent=talent, by=by, outcome=outcome, degree=degree(degree_code)
    )


def data_value(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, name
    return match.group(1)


@pytest.fixture
def trip(officer):
    return factories.campaign(
        by=officer,
        kind="promotion_trip",
        title="长三角招商推介",
        place="上海",
        target_projects=3,
        target_investment=Decimal("500000"),
    )


@pytest.fixture
def visit(officer):
    university = factories.university("南开大学")
    return factories.campaign(
        by=officer, title="南开大学春季引才", university=university, target_consultations=10, target_intents=4
    )


@pytest.fixture
def a_placement(officer):
    expert = factories.talent(name="周教授", university="重庆大学")
    host = factories.enterprise(name="重庆多弧科技有限公司")
    return factories.placement(expert=expert, host=host, by=officer)


# --- Every page renders, for officers and leaders --------------------------------------------------


def page_urls(campaign, trip_campaign, placement) -> list[str]:
    return [
        reverse("campaigns:campaign-list"),
        reverse("campaigns:campaign-calendar") + "?month=2024-04",
        reverse("campaigns:campaign-funnel"),
        reverse("campaigns:campaign-funnel") + "?by=university",
        reverse("campaigns:campaign-funnel") + "?by=season",
        reverse("campaigns:campaign-detail", args=[campaign.pk]),
        reverse("campaigns:campaign-detail", args=[trip_campaign.pk]),
        reverse("campaigns:university-list"),
        reverse("campaigns:university-detail", args=[campaign.university_id]),
        reverse("campaigns:placement-list"),
        reverse("campaigns:placement-detail", args=[placement.pk]),
    ]


def test_every_page_renders_for_an_officer_with_the_write_actions(officer_client, visit, trip, a_placement):
    meet(visit, outcome="intent", degree_code="MASTER", name="李雷")
    for url in page_urls(visit, trip, a_placement):
        response = officer_client.get(url)
        assert response.status_code == 200, url
    html = officer_client.get(reverse("campaigns:campaign-detail", args=[visit.pk])).content.decode()
    assert "data-person-form" in html
    assert reverse("campaigns:contact-import", args=[visit.pk]) in html
    assert reverse("campaigns:contact-export", args=[visit.pk]) in html
    for name in ("campaign-create", "university-create", "placement-create", "batch-create"):
        assert officer_client.get(reverse(f"campaigns:{name}")).status_code == 200, name
    for name, pk in (("campaign-edit", visit.pk), ("university-edit", visit.university_id)):
        assert officer_client.get(reverse(f"campaigns:{name}", args=[pk])).status_code == 200, name


def test_every_page_renders_for_a_leader_without_write_buttons(leader_client, visit, trip, a_placement):
    contact = meet(visit, outcome="intent", name="李雷")
    for url in page_urls(visit, trip, a_placement):
        response = leader_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'method="post"' not in html.split("</header>", 1)[1], url  # only the language and logout forms
    html = leader_client.get(reverse("campaigns:campaign-detail", args=[visit.pk])).content.decode()
    assert "data-person-form" not in html
    assert reverse("campaigns:contact-outcome", args=[contact.pk]) not in html
    assert reverse("campaigns:contact-export", args=[visit.pk]) in html  # reading and exporting is allowed
    assert (
        reverse("campaigns:campaign-create")
        not in leader_client.get(reverse("campaigns:campaign-list")).content.decode()
    )


def test_a_leader_gets_403_on_every_write(leader_client, visit, trip, a_placement):
    contact = meet(visit, name="李雷")
    project = factories.project(name="推介项目")
    link = services.campaign_project_link(campaign=trip, project=project, by=None)
    for name, args in (
        ("campaign-create", []),
        ("campaign-edit", [visit.pk]),
        ("university-create", []),
        ("university-edit", [visit.university_id]),
        ("placement-create", []),
        ("batch-create", []),
    ):
        # Opening the form shows the read-only view instead; sending it is refused.
        assert leader_client.get(reverse(f"campaigns:{name}", args=args)).status_code == 302, name
        assert leader_client.post(reverse(f"campaigns:{name}", args=args), {}).status_code == 403, name
    for name, args, data in (
        ("contact-create", [visit.pk], {"name": "韩梅梅", "outcome": "consulted"}),
        ("contact-outcome", [contact.pk], {"outcome": "signed"}),
        ("campaign-project-link", [trip.pk], {"project": f"x [{project.pk}]"}),
        ("campaign-project-unlink", [trip.pk, link.pk], {}),
        ("partnership-create", [visit.university_id], {"title": "战略合作协议", "signed_on": "2024-01-01"}),
        (
            "placement-outcome-create",
            [a_placement.pk],
            {"kind": "patent", "title": "x", "achieved_on": "2024-05-01"},
        ),
        ("placement-extend", [a_placement.pk], {"term_end": "2027-02-28"}),
        ("placement-end", [a_placement.pk], {"on": "2024-06-01", "reason": "x"}),
        ("placement-evaluate", [a_placement.pk], {"grade": "good", "on": "2024-06-01"}),
        ("placement-task-edit", [a_placement.pk], {"task_book": "x", "goals": "y"}),
    ):
        assert leader_client.post(reverse(f"campaigns:{name}", args=args), data).status_code == 403, name
    contact.refresh_from_db()
    assert contact.outcome == "consulted"
    assert CampaignProject.objects.filter(pk=link.pk).exists()
    assert not PlacementOutcome.objects.exists()


# --- Campaign list --------------------------------------------------------------------------------


def test_list_shows_each_funnel_and_totals_for_the_filtered_campaigns(officer_client, officer, visit):
    meet(visit, outcome="consulted", name="甲")
    meet(visit, outcome="intent", degree_code="MASTER", name="乙")
    meet(visit, outcome="signed", degree_code="DOCTOR", name="丙")
    fair = factories.campaign(by=officer, kind="job_fair", title="津鹰人才荟招聘会")
    meet(fair, outcome="intent", degree_code="BACHELOR", name="丁")

    html = officer_client.get(reverse("campaigns:campaign-list")).content.decode()
    assert 'data-record-count="2"' in html
    assert data_value(html, "data-total-consulted") == "4"
    assert data_value(html, "data-total-intents") == "3"
    assert data_value(html, "data-total-masters") == "2"
    assert data_value(html, "data-total-signed") == "1"
    assert reverse("campaigns:campaign-export") + "?" in html

    html = officer_client.get(reverse("campaigns:campaign-list"), {"kind": "job_fair"}).content.decode()
    assert "南开大学春季引才" not in html
    assert data_value(html, "data-total-consulted") == "1"
    assert data_value(html, "data-total-masters") == "0"
    assert f'href="{reverse("campaigns:campaign-export")}?kind=job_fair"' in html


def test_list_is_newest_first_and_sortable(officer_client, officer):
    titles = {}
    for day in (datetime.date(2024, 3, 1), datetime.date(2024, 5, 1), datetime.date(2024, 4, 1)):
        titles[day] = factories.campaign(by=officer, title=f"活动{day.isoformat()}", starts_on=day).pk
    html = officer_client.get(reverse("campaigns:campaign-list")).content.decode()
    shown = [int(pk) for pk in re.findall(r'<tr data-campaign="(\d+)"', html)]
    assert shown == [titles[day] for day in sorted(titles, reverse=True)]
    html = officer_client.get(reverse("campaigns:campaign-list"), {"ordering": "starts_on"}).content.decode()
    shown = [int(pk) for pk in re.findall(r'<tr data-campaign="(\d+)"', html)]
    assert shown == [titles[day] for day in sorted(titles)]


def _same_queries_for_5_and_25(client, django_assert_num_queries, url: str, make, row_marker: str):
    make(5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        response = client.get(url, {"page_size": 50})
    assert response.content.decode().count(row_marker) == 5
    make(25)
    with django_assert_num_queries(len(five)):
        response = client.get(url, {"page_size": 50})
    assert response.content.decode().count(row_marker) == 25


def test_campaign_list_runs_the_same_queries_for_5_and_25_rows(
    officer_client, officer, django_assert_num_queries
):
    university = factories.university("北京理工大学", city="北京")

    def make(rows):
        while Campaign.objects.count() < rows:
            index = Campaign.objects.count()
            campaign = factories.campaign(
                by=officer,
                title=f"活动{index}",
                university=university if index % 2 else None,
                kind=("university_visit", "job_fair")[index % 2],
            )
            meet(campaign, outcome="intent", degree_code="MASTER", name=f"人{index}")

    _same_queries_for_5_and_25(
        officer_client,
        django_assert_num_queries,
        reverse("campaigns:campaign-list"),
        make,
        '<tr data-campaign="',
    )


def test_university_list_runs_the_same_queries_for_5_and_25_rows(
    officer_client, officer, django_assert_num_queries
):
    def make(rows):
        from campaigns.models import University

        while University.objects.count() < rows:
            index = University.objects.count()
            university = factories.university(f"大学{index:02d}", city="重庆")
            factories.campaign(by=officer, university=university)
            services.partnership_record(
                university=university, title="合作协议", signed_on=datetime.date(2023, 1, 1)
            )

    _same_queries_for_5_and_25(
        officer_client,
        django_assert_num_queries,
        reverse("campaigns:university-list"),
        make,
        '<tr data-university="',
    )


def test_placement_list_runs_the_same_queries_for_5_and_25_rows(
    officer_client, officer, django_assert_num_queries
):
    batches = [factories.placement_batch(number) for number in (1, 2)]

    def make(rows):
        while Placement.objects.count() < rows:
            index = Placement.objects.count()
            placement = factories.placement(
                batch=batches[index % 2], host=factories.enterprise(park_code=("SF", "DG")[index % 2])
            )
            services.placement_outcome_record(
                placement=placement,
                kind="revenue",
                title="带动产值",
                achieved_on=datetime.date(2024, 6, 1),
                amount=Decimal("100"),
                by=officer,
            )

    _same_queries_for_5_and_25(
        officer_client,
        django_assert_num_queries,
        reverse("campaigns:placement-list"),
        make,
        '<tr data-placement="',
    )


# --- Calendar and funnel overview -----------------------------------------------------------------


def test_calendar_shows_a_campaign_on_each_of_its_days(officer_client, officer):
    campaign = factories.campaign(
        by=officer,
        title="跨月招聘周",
        starts_on=datetime.date(2024, 4, 28),
        ends_on=datetime.date(2024, 5, 2),
    )
    other = factories.campaign(
        by=officer,
        kind="talent_event",
        title="青年人才读书荟",
        starts_on=datetime.date(2024, 4, 10),
        ends_on=datetime.date(2024, 4, 10),
    )
    html = officer_client.get(reverse("campaigns:campaign-calendar"), {"month": "2024-04"}).content.decode()
    days = dict(re.findall(r'data-day="([\d-]+)">(.*?)</td>', html, flags=re.S))
    for day in ("2024-04-28", "2024-04-29", "2024-04-30"):
        assert f'data-campaign="{campaign.pk}"' in days[day], day
    assert f'data-campaign="{campaign.pk}"' not in days["2024-04-27"]
    assert f'data-campaign="{other.pk}"' in days["2024-04-10"]
    assert "kind-talent_event" in days["2024-04-10"]
    assert "month=2024-03" in html
    assert "month=2024-05" in html

    html = officer_client.get(reverse("campaigns:campaign-calendar"), {"month": "2024-05"}).content.decode()
    days = dict(re.findall(r'data-day="([\d-]+)">(.*?)</td>', html, flags=re.S))
    assert f'data-campaign="{campaign.pk}"' in days["2024-05-01"]
    assert f'data-campaign="{campaign.pk}"' in days["2024-05-02"]
    assert f'data-campaign="{campaign.pk}"' not in days["2024-05-03"]

    # A malformed month falls back to the current one rather than failing.
    assert officer_client.get(reverse("campaigns:campaign-calendar"), {"month": "2024-13"}).status_code == 200


def test_funnel_overview_groups_by_university_and_season(officer_client, officer, visit):
    meet(visit, outcome="intent", degree_code="MASTER", name="甲")
    meet(visit, outcome="consulted", name="乙")
    autumn = factories.campaign(
        by=officer, title="秋季招聘会", kind="job_fair", starts_on=datetime.date(2024, 10, 9)
    )
    meet(autumn, outcome="signed", name="丙")

    html = officer_client.get(reverse("campaigns:campaign-funnel"), {"by": "university"}).content.decode()
    assert f'data-group="{visit.university_id}"' in html
    assert "秋季招聘会" not in html  # no university: not in this grouping
    assert 'data-plotly-chart="funnels-chart-figure"' in html

    html = officer_client.get(reverse("campaigns:campaign-funnel"), {"by": "season"}).content.decode()
    assert 'data-group="2024-spring"' in html
    assert 'data-group="2024-autumn"' in html
    assert data_value(html, "data-total-consulted") == "3"


# --- Create and edit ------------------------------------------------------------------------------


def campaign_data(officer, **fields) -> dict:
    return {
        "kind": "university_visit",
        "title": "重庆大学宣讲会",
        "starts_on": "2024-04-10",
        "ends_on": "2024-04-11",
        "lead_officer": officer.pk,
        **fields,
    }


def test_create_campaign_with_its_team_and_targets(officer_client, officer):
    teammate = factories.officer(name="王专员")
    response = officer_client.post(
        reverse("campaigns:campaign-create"),
        campaign_data(officer, officers=[teammate.pk], target_consultations="2000", target_intents="100"),
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:campaign-detail", args=[campaign.pk])
    assert list(campaign.officers.all()) == [teammate]
    assert campaign.season == "2024-spring"
    html = officer_client.get(response["Location"]).content.decode()
    assert "重庆大学宣讲会" in html
    assert "2,000" in html  # the target beside the funnel


def test_create_campaign_ending_before_it_starts_shows_the_error_under_ends_on(officer_client, officer):
    response = officer_client.post(
        reverse("campaigns:campaign-create"),
        campaign_data(officer, starts_on="2024-04-10", ends_on="2024-04-01"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-form-errors" in html
    field = html[html.index('id="id_ends_on"') :]
    assert field.index("invalid-feedback") < field.index("</div>")  # the message right under the field
    assert 'name="title" value="重庆大学宣讲会"' in html  # nothing typed is lost
    assert not Campaign.objects.exists()


def test_edit_keeps_contacts_inside_the_dates(officer_client, officer, visit):
    meet(visit, name="甲")  # met on the first day
    response = officer_client.post(
        reverse("campaigns:campaign-edit", args=[visit.pk]),
        campaign_data(
            officer,
            title=visit.title,
            university=visit.university_id,
            starts_on="2024-04-11",
            ends_on="2024-04-12",
        ),
    )
    assert response.status_code == 400
    assert "data-form-errors" in response.content.decode()
    visit.refresh_from_db()
    assert visit.starts_on == datetime.date(2024, 4, 10)


# --- Detail: the funnel and the people met --------------------------------------------------------


def test_detail_shows_the_funnel_chart_numbers_and_targets(officer_client, visit):
    meet(visit, outcome="consulted", name="甲")
    meet(visit, outcome="intent", degree_code="MASTER", name="乙")
    meet(visit, outcome="signed", degree_code="DOCTOR", name="丙")
    html = officer_client.get(reverse("campaigns:campaign-detail", args=[visit.pk])).content.decode()
    assert 'data-plotly-chart="campaign-funnel-figure"' in html
    assert '<script id="campaign-funnel-figure" type="application/json">' in html
    assert 'data-step="consulted" data-value="3"' in html
    assert 'data-step="intents" data-value="2"' in html
    assert 'data-step="masters" data-value="2"' in html
    assert 'data-step="signed" data-value="1"' in html
    assert "30.0%" in html  # 3 of the 10 consultations aimed at
    assert "plotly/plotly.min.js" in html


def test_contacts_are_filtered_by_outcome_and_phones_are_masked(officer_client, visit):
    meet(visit, outcome="consulted", name="咨询者", phone=PHONE)
    meet(visit, outcome="signed", name="签约者")
    html = officer_client.get(reverse("campaigns:campaign-detail", args=[visit.pk])).content.decode()
    assert "138****5678" in html
    assert PHONE not in html
    html = officer_client.get(
        reverse("campaigns:campaign-detail", args=[visit.pk]), {"outcome": "signed"}
    ).content.decode()
    assert "签约者" in html
    assert "咨询者" not in html
    html = officer_client.get(
        reverse("campaigns:campaign-detail", args=[visit.pk]), {"search": "咨询"}
    ).content.decode()
    assert "咨询者" in html
    assert "签约者" not in html


def test_adding_a_new_person_creates_a_lead_of_the_responsible_officer(officer_client, officer, visit):
    response = officer_client.post(
        reverse("campaigns:contact-create", args=[visit.pk]),
        {
            "name": "韩梅梅",
            "phone": "138 1234 5678",
            "birth_year": "2001",
            "university": "南开大学",
            "degree": degree("MASTER").pk,
            "outcome": "intent",
            "met_on": "2024-04-11",
        },
    )
    assert response.status_code == 302
    talent = Talent.objects.get(name="韩梅梅")
    assert talent.owner == officer
    assert talent.source == "campaign"
    assert talent.stage == "intent"
    assert talent.phone == PHONE  # normalised before the duplicate rules and the record
    html = officer_client.get(response["Location"]).content.decode()
    with translation.override("zh-hans"):
        created_note = format_html(
            _('Recorded; new lead <a href="{url}">{name}</a> created for {officer}.'),
            url=reverse("talents:talent-detail", args=[talent.pk]),
            name=talent.name,
            officer=officer,
        )
    assert created_note in html
    assert reverse("talents:talent-detail", args=[talent.pk]) in html


def test_adding_someone_on_record_links_them_instead_of_creating_a_talent(officer_client, visit):
    known = factories.talent(name="李雷", phone=PHONE)
    response = officer_client.post(
        reverse("campaigns:contact-create", args=[visit.pk]),
        {"name": "李雷", "phone": PHONE, "outcome": "consulted"},
    )
    assert response.status_code == 302
    assert Talent.objects.filter(name="李雷").count() == 1
    assert Contact.objects.get().talent == known
    html = officer_client.get(response["Location"]).content.decode()
    assert reverse("talents:talent-detail", args=[known.pk]) in html


def test_adding_the_same_person_twice_shows_the_error_and_writes_nothing(officer_client, visit):
    data = {"name": "李雷", "phone": PHONE, "outcome": "consulted"}
    officer_client.post(reverse("campaigns:contact-create", args=[visit.pk]), data)
    response = officer_client.post(
        reverse("campaigns:contact-create", args=[visit.pk]), {**data, "outcome": "intent"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-form-errors" in html
    assert "李雷" in html[html.index("data-form-errors") :][:600]
    assert 'id="add-person"' in html
    assert "collapse show border-bottom" in html
    assert Contact.objects.count() == 1
    assert Contact.objects.get().outcome == "consulted"


def test_a_bad_phone_is_shown_under_its_field(officer_client, visit):
    response = officer_client.post(
        reverse("campaigns:contact-create", args=[visit.pk]),
        {"name": "李雷", "phone": "12345", "outcome": "consulted"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('id="id_phone"') :]
    assert field.index("invalid-feedback") < field.index("</div>")
    assert not Talent.objects.exists()


def test_changing_the_outcome_to_signed_moves_the_talent(officer_client, visit):
    contact = meet(visit, outcome="intent", name="李雷")
    back = reverse("campaigns:campaign-detail", args=[visit.pk]) + "?outcome=intent#contacts"
    response = officer_client.post(
        reverse("campaigns:contact-outcome", args=[contact.pk]), {"outcome": "signed", "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
    contact.refresh_from_db()
    contact.talent.refresh_from_db()
    assert contact.outcome == "signed"
    assert contact.talent.stage == "signed"
    # A redirect elsewhere is not followed.
    response = officer_client.post(
        reverse("campaigns:contact-outcome", args=[contact.pk]),
        {"outcome": "signed", "next": "https://example.com/"},
    )
    assert response["Location"].startswith(reverse("campaigns:campaign-detail", args=[visit.pk]))


# --- Promotion trips ------------------------------------------------------------------------------


def test_a_trip_links_projects_and_shows_its_yield(officer_client, trip):
    signed = factories.project(name="诺比侃机器视觉总部", stage="signed", agreed_investment=Decimal("510000"))
    lead = factories.project(name="风电叶片回收项目")
    for project in (signed, lead):
        response = officer_client.post(
            reverse("campaigns:campaign-project-link", args=[trip.pk]),
            {"project": f"{project.name} [{project.pk}]"},
        )
        assert response.status_code == 302
    html = officer_client.get(reverse("campaigns:campaign-detail", args=[trip.pk])).content.decode()
    assert data_value(html, "data-trip-projects") == "2"
    assert data_value(html, "data-trip-signed") == "1"
    assert Decimal(data_value(html, "data-trip-investment")) == Decimal("510000")
    assert "51.00" in html  # 亿元

    # Suggestions offer only the projects not linked yet.
    other = factories.project(name="诺比侃二期")
    options = officer_client.get(reverse("campaigns:project-lookup"), {"project": "诺比侃"}).content.decode()
    assert f"[{other.pk}]" in options
    assert f"[{signed.pk}]" not in options

    link = CampaignProject.objects.get(project=lead)
    response = officer_client.post(reverse("campaigns:campaign-project-unlink", args=[trip.pk, link.pk]))
    assert response.status_code == 302
    assert not CampaignProject.objects.filter(project=lead).exists()


def test_a_project_from_another_campaign_is_refused_with_its_name(officer_client, officer, trip):
    project = factories.project(name="已归属项目")
    earlier = factories.campaign(by=officer, kind="promotion_trip", title="珠三角招商推介")
    services.campaign_project_link(campaign=earlier, project=project, by=officer)
    response = officer_client.post(
        reverse("campaigns:campaign-project-link", args=[trip.pk]),
        {"project": f"{project.name} [{project.pk}]"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "珠三角招商推介" in html
    assert CampaignProject.objects.get(project=project).campaign == earlier


# --- Universities ---------------------------------------------------------------------------------


def test_university_detail_shows_campaigns_partnerships_and_talents(officer_client, visit):
    meet(visit, outcome="intent", name="校友甲", university="南开大学")
    services.partnership_record(
        university=visit.university,
        title="2020年战略合作协议",
        signed_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2022, 12, 31),
    )
    response = officer_client.post(
        reverse("campaigns:partnership-create", args=[visit.university_id]),
        {"title": "人才工作站共建协议", "signed_on": "2024-03-01"},
    )
    assert response.status_code == 302
    html = officer_client.get(
        reverse("campaigns:university-detail", args=[visit.university_id])
    ).content.decode()
    assert f'data-campaign="{visit.pk}"' in html
    assert "校友甲" in html
    assert html.count("data-current") == 1
    assert html.count("data-expired") == 1


def test_university_list_counts_the_talents_who_studied_there(officer_client, visit):
    for name in ("校友甲", "校友乙"):
        factories.talent(name=name, university="南开大学")
    factories.talent(name="外校生", university="重庆大学")
    html = officer_client.get(reverse("campaigns:university-list")).content.decode()
    row = html[html.index(f'<tr data-university="{visit.university_id}">') :]
    row = row[: row.index("</tr>")]
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[-1] == "2"


def test_a_partnership_ending_before_it_starts_is_shown_on_the_form(officer_client, visit):
    response = officer_client.post(
        reverse("campaigns:partnership-create", args=[visit.university_id]),
        {"title": "协议", "signed_on": "2024-03-01", "starts_on": "2024-03-01", "ends_on": "2023-01-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('id="id_ends_on"') :]
    assert field.index("invalid-feedback") < field.index("</div>")
    assert not visit.university.partnerships.exists()


def test_create_and_edit_a_university(officer_client):
    response = officer_client.post(
        reverse("campaigns:university-create"),
        {"name": "清华大学深圳国际研究生院", "city": "深圳", "kind": "first_class"},
    )
    assert response.status_code == 302
    response = officer_client.post(
        reverse("campaigns:university-create"), {"name": "清华大学深圳国际研究生院", "kind": "first_class"}
    )
    assert response.status_code == 400  # the name is taken: error under the name
    assert "data-form-errors" in response.content.decode()


# --- Placements -----------------------------------------------------------------------------------


def placement_data(expert, host, batch, **fields) -> dict:
    return {
        "expert": f"{expert.name} [{expert.pk}]",
        "host_enterprise": f"{host.name} [{host.credit_code}]",
        "batch": batch.pk,
        "term_start": "2024-03-01",
        "term_end": "2026-02-28",
        "task_book": "联合攻关机器视觉检测",
        **fields,
    }


def test_create_a_placement_and_see_it_under_its_batch(officer_client):
    batch = factories.placement_batch(2)
    expert = factories.talent(name="吴院士")
    host = factories.enterprise(name="重庆风电叶片科技有限公司")
    response = officer_client.post(reverse("campaigns:placement-create"), placement_data(expert, host, batch))
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert response["Location"] == reverse("campaigns:placement-detail", args=[placement.pk])
    html = officer_client.get(reverse("campaigns:placement-list")).content.decode()
    assert f'data-placement="{placement.pk}"' in html
    assert 'data-batch="2"' in html
    assert 'class="batch-group"' in html


def test_an_overlapping_placement_is_refused_on_the_form(officer_client, a_placement):
    response = officer_client.post(
        reverse("campaigns:placement-create"),
        placement_data(
            a_placement.expert,
            a_placement.host_enterprise,
            a_placement.batch,
            term_start="2025-01-01",
            term_end="2027-01-01",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-form-errors" in html
    field = html[html.index('id="id_term_start"') :]
    assert field.index("invalid-feedback") < field.index("</div>")
    assert "2024-03-01" in field[: field.index("</div>") + 300]  # names the term it overlaps
    assert f'value="{a_placement.expert.name} [{a_placement.expert.pk}]"' in html  # kept as typed
    assert Placement.objects.count() == 1


def test_an_expert_typed_by_a_shared_name_must_be_chosen(officer_client):
    batch = factories.placement_batch(1)
    host = factories.enterprise()
    twins = [factories.talent(name="张伟") for _ in range(2)]
    data = placement_data(twins[0], host, batch)
    data["expert"] = "张伟"  # typed, not picked from the suggestions
    response = officer_client.post(reverse("campaigns:placement-create"), data)
    assert response.status_code == 400
    assert not Placement.objects.exists()
    # A bare name where a number is the key is an error on the field, not a server error.
    data["expert"] = "无此人"
    assert officer_client.post(reverse("campaigns:placement-create"), data).status_code == 400


def test_expert_suggestions_find_talents(officer_client):
    talent = factories.talent(name="周教授", university="重庆大学")
    options = officer_client.get(reverse("campaigns:expert-lookup"), {"expert": "周教授"}).content.decode()
    assert f"周教授（重庆大学） [{talent.pk}]" in options


def test_placement_actions_from_the_detail_page(officer_client, a_placement):
    detail = reverse("campaigns:placement-detail", args=[a_placement.pk])
    response = officer_client.post(
        reverse("campaigns:placement-outcome-create", args=[a_placement.pk]),
        {"kind": "revenue", "title": "带动新增产值", "achieved_on": "2024-09-01", "amount": "1200"},
    )
    assert response.status_code == 302
    assert response["Location"] == detail
    response = officer_client.post(
        reverse("campaigns:placement-outcome-create", args=[a_placement.pk]),
        {"kind": "patent", "title": "一种叶片回收方法", "achieved_on": "2024-10-01"},
    )
    assert response.status_code == 302
    html = officer_client.get(detail).content.decode()
    assert 'data-kind="revenue" data-count="1"' in html
    assert 'data-kind="patent" data-count="1"' in html
    assert "1,200.00" in html

    assert (
        officer_client.post(
            reverse("campaigns:placement-extend", args=[a_placement.pk]), {"term_end": "2027-02-28"}
        ).status_code
        == 302
    )
    assert (
        officer_client.post(
            reverse("campaigns:placement-evaluate", args=[a_placement.pk]),
            {"grade": "excellent", "on": "2024-12-01", "evaluation": "成效显著"},
        ).status_code
        == 302
    )
    assert (
        officer_client.post(
            reverse("campaigns:placement-task-edit", args=[a_placement.pk]),
            {"task_book": "新任务书", "goals": "三项专利"},
        ).status_code
        == 302
    )
    a_placement.refresh_from_db()
    assert a_placement.term_end == datetime.date(2027, 2, 28)
    assert a_placement.extensions == 1
    assert a_placement.grade == "excellent"
    assert a_placement.task_book == "新任务书"

    list_html = officer_client.get(reverse("campaigns:placement-list")).content.decode()
    assert data_value(list_html, "data-total-outcomes") == "2"
    assert Decimal(data_value(list_html, "data-total-revenue")) == Decimal("1200")


def test_ending_early_needs_a_reason_shown_under_its_field(officer_client, a_placement):
    response = officer_client.post(
        reverse("campaigns:placement-end", args=[a_placement.pk]), {"on": "2024-06-01", "reason": " "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="end-form" class="collapse show' in html
    field = html[html.index('id="end_reason"') :]
    assert field.index("invalid-feedback") < field.index("</div>")
    response = officer_client.post(
        reverse("campaigns:placement-end", args=[a_placement.pk]), {"on": "2030-01-01", "reason": "企业迁出"}
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    a_placement.refresh_from_db()
    assert a_placement.ended_on is None
    response = officer_client.post(
        reverse("campaigns:placement-end", args=[a_placement.pk]), {"on": "2024-06-01", "reason": "企业迁出"}
    )
    assert response.status_code == 302
    html = officer_client.get(reverse("campaigns:placement-detail", args=[a_placement.pk])).content.decode()
    assert 'data-status="ended_early"' in html
    assert 'data-stage="ended_early"' in html


def test_placement_list_filters_by_term_status_and_batch(officer_client, a_placement):
    later = factories.placement(
        batch=factories.placement_batch(3),
        term_start=datetime.date(2030, 1, 1),
        term_end=datetime.date(2031, 1, 1),
    )
    html = officer_client.get(reverse("campaigns:placement-list"), {"status": "upcoming"}).content.decode()
    assert f'data-placement="{later.pk}"' in html
    assert f'data-placement="{a_placement.pk}"' not in html
    html = officer_client.get(reverse("campaigns:placement-list"), {"batch": "1"}).content.decode()
    assert f'data-placement="{a_placement.pk}"' in html
    assert f'data-placement="{later.pk}"' not in html


def test_a_new_batch_leads_to_its_first_placement(officer_client):
    factories.placement_batch(1)
    response = officer_client.get(reverse("campaigns:batch-create"))
    assert 'name="number" value="2"' in response.content.decode()
    response = officer_client.post(
        reverse("campaigns:batch-create"), {"number": "2", "announced_on": "2024-09-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:placement-create") + "?batch=2"
    response = officer_client.post(
        reverse("campaigns:batch-create"), {"number": "2", "announced_on": "2024-09-01"}
    )
    assert response.status_code == 400  # the number is taken


# --- The chart's script -----------------------------------------------------------------------------


def test_plotly_is_served_from_the_installed_package():
    from django.contrib.staticfiles import finders

    assert finders.find("plotly/plotly.min.js")


class TestTalentSection:
    def test_the_talent_page_lists_campaigns_met_and_placements_served(self, client, leader):
        visit = factories.campaign(title="南开大学专场招聘会")
        talent = factories.talent(name="周密")
        services.contact_record(campaign=visit, talent=talent, by=None, outcome="intent")
        factories.placement(expert=talent, host=factories.enterprise(name="重庆江津精密机械有限公司"))
        client.force_login(leader)

        page = client.get(reverse("talents:talent-detail", args=[talent.pk]))
        fragment = client.get(reverse("campaigns:talent-campaigns", args=[talent.pk]))

        assert reverse("campaigns:talent-campaigns", args=[talent.pk]) in page.content.decode()
        body = fragment.content.decode()
        assert "南开大学专场招聘会" in body
        assert "重庆江津精密机械有限公司" in body

    def test_a_talent_met_nowhere_says_so(self, client, leader):
        talent = factories.talent()
        client.force_login(leader)
        body = client.get(reverse("campaigns:talent-campaigns", args=[talent.pk])).content.decode()
        assert "empty-state" in body
        assert "<table" not in body


class TestProjectOrigin:
    def test_the_project_page_shows_the_campaign_it_came_from(self, client, leader, officer):
        trip = factories.campaign(kind="promotion_trip", title="2024年成都招商推介会", by=officer)
        project = factories.project(lead_officer=officer)
        services.campaign_project_link(campaign=trip, project=project, by=officer)
        client.force_login(leader)

        page = client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
        fragment = client.get(reverse("campaigns:project-origin", args=[project.pk])).content.decode()

        assert reverse("campaigns:project-origin", args=[project.pk]) in page
        assert "2024年成都招商推介会" in fragment
        assert reverse("campaigns:campaign-detail", args=[trip.pk]) in fragment

    def test_a_project_from_no_campaign_says_so(self, client, leader, officer):
        project = factories.project(lead_officer=officer)
        client.force_login(leader)
        fragment = client.get(reverse("campaigns:project-origin", args=[project.pk])).content.decode()
        assert "empty-state" in fragment
        assert "<a href" not in fragment
