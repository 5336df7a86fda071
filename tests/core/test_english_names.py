"""In English, reference data (parks, industries, degrees, tiers, regions) show their English names;
in Chinese, their Chinese names; a record without an English name keeps its Chinese one."""

import pytest
from django.urls import reverse
from django.utils import translation

from jinjin_crm.core.models import Degree, Discipline, IndustryChain, Park, Region, TalentTier
from tests import factories


@pytest.mark.parametrize(
    ("model", "code", "chinese", "english"),
    [
        (Park, "SF", "双福工业园", "Shuangfu Industrial Park"),
        (
            IndustryChain,
            "NEV",
            "智能网联新能源汽车及零部件",
            "Intelligent connected new-energy vehicles and parts",
        ),
        (Degree, "MASTER", "硕士", "Master's"),
        (TalentTier, "B", "国家级领军人才", "National leading talent"),
        (Region, "OUTSIDE_CITY", "市外", "Outside Chongqing"),
    ],
)
def test_shipped_reference_data_speaks_the_readers_language(db, model, code, chinese, english):
    record = model.objects.get(code=code)
    with translation.override("en"):
        assert str(record) == english
    with translation.override("zh-hans"):
        assert str(record) == chinese
        assert record.label == chinese


def test_without_an_english_name_the_chinese_one_shows(db):
    discipline = Discipline.objects.get(code="0812")
    with translation.override("en"):
        assert str(discipline) == f"0812 {discipline.name}"


def test_the_project_ledger_in_english_names_parks_and_industries_in_english(client, officer):
    factories.project(park_code="SF", name="测试项目")
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("projects:project-list")).content.decode()
    assert "Shuangfu Industrial Park" in html  # the table and the park filter's options
    assert "双福工业园" not in html
    client.cookies["django_language"] = "zh-hans"
    assert "双福工业园" in client.get(reverse("projects:project-list")).content.decode()
