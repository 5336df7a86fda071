"""Matching: the scoring rules, recomputes (full and incremental), the workflow, pages and API."""

import json
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jinjin_crm.core.models import Degree, Discipline, StageChange, TalentTier
from jinjin_crm.matching import engine, services
from jinjin_crm.matching.models import Match, MatchStatus
from projects.models import DemandStatus
from talents.models import Stage
from talents.services import talent_transition, talent_update
from tests import factories
from tests.api.test_api_base import token

pytestmark = pytest.mark.django_db

WEIGHTS = engine.DEFAULTS["WEIGHTS"]


def degree(code):
    return Degree.objects.get(code=code)


def rows_of(matches=None):
    """The matches as comparable data."""
    matches = Match.objects.all() if matches is None else matches
    return sorted(
        matches.values_list("talent_id", "demand_id", "score", "reasons", "status").order_by(), key=str
    )


def score(talent_row, demand_row):
    talents, demands, vocabulary = engine.build(
        [talent_row], [demand_row], weights=WEIGHTS, local_places=("重庆", "江津")
    )
    scores, reasons = engine.reasons_for(
        talents, np.array([0]), demands, np.array([0]), vocabulary, weights=WEIGHTS
    )
    return int(scores[0]), json.loads(reasons[0])


def t_row(pk=1, rank=3, disciplines=("0812",), keywords="", tier=None, location="", mode="full_time"):
    return engine.TalentRow(
        id=pk,
        degree_rank=rank,
        degree_code="MASTER",
        tier_rank=tier,
        tier_code="",
        disciplines=disciplines,
        keywords=keywords,
        location=location,
        mode=mode,
        recent=False,
    )


def d_row(pk=1, min_rank=3, disciplines=("0812",), keywords="", tier=None):
    return engine.DemandRow(
        id=pk,
        min_rank=min_rank,
        min_code="MASTER",
        tier_rank=tier,
        tier_code="",
        disciplines=disciplines,
        keywords=keywords,
    )


class TestScoring:
    def test_degree_below_the_minimum_never_matches(self):
        talents, demands, _ = engine.build(
            [t_row(pk=1, rank=2), t_row(pk=2, rank=3)], [d_row(min_rank=3)], weights=WEIGHTS, local_places=()
        )
        by_demand, by_talent = engine.score_all(
            talents, demands, weights=WEIGHTS, top_demand=50, top_talent=20
        )
        assert talents.ids[by_demand.talent].tolist() == [2]
        assert talents.ids[by_talent.talent].tolist() == [2]

    def test_exact_discipline_beats_same_category(self):
        exact, reasons_exact = score(t_row(disciplines=("0812",)), d_row(disciplines=("0812",)))
        category, reasons_category = score(t_row(disciplines=("0809",)), d_row(disciplines=("0812",)))
        assert exact > category
        assert reasons_exact["discipline"] == {"points": WEIGHTS["discipline_exact"], "detail": ["0812"]}
        assert reasons_category["discipline"] == {"points": WEIGHTS["discipline_category"], "detail": ["08"]}

    def test_other_category_is_not_a_candidate(self):
        talents, demands, _ = engine.build(
            [t_row(disciplines=("0202",))], [d_row(disciplines=("0812",))], weights=WEIGHTS, local_places=()
        )
        by_demand, by_talent = engine.score_all(
            talents, demands, weights=WEIGHTS, top_demand=50, top_talent=20
        )
        assert len(by_demand.talent) == 0
        assert len(by_talent.talent) == 0

    def test_reasons_add_up_to_the_score(self):
        total, reasons = score(
            t_row(keywords="深度学习,大数据,机器人", tier=2, location="重庆市江津区"),
            d_row(keywords="深度学习，计算机视觉,大数据", tier=3),
        )
        assert sum(part["points"] for part in reasons.values()) * 100 == pytest.approx(total)
        assert reasons["keywords"] == {"points": 13.33, "detail": ["大数据", "深度学习"]}
        assert reasons["tier"]["points"] == WEIGHTS["tier"]
        assert reasons["location"] == {"points": WEIGHTS["location"], "detail": "重庆"}
        assert reasons["mode"]["points"] == WEIGHTS["mode"]

    def test_tier_below_the_one_asked_earns_nothing(self):
        _, reasons = score(t_row(tier=4), d_row(tier=3))
        assert "tier" not in reasons

    def test_top_k_per_demand_and_per_talent_ties_settled_by_a_fixed_shuffle(self):
        talent_ids, demand_ids = list(range(1, 6)), list(range(1, 4))
        talents, demands, _ = engine.build(
            [t_row(pk=pk) for pk in talent_ids],
            [d_row(pk=pk) for pk in demand_ids],
            weights=WEIGHTS,
            local_places=(),
        )
        by_demand, by_talent = engine.score_all(talents, demands, weights=WEIGHTS, top_demand=2, top_talent=1)
        # Every score is equal: the two talents and the one demand first in tie order win.
        first_talents = sorted(talent_ids, key=lambda pk: engine.tie([pk])[0])[:2]
        first_demand = min(demand_ids, key=lambda pk: engine.tie([pk])[0])
        chosen = sorted(
            zip(demands.ids[by_demand.demand].tolist(), talents.ids[by_demand.talent].tolist(), strict=True)
        )
        assert chosen == sorted((d, t) for d in demand_ids for t in first_talents)
        per_talent = sorted(
            zip(talents.ids[by_talent.talent].tolist(), demands.ids[by_talent.demand].tolist(), strict=True)
        )
        assert per_talent == [(pk, first_demand) for pk in talent_ids]


@pytest.fixture
def world(db):
    """A demand for a master in 0812 at Shuangfu, with fitting and unfitting talents."""
    demand = factories.demand(
        disciplines=("0812",), keywords="深度学习,大数据", headcount=1, min_degree=degree("MASTER")
    )
    fit = factories.talent(disciplines=("0812",), research_keywords="深度学习", phone="13812345678")
    close = factories.talent(disciplines=("0809",), research_keywords="大数据")
    below = factories.talent(disciplines=("0812",), highest_degree=degree("BACHELOR"))
    return {"demand": demand, "fit": fit, "close": close, "below": below}


class TestRecompute:
    def test_full_recompute_stores_ranked_matches_with_reasons(self, world):
        job = services.recompute_full_inline(chunks=2)
        assert job.state == "succeeded"
        matches = list(Match.objects.filter(demand=world["demand"]).order_by("-score"))
        assert [m.talent_id for m in matches] == [world["fit"].pk, world["close"].pk]
        for match in matches:
            assert sum(Decimal(str(p["points"])) for p in match.reasons.values()) == match.score

    def test_recompute_is_idempotent(self, world):
        services.recompute_full_inline(chunks=2)
        first = rows_of()
        job = services.recompute_full_inline(chunks=1)
        assert rows_of() == first
        assert job.counts["created"] == job.counts["updated"] == job.counts["deleted"] == 0

    def test_recompute_keeps_the_matches_officers_acted_on(self, world, officer):
        services.recompute_full_inline()
        acted = Match.objects.get(talent=world["close"], demand=world["demand"])
        services.match_transition(match=acted, to=MatchStatus.CONTACTED, by=officer)
        # The talent no longer fits at all (another category): a recommended match would go.
        talent_update(
            talent=world["close"], by=officer, disciplines=list(Discipline.objects.filter(code="0202"))
        )
        services.recompute_full_inline()
        acted.refresh_from_db()
        assert acted.status == MatchStatus.CONTACTED
        # Refreshed: the discipline part is gone (degree, no tier asked, half the keywords, full-time).
        assert "discipline" not in acted.reasons
        assert acted.score == WEIGHTS["degree"] + WEIGHTS["tier"] + WEIGHTS["keywords"] / 2 + WEIGHTS["mode"]

    def test_demand_leaving_the_pool_drops_its_recommendations(self, world, officer):
        services.recompute_full_inline()
        from projects.services import demand_set_status

        demand_set_status(demand=world["demand"], status=DemandStatus.EXPIRED, by=officer)
        services.demand_recompute(demand_id=world["demand"].pk)
        assert not Match.objects.filter(demand=world["demand"]).exists()

    def test_incremental_recompute_after_a_change(self, world, officer, django_capture_on_commit_callbacks):
        services.recompute_full_inline()
        # The fixtures' writes would have committed before this change, sending their requests; in the
        # test's one transaction they are still pending, and a request is sent once per transaction.
        transaction.get_connection().run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            talent_update(talent=world["below"], by=officer, highest_degree=degree("DOCTOR"))
        assert Match.objects.filter(talent=world["below"], demand=world["demand"]).exists()
        # The incremental result equals a full recompute's.
        incremental = rows_of()
        services.recompute_full_inline()
        assert rows_of() == incremental

    def test_incremental_recompute_for_a_demand(self, world):
        result = services.demand_recompute(demand_id=world["demand"].pk)
        assert result["created"] == 2
        again = services.demand_recompute(demand_id=world["demand"].pk)
        assert again == {"created": 0, "updated": 0, "deleted": 0}


class TestWorkflow:
    def test_hire_fills_the_demand_and_onboards_the_talent(self, world, officer):
        services.recompute_full_inline()
        match = Match.objects.get(talent=world["fit"], demand=world["demand"])
        for to in (MatchStatus.CONTACTED, MatchStatus.INTERVIEWING, MatchStatus.HIRED):
            match = services.match_transition(match=match, to=to, by=officer)
        assert match.status_changed_by == officer
        assert match.status_changed_at
        world["demand"].refresh_from_db()
        world["fit"].refresh_from_db()
        assert world["demand"].status == DemandStatus.FILLED
        assert world["fit"].stage == Stage.ONBOARDED
        history = StageChange.objects.filter(object_id=match.pk, content_type__model="match")
        assert sorted(history.values_list("to_stage", flat=True)) == ["contacted", "hired", "interviewing"]
        assert StageChange.objects.filter(object_id=world["fit"].pk, to_stage="onboarded").exists()

    def test_hire_of_a_lost_talent_leaves_it_lost(self, world, officer):
        services.recompute_full_inline()
        match = Match.objects.get(talent=world["fit"], demand=world["demand"])
        for to in (MatchStatus.CONTACTED, MatchStatus.INTERVIEWING):
            match = services.match_transition(match=match, to=to, by=officer)
        talent_transition(talent=world["fit"], to=Stage.LOST, by=officer, note="went elsewhere")
        services.match_transition(match=match, to=MatchStatus.HIRED, by=officer)
        world["fit"].refresh_from_db()
        assert world["fit"].stage == Stage.LOST

    def test_illegal_move_is_refused(self, world, officer):
        from jinjin_crm.core.exceptions import IllegalTransition

        services.recompute_full_inline()
        match = Match.objects.filter(demand=world["demand"]).first()
        with pytest.raises(IllegalTransition):
            services.match_transition(match=match, to=MatchStatus.HIRED, by=officer)
        match.refresh_from_db()
        assert match.status == MatchStatus.RECOMMENDED


class TestPages:
    def test_candidates_render_in_constant_queries(self, client, officer):
        demand = factories.demand(disciplines=("0812",), keywords="深度学习")
        client.force_login(officer)
        url = reverse("matching:demand-candidates", args=[demand.pk])
        seen = {}
        for count in (5, 50):
            while Match.objects.filter(demand=demand).count() < count:
                factories.talent(disciplines=("0812",), research_keywords="深度学习", phone="13912345678")
                services.demand_recompute(demand_id=demand.pk)
            client.get(url)  # warm the session and role caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            body = response.content.decode()
            assert body.count("data-match=") == count
            assert "139****5678" in body
            assert "13912345678" not in body
            assert body.count('data-reason="discipline"') == count
            seen[count] = len(queries)
        assert seen[5] == seen[50]

    def test_demand_and_talent_pages_load_the_sections(self, client, officer, world):
        client.force_login(officer)
        page = client.get(reverse("projects:demand-detail", args=[world["demand"].pk])).content.decode()
        assert reverse("matching:demand-candidates", args=[world["demand"].pk]) in page
        page = client.get(reverse("talents:talent-detail", args=[world["fit"].pk])).content.decode()
        assert reverse("matching:talent-fits", args=[world["fit"].pk]) in page

    def test_talent_fits_and_actions(self, client, officer, world):
        services.recompute_full_inline()
        client.force_login(officer)
        body = client.get(reverse("matching:talent-fits", args=[world["fit"].pk])).content.decode()
        assert world["demand"].position in body
        match = Match.objects.get(talent=world["fit"], demand=world["demand"])
        response = client.post(
            reverse("matching:match-transition", args=[match.pk]), {"to": "contacted"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        assert 'data-stage="contacted"' in response.content.decode()
        response = client.post(
            reverse("matching:match-transition", args=[match.pk]), {"to": "hired"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 409

    def test_match_list_shows_the_officers_parks_by_default(self, client, officer, world):
        services.recompute_full_inline()
        other = factories.demand(
            enterprise_obj=factories.enterprise(park_code="DG"), disciplines=("0812",), position="远方岗位"
        )
        services.demand_recompute(demand_id=other.pk)
        client.force_login(officer)
        body = client.get(reverse("matching:match-list")).content.decode()
        assert world["demand"].position in body
        assert "远方岗位" not in body
        body = client.get(reverse("matching:match-list") + "?all=1").content.decode()
        assert "远方岗位" in body
        body = client.get(reverse("matching:match-list") + "?all=1&min_score=99").content.decode()
        assert "data-match=" not in body


class TestApi:
    def test_park_client_sees_its_demands_matches_masked(self, api, park_client, world):
        services.recompute_full_inline()
        _client, key = park_client
        sf = token(api, key)
        body = sf.get(f"/api/v1/demands/{world['demand'].pk}/matches/").json()
        assert [row["talent"]["id"] for row in body["results"]] == [world["fit"].pk, world["close"].pk]
        first = body["results"][0]
        assert first["talent"]["phone"] == "138****5678"
        assert first["talent"]["name"].endswith("*")
        assert first["talent"]["name"] != world["fit"].name
        assert sum(part["points"] for part in first["reasons"].values()) == pytest.approx(
            float(first["score"])
        )

    def test_park_client_gets_404_for_another_parks_demand_and_for_talents(self, api, park_client, world):
        other = factories.demand(enterprise_obj=factories.enterprise(park_code="DG"), disciplines=("0812",))
        _client, key = park_client
        sf = token(api, key)
        assert sf.get(f"/api/v1/demands/{other.pk}/matches/").status_code == 404
        assert sf.get(f"/api/v1/talents/{world['fit'].pk}/matches/").status_code == 404

    def test_officer_sees_a_talents_matches(self, api, officer, world):
        services.recompute_full_inline()
        api.force_authenticate(officer)
        body = api.get(f"/api/v1/talents/{world['fit'].pk}/matches/").json()
        assert [row["demand"]["id"] for row in body["results"]] == [world["demand"].pk]
        assert body["results"][0]["talent"]["name"] == world["fit"].name
        assert body["results"][0]["talent"]["phone"] == "138****5678"


def test_tier_ranks_in_reference_data():
    # The engine reads "rank 1 is the top tier"; the shipped tiers follow it.
    assert list(TalentTier.objects.order_by("rank").values_list("code", flat=True))[:2] == ["A", "B"]


class TestTasks:
    def test_full_recompute_through_the_celery_chain(self, world, django_capture_on_commit_callbacks):
        # Tasks run eagerly here; tests/core/test_services_integration.py shows the real-worker setup.
        with django_capture_on_commit_callbacks(execute=True):
            job = services.recompute_full_start(chunks=2)
        job.refresh_from_db()
        assert job.state == "succeeded"
        assert job.done == job.total
        assert job.counts["created"] == 2
        assert Match.objects.filter(demand=world["demand"]).count() == 2

    def test_nightly_starts_once_a_day_however_often_beat_fires(self, world):
        from jinjin_crm.core.models import JobRun
        from jinjin_crm.matching.tasks import recompute_nightly

        first = JobRun.objects.get(pk=recompute_nightly.delay().get())
        second = JobRun.objects.get(pk=recompute_nightly.delay().get())
        assert first.state == "succeeded"
        assert second.state == "skipped"
