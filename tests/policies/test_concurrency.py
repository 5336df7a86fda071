"""Many approvals at once against one fund, on PostgreSQL with real threads: the fund row lock keeps
it at or under budget."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from jinjin_crm.core.task_requests import task_requests_held
from policies.models import ApplicationState, FundMovement, MovementKind, PolicyApplication
from policies.selectors import fund_figures
from policies.services import FundExhausted, application_approve
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20
ROOM_FOR = 10
AMOUNT = Decimal("100000.00")


def test_twenty_concurrent_approvals_against_room_for_ten(shipped_data):
    reviewer = factories.officer()
    fund = factories.fund(budget=AMOUNT * ROOM_FOR)
    benefit = factories.benefit(fund_obj=fund, amount_rule={"type": "fixed", "amount": str(AMOUNT)})
    # The set-up's background requests (matching, 免申即享) are not what this test is about.
    with task_requests_held(suppress={"matching.recompute_talent", "policies.propose_benefits"}):
        queue = [
            factories.policy_application(
                talent_obj=factories.onboarded_talent(),
                benefit_obj=benefit,
                by=reviewer,
                state="under_review",
            )
            for _index in range(THREADS)
        ]

    start = threading.Barrier(THREADS)
    outcomes: dict[int, str] = {}

    def approve(application):
        try:
            start.wait()
            application_approve(application=application, by=reviewer, opinion="同意")
            outcomes[application.pk] = "approved"
        except FundExhausted as exc:
            outcomes[application.pk] = exc.code
        except Exception as exc:  # noqa: BLE001 - any other outcome is recorded and fails the test below
            outcomes[application.pk] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(application,)) for application in queue]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["approved"] * ROOM_FOR + ["fund_exhausted"] * (THREADS - ROOM_FOR)
    approved = PolicyApplication.objects.filter(state=ApplicationState.APPROVED)
    assert approved.count() == ROOM_FOR
    assert set(approved.values_list("pk", flat=True)) == {
        pk for pk, outcome in outcomes.items() if outcome == "approved"
    }
    assert PolicyApplication.objects.filter(state=ApplicationState.UNDER_REVIEW).count() == THREADS - ROOM_FOR

    figures = fund_figures(fund)
    commitments = FundMovement.objects.filter(fund=fund, kind=MovementKind.COMMIT)
    assert commitments.count() == ROOM_FOR
    assert figures.committed == sum(commitments.values_list("amount", flat=True)) == fund.budget
    assert figures.committed + figures.disbursed <= fund.budget
    assert figures.remaining == Decimal("0.00")
