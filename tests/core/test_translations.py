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


def test_compiled_catalogue_matches_the_source():
    po = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.pofile(str(LOCALE / "django.po"))}
    mo = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(LOCALE / "django.mo"))}
    mo.pop((None, ""), None)
    assert mo == {key: value for key, value in po.items() if value}
