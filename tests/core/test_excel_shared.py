"""The pieces every app's Excel export shares: the filters line, the count with its words, the download."""

import io

import pytest
from django.http import QueryDict

from jinjin_crm.core.excel_export import count_format, filters_describe, xlsx_response
from talents.filters import TalentFilter


def test_count_format_keeps_the_words_around_the_number():
    assert count_format("%(count)s projects") == '#,##0" projects"'
    assert count_format("共 %(count)s 个项目") == '"共 "#,##0" 个项目"'


@pytest.mark.django_db
def test_filters_line_names_choices_by_label_and_masks_a_number_only_when_asked():
    params = QueryDict("stage=lead&search=13812345678")
    masked = filters_describe(TalentFilter, params, everything="all", mask_search=True)
    plain = filters_describe(TalentFilter, params, everything="all")
    assert "13812345678" not in masked
    assert "“13812345678”" in plain
    assert filters_describe(TalentFilter, QueryDict(""), everything="all") == "all"
    assert filters_describe(TalentFilter, QueryDict("stage=nonsense"), everything="all") == "all"


@pytest.mark.django_db
def test_filters_line_lets_an_app_word_a_filter_its_own_way():
    line = filters_describe(
        TalentFilter,
        QueryDict("search=x"),
        everything="all",
        describe=lambda name, value: "own" if name == "search" else None,
    )
    assert line.endswith("：own")


def test_download_is_private_unless_said_otherwise():
    assert xlsx_response(io.BytesIO(b"x"), "a.xlsx")["Cache-Control"] == "no-store"
    assert "Cache-Control" not in xlsx_response(io.BytesIO(b"x"), "a.xlsx", private=False)
