"""Static files as the browser gets them: compressed, under hashed names, cached for a year; charts'
scripts only on pages with charts, and never blocking the page."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

COMPRESSED = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "jinjin_crm.core.staticfinders.CompressedHashedStorage"},
}


@pytest.fixture
def collected(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = COMPRESSED
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_KEEP_ONLY_HASHED_FILES = True
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils.functional import empty

    staticfiles_storage._wrapped = empty  # reload the manifest just written
    return tmp_path


def test_only_plotlys_own_script_is_collected_from_its_package(collected):
    names = sorted(path.name for path in (collected / "plotly").iterdir())
    assert len(names) == 2
    assert re.fullmatch(r"plotly\.min\.[0-9a-f]{12}\.js", names[0])
    assert names[1] == names[0] + ".gz"


def test_plotly_is_served_compressed_and_cached_for_a_year(collected, db, settings):
    from django.templatetags.static import static

    settings.DEBUG = True  # as make run serves it: hashed names even in development

    url = static("plotly/plotly.min.js")
    assert re.search(r"plotly\.min\.[0-9a-f]{12}\.js$", url)
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) < 2_000_000  # 4.8 MB as it is
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


@override_settings(
    STORAGES={
        **COMPRESSED,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def test_chart_scripts_load_only_on_chart_pages_and_deferred(client, leader):
    client.force_login(leader)
    dashboard = client.get("/dashboard/").content.decode()
    assert re.search(r'<script src="/static/js/charts\.js" defer></script>', dashboard)
    assert 'data-plotly-src="/static/plotly/plotly.min.js"' in dashboard
    # Plotly itself is not a script tag of the page: charts.js fetches it after the page.
    assert '<script src="/static/plotly/plotly.min.js"' not in dashboard
    projects = client.get("/projects/").content.decode()
    assert "charts.js" not in projects
    assert "plotly" not in projects
