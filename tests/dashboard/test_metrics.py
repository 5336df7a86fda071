"""The leadership figures on small known datasets, and their links: each figure's link lists exactly
the records the figure counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from jinjin_crm.core.models import Degree, Park
from jinjin_crm.dashboard import metrics, periods
from jinjin_crm.dashboard.scopes import district, officer_scope, park_scope, ranked_parks
from projects.models import InvestmentProject
from projects.selectors import funds_arrived_between, projects_signed_between
from projects.services import funds_arrival_record, project_create, project_transition
from talents.services import talent_merge
from tests import factories

H1 = periods.parse_period("2024-H1")
H2 = periods.parse_period("2024-H2")
YEAR = periods.parse_period("2024")


def value(code, period=H1, scope=None):
    return metrics.metric(code).value(period, scope or district()).value


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def signed_project(*, on, amount="10000", park_code="SF", lead_officer=None, **fields):
    return factories.project(
        stage="signed",
        signed_on=on,
        agreed_investment=Decimal(amount),
        park_code=park_code,
        lead_officer=lead_officer,
        **fields,
    )


class TestProjects:
    def test_a_project_counts_once_in_the_period_it_was_first_signed(self, db):
        project = signed_project(on=datetime.date(2024, 3, 1))
        project_transition(
            project=project, to="started", by=project.lead_officer, on=datetime.date(2024, 8, 1)
        )
        assert value("projects_introduced", H1) == 1
        assert value("projects_introduced", H2) == 0
        assert value("projects_introduced", YEAR) == 1
        assert value("projects_started", H2) == 1
        assert value("projects_started", H1) == 0

    def test_a_project_signed_then_terminated_still_counts_where_it_was_signed(self, db):
        project = signed_project(on=datetime.date(2024, 5, 20), amount="5000")
        project_transition(
            project=project,
            to="terminated",
            by=project.lead_officer,
            note="撤资",
            on=datetime.date(2024, 9, 1),
        )
        assert value("projects_introduced", H1) == 1
        assert value("agreed_investment", H1) == Decimal("5000")
        assert value("projects_introduced", H2) == 0
        assert value("agreed_investment", H2) == 0

    def test_an_expansion_adds_only_its_added_amount_and_is_no_new_project(self, db):
        base = signed_project(on=datetime.date(2024, 2, 1), amount="20000")
        project_create(
            by=base.lead_officer,
            stage="signed",
            kind=InvestmentProject.Kind.EXPANSION,
            expands=base,
            name="二期增资",
            investor=base.investor,
            source=base.source,
            industry=base.industry,
            park=base.park,
            lead_officer=base.lead_officer,
            signed_on=datetime.date(2024, 4, 1),
            agreed_investment=Decimal("3000"),
        )
        assert value("projects_introduced") == 1
        assert value("agreed_investment") == Decimal("23000")
        # The one definition agrees with the projects app's own leadership count.
        counted = projects_signed_between(start=H1.start, end=H1.end)
        assert counted["count"] == 1
        assert counted["agreed_investment"] == Decimal("23000")

    def test_funds_arrived_count_the_months_of_the_period(self, db):
        project = signed_project(on=datetime.date(2024, 1, 10))
        for month, amount in ((datetime.date(2024, 3, 1), "100"), (datetime.date(2024, 7, 1), "250")):
            funds_arrival_record(
                project=project, period=month, amount=Decimal(amount), by=project.lead_officer
            )
        assert value("funds_arrived", H1) == Decimal("100")
        assert value("funds_arrived", YEAR) == Decimal("350")
        assert value("funds_arrived", H1) == funds_arrived_between(start=H1.start, end=H1.end)

    def test_parks_and_officers_each_get_their_own(self, db):
        someone = factories.officer()
        signed_project(on=datetime.date(2024, 2, 1), park_code="SF", lead_officer=someone)
        signed_project(on=datetime.date(2024, 2, 2), park_code="SF")
        signed_project(on=datetime.date(2024, 2, 3), park_code="DG")
        scopes = [district(), *(park_scope(p) for p in ranked_parks()), officer_scope(someone)]
        results = metrics.metric("projects_introduced").evaluate(H1, scopes)
        assert results["district"].value == 3
        assert results["park:SF"].value == 2
        assert results["park:DG"].value == 1
        assert results["park:LH"].value == 0
        assert results[f"officer:{someone.pk}"].value == 1


class TestTalents:
    def test_onboarded_counts_by_degree_and_mode(self, db):
        doctor = Degree.objects.get(code="DOCTOR")
        factories.onboarded_talent(onboarded_on=datetime.date(2024, 3, 3), highest_degree=doctor)
        factories.onboarded_talent(onboarded_on=datetime.date(2024, 4, 3), mode="flexible")
        factories.onboarded_talent(onboarded_on=datetime.date(2024, 8, 3))
        assert value("talents_onboarded") == 2
        assert value("phds_onboarded") == 1
        assert value("masters_onboarded") == 1
        assert value("flexible_introduced") == 1
        assert value("talents_onboarded", YEAR) == 3

    def test_a_person_onboarded_twice_and_merged_counts_once(self, db):
        someone = factories.officer()
        first = factories.onboarded_talent(name="王小明", onboarded_on=datetime.date(2024, 2, 1))
        second = factories.onboarded_talent(name="王小明", onboarded_on=datetime.date(2024, 5, 1))
        assert value("talents_onboarded") == 2
        talent_merge(keep=first, drop=second, by=someone)
        assert value("talents_onboarded") == 1


class TestCampaignsPlacementsPolicies:
    def test_campaign_figures_are_the_funnel_of_the_campaigns_in_the_period(self, db):
        from campaigns.services import contact_record

        master = Degree.objects.get(code="MASTER")
        bachelor = Degree.objects.get(code="BACHELOR")
        spring = factories.campaign(starts_on=datetime.date(2024, 4, 10))
        autumn = factories.campaign(starts_on=datetime.date(2024, 10, 10))
        for outcome, degree in (
            ("consulted", master),
            ("intent", master),
            ("intent", bachelor),
            ("signed", master),
        ):
            contact_record(
                campaign=spring, talent=factories.talent(), by=None, outcome=outcome, degree=degree
            )
        contact_record(campaign=autumn, talent=factories.talent(), by=None, outcome="intent", degree=master)
        assert (value("consultations"), value("intents"), value("masters_intents")) == (4, 3, 2)
        assert (value("consultations", YEAR), value("intents", YEAR)) == (5, 4)

    def test_placements_started_and_serving(self, db):
        factories.placement(term_start=datetime.date(2023, 9, 1), term_end=datetime.date(2025, 8, 31))
        factories.placement(term_start=datetime.date(2024, 3, 1), term_end=datetime.date(2026, 2, 28))
        factories.placement(term_start=datetime.date(2024, 9, 1), term_end=datetime.date(2026, 8, 31))
        assert value("placements_started") == 1
        assert value("placements_active") == 2
        assert value("placements_active", YEAR) == 3

    def test_applications_approved_and_paid(self, db, officer):
        from policies import services as policy_services

        application = factories.policy_application(by=officer, state="approved")
        today = periods.period_of("year", datetime.date.today())
        assert value("applications_approved", today) == 1
        assert value("amount_disbursed", today) == 0
        policy_services.application_disburse(application=application, by=officer)
        assert value("amount_disbursed", today) == application.amount
        assert value("applications_approved", today) == 1

    def test_overdue_service_requests_are_as_of_today(self, db, officer):
        from policies.models import ServiceRequest
        from policies.services import service_request_create

        talent = factories.talent()
        request = service_request_create(
            by=officer, talent=talent, kind="schooling", owner=officer, due_on=datetime.date.today()
        )
        assert value("service_requests_overdue") == 0
        ServiceRequest.objects.filter(pk=request.pk).update(
            due_on=datetime.date.today() - datetime.timedelta(days=1)
        )
        assert value("service_requests_overdue") == 1
        assert value("service_requests_overdue", H2) == 1


def _listed(client, url):
    """How many records the list page at ``url`` shows in all, and its totals if it has them."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "page" in context and hasattr(context["page"], "paginator"):
        return context["page"].paginator.count, context.get("totals")
    if "columns" in context:  # the service board: one column per state, with its full count
        return context["total"], None
    raise AssertionError(f"{url} shows no paginated list")


def _seed_every_figure():
    """At least one record behind every figure, in two parks, plus records outside H1."""
    from campaigns.services import contact_record
    from policies import services as policy_services
    from talents.services import team_create

    someone = factories.officer()
    projects = [
        signed_project(on=datetime.date(2024, 2, 1), park_code="SF", lead_officer=someone),
        signed_project(on=datetime.date(2024, 3, 1), park_code="DG"),
        signed_project(on=datetime.date(2024, 8, 1), park_code="SF"),
    ]
    project_transition(project=projects[0], to="started", by=someone, on=datetime.date(2024, 4, 1))
    project_transition(project=projects[0], to="operating", by=someone, on=datetime.date(2024, 6, 1))
    funds_arrival_record(
        project=projects[0], period=datetime.date(2024, 5, 1), amount=Decimal("80"), by=someone
    )
    funds_arrival_record(
        project=projects[0], period=datetime.date(2024, 6, 1), amount=Decimal("20"), by=someone
    )
    host = factories.enterprise(park_code="SF")
    doctor = Degree.objects.get(code="DOCTOR")
    leader_talent = factories.onboarded_talent(
        onboarded_on=datetime.date(2024, 4, 1),
        highest_degree=doctor,
        employer_enterprise=host,
        mode="flexible",
    )
    factories.onboarded_talent(onboarded_on=datetime.date(2024, 5, 1), employer_enterprise=host)
    team_create(
        by=someone,
        name="团队甲",
        leader=leader_talent,
        host_enterprise=host,
        introduced_on=datetime.date(2024, 3, 1),
    )
    campaign = factories.campaign(starts_on=datetime.date(2024, 4, 10))
    contact_record(campaign=campaign, talent=factories.talent(), by=None, outcome="intent")
    factories.placement(host=host, term_start=datetime.date(2024, 3, 1), term_end=datetime.date(2026, 2, 28))
    application = factories.policy_application(by=someone, state="approved")
    policy_services.application_disburse(application=application, by=someone)
    return someone


@pytest.mark.parametrize("scope_kind", ["district", "park", "officer"])
def test_every_figure_links_to_exactly_the_records_it_counts(db, leader_client, scope_kind):
    someone = _seed_every_figure()
    this_year = periods.period_of("year", datetime.date.today())
    scope = {
        "district": district(),
        "park": park_scope(Park.objects.get(code="SF")),
        "officer": officer_scope(someone),
    }[scope_kind]
    checked = 0
    for metric in metrics.METRICS:
        if not metric.applies_to(scope):
            continue
        period = this_year if metric.code in ("applications_approved", "amount_disbursed") else H1
        figure = metric.value(period, scope)
        count, totals = _listed(leader_client, figure.url)
        records = metric.records(period, scope)
        assert count == records.count(), metric.code
        if metric.aggregate is not None and metric.unit == metrics.COUNT:
            assert count == figure.value, metric.code
        elif metric.code == "agreed_investment":
            assert totals["agreed_investment"] == figure.value
        elif metric.code in ("consultations", "intents", "masters_intents"):
            step = {"consultations": "consulted", "intents": "intents", "masters_intents": "masters"}[
                metric.code
            ]
            assert totals[step] == figure.value, metric.code
        checked += 1
    assert checked >= (18 if scope_kind == "district" else 8)
    if scope_kind == "district":
        assert value("funds_arrived") == Decimal("100")
        assert value("projects_introduced") == 2


def test_a_metric_whose_filters_do_not_validate_refuses_to_count(db):
    from django.core.exceptions import ImproperlyConfigured

    broken = metrics.Metric(
        code="broken",
        label="broken",
        unit=metrics.COUNT,
        url_name="projects:project-list",
        filterset=metrics.ProjectFilter,
        model=InvestmentProject,
        params=lambda period: {"stage": "no-such-stage"},
        aggregate=lambda period: metrics.Count("id"),
        description="",
    )
    with pytest.raises(ImproperlyConfigured):
        broken.value(H1, district())


def test_the_tiles_links_open_their_lists(db, leader_client):
    _seed_every_figure()
    response = leader_client.get(reverse("dashboard:home"), {"period": "2024-H1"})
    assert response.status_code == 200
    for tile in response.context["groups"][0]["tiles"]:
        assert leader_client.get(tile["url"]).status_code == 200


def test_the_campaign_figures_share_one_count_of_the_funnel(db, django_assert_num_queries):
    factories.campaign(starts_on=datetime.date(2024, 4, 10))
    codes = ["consultations", "intents", "masters_intents"]
    with django_assert_num_queries(1):  # one count of the funnel, the campaigns as its subquery
        figures = metrics.evaluate(codes, H1, [district()])
    assert [figures[code]["district"].value for code in codes] == [0, 0, 0]
