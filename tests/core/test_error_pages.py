"""403, 404, 500 and CSRF-failure pages: in the shell, in Chinese, with the way back; JSON under /api/.

A leader who opens a write page is shown its read-only counterpart with a warning; a leader's POST is
a 403 page and changes nothing.
"""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import path, reverse

from jinjin_crm import urls as site_urls
from jinjin_crm.core import views
from jinjin_crm.core.services import user_create
from tests import factories

pytestmark = pytest.mark.django_db


# --- A URLconf for the tests: the site's, plus pages that fail ------------------------------------------


def _boom(request):
    raise RuntimeError("boom")


def _forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("api/v1/boom/", _boom),
    path("api/v1/forbidden/", _forbidden),
    *site_urls.urlpatterns,
]
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

failing_pages = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def no_debug(settings):
    """Django shows its debug pages instead of the handlers' when DEBUG is on."""
    settings.DEBUG = False


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def in_the_shell(html: str) -> bool:
    return 'class="app-sidebar' in html and 'class="app-topbar' in html and "招商项目台账" in html


def link(url: str, text: str) -> str:
    return f'href="{url}">{text}</a>'


# --- 404 ----------------------------------------------------------------------------------------


def test_404_is_a_chinese_page_of_the_shell_with_the_list_the_url_belongs_to(officer_client, officer):
    response = officer_client.get("/projects/999999/edit/")
    assert response.status_code == 404
    html = response.content.decode()
    assert in_the_shell(html)
    assert officer.name in html
    assert "页面不存在" in html
    assert "网址可能有误，或该记录已不存在。" in html
    assert link("/projects/", "返回招商项目台账") in html
    assert link("/", "返回工作台") in html


def test_404_offers_the_page_the_user_came_from_when_it_is_on_this_site(officer_client):
    html = officer_client.get(
        "/talents/999999/", HTTP_REFERER="http://testserver/campaigns/?kind=job_fair"
    ).content.decode()
    assert link("/campaigns/?kind=job_fair", "返回招引活动") in html
    html = officer_client.get(
        "/talents/999999/", HTTP_REFERER="http://testserver/projects/12/"
    ).content.decode()
    assert link("/projects/12/", "返回上一页") in html
    # Another site's page is not offered: the list the URL belongs to is.
    html = officer_client.get("/talents/999999/", HTTP_REFERER="https://evil.example/x").content.decode()
    assert "evil.example" not in html
    assert link("/talents/", "返回人才") in html


def test_404_for_someone_not_signed_in_offers_the_log_in_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert link(reverse("login"), "登录") in html
    assert 'class="app-sidebar' not in html


def test_404_under_the_api_stays_json(officer_client):
    response = officer_client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "not_found"


# --- 403 and the leader's write pages ---------------------------------------------------------------


def test_a_leader_posting_gets_a_403_page_in_the_shell_and_nothing_changes(leader_client):
    project = factories.project(name="原名项目")
    response = leader_client.post(
        reverse("projects:project-edit", args=[project.pk]),
        {"name": "改名项目"},
        HTTP_REFERER=f"http://testserver/projects/{project.pk}/",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert in_the_shell(html)
    assert "无权操作" in html
    assert "您的角色只能查看，不能修改。" in html
    assert link(f"/projects/{project.pk}/", "返回上一页") in html
    assert link("/", "返回工作台") in html
    project.refresh_from_db()
    assert project.name == "原名项目"


def test_a_post_only_write_is_a_403_for_a_leader_even_by_get(leader_client):
    # Such a write has no read-only page to show instead.
    response = leader_client.get(reverse("matching:match-recompute"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "您的角色只能查看，不能修改。" in html
    assert link("/", "返回工作台") in html


@failing_pages
def test_a_403_without_a_reason_says_the_role_may_not_use_the_page(officer_client):
    response = officer_client.get("/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert in_the_shell(html)
    assert "您的角色不能使用此页面；如确有需要，请联系管理员。" in html


def test_an_account_without_a_role_is_told_to_ask_for_one(client):
    nobody = user_create(username="norole", password="correct-horse-battery-staple", name="无角色")
    client.force_login(nobody)
    for url in (reverse("projects:project-list"), reverse("projects:project-create")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "您的账号还没有分配角色，请联系管理员分配。" in response.content.decode()


@failing_pages
def test_a_403_under_the_api_is_json_in_the_error_shape(officer_client):
    response = officer_client.get("/api/v1/forbidden/")
    assert response.status_code == 403
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "permission_denied", "detail": "您没有执行该操作的权限。", "attr": None}],
    }


@pytest.fixture
def records():
    enterprise = factories.enterprise()
    campaign = factories.campaign()
    return {
        "project": factories.project(),
        "enterprise": enterprise,
        "demand": factories.demand(enterprise_obj=enterprise),
        "talent": factories.talent(),
        "campaign": campaign,
        "university": factories.university(),
    }


# (write page, its read-only counterpart); "name" means the record's URL argument.
READ_ONLY_PAGES = [
    ("projects:project-create", None, "projects:project-list"),
    ("projects:project-edit", "project", "projects:project-detail"),
    ("projects:enterprise-create", None, "projects:enterprise-list"),
    ("projects:enterprise-edit", "enterprise", "projects:enterprise-detail"),
    ("projects:demand-create", None, "projects:demand-list"),
    ("projects:demand-edit", "demand", "projects:demand-detail"),
    ("talents:talent-create", None, "talents:talent-list"),
    ("talents:talent-edit", "talent", "talents:talent-detail"),
    ("talents:talent-import", None, "talents:talent-list"),
    ("talents:talent-merge", None, "talents:talent-duplicates"),
    ("campaigns:campaign-create", None, "campaigns:campaign-list"),
    ("campaigns:campaign-edit", "campaign", "campaigns:campaign-detail"),
    ("campaigns:contact-import", "campaign", "campaigns:campaign-detail"),
    ("campaigns:university-create", None, "campaigns:university-list"),
    ("campaigns:university-edit", "university", "campaigns:university-detail"),
    ("campaigns:placement-create", None, "campaigns:placement-list"),
    ("campaigns:batch-create", None, "campaigns:placement-list"),
    ("policies:application-create", None, "policies:application-list"),
]


def test_a_leader_opening_a_write_page_sees_its_read_only_page(leader_client, records):
    for write, record, read in READ_ONLY_PAGES:
        args = [records[record].pk] if record else []
        response = leader_client.get(reverse(write, args=args))
        assert response.status_code == 302, write
        assert response["Location"] == reverse(read, args=args), write
        page = leader_client.get(response["Location"])
        assert page.status_code == 200, read
        assert "您的角色只能查看，不能修改" in page.content.decode(), read


def test_the_leader_lands_on_the_detail_page_with_the_warning(leader_client):
    project = factories.project(name="智能装备项目")
    response = leader_client.get(reverse("projects:project-edit", args=[project.pk]), follow=True)
    assert response.redirect_chain == [(reverse("projects:project-detail", args=[project.pk]), 302)]
    html = response.content.decode()
    assert "智能装备项目" in html
    assert '<div class="alert alert-warning' in html
    assert "您的角色只能查看，不能修改。" in html


def test_an_officer_still_opens_the_write_pages(officer_client):
    project = factories.project()
    assert officer_client.get(reverse("projects:project-edit", args=[project.pk])).status_code == 200
    assert officer_client.get(reverse("projects:project-create")).status_code == 200


# --- CSRF failures --------------------------------------------------------------------------------


def test_a_csrf_failure_is_a_page_of_the_shell_that_says_nothing_was_saved(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(
        reverse("projects:project-create"), {"name": "x"}, HTTP_REFERER="http://testserver/projects/new/"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert in_the_shell(html)
    assert "页面已过期" in html
    assert (
        "刚才的提交没有保存：页面打开时间过长，或您在此期间退出或重新登录过。请返回上一页，刷新后重新提交。"
        in html
    )
    # The form's own page is the way back (a POST's URL is its form's).
    assert link("/projects/new/", "返回上一页") in html
    assert link("/", "返回工作台") in html


def test_a_csrf_failure_on_the_log_in_page_offers_it_again(officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": officer.username, "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html
    assert link(reverse("login"), "登录") in html


def test_a_csrf_failure_under_the_api_is_json_in_the_error_shape():
    request = RequestFactory().post("/api/v1/projects/")
    response = views.csrf_failure(request, reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "type": "client_error",
        "errors": [
            {"code": "permission_denied", "detail": "CSRF Failed: CSRF cookie not set.", "attr": None}
        ],
    }


# --- 500 ----------------------------------------------------------------------------------------


@failing_pages
def test_500_looks_like_the_shell_in_chinese_with_the_way_back(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/boom/", HTTP_REFERER="http://testserver/projects/?stage=lead")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="app-sidebar' in html
    assert 'class="app-topbar' in html
    assert "服务器出错了" in html
    assert "系统出现错误，刚才的操作可能没有完成。请稍后再试；如果问题持续，请联系管理员。" in html
    assert link("/projects/?stage=lead", "返回招商项目台账") in html
    assert link("/", "返回工作台") in html


def test_500_needs_neither_the_database_nor_the_session(django_assert_num_queries):
    # A bare request is what a failed middleware leaves: no user and no session to touch.
    request = RequestFactory().get("/projects/12/edit/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错了" in html
    assert link("/projects/", "返回招商项目台账") in html


def test_500_still_answers_when_its_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(views.loader, "render_to_string", broken)
    response = views.server_error(RequestFactory().get("/dashboard/"))
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


@failing_pages
def test_500_under_the_api_stays_json(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json()["type"] == "server_error"
