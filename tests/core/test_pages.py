"""The UI shell: log-in, the home page in Chinese, the language switch, health."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_chinese(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "用户名" in html


def test_home_renders_in_chinese_with_navigation(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作台" in html
    assert "招商项目台账" in html
    # Every section of the sidebar has its page now: none is shown as still to come.
    assert 'href="/dashboard/"' in html
    assert "即将上线" not in html
    assert officer.name in html
    assert "双福工业园" in html  # the officer's park


def test_chinese_even_when_the_browser_asks_for_english(client, officer):
    client.force_login(officer)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "工作台" in html


def test_language_switch_to_english(client, officer):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Worklist" in html


def test_static_assets_are_served_locally(client, officer):
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "/static/django_htmx/htmx" in html
    assert "cdn" not in html.lower()


def test_login_with_password(client, officer):
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_chinese_error(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名" in response.content.decode()
    assert "密码" in response.content.decode()


def test_repeated_failures_lock_the_account(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 429
    assert "锁定" in response.content.decode()


def test_admin_reaches_the_admin_and_officer_does_not(client, officer):
    from tests.factories import admin

    client.force_login(officer)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin())
    assert client.get("/admin/core/park/").status_code == 200


def test_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == "ok"


def test_unknown_page_is_a_chinese_404(client, officer):
    client.force_login(officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_only_the_closest_section_is_active(officer):
    from jinjin_crm.core.navigation import sections_for

    active = [item["url"] for item in sections_for(officer, "/projects/board/") if item["active"]]
    assert active == ["/projects/board/"]
    active = [item["url"] for item in sections_for(officer, "/projects/12/") if item["active"]]
    assert active == ["/projects/"]
