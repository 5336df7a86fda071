"""The officer's worklist (the home page) across every kind of record: follow-ups on projects,
enterprises and talents, projects and talents going cold, and the sections the policies app registers
(service requests due, applications waiting), at a fixed number of queries."""

import datetime
import inspect
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import talents.selectors
from jinjin_crm.core import worklist as core_worklist
from jinjin_crm.core.models import User
from jinjin_crm.core.services import activity_log, follow_up_schedule
from policies import services as policy_services
from policies.models import ServiceRequest
from projects.models import InvestmentProject
from talents.models import Talent
from talents.selectors import worklist
from tests import factories

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(days=40)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def sections(html: str) -> dict[str, str]:
    found = re.findall(r'data-section="([a-z_]+)"', html)
    return {name: html.split(f'data-section="{name}"')[1].split("</section>")[0] for name in found}


def count(section_html: str) -> str:
    return re.search(r"data-count>([^<]*)<", section_html).group(1)


def cold_project(officer, **fields):
    project = factories.project(lead_officer=officer, **fields)
    InvestmentProject.objects.filter(pk=project.pk).update(created_at=timezone.now() - LONG_AGO)
    return project


def cold_talent(officer, **fields):
    talent = factories.talent(by=officer, **fields)
    Talent.objects.filter(pk=talent.pk).update(created_at=timezone.now() - LONG_AGO, assigned_at=None)
    return talent


def service_request(officer, *, due_in: int, **fields):
    request = policy_services.service_request_create(
        talent=fields.pop("talent", None) or factories.talent(by=officer),
        kind="schooling",
        by=officer,
        owner=officer,
        due_on=timezone.localdate() + datetime.timedelta(days=max(due_in, 0)),
        **fields,
    )
    if due_in < 0:  # time has passed since it was filed
        ServiceRequest.objects.filter(pk=request.pk).update(
            due_on=timezone.localdate() + datetime.timedelta(days=due_in)
        )
    return request


def proposed_application(officer, benefit_obj):
    talent = factories.onboarded_talent(by=officer)
    (application,) = policy_services.benefits_propose(talent=talent)
    assert application.owner == officer
    assert application.proposed_automatically
    return application


def returned_application(officer, benefit_obj):
    application = factories.policy_application(
        talent_obj=factories.onboarded_talent(by=officer),
        benefit_obj=benefit_obj,
        by=officer,
        state="submitted",
    )
    return policy_services.application_return(application=application, by=officer, opinion="补充学位证书")


# --- The registry ---------------------------------------------------------------------------------


def test_later_apps_register_worklist_sections_in_order(monkeypatch):
    monkeypatch.setattr(core_worklist, "_sections", dict(core_worklist._sections))
    keys = [section.key for section in core_worklist.worklist_sections()]
    assert keys[:2] == ["service_requests_due", "applications_waiting"]

    def loader(*, user, today, limit):
        return {"rows": [user.pk, today, limit]}

    core_worklist.worklist_section_register("early", "x.html", loader, order=1)
    core_worklist.worklist_section_register("early", "y.html", loader, order=1)  # replaces
    loaded = core_worklist.worklist_sections_load(user=User(pk=7), today=datetime.date(2026, 1, 2), limit=5)
    assert loaded[0] == {"key": "early", "template": "y.html", "rows": [7, datetime.date(2026, 1, 2), 5]}
    assert [section["key"] for section in loaded].count("early") == 1


def test_the_worklist_names_no_later_app():
    for module in (talents.selectors, core_worklist):
        source = inspect.getsource(module)
        assert not re.search(r"^\s*(from|import) (policies|campaigns)\b", source, re.MULTILINE), module


# --- Follow-ups and going cold --------------------------------------------------------------------


def test_follow_ups_come_from_projects_enterprises_and_talents(officer_client, officer):
    today = timezone.localdate()
    project = factories.project(lead_officer=officer, name="智能算力中心项目")
    enterprise = factories.enterprise(name="重庆江津光伏科技有限公司")
    talent = factories.talent(by=officer, name="王博士")
    due = follow_up_schedule(record=project, officer=officer, summary="回复投资方用电价格", due_on=today)
    visit = follow_up_schedule(record=enterprise, officer=officer, summary="答复二期用地", due_on=today)
    late = follow_up_schedule(
        record=talent, officer=officer, summary="回电确认到岗时间", due_on=today - datetime.timedelta(days=2)
    )
    found = sections(officer_client.get("/").content.decode())
    assert f'data-follow-up="{due.pk}"' in found["due_today"]
    assert reverse("projects:project-detail", args=[project.pk]) in found["due_today"]
    assert "招商项目" in found["due_today"]
    assert "企业" in found["due_today"]
    assert reverse("projects:enterprise-detail", args=[enterprise.pk]) in found["due_today"]
    assert f'data-follow-up="{visit.pk}"' in found["due_today"]
    assert f'data-follow-up="{late.pk}"' in found["overdue"]
    assert count(found["due_today"]) == "2"
    assert count(found["overdue"]) == "1"


def test_projects_the_officer_leads_go_cold_beside_their_talents(officer_client, officer):
    quiet = cold_project(officer, name="冷项目", stage="negotiating")
    contacted = cold_project(officer, name="刚联系过")
    activity_log(record=contacted, officer=officer, channel="phone", summary="电话沟通")
    cold_project(officer, name="已达产", stage="at_capacity")
    cold_project(officer, name="已中止", stage="terminated")
    cold_project(factories.officer(), name="别人的项目")
    factories.project(lead_officer=officer, name="新项目")  # created today: not cold yet
    talent = cold_talent(officer, name="冷线索")

    cold = sections(officer_client.get("/").content.decode())["cold"]
    assert re.findall(r'data-project="(\d+)"', cold) == [str(quiet.pk)]
    assert re.findall(r'data-talent="(\d+)"', cold) == [str(talent.pk)]
    assert reverse("projects:project-detail", args=[quiet.pk]) in cold
    assert reverse("talents:talent-detail", args=[talent.pk]) in cold
    assert "招商项目" in cold
    assert "人才" in cold
    assert count(cold) == "2"


def test_going_cold_puts_the_longest_quiet_first_and_keeps_the_limit(officer):
    older = cold_project(officer, name="最久未联系")
    InvestmentProject.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=90)
    )
    talent = cold_talent(officer)
    other = cold_project(officer)
    contacted = cold_project(officer)
    activity_log(
        record=contacted,
        officer=officer,
        channel="visit",
        summary="拜访",
        occurred_at=timezone.now() - datetime.timedelta(days=35),
    )
    assert talents.selectors.worklist_cold(user=officer)[-1] == contacted
    cold = talents.selectors.worklist_cold(user=officer, limit=3)
    assert cold[0] == older
    assert set(cold) == {older, talent, other}
    assert [record.quiet_since for record in cold] == sorted(record.quiet_since for record in cold)
    assert {record.worklist_kind for record in cold} == {"project", "talent"}


# --- The policies app's sections ------------------------------------------------------------------


def test_service_requests_due_and_overdue_that_the_officer_owns(officer_client, officer):
    today_item = service_request(officer, due_in=0, description="子女入学")
    late_item = service_request(officer, due_in=-3, description="配偶就业")
    service_request(officer, due_in=5, description="下周")
    service_request(factories.officer(), due_in=0, description="别人的")
    done = service_request(officer, due_in=0, description="已办结")
    policy_services.service_request_resolve(service_request=done, by=officer, resolution="已落实学位")

    section = sections(officer_client.get("/").content.decode())["service_requests_due"]
    rows = re.findall(r'data-service-request="(\d+)"', section)
    assert rows == [str(late_item.pk), str(today_item.pk)]
    assert "text-danger" in section.split(f'data-service-request="{late_item.pk}"')[1].split("</li>")[0]
    assert reverse("talents:talent-detail", args=[today_item.talent_id]) in section
    assert f"{reverse('policies:service-board')}?owner={officer.pk}" in section


def test_applications_waiting_on_the_officer(officer_client, officer):
    benefit_obj = factories.benefit(criteria=[])
    proposed = proposed_application(officer, benefit_obj)
    proposed_application(factories.officer(), benefit_obj)
    returned = returned_application(officer, factories.benefit(name="岗位激励", criteria=[]))
    factories.policy_application(
        talent_obj=factories.onboarded_talent(by=officer),
        benefit_obj=benefit_obj,
        by=officer,
        state="submitted",
    )
    factories.policy_application(
        talent_obj=factories.onboarded_talent(by=officer),
        benefit_obj=factories.benefit(name="普通申报", criteria=[]),
        by=officer,
    )  # a draft the officer started: not waiting on anyone

    section = sections(officer_client.get("/").content.decode())["applications_waiting"]
    rows = re.findall(r'data-application="(\d+)"', section)
    assert rows == [str(returned.pk), str(proposed.pk)]
    assert reverse("policies:application-detail", args=[proposed.pk]) in section
    assert "免申即享" in section


def test_the_sections_say_what_to_do_when_empty(officer_client):
    found = sections(officer_client.get("/").content.decode())
    for name in (
        "due_today",
        "overdue",
        "cold",
        "recently_assigned",
        "service_requests_due",
        "applications_waiting",
    ):
        assert "empty-state" in found[name], name
        assert count(found[name]) == "0"


# --- Cost -----------------------------------------------------------------------------------------


def fill(officer, n: int, benefit_obj) -> None:
    """``n`` rows in every section of the officer's worklist (proposals of ``benefit_obj``)."""
    today = timezone.localdate()
    for index in range(n):
        project = cold_project(officer)
        talent = cold_talent(officer)
        follow_up_schedule(record=project, officer=officer, summary="今日", due_on=today)
        follow_up_schedule(
            record=factories.enterprise(),
            officer=officer,
            summary="逾期",
            due_on=today - datetime.timedelta(days=1),
        )
        follow_up_schedule(record=talent, officer=officer, summary="今日人才", due_on=today)
        factories.talent(by=officer)
        service_request(officer, due_in=-index, talent=talent)
        proposed_application(officer, benefit_obj)


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_home_page_costs_the_same_for_2_and_20_rows_per_section(officer_client, officer):
    benefit_obj = factories.benefit(criteria=[])
    fill(officer, 2, benefit_obj)
    few = home_queries(officer_client)
    fill(officer, 18, benefit_obj)
    html = officer_client.get("/").content.decode()
    found = sections(html)
    assert count(found["cold"]) == "40"
    assert count(found["applications_waiting"]) == "20"
    assert count(found["service_requests_due"]) == "20"
    assert home_queries(officer_client) == few


def test_each_section_stops_at_the_limit(officer, monkeypatch):
    monkeypatch.setattr(talents.selectors, "WORKLIST_LIMIT", 2)
    fill(officer, 3, factories.benefit(criteria=[]))
    day = worklist(user=officer)
    assert len(day["cold"]) == 2
    assert len(day["due_today"]) + len(day["overdue"]) <= 2
    loaded = {section["key"]: section for section in day["sections"]}
    assert len(loaded["service_requests_due"]["items"]) == 2
    assert len(loaded["applications_waiting"]["items"]) == 2


# --- The demo -------------------------------------------------------------------------------------


def test_the_demo_investment_officer_has_a_day_of_work():
    from jinjin_crm.core import demo as core_demo
    from projects import demo as projects_demo

    core_demo.seed()
    projects_demo.seed()
    investment = User.objects.get(username="investment")
    day = worklist(user=investment)
    assert day["due_today"]
    assert day["overdue"]
    kinds = {item.content_type.model for item in day["due_today"] + day["overdue"]}
    assert kinds == {"investmentproject", "enterprise"}
    projects = [
        item.record
        for item in day["due_today"] + day["overdue"]
        if isinstance(item.record, InvestmentProject)
    ]
    assert {project.lead_officer_id for project in projects} == {investment.pk}


def test_the_home_page_speaks_chinese(officer_client, officer):
    """Needs the worklist-and-undo translations merged into the catalogue."""
    cold_project(officer, name="冷项目")
    html = officer_client.get("/").content.decode()
    assert "您负责的人才和项目已 30 天未联系" in html
    assert "录入后未联系" in html
    assert "到期的人才服务事项" in html
    assert "您负责的服务事项都未到期。" in html
    assert "待我处理的申报" in html
    assert "没有待您处理的申报。" in html
