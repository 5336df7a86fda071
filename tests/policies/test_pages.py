"""The officers' pages of the policies app: the library, the calculator, the talent page's panel, the
application queue and an application's steps, funds and the service board, and who may do what."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policies import services
from policies.models import ApplicationState, FundMovement, MovementKind, PolicyApplication, ServiceRequest
from policies.selectors import application_money, fund_figures
from tests import factories

pytestmark = pytest.mark.django_db

S = ApplicationState
HOUSING_CRITERIA = [
    {"type": "min_degree", "degree": "MASTER"},
    {"type": "employed_in_district", "full_time": True},
    {"type": "not_already_granted"},
]


@pytest.fixture
def officer_client(client, officer):
    # No language cookie: the pages are in Chinese, as every officer sees them, and the messages are
    # checked in the words shown.
    client.force_login(officer)
    return client


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def post_targets(body: str) -> set[str]:
    """Where the page's forms post to, but the language switch and the log-out every page has."""
    targets = set()
    for tag in re.findall(r"<form[^>]*>", body):
        if 'method="post"' in tag:
            targets.add(re.search(r'action="([^"]*)"', tag).group(1))
    return targets - {reverse("set_language"), reverse("logout")}


@pytest.fixture
def housing(fund_obj, policy_obj):
    """安家补助: masters and above working full-time in the district; 100,000 yuan (a doctor 200,000)
    in three installments."""
    return factories.benefit(
        policy_obj=policy_obj,
        fund_obj=fund_obj,
        name="安家补助",
        criteria=HOUSING_CRITERIA,
        amount_rule={
            "type": "by_tier_degree",
            "by_tier": {"A": "3000000"},
            "by_degree": {"MASTER": "100000", "DOCTOR": "200000"},
        },
        installments=[0.5, 0.25, 0.25],
    )


@pytest.fixture
def youth(fund_obj, policy_obj):
    """青年人才岗位激励: at most 35 years old; 50,000 yuan at once."""
    return factories.benefit(
        policy_obj=policy_obj,
        fund_obj=fund_obj,
        name="青年人才岗位激励",
        kind="position_incentive",
        criteria=[{"type": "max_age", "years": 35}],
        amount_rule={"type": "fixed", "amount": "50000"},
    )


def walk(application, to: str, by):
    """An application moved to ``to`` through the services, as the pages do."""
    order = [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED]
    step = {
        S.SUBMITTED: services.application_submit,
        S.UNDER_REVIEW: services.application_review_start,
        S.APPROVED: services.application_approve,
    }
    for state in order[: order.index(to) + 1]:
        application = step[state](application=application, by=by)
    return application


def district_talent(by, **fields):
    fields.setdefault("employer_enterprise", factories.enterprise())
    fields.setdefault("birth_year", 1995)
    return factories.onboarded_talent(by=by, **fields)


def html(response) -> str:
    return response.content.decode()


# --- Every page renders, for officers and leaders --------------------------------------------------


@pytest.fixture
def everything(officer, housing, youth):
    """One of each record the pages show: an approved and paid application, a service request."""
    talent = district_talent(officer, name="李博士")
    application = walk(
        services.application_create(talent=talent, benefit=housing, by=officer), S.APPROVED, officer
    )
    services.application_disburse(application=application, by=officer)
    service_request = services.service_request_create(
        talent=talent, kind="schooling", by=officer, description="孩子入学", due_on=timezone.localdate()
    )
    return {"talent": talent, "application": application, "service_request": service_request}


def page_urls(everything) -> list[str]:
    application = everything["application"]
    return [
        reverse("policies:policy-list"),
        reverse("policies:policy-detail", args=[application.benefit.policy_id]),
        reverse("policies:calculator"),
        reverse("policies:calculator") + "?degree=MASTER&age=30",
        reverse("policies:talent-entitlements", args=[everything["talent"].pk]),
        reverse("policies:application-list"),
        reverse("policies:application-detail", args=[application.pk]),
        reverse("policies:fund-list"),
        reverse("policies:fund-detail", args=[application.fund_id]),
        reverse("policies:service-board"),
    ]


def test_every_page_renders_for_an_officer(officer_client, everything):
    for url in [*page_urls(everything), reverse("policies:application-create")]:
        response = officer_client.get(url)
        assert response.status_code == 200, url


def test_every_page_renders_read_only_for_a_leader(leader_client, everything):
    for url in page_urls(everything):
        response = leader_client.get(url)
        assert response.status_code == 200, url
        body = html(response)
        assert post_targets(body) == set(), url
        assert "data-bulk-approve" not in body, url
        assert "data-apply" not in body, url


def test_leaders_may_not_write(leader_client, everything, housing):
    application, talent = everything["application"], everything["talent"]
    posts = [
        (reverse("policies:application-create"), {"talent": talent.pk, "benefit": housing.pk}),
        (reverse("policies:application-approve-many"), {"ids": [application.pk]}),
        (reverse("policies:application-action", args=[application.pk, "disburse"]), {"amount": "1"}),
        (reverse("policies:talent-entitlement-apply", args=[talent.pk]), {"benefit": housing.pk}),
        (reverse("policies:service-request-create"), {"talent": talent.pk, "kind": "housing"}),
        (reverse("policies:service-request-action", args=[everything["service_request"].pk, "start"]), {}),
    ]
    for url, data in posts:
        assert leader_client.post(url, data).status_code == 403, url
    response = leader_client.get(reverse("policies:application-create"))
    assert response.status_code == 302  # the read-only view instead of the form
    assert response["Location"] == reverse("policies:application-list")
    assert FundMovement.objects.filter(kind=MovementKind.DISBURSE).count() == 1


def test_the_sidebar_lists_the_policy_sections(officer_client):
    body = html(officer_client.get(reverse("policies:service-board")))
    for name in ("policy-list", "application-list", "fund-list", "service-board", "calculator"):
        assert f'href="{reverse(f"policies:{name}")}"' in body


# --- Policy library -------------------------------------------------------------------------------


def test_library_groups_policies_by_series_with_benefits_in_plain_language(officer_client, housing, youth):
    factories.policy(title="江津区青年人才专项政策", series="10", document_number="江津人才〔2024〕3号")
    body = html(officer_client.get(reverse("policies:policy-list")))
    assert body.index('data-series="1"') < body.index('data-series="10"')
    assert "最高学历不低于硕士" in body
    assert "在本区企业全职工作" in body
    assert "申报时年龄不超过35岁" in body
    # The amount table in 万元: a doctor 20, a master 10; installments as shares.
    assert re.search(r"博士</th><td class=\"num\">20\.00<", body)
    assert "50% / 25% / 25%" in body
    assert "江津人才〔2024〕3号" in body


def test_library_filters_by_series(officer_client, housing):
    factories.policy(title="江津区青年人才专项政策", series="10")
    body = html(officer_client.get(reverse("policies:policy-list"), {"series": "10"}))
    assert "江津区青年人才专项政策" in body
    assert 'data-series="1"' not in body


# --- Calculator -----------------------------------------------------------------------------------


def test_calculator_shows_eligible_and_ineligible_benefits_with_reasons(officer_client, housing, youth):
    response = officer_client.get(
        reverse("policies:calculator"),
        {"degree": "DOCTOR", "age": "40", "employed_in_district": "on", "full_time": "on"},
    )
    assert response.status_code == 200
    body = html(response)
    housing_row = re.search(rf'<tr data-benefit="{housing.pk}" data-eligible="1".*?</tr>', body, re.S).group(
        0
    )
    assert "最高学历为博士，满足最低学历硕士。" in housing_row
    assert "20.00" in housing_row  # 200,000 yuan for a doctor, in 万元
    youth_row = re.search(rf'<tr data-benefit="{youth.pk}" data-eligible="0".*?</tr>', body, re.S).group(0)
    assert "40岁，超过35岁的年龄上限。" in youth_row
    assert 'data-passed="0"' in youth_row
    assert 'data-eligible-count="1"' in body


def test_calculator_shows_bad_input_under_the_field(officer_client, housing):
    year = timezone.localdate().year
    response = officer_client.get(
        reverse("policies:calculator"), {"birth_year": "1990", "age": str(year - 1990 + 3)}
    )
    assert response.status_code == 400
    body = html(response)
    assert "出生年份与年龄不一致，请只填写其一。" in body
    assert "data-results" not in body
    assert 'value="1990"' in body  # nothing typed is lost


# --- The talent page's panel ----------------------------------------------------------------------


def test_talent_page_loads_the_entitlements_panel(officer_client, officer):
    talent = district_talent(officer)
    body = html(officer_client.get(reverse("talents:talent-detail", args=[talent.pk])))
    assert 'id="applications"' in body
    assert f'hx-get="{reverse("policies:talent-entitlements", args=[talent.pk])}"' in body


def test_panel_shows_entitlements_and_files_an_application(officer_client, officer, housing, youth):
    talent = district_talent(officer, birth_year=1980)
    url = reverse("policies:talent-entitlements", args=[talent.pk])
    body = html(officer_client.get(url))
    assert f'data-apply="{housing.pk}"' in body
    assert f'data-apply="{youth.pk}"' not in body  # 45 years old: not eligible
    assert "超过35岁的年龄上限" in body

    apply_url = reverse("policies:talent-entitlement-apply", args=[talent.pk])
    response = officer_client.post(apply_url, {"benefit": housing.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "data-notice" in html(response)
    application = PolicyApplication.objects.get(talent=talent, benefit=housing)
    assert application.state == S.DRAFT
    assert application.amount == Decimal("100000.00")
    assert f'href="{reverse("policies:application-detail", args=[application.pk])}"' in html(response)


def test_panel_refuses_an_ineligible_talent_with_the_failing_reasons(officer_client, officer, youth):
    talent = district_talent(officer, birth_year=1980)
    apply_url = reverse("policies:talent-entitlement-apply", args=[talent.pk])
    response = officer_client.post(apply_url, {"benefit": youth.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = html(response)
    assert "data-refusal" in body
    assert f"{talent.name}不符合“青年人才岗位激励”的申报条件：" in body
    assert "超过35岁的年龄上限" in body
    assert not PolicyApplication.objects.filter(talent=talent).exists()


def test_application_create_page_refuses_with_the_reasons_under_the_benefit(
    officer_client, officer, youth, housing
):
    talent = district_talent(officer, birth_year=1980)
    url = reverse("policies:application-create")
    preview = html(officer_client.get(url, {"talent": talent.pk, "benefit": youth.pk}))
    assert "data-preview" in preview
    assert "超过35岁的年龄上限" in preview
    response = officer_client.post(url, {"talent": f"{talent.name} [{talent.pk}]", "benefit": youth.pk})
    assert response.status_code == 400
    assert "超过35岁的年龄上限" in html(response)
    assert not PolicyApplication.objects.exists()
    response = officer_client.post(url, {"talent": f"{talent.name} [{talent.pk}]", "benefit": housing.pk})
    application = PolicyApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:application-detail", args=[application.pk])


# --- Application queue ----------------------------------------------------------------------------


def test_bulk_approval_approves_the_chosen_and_reports_the_fund_exhausted(
    officer_client, officer, policy_obj
):
    small_fund = factories.fund(budget="150000")
    benefit = factories.benefit(
        policy_obj=policy_obj, fund_obj=small_fund, amount_rule={"type": "fixed", "amount": "100000"}
    )
    first, second, left_alone = (
        walk(
            services.application_create(
                talent=district_talent(officer, name=name), benefit=benefit, by=officer
            ),
            S.UNDER_REVIEW,
            officer,
        )
        for name in ("张一", "张二", "张三")
    )
    url = reverse("policies:application-list") + "?state=under_review"
    page = html(officer_client.get(url))
    assert page.count('name="ids"') == 3
    assert "data-bulk-approve" in page

    response = officer_client.post(
        reverse("policies:application-approve-many"),
        {"ids": [first.pk, second.pk], "opinion": "符合条件", "next": url},
        follow=True,
    )
    body = html(response)
    assert response.redirect_chain[-1][0] == url
    assert "已批准 1 条申报。" in body
    assert "未批准：张二" in body
    assert f"资金“{small_fund}”仅剩50,000.00元，本申报需要100,000.00元。" in body
    states = dict(PolicyApplication.objects.values_list("pk", "state"))
    assert states == {first.pk: S.APPROVED, second.pk: S.UNDER_REVIEW, left_alone.pk: S.UNDER_REVIEW}
    assert fund_figures(small_fund).committed == Decimal("100000.00")


def test_bulk_approval_with_nothing_ticked_says_so(officer_client):
    response = officer_client.post(reverse("policies:application-approve-many"), {}, follow=True)
    assert "请至少勾选一条申报。" in html(response)


def test_queue_has_state_tabs_with_counts_and_a_totals_row(officer_client, officer, housing, youth):
    drafts = [
        services.application_create(talent=district_talent(officer), benefit=youth, by=officer)
        for _ in range(2)
    ]
    walk(drafts[0], S.SUBMITTED, officer)
    body = html(officer_client.get(reverse("policies:application-list"), {"state": "submitted"}))
    assert re.search(r'data-tab="draft".*?data-count="1"', body, re.S)
    assert re.search(r'data-tab="submitted".*?data-count="1"', body, re.S)
    assert 'data-total-amount="50000.00"' in body
    assert body.count("data-application=") == 1


def test_queue_totals_add_up_the_states_shown(officer_client, officer, housing, youth):
    drafts = [
        services.application_create(talent=district_talent(officer), benefit=youth, by=officer)
        for _ in range(3)
    ]
    walk(drafts[0], S.SUBMITTED, officer)
    walk(drafts[1], S.UNDER_REVIEW, officer)
    everything = html(officer_client.get(reverse("policies:application-list")))
    two_states = html(
        officer_client.get(reverse("policies:application-list"), {"state": ["draft", "under_review"]})
    )
    assert 'data-total-amount="150000.00"' in everything
    assert 'data-total-amount="100000.00"' in two_states
    assert two_states.count("data-application=") == 2


def test_queue_marks_applications_proposed_automatically(officer_client, officer, housing):
    talent = district_talent(officer)
    services.benefits_propose(talent=talent, by=officer)
    body = html(officer_client.get(reverse("policies:application-list")))
    assert "免申即享</span>" in body


def _list_queries(client, count: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("policies:application-list"), {"page_size": 50})
    assert response.status_code == 200
    assert html(response).count("data-application=") == count
    return len(queries)


def test_queue_query_count_does_not_grow_with_the_rows(officer_client, officer, policy_obj):
    owners = [factories.officer(), factories.officer()]
    benefits = [factories.benefit(policy_obj=policy_obj, name=f"条款{i}") for i in range(5)]

    def add(count):
        for i in range(count):
            talent = district_talent(owners[i % 2])
            application = services.application_create(
                talent=talent, benefit=benefits[i % 5], by=owners[i % 2]
            )
            if i % 3 == 0:
                walk(application, S.APPROVED, officer)
                services.application_disburse(application=application, by=officer)

    add(5)
    few = _list_queries(officer_client, 5)
    add(20)
    many = _list_queries(officer_client, 25)
    assert few == many


# --- Application detail and its steps -------------------------------------------------------------


def test_application_steps_through_the_pages(officer_client, officer, housing):
    talent = district_talent(officer)
    # Drafted on the page, so the eligibility check it keeps is in the words the officer reads.
    response = officer_client.post(
        reverse("policies:application-create"),
        {"talent": f"{talent.name} [{talent.pk}]", "benefit": housing.pk},
    )
    application = PolicyApplication.objects.get(talent=talent, benefit=housing)
    detail = reverse("policies:application-detail", args=[application.pk])
    assert response["Location"] == detail

    def step(action, data=None):
        return officer_client.post(
            reverse("policies:application-action", args=[application.pk, action]), data or {}
        )

    body = html(officer_client.get(detail))
    assert 'data-step="submit"' in body
    assert 'data-step="approve"' not in body
    assert "最高学历为硕士，满足最低学历硕士。" in body

    assert step("submit")["Location"] == detail
    # Returning needs an opinion: the error is under the field and nothing moves.
    response = step("return", {"opinion": ""})
    assert response.status_code == 400
    assert 'id="return_opinion"' in html(response)
    assert "invalid-feedback" in html(response)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED

    step("review_start", {"note": "材料齐全"})
    step("approve", {"opinion": "同意"})
    application.refresh_from_db()
    assert application.state == S.APPROVED

    # Disbursing: the form offers the first installment; more than is left is refused.
    body = html(officer_client.get(detail))
    assert 'value="50000.00"' in body
    response = step("disburse", {"amount": "150000"})
    assert response.status_code == 400
    assert "150,000.00元超过本申报尚待拨付的100,000.00元。" in html(response)
    assert application_money(application).disbursed == 0
    for amount in ("50000.00", "25000.00", "25000.00"):
        assert step("disburse", {"amount": amount}).status_code == 302
    application.refresh_from_db()
    assert application.state == S.DISBURSED

    body = html(officer_client.get(detail))
    assert body.count('data-status="paid"') == 3
    assert 'data-step="' not in body  # nothing left to do
    for text in ("同意", "材料齐全"):
        assert text in body  # the steps, with their opinions


def test_an_illegal_step_is_refused_with_409(officer_client, officer, housing):
    application = services.application_create(talent=district_talent(officer), benefit=housing, by=officer)
    response = officer_client.post(
        reverse("policies:application-action", args=[application.pk, "approve"]), {"opinion": "好"}
    )
    assert response.status_code == 409
    assert "data-refusal" in html(response)
    assert (
        officer_client.post(reverse("policies:application-action", args=[application.pk, "nope"])).status_code
        == 404
    )


def test_approval_over_the_fund_is_refused_on_the_page(officer_client, officer, policy_obj):
    benefit = factories.benefit(policy_obj=policy_obj, fund_obj=factories.fund(budget="1000"))
    application = walk(
        services.application_create(talent=district_talent(officer), benefit=benefit, by=officer),
        S.UNDER_REVIEW,
        officer,
    )
    response = officer_client.post(
        reverse("policies:application-action", args=[application.pk, "approve"]), {}
    )
    assert response.status_code == 409
    assert "仅剩1,000.00元" in html(response)
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW


# --- Funds ----------------------------------------------------------------------------------------


def test_fund_pages_show_figures_and_movements(officer_client, everything):
    fund = everything["application"].fund
    body = html(officer_client.get(reverse("policies:fund-list")))
    figures = fund_figures(fund)
    assert f'data-remaining="{figures.remaining}"' in body
    body = html(officer_client.get(reverse("policies:fund-detail", args=[fund.pk])))
    assert 'data-movement="commit"' in body
    assert 'data-movement="disburse"' in body
    assert f'data-disbursed="{figures.disbursed}"' in body
    assert "李博士 · 安家补助" in body


# --- Service board --------------------------------------------------------------------------------


def test_service_board_shows_overdue_and_due_soon(officer_client, officer):
    talent = district_talent(officer)
    soon = services.service_request_create(
        talent=talent, kind="schooling", by=officer, due_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    late = services.service_request_create(
        talent=talent, kind="housing", by=officer, due_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    later = services.service_request_create(
        talent=talent, kind="medical", by=officer, due_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    # Due dates cannot be set in the past, so time passes for this one instead.
    ServiceRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    body = html(officer_client.get(reverse("policies:service-board")))
    assert re.search(rf'data-request="{late.pk}" data-due="overdue"', body)
    assert "已逾期 2 天" in body
    assert re.search(rf'data-request="{soon.pk}" data-due="soon"', body)
    assert f'data-request="{later.pk}">' in body
    only_overdue = html(officer_client.get(reverse("policies:service-board"), {"overdue": "true"}))
    assert f'data-request="{late.pk}"' in only_overdue
    assert f'data-request="{soon.pk}"' not in only_overdue


def test_service_requests_are_created_and_moved_from_the_board(officer_client, officer):
    talent = district_talent(officer, name="王工")
    board = reverse("policies:service-board")
    response = officer_client.post(
        reverse("policies:service-request-create") + "?kind=schooling",
        {"talent": f"王工 [{talent.pk}]", "kind": "schooling", "description": "孩子转学"},
    )
    assert response.status_code == 302
    assert response["Location"] == board + "?kind=schooling"
    item = ServiceRequest.objects.get()
    assert item.owner == officer

    # A missing kind is shown under the field, and the form stays open with what was typed.
    response = officer_client.post(
        reverse("policies:service-request-create"), {"talent": f"王工 [{talent.pk}]"}
    )
    assert response.status_code == 400
    assert 'id="new-request"' in html(response)
    assert "collapse show card" in html(response)

    action = reverse("policies:service-request-action", args=[item.pk, "resolve"])
    response = officer_client.post(action, {"resolution": ""})
    assert response.status_code == 400
    assert f'id="sr{item.pk}-resolve"' in html(response)
    officer_client.post(reverse("policies:service-request-action", args=[item.pk, "start"]))
    officer_client.post(action, {"resolution": "已安排就近入学"})
    item.refresh_from_db()
    assert item.state == "resolved"
    assert item.resolution == "已安排就近入学"
    # Closed: no step left, and a second resolution is refused.
    response = officer_client.post(action, {"resolution": "再次"})
    assert response.status_code == 409


def test_calculator_uses_the_talent_tier_amount(officer_client, housing):
    response = officer_client.get(
        reverse("policies:calculator"),
        {"degree": "BACHELOR", "tier": "A", "employed_in_district": "on", "full_time": "on"},
    )
    body = html(response)
    row = re.search(rf'<tr data-benefit="{housing.pk}".*?</tr>', body, re.S).group(0)
    # A bachelor fails the minimum degree, whatever the tier's amount.
    assert 'data-eligible="0"' in row
    assert "最高学历为本科，低于最低学历硕士。" in row


def test_pages_survive_nonsense_in_the_query(officer_client, everything):
    nonsense = {"state": "bogus", "fund": "x", "owner": "x", "benefit": "x", "page": "zzz", "ordering": "x"}
    for url in (
        reverse("policies:application-list"),
        reverse("policies:policy-list"),
        reverse("policies:service-board"),
        reverse("policies:fund-detail", args=[everything["application"].fund_id]),
    ):
        assert officer_client.get(url, {**nonsense, "series": "x", "overdue": "x"}).status_code == 200, url
    response = officer_client.get(reverse("policies:calculator"), {"degree": "PHD?", "birth_year": "abc"})
    assert response.status_code == 400
    response = officer_client.post(
        reverse("policies:talent-entitlement-apply", args=[everything["talent"].pk]), {"benefit": "x"}
    )
    assert response.status_code == 404


def test_a_cards_closed_step_forms_post_what_the_steps_read(officer_client, officer):
    talent = district_talent(officer)
    item = services.service_request_create(
        talent=talent, kind="housing", by=officer, due_on=datetime.date.today() + datetime.timedelta(days=3)
    )
    body = html(officer_client.get(reverse("policies:service-board")))
    for step, field in (("resolve", "resolution"), ("cancel", "reason")):
        form = re.search(rf'<form id="sr{item.pk}-{step}".*?</form>', body, re.S).group(0)
        assert reverse("policies:service-request-action", args=[item.pk, step]) in form
        assert f'name="{field}"' in form
        assert "csrfmiddlewaretoken" in form
    # What such a form posts is what the step reads: the request is cancelled with that reason.
    officer_client.post(
        reverse("policies:service-request-action", args=[item.pk, "cancel"]), {"reason": "人才已自行解决"}
    )
    item.refresh_from_db()
    assert (item.state, item.resolution) == ("cancelled", "人才已自行解决")
