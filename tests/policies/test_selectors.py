"""Reads: lists in a constant number of queries, filters, counts, the talent's entitlements."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinjin_crm.core.task_requests import task_requests_held
from policies import services
from policies.models import ApplicationState
from policies.selectors import (
    application_list,
    application_state_counts,
    fund_list_with_figures,
    fund_movements,
    policy_list,
    talent_entitlements,
)
from tests import factories

pytestmark = pytest.mark.django_db


def make_applications(count: int, benefit, by) -> list:
    with task_requests_held(suppress={"matching.recompute_talent"}):
        return [
            factories.policy_application(
                talent_obj=factories.onboarded_talent(by=by), benefit_obj=benefit, by=by, state="approved"
            )
            for _index in range(count)
        ]


def rendered(rows) -> list:
    """Everything a list row shows, read the way a page or serializer reads it."""
    return [
        (
            app.talent.name,
            app.benefit.name,
            app.benefit.policy.title,
            app.fund.name,
            app.owner and app.owner.name,
            app.state,
            app.amount,
            app.disbursed,
        )
        for app in rows
    ]


def test_application_list_runs_the_same_queries_for_5_and_50_rows(officer, fund_obj, policy_obj):
    benefit = factories.benefit(policy_obj=policy_obj, fund_obj=factories.fund(budget="100000000"))
    apps = make_applications(5, benefit, officer)
    services.application_disburse(application=apps[0], by=officer, amount=Decimal("1000"))
    with CaptureQueriesContext(connection) as five:
        rows = rendered(application_list(filters={"ordering": "-amount"}))
    assert len(rows) == 5
    assert sorted(row[-1] for row in rows)[-1] == Decimal("1000.00")
    make_applications(45, benefit, officer)
    with CaptureQueriesContext(connection) as fifty:
        assert len(rendered(application_list(filters={"ordering": "-amount"}))) == 50
    assert len(five) == len(fifty) == 1


def test_application_filters(officer, fund_obj, policy_obj):
    housing = factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj)
    startup = factories.benefit(
        policy_obj=policy_obj, fund_obj=fund_obj, kind="startup_support", name="创业扶持"
    )
    talent = factories.onboarded_talent(by=officer, name="张三丰")
    first = services.application_create(talent=talent, benefit=housing, by=officer)
    second = factories.policy_application(benefit_obj=startup, by=officer, state="submitted")
    assert list(application_list(filters={"state": ["draft"]})) == [first]
    assert list(application_list(filters={"kind": ["startup_support"]})) == [second]
    assert list(application_list(filters={"benefit": [housing.pk]})) == [first]
    assert list(application_list(filters={"search": "三丰"})) == [first]
    assert list(application_list(filters={"talent": talent.pk})) == [first]
    assert list(application_list(filters={"proposed_automatically": "false"}).order_by("pk")) == [
        first,
        second,
    ]
    assert list(application_list(filters={"proposed_automatically": "true"})) == []
    assert list(application_list(filters={"owner": officer.pk}).order_by("pk")) == [first, second]


def test_state_counts_name_every_state(officer, fund_obj, policy_obj):
    benefit = factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj)
    factories.policy_application(benefit_obj=benefit, by=officer)
    factories.policy_application(benefit_obj=benefit, by=officer, state="under_review")
    factories.policy_application(benefit_obj=benefit, by=officer, state="under_review")
    counts = application_state_counts()
    assert counts == dict.fromkeys(ApplicationState.values, 0) | {"draft": 1, "under_review": 2}


def test_fund_list_with_figures_is_one_query(officer, policy_obj):
    for index in range(3):
        fund = factories.fund(budget="1000000")
        benefit = factories.benefit(policy_obj=policy_obj, fund_obj=fund, name=f"条款{index}")
        make_applications(index + 1, benefit, officer)
    with CaptureQueriesContext(connection) as queries:
        funds = {fund.name: fund for fund in fund_list_with_figures()}
    assert len(queries) == 1
    assert sorted(fund.committed for fund in funds.values()) == [
        Decimal("100000.00"),
        Decimal("200000.00"),
        Decimal("300000.00"),
    ]
    for fund in funds.values():
        assert fund.remaining == fund.budget - fund.committed - fund.disbursed
        assert fund.disbursed == Decimal("0.00")


def test_fund_movements_show_their_application_in_one_query(officer, fund_obj, policy_obj):
    benefit = factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj)
    make_applications(3, benefit, officer)
    with CaptureQueriesContext(connection) as queries:
        lines = [
            (line.kind, line.application.talent.name, line.application.benefit.name)
            for line in fund_movements(fund_obj)
        ]
    assert len(lines) == 3
    assert len(queries) == 1


def test_policy_list_counts_benefits_and_filters(fund_obj):
    core = factories.policy(title="关于加快人才发展的若干政策", series="1")
    factories.benefit(policy_obj=core, fund_obj=fund_obj)
    factories.benefit(policy_obj=core, fund_obj=fund_obj)
    rules = factories.policy(title="安家补助实施细则", series="N", status="draft")
    assert {policy.title: policy.benefit_count for policy in policy_list()} == {core.title: 2, rules.title: 0}
    assert list(policy_list(filters={"series": ["N"]})) == [rules]
    assert list(policy_list(filters={"status": ["active"]})) == [core]
    assert list(policy_list(filters={"search": "实施细则"})) == [rules]


def test_talent_entitlements_pair_results_with_applications(district_talent, officer, fund_obj, policy_obj):
    open_to_all = factories.benefit(policy_obj=policy_obj, fund_obj=fund_obj, name="岗位激励")
    top_only = factories.benefit(
        policy_obj=policy_obj,
        fund_obj=fund_obj,
        name="顶尖人才奖励",
        criteria=[{"type": "tier_in", "tiers": ["A"]}],
    )
    old_policy = factories.policy(title="旧版政策")
    old = factories.benefit(policy_obj=old_policy, fund_obj=fund_obj, name="旧版安家补助")
    old_application = services.application_create(talent=district_talent, benefit=old, by=officer)
    services.policy_update(policy=old_policy, by=officer, status="expired")
    application = services.application_create(talent=district_talent, benefit=open_to_all, by=officer)

    with CaptureQueriesContext(connection) as queries:
        entries = talent_entitlements(district_talent)
    assert len(queries) == 6  # the engine's five, and the talent's applications
    by_name = {entry.benefit.name: entry for entry in entries}
    assert list(by_name) == ["岗位激励", "顶尖人才奖励", "旧版安家补助"]
    assert by_name["岗位激励"].result.eligible
    assert by_name["岗位激励"].live_application == application
    assert not by_name["顶尖人才奖励"].result.eligible
    assert by_name["顶尖人才奖励"].applications == []
    assert by_name["旧版安家补助"].result is None
    assert by_name["旧版安家补助"].live_application == old_application
    assert top_only.pk == by_name["顶尖人才奖励"].benefit.pk
