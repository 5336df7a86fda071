"""Excel exports of the policies app: the filtered application list (no ID numbers or mobiles) and a
fund's ledger, with totals that agree with the rows, in a constant number of queries."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from policies import exports, services
from policies.models import FundMovement, PolicyApplication
from tests import factories

pytestmark = pytest.mark.django_db

HEADER_ROW = exports.HEADER_ROW
EXPORT = "policies:application-export"


def header(msgid: str) -> str:
    """A column's header as the export writes it, in the interface language of the requests."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def workbook(response) -> bytes:
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    return b"".join(response.streaming_content)


def rows(content: bytes, totals: int = 1):
    """(sheet, headers, data rows, totals rows) of the first sheet."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return sheet, values[HEADER_ROW - 1], values[HEADER_ROW:-totals], values[-totals:]


def xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def benefit_obj(fund_obj, policy_obj):
    """100,000 yuan in two installments, to everyone."""
    return factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj, installments=[0.5, 0.5])


@pytest.fixture
def ledger(benefit_obj, officer):
    """Three applications: approved and half paid, under review, a draft."""
    paid = factories.policy_application(benefit_obj=benefit_obj, by=officer, state="approved")
    paid = services.application_disburse(application=paid, by=officer)
    review = factories.policy_application(benefit_obj=benefit_obj, by=officer, state="under_review")
    draft = factories.policy_application(benefit_obj=benefit_obj, by=officer)
    return paid, review, draft


def test_application_export_holds_the_filtered_rows_with_totals(officer_client, ledger):
    paid, review, _draft = ledger
    content = workbook(officer_client.get(reverse(EXPORT), {"state": ["approved", "under_review"]}))
    sheet, headers, data, (totals,) = rows(content)
    column = {name: headers.index(header(name)) for name in ("Talent", "State", "Amount (yuan)")}
    disbursed = headers.index(header("Disbursed (yuan)"))
    to_pay = headers.index(header("To pay (yuan)"))
    assert sorted(row[column["Talent"]] for row in data) == sorted([paid.talent.name, review.talent.name])
    by_talent = {row[column["Talent"]]: row for row in data}
    assert by_talent[paid.talent.name][disbursed] == 50000
    assert by_talent[paid.talent.name][to_pay] == 50000
    assert by_talent[review.talent.name][to_pay] == 0
    assert totals[column["Amount (yuan)"]] == 200000
    assert totals[disbursed] == 50000
    assert totals[to_pay] == 50000
    assert "2" in totals[1]
    # The filters line says what was exported.
    assert "、" in sheet.cell(row=2, column=1).value


def test_application_export_holds_no_id_numbers_or_mobiles(officer_client, benefit_obj, officer):
    id_number, phone = factories.national_id("19900307"), "13912345678"
    talent = factories.onboarded_talent(by=officer, id_number=id_number, phone=phone)
    services.application_create(talent=talent, benefit=benefit_obj, by=officer)
    text = xml(workbook(officer_client.get(reverse(EXPORT))))
    assert talent.name in text
    assert id_number not in text
    assert phone not in text
    assert "5678" not in text


def test_application_export_runs_the_same_queries_for_5_and_20(officer_client, policy_obj, fund_obj, officer):
    talents = [factories.onboarded_talent(by=officer) for _ in range(5)]

    def count_queries(benefit_count):
        for index in range(benefit_count - PolicyApplication.objects.count() // 5):
            benefit = factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj, name=f"补贴{index}")
            for talent in talents:
                services.application_create(talent=talent, benefit=benefit, by=officer)
        with CaptureQueriesContext(connection) as queries:
            _sheet, _headers, data, _totals = rows(workbook(officer_client.get(reverse(EXPORT))))
        assert len(data) == benefit_count * 5
        return len(queries)

    assert count_queries(1) == count_queries(4)


def test_fund_ledger_export_has_the_figures_rows_and_sums(officer_client, ledger, fund_obj):
    paid, review, _draft = ledger
    services.application_approve(application=review, by=None)
    services.application_reject(application=review, by=None, opinion="复核不符")
    response = officer_client.get(reverse("policies:fund-movements-export", args=[fund_obj.pk]))
    sheet, headers, data, totals = rows(workbook(response), totals=3)
    assert len(data) == FundMovement.objects.filter(fund=fund_obj).count() == 4
    amount = headers.index(header("Amount (yuan)"))
    talent = headers.index(header("Talent"))
    assert {row[talent] for row in data} == {paid.talent.name, review.talent.name}
    # commit, release, disburse: the sums of the kinds, in that order.
    assert [line[amount] for line in totals] == [200000, 100000, 50000]
    figures = sheet.cell(row=2, column=1).value
    assert "1,000,000.00" in figures  # budget
    assert "50,000.00" in figures  # committed and disbursed
    assert "900,000.00" in figures  # remaining


def test_fund_ledger_of_an_unknown_fund_is_404(officer_client):
    assert officer_client.get(reverse("policies:fund-movements-export", args=[999999])).status_code == 404


def test_leaders_may_export_and_anonymous_users_are_sent_to_log_in(
    client, leader, fund_obj, django_user_model
):
    urls = [reverse(EXPORT), reverse("policies:fund-movements-export", args=[fund_obj.pk])]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(leader)
    for url in urls:
        workbook(client.get(url))
    client.force_login(django_user_model.objects.create_user(username="norole", password="x"))
    for url in urls:
        assert client.get(url).status_code == 403


def test_export_in_yuan_matches_the_selector(officer_client, ledger):
    """The totals line equals the sums over the same filtered queryset."""
    content = workbook(officer_client.get(reverse(EXPORT)))
    _sheet, headers, data, (totals,) = rows(content)
    assert len(data) == 3
    expected = sum(PolicyApplication.objects.values_list("amount", flat=True), Decimal("0"))
    assert Decimal(str(totals[headers.index(header("Amount (yuan)"))])) == expected
