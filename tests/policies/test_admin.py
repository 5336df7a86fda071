"""The admin edits policies with their benefits, and funds, through the services: rules that do not
parse are shown as form errors and nothing is saved."""

import json

import pytest
from django.urls import reverse

from policies.models import Benefit, Fund, Policy
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(factories.admin())
    return client


def policy_form(fund, **benefit):
    data = {
        "title": "江津区人才安居实施细则",
        "document_number": "江津人才办〔2024〕3号",
        "series": "N",
        "version": "3.0",
        "effective_from": "2024-01-01",
        "effective_to": "",
        "status": "active",
        "summary": "",
        "benefits-TOTAL_FORMS": "1",
        "benefits-INITIAL_FORMS": "0",
        "benefits-MIN_NUM_FORMS": "0",
        "benefits-MAX_NUM_FORMS": "1000",
        "benefits-0-name": "安家补助",
        "benefits-0-kind": "housing_subsidy",
        "benefits-0-fund": str(fund.pk),
        "benefits-0-description": "",
        "benefits-0-criteria": json.dumps([{"type": "min_degree", "degree": "MASTER"}]),
        "benefits-0-amount_rule": json.dumps({"type": "fixed", "amount": 100000}),
        "benefits-0-installments": "[]",
        "benefits-0-is_active": "on",
        "benefits-0-sort_order": "0",
    }
    data.update({f"benefits-0-{key}": value for key, value in benefit.items()})
    return data


def test_a_benefit_with_bad_rules_is_shown_as_errors_and_nothing_is_saved(admin_client, fund_obj):
    data = policy_form(
        fund_obj,
        criteria=json.dumps([{"type": "min_degree", "degree": "PHD"}]),
        amount_rule=json.dumps({"type": "fixed", "amount": "-1"}),
    )
    response = admin_client.post(reverse("admin:policies_policy_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "PHD" in page
    assert not Policy.objects.exists()
    assert not Benefit.objects.exists()


def test_a_policy_with_a_good_benefit_is_saved_through_the_services(admin_client, fund_obj):
    response = admin_client.post(reverse("admin:policies_policy_add"), policy_form(fund_obj))
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = Policy.objects.get()
    benefit = policy.benefits.get()
    assert benefit.amount_rule == {"type": "fixed", "amount": "100000.00"}  # stored canonical
    assert benefit.history.get().history_user is not None

    data = policy_form(fund_obj, name="安家补助（修订）")
    data.update(
        {"benefits-INITIAL_FORMS": "1", "benefits-0-id": str(benefit.pk), "benefits-0-policy": str(policy.pk)}
    )
    response = admin_client.post(reverse("admin:policies_policy_change", args=[policy.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    benefit.refresh_from_db()
    assert benefit.name == "安家补助（修订）"


def test_fund_budget_below_its_commitments_is_a_form_error(admin_client, officer, fund_obj):
    factories.policy_application(
        talent_obj=factories.onboarded_talent(),
        benefit_obj=factories.benefit(fund_obj=fund_obj),
        by=officer,
        state="approved",
    )
    url = reverse("admin:policies_fund_change", args=[fund_obj.pk])
    data = {
        "name": fund_obj.name,
        "year": fund_obj.year,
        "budget": "99999",
        "description": "",
        "is_active": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "100,000.00" in response.content.decode()
    fund_obj.refresh_from_db()
    assert fund_obj.budget == 1000000
    response = admin_client.post(url, {**data, "budget": "2000000"})
    assert response.status_code == 302
    fund_obj.refresh_from_db()
    assert fund_obj.budget == 2000000


def test_a_fund_is_created_through_the_service(admin_client):
    data = {
        "name": "高质量发展激励资金",
        "year": 2025,
        "budget": "2500000000",
        "description": "",
        "is_active": "on",
    }
    response = admin_client.post(reverse("admin:policies_fund_add"), data)
    assert response.status_code == 302
    assert Fund.objects.get().name == "高质量发展激励资金"


@pytest.mark.parametrize("model", ["fund", "policy", "fundmovement", "policyapplication", "servicerequest"])
def test_lists_open_and_the_workflow_records_are_read_only(admin_client, officer, model):
    factories.policy_application(benefit_obj=factories.benefit(), by=officer, state="approved")
    assert admin_client.get(reverse(f"admin:policies_{model}_changelist")).status_code == 200
    if model in ("fundmovement", "policyapplication", "servicerequest"):
        assert admin_client.get(reverse(f"admin:policies_{model}_add")).status_code == 403
