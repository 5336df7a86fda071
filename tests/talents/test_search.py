"""The talent search box, on PostgreSQL (GIN index over tokens) and on SQLite (LIKE over tokens)."""

import pytest
from django.db import connection

from jinjin_crm.core.models import Discipline
from talents.models import Talent
from talents.search import search_text_for, talent_search

PEOPLE = [
    # name, phone, university, discipline codes, keywords
    ("张伟", "13812345678", "南开大学", ("0812",), "机器视觉, deep learning"),
    ("张伟明", "13900001111", "北京理工大学", ("0805",), "复合材料"),
    ("王芳", "13700002222", "重庆大学", ("0802",), "液压"),
    ("单田芳", "13600003333", "清华大学深圳国际研究生院", ("0811",), ""),
    ("吕布", "13500004444", "", (), ""),
]


def create(alias: str) -> dict[str, int]:
    ids = {}
    for name, phone, university, codes, keywords in PEOPLE:
        disciplines = list(Discipline.objects.using(alias).filter(code__in=codes))
        talent = Talent.objects.using(alias).create(
            name=name,
            phone=phone,
            university=university,
            research_keywords=keywords,
            search_text=search_text_for(
                name=name, university=university, disciplines=disciplines, keywords=keywords, phone=phone
            ),
        )
        ids[name] = talent.pk
    return ids


CASES = [
    ("张", {"张伟", "张伟明"}),
    ("张伟", {"张伟", "张伟明"}),
    ("张伟明", {"张伟明"}),
    ("伟明", {"张伟明"}),
    ("zhangwei", {"张伟", "张伟明"}),
    ("ZhangWeiM", {"张伟明"}),
    ("zw", {"张伟", "张伟明"}),
    ("zwm", {"张伟明"}),
    ("wf", {"王芳"}),
    ("shantianfang", {"单田芳"}),  # the surname's reading
    ("dantianfang", {"单田芳"}),
    ("lvbu", {"吕布"}),
    ("lubu", {"吕布"}),
    ("5678", {"张伟"}),  # phone tail
    ("0812", {"张伟"}),  # discipline code
    ("南开", {"张伟"}),
    ("北京理工大学", {"张伟明"}),
    ("清华大学深圳国际研究生院", {"单田芳"}),  # longer than one token: windows, then the whole term
    ("计算机", {"张伟"}),
    ("机器视觉", {"张伟"}),
    ("deep", {"张伟"}),
    ("芳", {"王芳", "单田芳"}),
    ("张 南开", {"张伟"}),  # every term must match
    ("李", set()),
    ("", {"张伟", "张伟明", "王芳", "单田芳", "吕布"}),
]


@pytest.mark.django_db(databases=["default", "sqlite"])
@pytest.mark.parametrize("alias", ["default", "sqlite"])
def test_search_finds_by_name_pinyin_initials_phone_tail_and_more(alias):
    ids = create(alias)
    names = {pk: name for name, pk in ids.items()}
    for query, expected in CASES:
        found = {
            names[pk] for pk in talent_search(Talent.objects.using(alias), query).values_list("pk", flat=True)
        }
        assert found == expected, query


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("query", ["张", "张伟", "张伟明", "zw"])
def test_postgresql_answers_one_to_three_character_names_from_the_index(query):
    create("default")
    sql, params = talent_search(Talent.objects.order_by(), query).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # Few rows would make a scan cheaper; forbid it to see that the index can serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "talent_search_tokens_gin" in plan, plan
