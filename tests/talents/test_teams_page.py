"""The innovation teams list: its columns, the filters the dashboard links with, the empty states, who
may read it, and a constant number of queries whatever the page size."""

import datetime
import re

import pytest
from django.urls import reverse

from talents.models import Mode, Team
from talents.services import team_create
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/talents/teams/"


def rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-team="(\d+)"', html)]


def make_team(*, park_code="SF", introduced_on=None, members=0, mode=Mode.FLEXIBLE, name=None, by=None):
    leader = factories.talent(name=factories.fake.name())
    host = factories.enterprise(park_code=park_code)
    extra = [(factories.talent(name=factories.fake.name()), "核心成员") for _ in range(members)]
    return team_create(
        name=name or f"{factories.fake.word()}创新团队",
        leader=leader,
        by=by,
        mode=mode,
        host_enterprise=host,
        introduced_on=introduced_on,
        members=extra,
    )


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_url_name_and_sidebar_entry(officer_client):
    assert reverse("talents:team-list") == URL
    html = officer_client.get(URL).content.decode()
    # The sidebar lights this section, not the talent list it sits under.
    assert re.search(r'<a[^>]*href="/talents/teams/"[^>]*aria-current="page"', html) or re.search(
        r'<a[^>]*aria-current="page"[^>]*href="/talents/teams/"', html
    ), "the teams entry is the active sidebar section"


def test_columns_show_the_team_its_leader_host_park_mode_date_and_members(officer_client):
    team = make_team(
        name="叶片回收技术团队", park_code="SF", introduced_on=datetime.date(2024, 3, 5), members=2
    )
    html = officer_client.get(URL).content.decode()
    assert rows(html) == [team.pk]
    assert 'data-record-count="1"' in html
    assert "叶片回收技术团队" in html
    assert f'href="{reverse("talents:talent-detail", args=[team.leader_id])}"' in html
    assert team.leader.name in html
    assert team.host_enterprise.name in html
    assert "双福工业园" in html
    assert "2024-03-05" in html
    # The leader is a member of their own team, with the two others.
    assert 'data-members="3"' in html


def test_the_dashboard_link_filters_exactly_by_period_and_park(officer_client):
    inside = make_team(park_code="SF", introduced_on=datetime.date(2024, 1, 1))
    last_day = make_team(park_code="SF", introduced_on=datetime.date(2024, 6, 30))
    make_team(park_code="SF", introduced_on=datetime.date(2024, 7, 1))  # the next half
    make_team(park_code="SF", introduced_on=datetime.date(2023, 12, 31))  # the half before
    make_team(park_code="SF")  # no date
    make_team(park_code="DG", introduced_on=datetime.date(2024, 3, 1))  # another park
    query = "?introduced_on_after=2024-01-01&introduced_on_before=2024-06-30&park=SF"

    html = officer_client.get(URL + query).content.decode()
    assert sorted(rows(html)) == sorted([inside.pk, last_day.pk])
    assert 'data-record-count="2"' in html


def test_the_dashboard_figure_counts_what_its_link_lists(officer_client):
    from jinjin_crm.dashboard.metrics import METRIC_BY_CODE
    from jinjin_crm.dashboard.periods import parse_period
    from jinjin_crm.dashboard.scopes import park_scope

    make_team(park_code="SF", introduced_on=datetime.date(2024, 2, 1))
    make_team(park_code="SF", introduced_on=datetime.date(2024, 8, 1))
    make_team(park_code="LH", introduced_on=datetime.date(2024, 2, 1))
    figure = METRIC_BY_CODE["teams_introduced"].value(
        parse_period("2024-H1"), park_scope(factories.park("SF"))
    )
    assert figure.url.startswith(URL + "?")
    html = officer_client.get(figure.url).content.decode()
    assert len(rows(html)) == figure.value == 1


def test_search_mode_and_ordering(officer_client):
    alpha = make_team(name="A 光伏团队", mode=Mode.FULL_TIME, introduced_on=datetime.date(2024, 1, 2))
    beta = make_team(name="B 材料团队", mode=Mode.FLEXIBLE, introduced_on=datetime.date(2024, 5, 6))
    assert rows(officer_client.get(URL, {"search": "光伏"}).content.decode()) == [alpha.pk]
    assert rows(officer_client.get(URL, {"search": beta.leader.name}).content.decode()) == [beta.pk]
    assert rows(officer_client.get(URL, {"search": beta.host_enterprise.name}).content.decode()) == [beta.pk]
    assert rows(officer_client.get(URL, {"mode": Mode.FULL_TIME}).content.decode()) == [alpha.pk]
    # Newest introduced first by default; the sortable headers reorder.
    assert rows(officer_client.get(URL).content.decode()) == [beta.pk, alpha.pk]
    assert rows(officer_client.get(URL, {"ordering": "introduced_on"}).content.decode()) == [
        alpha.pk,
        beta.pk,
    ]
    assert rows(officer_client.get(URL, {"ordering": "name"}).content.decode()) == [alpha.pk, beta.pk]


def test_a_bad_date_is_shown_under_the_filter(officer_client):
    make_team()
    response = officer_client.get(URL, {"introduced_on_after": "2024-13-01"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_pagination_keeps_the_filters(officer_client):
    for index in range(25):
        make_team(name=f"团队{index:02d}", park_code="SF", introduced_on=datetime.date(2024, 1, 1))
    make_team(park_code="DG", introduced_on=datetime.date(2024, 1, 1))
    html = officer_client.get(URL, {"park": "SF"}).content.decode()
    assert len(rows(html)) == 20
    assert 'data-record-count="25"' in html
    assert "park=SF&amp;page=2" in html
    assert "page_size=50" in html
    second = officer_client.get(URL, {"park": "SF", "page": 2}).content.decode()
    assert len(rows(second)) == 5
    assert len(rows(officer_client.get(URL, {"park": "SF", "page_size": 50}).content.decode())) == 25


def test_empty_states_say_what_to_do_next(officer_client):
    html = officer_client.get(URL).content.decode()
    assert "data-empty-state" in html
    assert f'href="{reverse("talents:talent-list")}"' in html
    make_team(park_code="SF")
    html = officer_client.get(URL, {"park": "DG"}).content.decode()
    assert "data-empty-state" in html
    assert f'href="{URL}"' in html  # clear the filters


def test_every_role_may_read_and_anonymous_is_sent_to_log_in(client, leader):
    assert client.get(URL).status_code == 302
    client.force_login(leader)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_queries_do_not_grow_with_the_rows(officer_client, django_assert_num_queries, count):
    for index in range(count):
        make_team(
            park_code=("SF", "DG", "LH", "BS")[index % 4],
            introduced_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=index),
            members=index % 3,
        )
    assert Team.objects.count() == count
    # session, user, roles; the COUNT; the page's rows; the park filter's choices and the
    # park given in the query.
    with django_assert_num_queries(7):
        response = officer_client.get(
            URL, {"page_size": 50, "introduced_on_after": "2024-01-01", "park": ["SF", "DG", "LH", "BS"]}
        )
    assert len(rows(response.content.decode())) == count
