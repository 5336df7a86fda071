"""Pinyin search reads the surname as a surname: "wang" finds 王 and 汪, not 方 (whose rare readings
include wang), and a surname read otherwise than its character (单 shan, 曾 zeng) is found by that."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypinyin import Style, pinyin

from talents.models import Talent
from talents.search import COMPOUND_SURNAME_READINGS, SURNAME_READINGS, search_text_for, talent_search
from tests import factories

pytestmark = pytest.mark.django_db

NAMES = ("王某", "汪某", "方某", "方婷婷", "单某", "曾某", "解某", "区某", "长孙某", "吕某")


def tokens_of(name: str) -> str:
    return search_text_for(name=name, university="", disciplines=[], keywords="", phone="")


def create(alias: str):
    for name in NAMES:
        Talent.objects.using(alias).create(name=name, search_text=tokens_of(name))
    return Talent.objects.using(alias)


def found(queryset, query: str) -> set[str]:
    return set(talent_search(queryset, query).values_list("name", flat=True))


@pytest.mark.django_db(databases=["default", "sqlite"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wang", {"王某", "汪某"}),  # not 方, whose readings include wang
        ("wm", {"王某", "汪某"}),
        ("fang", {"方某", "方婷婷"}),
        ("fangtingting", {"方婷婷"}),
        ("pang", set()),  # 方's other readings are not surnames
        ("yu", set()),  # nor is 王's yu
        ("shan", {"单某"}),  # heteronym surnames by their surname reading
        ("dan", {"单某"}),  # and by their everyday one, which people who do not know it type
        ("zeng", {"曾某"}),
        ("ceng", {"曾某"}),
        ("xie", {"解某"}),
        ("ou", {"区某"}),
        ("om", {"区某"}),
        ("zhangsun", {"长孙某"}),  # a compound surname's own reading
        ("changsun", {"长孙某"}),  # and 长 read as the single surname
        ("lv", {"吕某"}),
        ("lu", {"吕某"}),
        ("tingting", set()),  # pinyin matches from the start of the name only, as before
    ],
)
@pytest.mark.parametrize("alias", ["default", "sqlite"])  # the GIN index path and the LIKE path
def test_pinyin_finds_surnames_by_how_surnames_are_read(alias, query, expected):
    assert found(create(alias), query) == expected, query


def test_the_given_name_keeps_its_everyday_readings():
    # 乐 and 长 read as surnames only at the start; elsewhere the everyday reading, as before.
    assert "lixiaole" in tokens_of("李小乐").split()
    assert "lixiaoyue" not in tokens_of("李小乐").split()
    assert "zhaozhang" in tokens_of("赵长").split()


def test_the_surname_tables_hold_readings_pypinyin_knows():
    """A typo in the tables would make a surname unfindable by its reading."""

    def known(character: str) -> set[str]:
        return set(pinyin(character, style=Style.NORMAL, heteronym=True)[0])

    for character, readings in SURNAME_READINGS.items():
        assert set(readings) <= known(character), character
    for surname, readings in COMPOUND_SURNAME_READINGS.items():
        assert len(readings) == len(surname) == 2, surname
        for character, reading in zip(surname, readings, strict=True):
            assert reading in known(character), surname


def test_the_list_page_search_finds_wang_not_fang(client, officer):
    for name in ("王伟", "汪洋", "方婷婷"):
        factories.talent(name=name, by=officer)
    client.force_login(officer)

    html = client.get(reverse("talents:talent-list"), {"search": "wang"}).content.decode()

    assert "王伟" in html
    assert "汪洋" in html
    assert "方婷婷" not in html


def test_the_migration_recomputes_stale_search_text_in_batches():
    """Rows written with the old tokens (every reading of the surname) get the new ones; rows already
    right are not written."""
    fang = factories.talent(name="方婷婷", phone="13812345678", disciplines=("0812",))
    wang = factories.talent(name="王伟")
    right = Talent.objects.get(pk=fang.pk).search_text
    stale = right + " wang wangt wangting"
    Talent.objects.filter(pk=fang.pk).update(search_text=stale)
    wang_text = Talent.objects.get(pk=wang.pk).search_text

    name = "0005_search_text_surname_readings"
    migration = importlib.import_module(f"talents.migrations.{name}")
    # The historical models, as the migration sees them (the phone decrypted by its field).
    historical = MigrationExecutor(connection).loader.project_state(("talents", name)).apps
    with connection.schema_editor() as editor, CaptureQueriesContext(connection) as queries:
        migration.recompute_search_text(historical, editor)

    assert Talent.objects.get(pk=fang.pk).search_text == right
    assert {"t:5678", "0812"} <= set(right.split())  # the phone's tail and the discipline stay
    assert Talent.objects.get(pk=wang.pk).search_text == wang_text
    updates = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert updates[0].count("WHEN") == 1  # 方婷婷's row alone
