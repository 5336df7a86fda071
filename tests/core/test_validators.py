"""Identifier validators against published valid and invalid examples."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from jinjin_crm.core.masking import mask_national_id, mask_phone
from jinjin_crm.core.validators import check_national_id, normalize_mobile, normalize_uscc


class TestNationalId:
    def test_gb11643_example_is_valid(self):
        # The example printed in GB 11643-1999 and quoted widely: Beijing Chaoyang, 1949-12-31, female.
        result = check_national_id("11010519491231002X")
        assert result.number == "11010519491231002X"
        assert result.birth_date == datetime.date(1949, 12, 31)
        assert result.gender == "F"
        assert result.warnings == []

    def test_lower_case_x_and_spaces_are_normalised(self):
        assert check_national_id(" 11010519491231002x ").number == "11010519491231002X"

    def test_standard_example_with_retired_area_code_is_a_warning_not_a_refusal(self):
        # The standard's own example: python-stdnum's area table refuses 440524 for 1880.
        assert not ric.is_valid("440524188001010014")
        result = check_national_id("440524188001010014")
        assert result.number == "440524188001010014"
        assert len(result.warnings) == 1
        assert "440524" in result.warnings[0]

    def test_jiangjin_pre_2006_code_is_accepted_with_a_warning(self):
        # 500381 was Jiangjin's code before it became a district (500116); people born then keep it.
        result = check_national_id("500381199001011232")
        assert result.birth_date == datetime.date(1990, 1, 1)
        assert result.warnings

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("110105194912310021", "id_number_checksum"),  # GB example with the wrong check character
            ("11010519491231002", "id_number_length"),
            ("1101051949123100211", "id_number_length"),
            ("11010519491331002X", "id_number_birth_date"),  # month 13
            ("11010519490230002X", "id_number_birth_date"),  # 30 February
            ("1101051949123100AX", "id_number_format"),
            ("11010519491231002Y", "id_number_format"),
            ("", "id_number_length"),
        ],
    )
    def test_invalid_numbers_are_refused_with_a_code(self, value, code):
        with pytest.raises(ValidationError) as info:
            check_national_id(value)
        assert info.value.code == code

    def test_future_birth_date_is_refused(self):
        future = datetime.date.today() + datetime.timedelta(days=400)
        body = f"500116{future:%Y%m%d}123"
        number = body + ric.calc_check_digit(body + "0")
        with pytest.raises(ValidationError) as info:
            check_national_id(number)
        assert info.value.code == "id_number_birth_date"

    def test_message_is_chinese_by_default(self):
        with pytest.raises(ValidationError) as info:
            check_national_id("110105194912310021")
        assert "校验" in info.value.messages[0]

    @given(
        birth=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2010, 12, 31)),
        sequence=st.integers(min_value=0, max_value=999),
        wrong=st.sampled_from("0123456789X"),
    )
    def test_exactly_one_check_character_is_right(self, birth, sequence, wrong):
        body = f"500116{birth:%Y%m%d}{sequence:03d}"
        right = ric.calc_check_digit(body + "0")
        assert check_national_id(body + right).birth_date == birth
        if wrong != right:
            with pytest.raises(ValidationError):
                check_national_id(body + wrong)


class TestUscc:
    def test_published_example_is_valid(self):
        assert normalize_uscc("91110000600037341L") == "91110000600037341L"

    def test_spaces_are_removed(self):
        assert normalize_uscc("9 1 110000 600037341L") == "91110000600037341L"

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("91110000600037341M", "uscc_checksum"),
            ("12345", "uscc_length"),
            ("A1110000600037341L", "uscc_format"),
        ],
    )
    def test_invalid_codes_are_refused(self, value, code):
        with pytest.raises(ValidationError) as info:
            normalize_uscc(value)
        assert info.value.code == code


class TestMobile:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("13812345678", "13812345678"),
            ("+86 138 1234 5678", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("19912345678", "19912345678"),
        ],
    )
    def test_valid_numbers_are_normalised(self, value, expected):
        assert normalize_mobile(value) == expected

    @pytest.mark.parametrize(
        "value",
        ["1381234567", "138123456789", "02312345678", "12345678901", "+1 415 555 2671", "not a number", ""],
    )
    def test_invalid_numbers_are_refused(self, value):
        with pytest.raises(ValidationError):
            normalize_mobile(value)


def test_masks():
    assert mask_national_id("50011619900101123X") == "5001**********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_national_id("") == ""
    assert mask_phone(None) == ""
