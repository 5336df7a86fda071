"""Talent service requests: their small lifecycle and the board."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinjin_crm.core.exceptions import IllegalTransition
from jinjin_crm.core.models import StageChange
from policies import services
from policies.models import ServiceState
from policies.selectors import service_request_list, service_requests_board
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def talent_obj(officer):
    return factories.talent(by=officer)


def make(talent, by, **fields):
    fields.setdefault("kind", "schooling")
    fields.setdefault("description", "子女就读小学一年级")
    return services.service_request_create(talent=talent, by=by, **fields)


def test_create_start_resolve(talent_obj, officer):
    request = make(talent_obj, officer, due_on=TODAY + datetime.timedelta(days=14))
    assert (request.state, request.owner) == (ServiceState.OPEN, officer)
    request = services.service_request_start(service_request=request, by=officer, note="已对接教育局")
    assert request.state == ServiceState.IN_PROGRESS
    with pytest.raises(ValidationError) as info:
        services.service_request_resolve(service_request=request, by=officer, resolution=" ")
    assert "resolution" in info.value.message_dict
    request = services.service_request_resolve(
        service_request=request, by=officer, resolution="已安排就读江津实验小学"
    )
    assert request.state == ServiceState.RESOLVED
    assert request.resolved_at is not None
    changes = StageChange.objects.filter(object_id=request.pk, content_type__model="servicerequest")
    assert changes.count() == 3


def test_cancel_needs_a_reason_and_closed_requests_do_not_move(talent_obj, officer):
    request = make(talent_obj, officer, kind="spouse_employment")
    with pytest.raises(ValidationError) as info:
        services.service_request_cancel(service_request=request, by=officer, reason="")
    assert "reason" in info.value.message_dict
    request = services.service_request_cancel(service_request=request, by=officer, reason="人才已另行安排")
    assert request.resolution == "人才已另行安排"
    for step in (
        lambda: services.service_request_start(service_request=request, by=officer),
        lambda: services.service_request_resolve(service_request=request, by=officer, resolution="x"),
        lambda: services.service_request_update(service_request=request, by=officer, description="x"),
    ):
        with pytest.raises(IllegalTransition):
            step()


def test_bad_input_is_refused_naming_the_field(talent_obj, officer, leader):
    with pytest.raises(ValidationError) as info:
        make(talent_obj, officer, due_on=TODAY - datetime.timedelta(days=1))
    assert "due_on" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        make(talent_obj, officer, kind="pets")
    assert "kind" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        make(talent_obj, officer, owner=leader)
    assert "owner" in info.value.message_dict


def test_board_groups_by_state_with_overdue_flags(talent_obj, officer):
    soon = make(talent_obj, officer, due_on=TODAY + datetime.timedelta(days=3))
    later = make(talent_obj, officer, kind="housing", due_on=TODAY + datetime.timedelta(days=30))
    undated = make(talent_obj, officer, kind="medical")
    working = services.service_request_start(
        service_request=make(talent_obj, officer, kind="other"), by=officer
    )
    done = services.service_request_resolve(
        service_request=make(talent_obj, officer, due_on=TODAY), by=officer, resolution="已解决"
    )
    ten_days_on = TODAY + datetime.timedelta(days=10)
    with CaptureQueriesContext(connection) as queries:
        board = service_requests_board(today=ten_days_on)
        shown = {
            column.state: [
                (request.pk, request.is_overdue, request.talent.name) for request in column.requests
            ]
            for column in board
        }
    assert len(queries) == 5
    assert [(column.state, column.count) for column in board] == [
        ("open", 3),
        ("in_progress", 1),
        ("resolved", 1),
        ("cancelled", 0),
    ]
    assert [(pk, overdue) for pk, overdue, _name in shown["open"]] == [
        (soon.pk, True),
        (later.pk, False),
        (undated.pk, False),
    ]
    assert [(pk, overdue) for pk, overdue, _name in shown["in_progress"]] == [(working.pk, False)]
    assert [(pk, overdue) for pk, overdue, _name in shown["resolved"]] == [
        (done.pk, False)
    ]  # closed: never overdue


def test_list_filters(talent_obj, officer):
    schooling = make(talent_obj, officer)
    housing = make(talent_obj, officer, kind="housing", due_on=TODAY)
    assert list(service_request_list(filters={"kind": ["housing"]})) == [housing]
    assert list(service_request_list(filters={"state": ["open"]}).order_by("pk")) == [schooling, housing]
    assert list(service_request_list(filters={"overdue": "true"})) == []
    assert list(service_request_list(filters={"owner": officer.pk}).order_by("pk")) == [schooling, housing]
