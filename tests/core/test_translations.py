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
