"""A gender that disagrees with the ID number is refused with a message naming the ID number's gender,
the same wherever it is raised: the service, the talent form, the API, the talent import and a
campaign's sign-in sheet.

The ``*_in_chinese`` tests assert the Chinese the user sees; they pass once the translations recorded
in /tmp/translations_imports.json are merged into locale/zh_Hans."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from stdnum.cn import ric

from jinjin_crm.core.validators import check_national_id
from talents import importers as talent_importers
from talents.models import Talent
from tests import factories

pytestmark = pytest.mark.django_db

SHOWS_MALE = "The gender does not match the ID number, which shows male."
SHOWS_FEMALE = "The gender does not match the ID number, which shows female."
SHOWS_MALE_ZH = "性别与身份证号不符（身份证号显示为男）。"
SHOWS_FEMALE_ZH = "性别与身份证号不符（身份证号显示为女）。"


def id_number(*, male: bool, serial: int = 1) -> str:
    """A valid ID number whose 17th digit (odd for men) says ``male``."""
    body = f"50011619900101{serial:02d}{1 if male else 2}"
    return body + ric.calc_check_digit(body + "0")


MAN, WOMAN = id_number(male=True), id_number(male=False)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("签到表.xlsx", content, content_type="application/octet-stream")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def english(officer_client):
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return officer_client


@pytest.fixture
def campaign(officer):
    start = datetime.date.today() - datetime.timedelta(days=10)
    return factories.campaign(
        by=officer,
        university=factories.university("南开大学"),
        starts_on=start,
        ends_on=start + datetime.timedelta(days=1),
    )


def test_the_message_names_the_id_numbers_gender():
    with translation.override("en"):
        assert check_national_id(MAN).gender_mismatch_message() == SHOWS_MALE
        assert check_national_id(WOMAN).gender_mismatch_message() == SHOWS_FEMALE


def test_the_message_names_the_id_numbers_gender_in_chinese():
    with translation.override("zh-hans"):
        assert check_national_id(MAN).gender_mismatch_message() == SHOWS_MALE_ZH
        assert check_national_id(WOMAN).gender_mismatch_message() == SHOWS_FEMALE_ZH


def test_the_service_refuses_on_the_gender_field():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        factories.talent(name="张伟", id_number=MAN, gender="F")
    assert refused.value.message_dict["gender"] == [SHOWS_MALE]
    assert not Talent.objects.exists()


def test_the_form_shows_it_under_the_gender_field_in_chinese(officer_client):
    data = {"name": "张伟", "id_number": WOMAN, "gender": "M", "source": "other", "mode": "full_time"}

    response = officer_client.post(reverse("talents:talent-create"), data)

    assert response.status_code == 400
    assert response.context["form"].errors["gender"] == [SHOWS_FEMALE_ZH]
    assert SHOWS_FEMALE_ZH in response.content.decode()


def test_the_api_names_the_field_and_the_id_numbers_gender(api, officer):
    api.force_login(officer)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = api.post("/api/v1/talents/", {"name": "张伟", "id_number": MAN, "gender": "F"}, format="json")

    assert response.status_code == 400, response.content
    errors = [error for error in response.json()["errors"] if error["attr"] == "gender"]
    assert [error["detail"] for error in errors] == [SHOWS_MALE]


def test_the_talent_import_reports_it_on_the_gender_cell(english):
    headers = talent_importers.HEADERS
    sheet = [
        [headers["name"].msgid, headers["id_number"].msgid, headers["gender"].msgid],
        ["张伟", MAN, "女"],
        ["李娜", WOMAN, "女"],
    ]

    response = english.post(
        reverse("talents:talent-import"), {"action": "preview", "file": upload(xlsx(sheet))}
    )

    errors = [(error.row, error.column, error.message) for error in response.context["preview"]["errors"]]
    assert errors == [(2, "Gender", SHOWS_MALE)]


def test_a_sign_in_sheet_reports_it_on_the_gender_cell_in_chinese(officer_client, campaign):
    sheet = [["姓名", "身份证号", "性别"], ["张伟", WOMAN, "男"]]

    response = officer_client.post(
        reverse("campaigns:contact-import", args=[campaign.pk]),
        {"action": "preview", "file": upload(xlsx(sheet))},
    )

    errors = [(error.row, error.message) for error in response.context["preview"]["errors"]]
    assert errors == [(2, SHOWS_FEMALE_ZH)]
    assert SHOWS_FEMALE_ZH in response.content.decode()
