"""The policies API: the policy library, the eligibility calculator, the application workflow with its
fund ledger, the funds, who may use what, idempotent POSTs and constant queries per page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinjin_crm.core.models import Degree, TalentTier
from policies import services
from policies.models import ApplicationState, FundMovement, MovementKind, PolicyApplication
from tests import factories
from tests.api.test_api_base import assert_error_shape, token

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
HOUSING_CRITERIA = [
    {"type": "min_degree", "degree": "MASTER"},
    {"type": "employed_in_district", "full_time": True},
    {"type": "onboarded_within_months", "months": 24},
    {"type": "not_already_granted"},
]
HOUSING_AMOUNTS = {
    "type": "by_tier_degree",
    "by_tier": {"A": "2000000", "C": "500000"},
    "by_degree": {"DOCTOR": "300000", "MASTER": "50000"},
}


@pytest.fixture
def fund_obj(db):
    return factories.fund(budget="10000000")


@pytest.fixture
def policy_obj(db):
    return factories.policy(title="江津区人才发展若干政策（示例）")


@pytest.fixture
def housing(policy_obj, fund_obj):
    """安家补助: master's and above, full-time in the district, onboarded within two years."""
    return factories.benefit(
        policy_obj=policy_obj,
        fund_obj=fund_obj,
        name="安家补助",
        criteria=HOUSING_CRITERIA,
        amount_rule=HOUSING_AMOUNTS,
        installments=[0.5, 0.25, 0.25],
        sort_order=1,
    )


@pytest.fixture
def allowance(policy_obj, fund_obj):
    """家属津贴: 20,000 yuan for the young, paid at once."""
    return factories.benefit(
        policy_obj=policy_obj,
        fund_obj=fund_obj,
        name="家属津贴",
        kind="family_allowance",
        criteria=[{"type": "max_age", "years": 40}],
        amount_rule={"type": "fixed", "amount": "20000"},
        sort_order=2,
    )


@pytest.fixture
def doctor(officer):
    """An onboarded PhD working full-time at an enterprise of the district."""
    return factories.onboarded_talent(
        by=officer,
        employer_enterprise=factories.enterprise(),
        birth_year=TODAY.year - 32,
        highest_degree=Degree.objects.get(code="DOCTOR"),
    )


def officer_api(api, officer):
    api.force_login(officer)
    return api


# --- Policies -------------------------------------------------------------------------------------


class TestPolicies:
    def test_policy_lists_its_benefits_as_data_and_in_words(self, api, officer, housing, allowance):
        body = officer_api(api, officer).get("/api/v1/policies/").json()
        assert body["count"] == 1
        policy = body["results"][0]
        assert policy["in_force"] is True
        assert policy["series"] == "1"
        assert [benefit["name"] for benefit in policy["benefits"]] == ["安家补助", "家属津贴"]
        benefit = policy["benefits"][0]
        assert benefit["criteria"] == housing.criteria
        assert benefit["amount_rule"]["by_degree"] == {"DOCTOR": "300000.00", "MASTER": "50000.00"}
        assert benefit["installments"] == ["0.5", "0.25", "0.25"]
        assert benefit["fund"] == {
            "id": housing.fund.pk,
            "name": housing.fund.name,
            "year": housing.fund.year,
        }
        assert benefit["criteria_text"][0] == "最高学历不低于硕士"
        assert "300,000.00" in benefit["amount_text"]
        assert api.get(f"/api/v1/policies/{policy['id']}/").json()["title"] == policy["title"]

    def test_park_system_sees_published_policies_and_active_benefits(
        self, api, park_client, policy_obj, housing, allowance, fund_obj
    ):
        factories.policy(title="草拟中的政策", status="draft")
        services.benefit_save(benefit=allowance, by=None, is_active=False)
        body = token(api, park_client[1]).get("/api/v1/policies/").json()
        assert [policy["title"] for policy in body["results"]] == [policy_obj.title]
        assert [benefit["name"] for benefit in body["results"][0]["benefits"]] == ["安家补助"]

    def test_officer_sees_drafts_and_filters_by_status(self, api, officer, policy_obj):
        factories.policy(title="草拟中的政策", status="draft")
        officer_api(api, officer)
        assert api.get("/api/v1/policies/").json()["count"] == 2
        body = api.get("/api/v1/policies/?status=draft").json()
        assert [policy["title"] for policy in body["results"]] == ["草拟中的政策"]

    def test_list_runs_the_same_queries_for_3_and_12_policies(self, api, officer, fund_obj):
        officer_api(api, officer)

        def add(count):
            for index in range(count):
                policy = factories.policy(title=f"专项政策{index}", series="10")
                for name in ("安家补助", "岗位激励"):
                    factories.benefit(policy_obj=policy, fund_obj=fund_obj, name=name)

        add(3)
        api.get("/api/v1/policies/")  # warm the session
        with CaptureQueriesContext(connection) as small:
            assert len(api.get("/api/v1/policies/?page_size=50").json()["results"]) == 3
        add(9)
        with CaptureQueriesContext(connection) as large:
            assert len(api.get("/api/v1/policies/?page_size=50").json()["results"]) == 12
        assert len(small.captured_queries) == len(large.captured_queries)


# --- The eligibility calculator -------------------------------------------------------------------

CALCULATOR = "/api/v1/policies/eligibility/"


def calculate(api, **facts):
    return api.post(CALCULATOR, facts, format="json")


class TestEligibility:
    def test_eligible_doctor_gets_amount_installments_and_reasons(self, api, officer, housing, allowance):
        response = calculate(
            officer_api(api, officer),
            degree="DOCTOR",
            age=32,
            employed_in_district=True,
            full_time=True,
            onboarded_on=(TODAY - datetime.timedelta(days=30)).isoformat(),
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["on"] == TODAY.isoformat()
        assert body["eligible_count"] == 2
        assert body["total_amount"] == "320000.00"
        first = body["results"][0]
        assert first["benefit"] == housing.pk
        assert first["name"] == "安家补助"
        assert first["kind"] == "housing_subsidy"
        assert first["policy"]["id"] == housing.policy_id
        assert first["eligible"] is True
        assert first["amount"] == "300000.00"
        assert first["installments"] == ["150000.00", "75000.00", "75000.00"]
        assert [reason["criterion"] for reason in first["reasons"]] == [
            "min_degree",
            "employed_in_district",
            "onboarded_within_months",
            "not_already_granted",
            "amount",
        ]
        assert all(reason["passed"] for reason in first["reasons"])
        assert first["reasons"][-1]["reason"] == "按学历博士：300,000.00元。"

    def test_ineligible_gets_the_failing_reasons(self, api, officer, housing):
        body = calculate(
            officer_api(api, officer), degree="BACHELOR", employed_in_district=True, full_time=False
        ).json()
        result = body["results"][0]
        assert result["eligible"] is False
        assert body["eligible_count"] == 0
        assert body["total_amount"] == "0.00"
        failing = {
            reason["criterion"]: reason["reason"] for reason in result["reasons"] if not reason["passed"]
        }
        assert set(failing) == {"min_degree", "employed_in_district", "onboarded_within_months", "amount"}
        assert failing["min_degree"] == "最高学历为本科，低于最低学历硕士。"
        assert failing["employed_in_district"] == "在本区企业就业，但非全职。"

    def test_tier_amount_and_judging_date(self, api, officer, housing):
        onboarded = datetime.date(2024, 3, 1)
        body = calculate(
            officer_api(api, officer),
            degree="MASTER",
            tier="C",
            birth_year=1980,
            employed_in_district=True,
            full_time=True,
            onboarded_on=onboarded.isoformat(),
            on="2024-06-30",
        ).json()
        assert body["on"] == "2024-06-30"
        assert body["results"][0]["eligible"] is True
        assert body["results"][0]["amount"] == "500000.00"

    def test_already_granted_fails_not_already_granted(self, api, officer, housing):
        body = calculate(
            officer_api(api, officer),
            degree="DOCTOR",
            employed_in_district=True,
            full_time=True,
            onboarded_on=TODAY.isoformat(),
            already_granted=True,
        ).json()
        reasons = {reason["criterion"]: reason["passed"] for reason in body["results"][0]["reasons"]}
        assert reasons["not_already_granted"] is False

    @pytest.mark.parametrize(
        ("facts", "attr"),
        [
            ({"degree": "PHD"}, "degree"),
            ({"tier": "Z"}, "tier"),
            ({"birth_year": "nineteen"}, "birth_year"),
            ({"birth_year": 1850}, "birth_year"),
            ({"age": 30, "birth_year": 1970}, "age"),
            ({"onboarded_on": "2024-13-01"}, "onboarded_on"),
            ({"employed_in_district": "perhaps"}, "employed_in_district"),
            ({"on": "yesterday"}, "on"),
            ({"degre": "DOCTOR"}, "degre"),
        ],
    )
    def test_bad_input_is_400_naming_the_attribute(self, api, officer, housing, facts, attr):
        response = calculate(officer_api(api, officer), **facts)
        body = assert_error_shape(response, 400, "validation_error", attr=attr)
        assert len(body["errors"]) == 1

    def test_park_system_and_leader_may_use_it(self, api, park_client, leader, housing):
        response = calculate(token(api, park_client[1]), degree="DOCTOR")
        assert response.status_code == 200, response.content
        assert response.json()["results"][0]["benefit"] == housing.pk
        api.credentials()
        api.force_login(leader)
        assert calculate(api, degree="DOCTOR").status_code == 200

    def test_anonymous_is_401(self, api, housing):
        assert_error_shape(calculate(api, degree="DOCTOR"), 401, "client_error", code="not_authenticated")

    def test_only_benefits_in_force_count(self, api, officer, housing):
        expired = factories.policy(
            title="旧版政策",
            effective_from=datetime.date(2020, 1, 1),
            effective_to=datetime.date(2022, 12, 31),
        )
        factories.benefit(policy_obj=expired, fund_obj=housing.fund, name="旧安家补助")
        body = calculate(officer_api(api, officer), degree="DOCTOR").json()
        assert [result["name"] for result in body["results"]] == ["安家补助"]
        old = calculate(api, degree="DOCTOR", on="2021-06-01").json()
        assert [result["name"] for result in old["results"]] == ["旧安家补助"]

    def test_nothing_is_written(self, api, officer, housing):
        officer_api(api, officer)
        applications, movements = PolicyApplication.objects.count(), FundMovement.objects.count()
        calculate(
            api, degree="DOCTOR", employed_in_district=True, full_time=True, onboarded_on=TODAY.isoformat()
        )
        assert (PolicyApplication.objects.count(), FundMovement.objects.count()) == (applications, movements)


# --- Applications ---------------------------------------------------------------------------------

APPLICATIONS = "/api/v1/applications/"


def step(api, application_id, name, key=None, **body):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(f"{APPLICATIONS}{application_id}/{name}/", body, format="json", **extra)


def create(api, talent, benefit, **body):
    return api.post(APPLICATIONS, {"talent": talent.pk, "benefit": benefit.pk, **body}, format="json")


class TestWorkflow:
    def test_from_draft_to_paid(self, api, officer, doctor, housing):
        officer_api(api, officer)
        response = create(api, doctor, housing)
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["state"] == "draft"
        assert created["amount"] == "300000.00"
        assert created["installment_plan"] == ["150000.00", "75000.00", "75000.00"]
        assert created["talent"] == {"id": doctor.pk, "name": doctor.name}
        assert created["benefit"] == {"id": housing.pk, "name": "安家补助", "kind": "housing_subsidy"}
        assert created["owner"]["username"] == officer.username
        assert created["allowed_actions"] == ["submit", "withdraw"]
        assert created["eligibility"]["eligible"] is True
        pk = created["id"]

        assert step(api, pk, "submit", note="材料齐全").json()["state"] == "submitted"
        reviewing = step(api, pk, "review").json()
        assert reviewing["state"] == "under_review"
        assert reviewing["allowed_actions"] == ["approve", "reject", "return", "withdraw"]
        approved = step(api, pk, "approve", opinion="同意").json()
        assert approved["state"] == "approved"
        assert approved["to_pay"] == "300000.00"

        paid = step(api, pk, "disburse").json()
        assert paid["state"] == "approved"
        assert paid["disbursed"] == "150000.00"
        assert paid["to_pay"] == "150000.00"
        done = step(api, pk, "disburse", amount="150000.00")
        assert done.status_code == 200, done.content
        assert done.json()["state"] == "disbursed"
        assert done.json()["allowed_actions"] == []

        fund = api.get(f"/api/v1/funds/{housing.fund_id}/").json()
        assert fund["disbursed"] == "300000.00"
        assert fund["committed"] == "0.00"
        assert fund["remaining"] == "9700000.00"

    def test_approving_twice_is_409_and_writes_nothing(self, api, officer, doctor, housing):
        application = factories.policy_application(
            talent_obj=doctor, benefit_obj=housing, by=officer, state="approved"
        )
        response = step(officer_api(api, officer), application.pk, "approve")
        assert_error_shape(response, 409, "client_error", code="illegal_transition", attr="state")
        assert application.movements.filter(kind=MovementKind.COMMIT).count() == 1

    def test_fund_exhausted_is_409(self, api, officer, policy_obj):
        small = factories.fund(budget="25000")
        benefit = factories.benefit(
            policy_obj=policy_obj, fund_obj=small, amount_rule={"type": "fixed", "amount": "20000"}
        )
        first, second = (
            factories.policy_application(benefit_obj=benefit, by=officer, state="under_review")
            for _ in range(2)
        )
        officer_api(api, officer)
        assert step(api, first.pk, "approve").json()["state"] == "approved"
        response = step(api, second.pk, "approve")
        body = assert_error_shape(response, 409, "client_error", code="fund_exhausted", attr="amount")
        assert "5,000.00" in body["errors"][0]["detail"]
        second.refresh_from_db()
        assert second.state == ApplicationState.UNDER_REVIEW
        assert not second.movements.exists()

    def test_ineligible_talent_is_refused_with_the_failing_criteria(self, api, officer, housing):
        bachelor = factories.onboarded_talent(by=officer, highest_degree=Degree.objects.get(code="BACHELOR"))
        response = create(officer_api(api, officer), bachelor, housing)
        body = assert_error_shape(response, 400, "validation_error", code="not_eligible", attr="benefit")
        details = [error["detail"] for error in body["errors"]]
        assert "最高学历为本科，低于最低学历硕士。" in details
        assert "未在本区企业就业。" in details
        assert all(error["attr"] == "benefit" for error in body["errors"])
        assert not PolicyApplication.objects.exists()

    def test_second_live_application_is_refused(self, api, officer, doctor, housing):
        officer_api(api, officer)
        assert create(api, doctor, housing).status_code == 201
        assert_error_shape(
            create(api, doctor, housing), 400, "validation_error", code="duplicate", attr="benefit"
        )

    def test_disbursing_more_than_approved_is_400(self, api, officer, doctor, housing):
        application = factories.policy_application(
            talent_obj=doctor, benefit_obj=housing, by=officer, state="approved"
        )
        officer_api(api, officer)
        response = step(api, application.pk, "disburse", amount="300000.01")
        assert_error_shape(response, 400, "validation_error", code="over_disbursement", attr="amount")
        response = step(api, application.pk, "disburse", amount="12.345")
        assert_error_shape(response, 400, "validation_error", attr="amount")
        assert not application.movements.filter(kind=MovementKind.DISBURSE).exists()

    def test_reject_and_return_need_an_opinion(self, api, officer, doctor, housing):
        application = factories.policy_application(
            talent_obj=doctor, benefit_obj=housing, by=officer, state="under_review"
        )
        officer_api(api, officer)
        assert_error_shape(step(api, application.pk, "reject"), 400, "validation_error", attr="opinion")
        assert_error_shape(
            step(api, application.pk, "return", opinion=" "), 400, "validation_error", attr="opinion"
        )
        returned = step(api, application.pk, "return", opinion="补充劳动合同").json()
        assert returned["state"] == "draft"
        assert returned["returned_count"] == 1

    def test_reject_of_an_approval_releases_the_commitment(self, api, officer, doctor, housing):
        application = factories.policy_application(
            talent_obj=doctor, benefit_obj=housing, by=officer, state="approved"
        )
        officer_api(api, officer)
        assert step(api, application.pk, "reject", opinion="核查发现不符").json()["state"] == "rejected"
        assert api.get(f"/api/v1/funds/{housing.fund_id}/").json()["committed"] == "0.00"

    def test_withdraw(self, api, officer, doctor, housing):
        officer_api(api, officer)
        pk = create(api, doctor, housing).json()["id"]
        withdrawn = step(api, pk, "withdraw", note="本人放弃").json()
        assert withdrawn["state"] == "withdrawn"
        assert_error_shape(step(api, pk, "submit"), 409, "client_error", code="illegal_transition")

    def test_unknown_application_is_404(self, api, officer):
        assert_error_shape(step(officer_api(api, officer), 999999, "submit"), 404, "client_error")


class TestIdempotency:
    def test_approve_with_a_key_runs_once(self, api, officer, doctor, housing):
        application = factories.policy_application(
            talent_obj=doctor, benefit_obj=housing, by=officer, state="under_review"
        )
        officer_api(api, officer)
        first = step(api, application.pk, "approve", key="approve-1", opinion="同意")
        assert first.status_code == 200, first.content
        again = step(api, application.pk, "approve", key="approve-1", opinion="同意")
        assert again.status_code == 200
        assert again["Idempotent-Replayed"] == "true"
        assert again.content == first.content
        assert application.movements.filter(kind=MovementKind.COMMIT).count() == 1
        # Without the key, a repeat is a real second attempt: refused.
        assert step(api, application.pk, "approve").status_code == 409

    def test_create_with_a_key_runs_once(self, api, officer, doctor, housing):
        officer_api(api, officer)
        body = {"talent": doctor.pk, "benefit": housing.pk}
        first = api.post(APPLICATIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="create-1")
        again = api.post(APPLICATIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="create-1")
        assert (first.status_code, again.status_code) == (201, 201)
        assert again["Idempotent-Replayed"] == "true"
        assert PolicyApplication.objects.count() == 1

    def test_a_refused_step_is_replayed_as_refused(self, api, officer, doctor, housing):
        application = factories.policy_application(talent_obj=doctor, benefit_obj=housing, by=officer)
        officer_api(api, officer)
        first = step(api, application.pk, "approve", key="early")
        assert first.status_code == 409
        again = step(api, application.pk, "approve", key="early")
        assert again.status_code == 409
        assert again["Idempotent-Replayed"] == "true"


class TestAccess:
    def test_park_system_gets_404_for_applications_and_funds(
        self, api, park_client, officer, doctor, housing
    ):
        application = factories.policy_application(talent_obj=doctor, benefit_obj=housing, by=officer)
        token(api, park_client[1])
        assert_error_shape(api.get(APPLICATIONS), 404, "client_error", code="not_found")
        assert_error_shape(api.get(f"{APPLICATIONS}{application.pk}/"), 404, "client_error")
        assert_error_shape(create(api, doctor, housing), 404, "client_error")
        assert_error_shape(step(api, application.pk, "submit"), 404, "client_error")
        assert_error_shape(api.get("/api/v1/funds/"), 404, "client_error")
        application.refresh_from_db()
        assert application.state == ApplicationState.DRAFT

    def test_leader_reads_but_cannot_act(self, api, leader, officer, doctor, housing):
        application = factories.policy_application(talent_obj=doctor, benefit_obj=housing, by=officer)
        api.force_login(leader)
        assert api.get(APPLICATIONS).json()["count"] == 1
        assert api.get("/api/v1/funds/").status_code == 200
        assert_error_shape(step(api, application.pk, "submit"), 403, "client_error", code="permission_denied")
        assert_error_shape(create(api, doctor, allowance_for(housing)), 403, "client_error")

    def test_anonymous_is_401(self, api):
        assert_error_shape(api.get(APPLICATIONS), 401, "client_error", code="not_authenticated")


def allowance_for(housing):
    return factories.benefit(policy_obj=housing.policy, fund_obj=housing.fund, name="家属津贴")


class TestLists:
    def test_filters(self, api, officer, doctor, housing, allowance):
        approved = factories.policy_application(
            talent_obj=doctor, benefit_obj=housing, by=officer, state="approved"
        )
        draft = factories.policy_application(talent_obj=doctor, benefit_obj=allowance, by=officer)
        officer_api(api, officer)
        ids = lambda query: [row["id"] for row in api.get(f"{APPLICATIONS}?{query}").json()["results"]]  # noqa: E731
        assert ids("state=approved") == [approved.pk]
        assert ids("kind=family_allowance") == [draft.pk]
        assert set(ids(f"talent={doctor.pk}")) == {approved.pk, draft.pk}
        assert ids("ordering=amount") == [draft.pk, approved.pk]
        assert_error_shape(api.get(f"{APPLICATIONS}?state=paid"), 400, "validation_error", attr="state")
        funds = api.get(f"/api/v1/funds/?year={housing.fund.year}").json()["results"]
        assert [(fund["id"], fund["committed"]) for fund in funds] == [(housing.fund_id, "300000.00")]

    def test_application_list_runs_the_same_queries_for_5_and_50(self, api, officer, policy_obj, fund_obj):
        talents = [
            factories.onboarded_talent(by=officer, tier=TalentTier.objects.get(code="E")) for _ in range(5)
        ]
        benefits = [
            factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj, name=f"补贴{i}") for i in range(10)
        ]

        def make(benefit_slice):
            for benefit in benefit_slice:
                for talent in talents:
                    application = services.application_create(talent=talent, benefit=benefit, by=officer)
                    if benefit.pk % 2:
                        services.application_submit(application=application, by=officer)

        officer_api(api, officer)
        make(benefits[:1])
        api.get(APPLICATIONS)  # warm the session
        with CaptureQueriesContext(connection) as small:
            assert len(api.get(f"{APPLICATIONS}?page_size=100").json()["results"]) == 5
        make(benefits[1:])
        with CaptureQueriesContext(connection) as large:
            assert len(api.get(f"{APPLICATIONS}?page_size=100").json()["results"]) == 50
        assert len(small.captured_queries) == len(large.captured_queries)

    def test_fund_list_runs_one_query_for_its_figures(self, api, officer, doctor, housing):
        factories.policy_application(talent_obj=doctor, benefit_obj=housing, by=officer, state="approved")
        officer_api(api, officer)
        api.get("/api/v1/funds/")
        with CaptureQueriesContext(connection) as few:
            api.get("/api/v1/funds/")
        for index in range(6):
            factories.fund(name=f"专项资金{index}", budget=Decimal("1000000"))
        with CaptureQueriesContext(connection) as many:
            body = api.get("/api/v1/funds/").json()
        assert body["count"] == 7
        assert len(few.captured_queries) == len(many.captured_queries)
