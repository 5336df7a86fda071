"""The officers' pages of the projects app: ledger, board, detail with transitions, forms, permissions."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jinjin_crm.core.models import Activity, Degree, Discipline, IndustryChain, Park, Region, StageChange
from projects.models import Enterprise, InvestmentProject, TalentDemand
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def totals_cell(html: str) -> str:
    match = re.search(r'data-total-investment="([^"]+)"', html)
    assert match, "the ledger has a totals row"
    return match.group(1)


# --- Ledger list ----------------------------------------------------------------------------------


def test_ledger_lists_projects_with_totals_that_respect_the_filters(officer_client, officer):
    factories.project(name="双福签约项目", park_code="SF", stage="signed", agreed_investment=Decimal("12000"))
    factories.project(
        name="双福线索项目", park_code="SF", agreed_investment=Decimal("3000"), lead_officer=officer
    )
    factories.project(name="德感签约项目", park_code="DG", stage="signed", agreed_investment=Decimal("50000"))

    html = officer_client.get(reverse("projects:project-list")).content.decode()
    assert "双福签约项目" in html
    assert "德感签约项目" in html
    assert 'data-record-count="3"' in html
    assert Decimal(totals_cell(html)) == Decimal("65000")
    assert "65,000.00" in html

    html = officer_client.get(reverse("projects:project-list"), {"stage": "signed"}).content.decode()
    assert "双福线索项目" not in html
    assert 'data-record-count="2"' in html
    assert Decimal(totals_cell(html)) == Decimal("62000")

    html = officer_client.get(
        reverse("projects:project-list"), {"search": "双福", "stage": "signed"}
    ).content.decode()
    assert "双福线索项目" not in html
    assert "德感签约项目" not in html
    assert Decimal(totals_cell(html)) == Decimal("12000")

    html = officer_client.get(reverse("projects:project-list"), {"officer": officer.pk}).content.decode()
    assert 'data-record-count="1"' in html
    assert Decimal(totals_cell(html)) == Decimal("3000")


def test_ledger_filters_by_park(officer_client):
    factories.project(name="双福签约项目", park_code="SF", stage="signed", agreed_investment=Decimal("12000"))
    factories.project(name="德感签约项目", park_code="DG", stage="signed", agreed_investment=Decimal("50000"))
    html = officer_client.get(reverse("projects:project-list"), {"park": "SF"}).content.decode()
    assert "德感签约项目" not in html
    assert Decimal(totals_cell(html)) == Decimal("12000")


def test_ledger_filters_stay_in_the_links(officer_client):
    for index in range(25):
        factories.project(name=f"分页项目{index:02d}", park_code="SF")
    html = officer_client.get(
        reverse("projects:project-list"), {"stage": "lead", "ordering": "name"}
    ).content.decode()
    assert "分页项目00" in html
    assert "分页项目24" not in html
    assert "stage=lead&amp;ordering=name&amp;page=2" in html
    assert "page_size=50" in html
    export = reverse("projects:project-export")
    assert f'href="{export}?stage=lead&amp;ordering=name"' in html
    page_two = officer_client.get(
        reverse("projects:project-list"), {"stage": "lead", "ordering": "name", "page": 2}
    )
    assert "分页项目24" in page_two.content.decode()


def test_ledger_shows_an_invalid_filter_next_to_its_field(officer_client):
    factories.project(name="某项目")
    response = officer_client.get(reverse("projects:project-list"), {"investment_min": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="investment_min" value="abc" class="form-control is-invalid"' in html
    assert "某项目" in html  # the invalid filter is ignored, the list still shows


def test_ledger_empty_state(officer_client):
    html = officer_client.get(reverse("projects:project-list")).content.decode()
    assert "data-empty-state" in html
    assert reverse("projects:project-create") in html


def _ledger_queries(client, rows: int) -> int:
    officer = factories.officer()
    for index in range(rows - InvestmentProject.objects.count()):
        factories.project(
            name=f"项目{index}",
            lead_officer=officer,
            park_code=("SF", "DG", "LH")[index % 3],
            stage=("lead", "signed")[index % 2],
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("projects:project-list"),
            {"page_size": 50, "park": ["SF", "DG", "LH"], "stage": ["lead", "signed"], "search": "项目"},
        )
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") - 1 == rows  # header row + one per project
    return len(queries)


def test_ledger_runs_the_same_number_of_queries_for_5_and_50_rows(officer_client):
    five = _ledger_queries(officer_client, 5)
    fifty = _ledger_queries(officer_client, 50)
    assert five == fifty, (five, fifty)


# --- Detail and transitions -----------------------------------------------------------------------


def test_detail_shows_the_timeline_newest_first(officer_client, officer):
    project = factories.project(name="时间线项目", lead_officer=officer)
    from jinjin_crm.core.services import activity_log

    activity_log(record=project, officer=officer, channel="phone", summary="第一次电话沟通")
    html = officer_client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert "data-timeline" in html
    assert html.index("第一次电话沟通") < html.index(
        'data-kind="stage"'
    )  # the activity is newer than creation
    assert 'data-transition="negotiating"' in html
    assert 'data-transition="terminated"' in html


def test_transition_through_the_page_moves_the_stage(officer_client, officer):
    project = factories.project(stage="negotiating", lead_officer=officer)
    response = officer_client.post(
        reverse("projects:project-transition", args=[project.pk]),
        {
            "to": "signed",
            "on": datetime.date.today().isoformat(),
            "agreed_investment": "8800",
            "note": "正式签约",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="project-body" data-stage="signed"' in html
    assert "<html" not in html  # only the body region is swapped
    project.refresh_from_db()
    assert project.stage == "signed"
    assert project.agreed_investment == Decimal("8800")
    assert StageChange.objects.filter(object_id=project.pk, to_stage="signed", changed_by=officer).exists()


def test_illegal_transition_shows_the_error_and_changes_nothing(officer_client, officer):
    project = factories.project(stage="lead", lead_officer=officer)
    changes = StageChange.objects.count()
    response = officer_client.post(
        reverse("projects:project-transition", args=[project.pk]),
        {"to": "at_capacity"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only 2xx answers; the refusal is rendered in place
    assert "data-transition-error" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "lead"
    assert StageChange.objects.count() == changes

    # Without htmx the page comes back with 409 and the same message.
    response = officer_client.post(
        reverse("projects:project-transition", args=[project.pk]), {"to": "at_capacity"}
    )
    assert response.status_code == 409
    assert "data-transition-error" in response.content.decode()


def test_signing_without_an_amount_keeps_the_form_open_with_the_error(officer_client, officer):
    project = factories.project(stage="negotiating", lead_officer=officer)
    response = officer_client.post(
        reverse("projects:project-transition", args=[project.pk]),
        {"to": "signed", "on": datetime.date.today().isoformat(), "note": "先签约"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="transition-signed" class="collapse show' in html
    assert 'class="form-control is-invalid"' in html
    assert "先签约" in html  # what was typed is kept
    project.refresh_from_db()
    assert project.stage == "negotiating"


def test_terminating_needs_a_reason(officer_client, officer):
    project = factories.project(stage="lead", lead_officer=officer)
    officer_client.post(
        reverse("projects:project-transition", args=[project.pk]), {"to": "terminated", "note": " "}
    )
    project.refresh_from_db()
    assert project.stage == "lead"
    officer_client.post(
        reverse("projects:project-transition", args=[project.pk]), {"to": "terminated", "note": "撤资"}
    )
    project.refresh_from_db()
    assert project.stage == "terminated"
    assert project.termination_reason == "撤资"


def test_board_move_answers_with_a_notice_and_a_refresh_trigger(officer_client, officer):
    project = factories.project(stage="lead", lead_officer=officer)
    response = officer_client.post(
        reverse("projects:project-transition", args=[project.pk]),
        {"to": "negotiating", "view": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "project-moved"
    project.refresh_from_db()
    assert project.stage == "negotiating"


def test_logging_an_activity_from_the_page(officer_client, officer):
    project = factories.project(lead_officer=officer)
    follow_up = datetime.date.today() + datetime.timedelta(days=3)
    response = officer_client.post(
        reverse("projects:project-activity-create", args=[project.pk]),
        {"channel": "visit", "summary": "上门拜访投资方", "next_follow_up_on": follow_up.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "上门拜访投资方" in response.content.decode()
    activity = Activity.objects.for_record(project).get()
    assert activity.officer == officer
    assert activity.next_follow_up_on == follow_up

    response = officer_client.post(
        reverse("projects:project-activity-create", args=[project.pk]), {"channel": "visit", "summary": ""}
    )
    assert response.status_code == 400
    assert Activity.objects.for_record(project).count() == 1


# --- Permissions ----------------------------------------------------------------------------------


def test_leader_reads_but_cannot_write(leader_client):
    project = factories.project(stage="lead")
    enterprise = factories.enterprise()
    demand = factories.demand(enterprise_obj=enterprise)
    for name, args in (
        ("projects:project-list", []),
        ("projects:project-board", []),
        ("projects:project-detail", [project.pk]),
        ("projects:enterprise-list", []),
        ("projects:enterprise-detail", [enterprise.pk]),
        ("projects:demand-list", []),
        ("projects:demand-detail", [demand.pk]),
    ):
        response = leader_client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert reverse("projects:project-edit", args=[project.pk]) not in response.content.decode()
    detail = leader_client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert "data-transition=" not in detail
    assert "data-activity-form" not in detail

    writes = (
        ("projects:project-transition", [project.pk], {"to": "negotiating"}),
        ("projects:project-activity-create", [project.pk], {"channel": "phone", "summary": "x"}),
        ("projects:project-create", [], {}),
        ("projects:project-edit", [project.pk], {}),
        ("projects:enterprise-create", [], {}),
        ("projects:enterprise-edit", [enterprise.pk], {}),
        ("projects:enterprise-activity-create", [enterprise.pk], {"channel": "phone", "summary": "x"}),
        ("projects:demand-create", [], {}),
        ("projects:demand-edit", [demand.pk], {}),
        ("projects:project-funds-record", [project.pk], {"period": "2024-01-01", "amount": "1"}),
    )
    for name, args, data in writes:
        assert leader_client.post(reverse(name, args=args), data).status_code == 403, name
    # A leader who opens a write page is shown the read-only view (the list), with the reason.
    response = leader_client.get(reverse("projects:project-create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project-list")
    project.refresh_from_db()
    assert project.stage == "lead"
    assert not Activity.objects.exists()


def test_pages_need_login(client):
    response = client.get(reverse("projects:project-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Forms ----------------------------------------------------------------------------------------


def _enterprise_data(**overrides):
    data = {
        "name": "重庆测试科技有限公司",
        "credit_code": factories.credit_code(),
        "park": Park.objects.get(code="SF").pk,
        "industry": IndustryChain.objects.get(code="NEV").pk,
        "contact_name": "张三",
    }
    data.update(overrides)
    return data


def test_enterprise_form_with_an_invalid_credit_code_shows_the_error_on_that_field(officer_client):
    bad_code = factories.credit_code()[:-1] + ("0" if factories.credit_code()[-1] != "0" else "1")
    response = officer_client.post(
        reverse("projects:enterprise-create"), _enterprise_data(credit_code=bad_code)
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "credit_code" in form.errors
    assert list(form.errors) == ["credit_code"]
    html = response.content.decode()
    assert "data-form-errors" in html  # the summary at the top
    assert f'value="{bad_code}"' in html
    assert 'value="张三"' in html
    assert not Enterprise.objects.exists()


def test_enterprise_form_creates_through_the_service(officer_client):
    data = _enterprise_data()
    response = officer_client.post(reverse("projects:enterprise-create"), data)
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:enterprise-detail", args=[enterprise.pk])
    assert enterprise.credit_code == data["credit_code"]


def test_duplicate_credit_code_comes_back_from_the_service_onto_the_field(officer_client):
    existing = factories.enterprise()
    response = officer_client.post(
        reverse("projects:enterprise-create"), _enterprise_data(credit_code=existing.credit_code)
    )
    assert response.status_code == 400
    assert "credit_code" in response.context["form"].errors
    assert Enterprise.objects.count() == 1


def test_project_form_creates_a_lead_and_maps_service_errors(officer_client, officer):
    data = {
        "name": "新能源电池项目",
        "investor": "某集团",
        "kind": "expansion",  # an expansion without the project it expands: the service refuses
        "source": Region.objects.get(code="OUTSIDE_CITY").pk,
        "industry": IndustryChain.objects.get(code="NEV").pk,
        "park": Park.objects.get(code="SF").pk,
        "lead_officer": officer.pk,
        "agreed_investment": "5000",
    }
    response = officer_client.post(reverse("projects:project-create"), data)
    assert response.status_code == 400
    assert "expands" in response.context["form"].errors
    assert not InvestmentProject.objects.exists()

    data["kind"] = "new"
    response = officer_client.post(reverse("projects:project-create"), data)
    project = InvestmentProject.objects.get()
    assert response["Location"] == reverse("projects:project-detail", args=[project.pk])
    assert project.stage == "lead"
    assert project.created_by == officer


def test_project_edit_keeps_the_stage(officer_client, officer):
    project = factories.project(stage="signed", lead_officer=officer, name="旧名称")
    form = officer_client.get(reverse("projects:project-edit", args=[project.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update(name="新名称", signed_on=project.signed_on.isoformat(), enterprise="", expands="")
    response = officer_client.post(reverse("projects:project-edit", args=[project.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert project.name == "新名称"
    assert project.stage == "signed"


def test_demand_form_for_a_project(officer_client, officer):
    project = factories.project(lead_officer=officer, park_code="LH")
    response = officer_client.get(reverse("projects:demand-create"), {"project": project.pk})
    assert f"{project.name} [{project.pk}]" in response.content.decode()
    data = {
        "project": f"{project.name} [{project.pk}]",
        "position": "电池工艺工程师",
        "disciplines": [Discipline.objects.get(code="0812").pk],
        "min_degree": Degree.objects.get(code="MASTER").pk,
        "years_experience": 3,
        "headcount": 2,
        "scarcity": 4,
        "valid_until": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
    }
    response = officer_client.post(reverse("projects:demand-create"), data)
    demand = TalentDemand.objects.get()
    assert response["Location"] == reverse("projects:demand-detail", args=[demand.pk])
    assert demand.project == project
    assert demand.park.code == "LH"


def test_demand_form_without_enterprise_or_project_writes_nothing(officer_client):
    data = {
        "position": "电池工艺工程师",
        "disciplines": [Discipline.objects.get(code="0812").pk],
        "min_degree": Degree.objects.get(code="MASTER").pk,
        "years_experience": 0,
        "headcount": 1,
        "scarcity": 3,
        "valid_until": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
    }
    response = officer_client.post(reverse("projects:demand-create"), data)
    assert response.status_code == 400
    assert "enterprise" in response.context["form"].errors
    assert not TalentDemand.objects.exists()


# --- Board and other lists ------------------------------------------------------------------------


def test_board_renders_a_column_per_stage_with_the_ledger_filters(officer_client, officer):
    factories.project(name="看板线索", lead_officer=officer)
    factories.project(name="看板签约", lead_officer=officer, stage="signed")
    factories.project(name="看板他人", stage="signed")
    factories.project(name="看板中止", lead_officer=officer, stage="terminated")
    html = officer_client.get(reverse("projects:project-board"), {"officer": officer.pk}).content.decode()
    for stage in ("lead", "negotiating", "signed", "started", "operating", "at_capacity"):
        assert f'class="board-column" data-stage="{stage}"' in html
    assert 'data-stage="terminated"' not in html  # behind the toggle
    assert "看板线索" in html
    assert "看板签约" in html
    assert "看板他人" not in html
    assert "看板中止" not in html

    html = officer_client.get(
        reverse("projects:project-board"), {"officer": officer.pk, "terminated": "1"}
    ).content.decode()
    assert 'class="board-column" data-stage="terminated"' in html
    assert "看板中止" in html


def test_board_caps_cards_per_column(officer_client, monkeypatch):
    from projects.views import projects as views

    monkeypatch.setattr(views, "BOARD_CARDS_PER_COLUMN", 2)
    for index in range(3):
        factories.project(name=f"封顶{index}")
    html = officer_client.get(reverse("projects:project-board")).content.decode()
    assert html.count('class="board-card"') == 2
    assert "stage=lead" in html  # the link to the rest in the ledger


def test_enterprise_and_demand_lists_filter(officer_client):
    sf = factories.enterprise(name="双福重点企业", park_code="SF", is_key=True)
    factories.enterprise(name="德感普通企业", park_code="DG")
    factories.demand(enterprise_obj=sf, position="焊接工程师", disciplines=("0802",))
    html = officer_client.get(reverse("projects:enterprise-list"), {"is_key": "true"}).content.decode()
    assert "双福重点企业" in html
    assert "德感普通企业" not in html
    html = officer_client.get(
        reverse("projects:demand-list"), {"discipline": "0802", "status": "open"}
    ).content.decode()
    assert "焊接工程师" in html
    html = officer_client.get(reverse("projects:demand-list"), {"discipline": "0812"}).content.decode()
    assert "焊接工程师" not in html
    detail = officer_client.get(reverse("projects:enterprise-detail", args=[sf.pk])).content.decode()
    assert "焊接工程师" in detail


def test_lookup_suggests_enterprises(officer_client):
    enterprise = factories.enterprise(name="江津查找测试有限公司")
    html = officer_client.get(
        reverse("projects:enterprise-lookup"), {"enterprise": "查找测试"}
    ).content.decode()
    assert f'value="江津查找测试有限公司 [{enterprise.credit_code}]"' in html
