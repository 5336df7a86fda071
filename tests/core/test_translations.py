"""The Chinese catalogue is complete and its compiled form is current.

The compiled .mo is committed so that a machine without GNU gettext serves Chinese; this test
catches a .po edited without recompiling (`make messages`).
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in po if not entry.translated()]
    assert untranslated == []


def _translations(catalogue) -> dict:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
        for entry in catalogue
        if entry.msgid
    }


def test_compiled_catalogue_matches_the_source():
    po = _translations(polib.pofile(str(LOCALE / "django.po")))
    mo = _translations(polib.mofile(str(LOCALE / "django.mo")))
    assert mo == po


def test_the_admins_role_and_park_pickers_speak_chinese(client, db):
    """Django 5.2's own Chinese catalogue leaves the two-box picker's help in English; ours fills it."""
    import json
    import re

    from django.urls import reverse

    from tests.factories import admin

    client.force_login(admin())
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    found = re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)
    catalog = json.loads(found.group(1))
    chosen = 'Choose %s by selecting them and then select the "Choose" arrow button.'
    assert catalog[chosen] == "选中左侧的%s，再点“选择”箭头加入。"
    assert catalog["Remove all %s"] == "全部移出%s"


def test_the_user_admin_names_roles_not_group_codes(client, db):
    from django.urls import reverse

    from tests.factories import admin, officer

    client.force_login(admin())
    someone = officer()
    html = client.get(reverse("admin:core_user_change", args=[someone.pk])).content.decode()
    assert ">专员</option>" in html
    assert ">领导</option>" in html
    assert ">officer</option>" not in html


def test_the_administration_carries_the_sites_name_and_icon(client, db):
    from django.urls import reverse

    from tests.factories import admin

    client.force_login(admin())
    html = client.get(reverse("admin:index")).content.decode()
    assert "江津区双招双引管理平台 · 后台管理" in html
    assert "Django 管理" not in html
    assert 'rel="icon"' in html
