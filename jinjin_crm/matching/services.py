"""Every write of matching: recomputing the matches (full, or for one talent or one demand) and the
officer's workflow on a match.

Guarantees:

- Each demand's recommended matches are replaced inside one transaction per batch of demands (a
  talent's, in an incremental recompute for that talent), so a reader or a worker killed midway
  leaves either the old or the new matches of a demand, never a mix.
- Matches an officer acted on (any status beyond ``recommended``) are never deleted by a recompute;
  their score and reasons are refreshed when both sides are still in the pool.
- Recomputing twice gives the same rows: the engine breaks ties by id, and rows whose score and
  reasons did not change are not rewritten (``computed_at`` is the time the row last changed).
- A full recompute runs as a Celery chain: a group of scoring chunks (demands split by id), then a
  group of writing chunks, then a finish step; more workers make both groups faster. The chunks'
  intermediate results pass through the cache under the job's id.
"""

from __future__ import annotations

import io
import logging
import pickle

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jinjin_crm.core.exceptions import IllegalTransition
from jinjin_crm.core.models import JobRun, User
from jinjin_crm.core.services import (
    job_create,
    job_fail,
    job_finish,
    job_progress,
    job_start,
    stage_change_record,
)
from jinjin_crm.core.task_requests import request_task
from projects.models import DemandStatus, TalentDemand
from projects.services import demand_set_status
from talents.models import TRANSITIONS as TALENT_TRANSITIONS
from talents.models import Stage as TalentStage
from talents.models import Talent
from talents.services import talent_transition

from . import engine, selectors
from .models import MATCH_TRANSITIONS, Match, MatchStatus

logger = logging.getLogger(__name__)

JOB_KIND = "matching_full"
CACHE_TTL = 6 * 60 * 60
WRITE_BATCH = 500  # demands per transaction when writing
# Incremental recomputes check the other side's top-K only among this many best pairs (see
# talent_recompute); the nightly full recompute makes everything exact again.
INCREMENTAL_SCAN = 300


# --- Loading -------------------------------------------------------------------------------------


def _inputs(*, talents=None, demands=None, config=None):
    config = config or engine.config()
    talents = selectors.eligible_talents() if talents is None else talents
    demands = selectors.eligible_demands() if demands is None else demands
    return engine.build(
        selectors.talent_rows(talents, recent_days=config["RECENT_DAYS"]),
        selectors.demand_rows(demands),
        weights=config["WEIGHTS"],
        local_places=config["LOCAL_PLACES"],
    )


# --- Writing -------------------------------------------------------------------------------------


def _copy_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _write(*, talent_ids, demand_ids, scores, reasons, scope_demands=None, scope_talents=None) -> dict:
    """Make the recommended matches of the scoped demands (or talents) exactly the given pairs, and
    refresh the given pairs that an officer acted on. The caller holds the transaction.

    ``scores`` are hundredths. Returns counts: created, updated, deleted.
    """
    now = timezone.now()
    if connection.vendor != "postgresql":
        return _write_portable(
            talent_ids=talent_ids,
            demand_ids=demand_ids,
            scores=scores,
            reasons=reasons,
            scope_demands=scope_demands,
            scope_talents=scope_talents,
            now=now,
        )
    table = Match._meta.db_table
    if scope_demands is not None:
        scope_sql, scope_args = "m.demand_id = ANY(%s)", [list(scope_demands)]
    else:
        scope_sql, scope_args = "m.talent_id = ANY(%s)", [list(scope_talents)]
    order = np.lexsort((talent_ids, demand_ids))
    buffer = io.StringIO()
    for i in order.tolist():
        buffer.write(f"{talent_ids[i]}\t{demand_ids[i]}\t{scores[i] / 100:.2f}\t{_copy_text(reasons[i])}\n")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} m WHERE {scope_sql})", scope_args)
        if not cursor.fetchone()[0]:
            # Nothing stored for these demands (or this talent) yet, so nothing to replace or keep: the
            # rows go straight in (a first recompute writes twice as fast this way). A concurrent write
            # of the same pairs would break the unique constraint and roll the batch back, not mix it.
            columns = "talent_id, demand_id, score, reasons, status, computed_at"
            suffix = f"\t{MatchStatus.RECOMMENDED}\t{now.isoformat()}\n"
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue().replace("\n", suffix))
            return {"created": len(order), "updated": 0, "deleted": 0}
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS matching_incoming "
            "(talent_id bigint, demand_id bigint, score numeric(5,2), reasons jsonb) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE matching_incoming")
        with cursor.copy("COPY matching_incoming (talent_id, demand_id, score, reasons) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            f"DELETE FROM {table} m WHERE {scope_sql} AND m.status = %s AND NOT EXISTS "
            "(SELECT 1 FROM matching_incoming i "
            "WHERE i.talent_id = m.talent_id AND i.demand_id = m.demand_id)",
            [*scope_args, MatchStatus.RECOMMENDED],
        )
        deleted = cursor.rowcount
        # Acted-on matches are refreshed; new pairs are inserted as recommended.
        cursor.execute(
            f"INSERT INTO {table} AS m (talent_id, demand_id, score, reasons, status, computed_at) "
            "SELECT talent_id, demand_id, score, reasons, %s, %s FROM matching_incoming "
            "ORDER BY demand_id, talent_id "
            "ON CONFLICT (demand_id, talent_id) DO UPDATE SET score = EXCLUDED.score, "
            "reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at "
            "WHERE (m.score, m.reasons) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.reasons) "
            "RETURNING (xmax = 0)",
            [MatchStatus.RECOMMENDED, now],
        )
        inserted = [row[0] for row in cursor.fetchall()]
    created = sum(inserted)
    return {"created": created, "updated": len(inserted) - created, "deleted": deleted}


def _write_portable(*, talent_ids, demand_ids, scores, reasons, scope_demands, scope_talents, now) -> dict:
    """The same as ``_write`` through the ORM, for SQLite (development and a few tests)."""
    import json
    from decimal import Decimal

    scope = (
        Match.objects.filter(demand_id__in=scope_demands)
        if scope_demands is not None
        else (Match.objects.filter(talent_id__in=scope_talents))
    )
    wanted = {
        (int(t), int(d)): (Decimal(int(s)) / 100, json.loads(r))
        for t, d, s, r in zip(talent_ids, demand_ids, scores, reasons, strict=True)
    }
    existing = {
        (m.talent_id, m.demand_id): m
        for m in Match.objects.filter(
            talent_id__in={t for t, _ in wanted}, demand_id__in={d for _, d in wanted}
        )
    }
    stale = [
        m.pk for m in scope.filter(status=MatchStatus.RECOMMENDED) if (m.talent_id, m.demand_id) not in wanted
    ]
    Match.objects.filter(pk__in=stale).delete()
    new, changed = [], []
    for (talent_id, demand_id), (score, why) in wanted.items():
        match = existing.get((talent_id, demand_id))
        if match is None:
            new.append(
                Match(talent_id=talent_id, demand_id=demand_id, score=score, reasons=why, computed_at=now)
            )
        elif match.score != score or match.reasons != why:
            match.score, match.reasons, match.computed_at = score, why, now
            changed.append(match)
    Match.objects.bulk_create(new)
    Match.objects.bulk_update(changed, ["score", "reasons", "computed_at"])
    return {"created": len(new), "updated": len(changed), "deleted": len(stale)}


def _acted_on(*, demand_ids=None, talent_ids=None) -> list[tuple[int, int]]:
    matches = Match.objects.exclude(status=MatchStatus.RECOMMENDED)
    if demand_ids is not None:
        matches = matches.filter(demand_id__in=list(demand_ids))
    if talent_ids is not None:
        matches = matches.filter(talent_id__in=list(talent_ids))
    return list(matches.values_list("talent_id", "demand_id"))


def _positions(ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``wanted`` ids in the sorted ``ids``, and which of them were found."""
    wanted = np.asarray(wanted, dtype=np.int64)
    if not len(ids):
        return np.zeros(len(wanted), np.int64), np.zeros(len(wanted), bool)
    pos = np.clip(np.searchsorted(ids, wanted), 0, len(ids) - 1)
    return pos, ids[pos] == wanted


def _with_acted_on(T, D, t_pos, d_pos, acted):
    """Add the acted-on pairs whose talent and demand are both loaded (their score is refreshed)."""
    if not acted:
        return t_pos, d_pos
    acted = np.array(acted, dtype=np.int64)
    tp, t_found = _positions(T.ids, acted[:, 0])
    dp, d_found = _positions(D.ids, acted[:, 1])
    keep = t_found & d_found
    pairs = engine.union(
        engine.Result(t_pos, d_pos, np.zeros(len(t_pos), np.int32)),
        engine.Result(tp[keep], dp[keep], np.zeros(int(keep.sum()), np.int32)),
    )
    return pairs.talent, pairs.demand


# --- Full recompute ------------------------------------------------------------------------------


def _key(job_id: int, what: str, index: int) -> str:
    return f"matching:job:{job_id}:{what}:{index}"


def recompute_full_start(*, by: User | None = None, chunks: int | None = None) -> JobRun:
    """Create the job run and enqueue the full recompute (after commit). Returns the job at once."""
    job = job_create(kind=JOB_KIND, by=by)
    request_task("matching.recompute_full", job.pk, chunks)
    return job


def recompute_full_plan(*, job: JobRun, chunks: int | None = None) -> list[tuple[int, int]]:
    """Split the eligible demands into id ranges (one per chunk) and mark the job running."""
    config = engine.config()
    ids = list(selectors.eligible_demands().order_by("id").values_list("id", flat=True))
    if chunks is None:
        chunks = max(1, -(-len(ids) // config["CHUNK_DEMANDS"]))
    parts = [part for part in np.array_split(np.array(ids, dtype=np.int64), chunks) if len(part)]
    ranges = [(int(part[0]), int(part[-1])) for part in parts]
    # Bounds cover every id, so demands created meanwhile still fall in a chunk.
    if ranges:
        ranges[0] = (0, ranges[0][1])
        ranges[-1] = (ranges[-1][0], 2**62)
        ranges = [
            (lo, ranges[i + 1][0] - 1 if i + 1 < len(ranges) else hi) for i, (lo, hi) in enumerate(ranges)
        ]
    job_start(job=job, total=2 * len(ids))
    return ranges or [(0, 2**62)]


def recompute_chunk_score(*, job_id: int, index: int, low: int, high: int) -> int:
    """Score the demands with ids in [low, high] against every talent; keep their top K and each
    talent's best demands among them, in the cache. Returns the number of pairs scored."""
    config = engine.config()
    demands = selectors.eligible_demands().filter(id__gte=low, id__lte=high)
    T, D, _vocabulary = _inputs(demands=demands, config=config)
    by_demand, by_talent = engine.score_all(
        T,
        D,
        weights=config["WEIGHTS"],
        top_demand=config["TOP_PER_DEMAND"],
        top_talent=config["TOP_PER_TALENT"],
        block_cells=config["BLOCK_CELLS"],
    )
    payload = {
        "demand_top": (T.ids[by_demand.talent], D.ids[by_demand.demand], by_demand.score),
        "talent_top": (T.ids[by_talent.talent], D.ids[by_talent.demand], by_talent.score),
    }
    cache.set(_key(job_id, "scored", index), pickle.dumps(payload, protocol=5), CACHE_TTL)
    job_progress(job=JobRun(pk=job_id), advance=len(D))
    return by_demand.pairs_scored


def _talent_tops(job_id: int, chunks: int, k: int):
    """Each talent's best k demands over every chunk (ties to the lower demand id), as id arrays."""
    talents, demands, scores = [], [], []
    for index in range(chunks):
        payload = pickle.loads(cache.get(_key(job_id, "scored", index)))
        t, d, s = payload["talent_top"]
        talents.append(t)
        demands.append(d)
        scores.append(s)
    t, d, s = np.concatenate(talents), np.concatenate(demands), np.concatenate(scores)
    order = np.lexsort((engine.tie(d), -s.astype(np.int64), t))
    t, d, s = t[order], d[order], s[order]
    slot = np.arange(len(t)) - np.searchsorted(t, t, side="left")
    keep = slot < k
    return t[keep], d[keep], s[keep]


def recompute_chunk_write(*, job_id: int, index: int, chunks: int, low: int, high: int) -> dict:
    """Write the matches of the demands with ids in [low, high]: their top K, the pairs in which they
    are among a talent's best, and the refreshed acted-on pairs; one transaction per batch."""
    config = engine.config()
    raw = cache.get(_key(job_id, "scored", index))
    if raw is None:
        raise RuntimeError(f"scores of chunk {index} of job {job_id} are gone from the cache")
    top_t, top_d, _ = pickle.loads(raw)["demand_top"]
    tt, td, _ = _talent_tops(job_id, chunks, config["TOP_PER_TALENT"])
    mine = (td >= low) & (td <= high)
    talent_ids = np.concatenate([top_t, tt[mine]])
    demand_ids = np.concatenate([top_d, td[mine]])
    demands = selectors.eligible_demands().filter(id__gte=low, id__lte=high)
    T, D, vocabulary = _inputs(demands=demands, config=config)
    t_pos, _ = _positions(T.ids, talent_ids)
    d_pos, _ = _positions(D.ids, demand_ids)
    pairs = engine.union(engine.Result(t_pos, d_pos, np.zeros(len(t_pos), np.int32)))
    acted = _acted_on(demand_ids=D.ids.tolist())
    t_pos, d_pos = _with_acted_on(T, D, pairs.talent, pairs.demand, acted)
    scores, reasons = engine.reasons_for(T, t_pos, D, d_pos, vocabulary, weights=config["WEIGHTS"])
    counts = {"created": 0, "updated": 0, "deleted": 0, "matches": len(t_pos)}
    order = np.argsort(d_pos, kind="stable")
    t_pos, d_pos, scores, reasons = t_pos[order], d_pos[order], scores[order], reasons[order]
    bounds = np.searchsorted(d_pos, np.arange(0, len(D) + WRITE_BATCH, WRITE_BATCH))
    for batch, start in enumerate(range(0, len(D), WRITE_BATCH)):
        lo, hi = bounds[batch], bounds[batch + 1]
        with transaction.atomic():
            written = _write(
                talent_ids=T.ids[t_pos[lo:hi]],
                demand_ids=D.ids[d_pos[lo:hi]],
                scores=scores[lo:hi],
                reasons=reasons[lo:hi],
                scope_demands=D.ids[start : start + WRITE_BATCH].tolist(),
            )
        for name, value in written.items():
            counts[name] += value
        job_progress(job=JobRun(pk=job_id), advance=min(WRITE_BATCH, len(D) - start))
    # Demands of this range that left the pool (filled, expired) keep only what officers acted on.
    counts["deleted"] += (
        Match.objects.filter(demand_id__gte=low, demand_id__lte=high, status=MatchStatus.RECOMMENDED)
        .exclude(demand_id__in=D.ids.tolist())
        .delete()[0]
    )
    return counts


def recompute_full_finish(*, job_id: int, chunks: int, results: list) -> JobRun:
    """Drop the recommended matches of talents who left the pool, sum the chunks' counts, close the job."""
    job = JobRun.objects.get(pk=job_id)
    counts = {"created": 0, "updated": 0, "deleted": 0, "matches": 0}
    for result in results or []:
        for name in counts:
            counts[name] += int((result or {}).get(name, 0))
    counts["deleted"] += (
        Match.objects.filter(status=MatchStatus.RECOMMENDED)
        .exclude(talent__in=selectors.eligible_talents())
        .delete()[0]
    )
    counts["chunks"] = chunks
    cache.delete_many([_key(job_id, "scored", index) for index in range(chunks)])
    return job_finish(job=job, counts=counts)


def recompute_full_fail(*, job_id: int, error: str) -> None:
    job_fail(job=JobRun.objects.get(pk=job_id), error=error)


def recompute_full_inline(*, by: User | None = None, chunks: int = 1) -> JobRun:
    """The whole full recompute in this process, chunk after chunk (tests, the benchmark, a shell)."""
    job = job_create(kind=JOB_KIND, by=by)
    ranges = recompute_full_plan(job=job, chunks=chunks)
    for index, (low, high) in enumerate(ranges):
        recompute_chunk_score(job_id=job.pk, index=index, low=low, high=high)
    results = [
        recompute_chunk_write(job_id=job.pk, index=index, chunks=len(ranges), low=low, high=high)
        for index, (low, high) in enumerate(ranges)
    ]
    return recompute_full_finish(job_id=job.pk, chunks=len(ranges), results=results)


# --- Incremental recompute -----------------------------------------------------------------------


def _kth_scores(*, column: str, ids: list[int], exclude_id: int, k: int) -> dict[int, tuple]:
    """For each id of ``column`` (demand_id or talent_id), the k-th best stored (score in hundredths,
    other id) among its matches with others than ``exclude_id``; absent when it has fewer than k."""
    if not ids:
        return {}
    other = "talent_id" if column == "demand_id" else "demand_id"
    placeholders = ", ".join(["%s"] * len(ids))
    tie_sql = f"({other} * {engine._MIX}) %% {2**31}"  # engine.tie, in SQL (%% is a literal %)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT owner, score, other FROM (SELECT {column} AS owner, score, {other} AS other, "
            f"row_number() OVER (PARTITION BY {column} ORDER BY score DESC, {tie_sql}) AS rank "
            f"FROM {Match._meta.db_table} WHERE {column} IN ({placeholders}) AND {other} <> %s) ranked "
            "WHERE rank = %s",
            [*ids, exclude_id, k],
        )
        return {owner: (round(float(score) * 100), other_id) for owner, score, other_id in cursor.fetchall()}


def _beats(score: int, other_id: int, kth: tuple | None) -> bool:
    """Whether (score, id) ranks above the k-th entry (higher score; equal score and earlier ``tie``)."""
    if kth is None:
        return True
    return score > kth[0] or (score == kth[0] and engine.tie([other_id])[0] < engine.tie([kth[1]])[0])


def _unchecked(ids: np.ndarray, candidates: np.ndarray, scan: np.ndarray, stored, column: str) -> set[int]:
    """Positions (into ``ids``) of the stored pairs' other sides that are still candidates but were
    beyond the incremental scan, so were not checked against the other side's top K."""
    stored_ids = np.fromiter(stored.values_list(column, flat=True), dtype=np.int64)
    if not len(stored_ids) or not len(ids):
        return set()
    positions, found = _positions(ids, stored_ids)
    keep = np.intersect1d(positions[found], candidates)
    return set(np.setdiff1d(keep, scan).tolist())


# The pool of demands as the engine sees it, kept per worker process while it does not change (its
# fingerprint: how many, the latest change, the sum of ids), so an incremental recompute for a
# talent does not rebuild 30,000 demands each time.
_demand_pool: dict = {}


def _demands_cached():
    pool = selectors.eligible_demands()
    fingerprint = tuple(
        pool.order_by().aggregate(n=Count("id"), last=Max("updated_at"), ids=Sum("id")).values()
    )
    fingerprint += (timezone.localdate(),)
    if _demand_pool.get("fingerprint") != fingerprint:
        demands, vocabulary = engine.build_demands(selectors.demand_rows(pool))
        _demand_pool.clear()
        _demand_pool.update(fingerprint=fingerprint, demands=demands, vocabulary=vocabulary)
    return _demand_pool["demands"], _demand_pool["vocabulary"]


def talent_recompute(*, talent_id: int) -> dict:
    """Recompute one talent's matches after it changed: its best demands exactly, and the demands
    where it now ranks in the top K (checked among its ``INCREMENTAL_SCAN`` best demands). Other
    talents displaced from a demand's top K keep their rows until the next full recompute.
    One transaction; a talent out of the pool keeps only the matches officers acted on."""
    config = engine.config()
    talents = selectors.eligible_talents().filter(pk=talent_id)
    rows = selectors.talent_rows(talents, recent_days=config["RECENT_DAYS"])
    with transaction.atomic():
        if not rows or not rows[0].degree_rank:
            deleted = Match.objects.filter(talent_id=talent_id, status=MatchStatus.RECOMMENDED).delete()[0]
            return {"created": 0, "updated": 0, "deleted": deleted}
        D, vocabulary = _demands_cached()
        T = engine.build_talents(
            rows, vocabulary, weights=config["WEIGHTS"], local_places=config["LOCAL_PLACES"]
        )
        # Blocking: demands sharing a category whose minimum the talent's degree meets.
        shares = np.asarray((D.categories @ T.categories.T).sum(axis=1)).ravel() > 0
        d_all = np.flatnonzero(shares & (D.min_rank <= T.degree_rank[0]))
        parts = engine.score_pairs(T, np.zeros(len(d_all), np.int64), D, d_all, weights=config["WEIGHTS"])
        scores = parts["score"]
        order = d_all[np.lexsort((engine.tie(D.ids[d_all]), -scores.astype(np.int64)))]
        score_of = dict(zip(d_all.tolist(), scores.tolist(), strict=True))
        chosen = set(order[: config["TOP_PER_TALENT"]].tolist())
        scan = order[:INCREMENTAL_SCAN]
        kth = _kth_scores(
            column="demand_id", ids=D.ids[scan].tolist(), exclude_id=talent_id, k=config["TOP_PER_DEMAND"]
        )
        for position in scan.tolist():
            if _beats(score_of[position], talent_id, kth.get(int(D.ids[position]))):
                chosen.add(position)
        # Stored pairs beyond the scan were not checked: they stay (rescored) while still candidates.
        chosen |= _unchecked(D.ids, d_all, scan, Match.objects.filter(talent_id=talent_id), "demand_id")
        d_pos = np.array(sorted(chosen), dtype=np.int64)
        t_pos, d_pos = _with_acted_on(
            T, D, np.zeros(len(d_pos), np.int64), d_pos, _acted_on(talent_ids=[talent_id])
        )
        final_scores, reasons = engine.reasons_for(T, t_pos, D, d_pos, vocabulary, weights=config["WEIGHTS"])
        return _write(
            talent_ids=T.ids[t_pos],
            demand_ids=D.ids[d_pos],
            scores=final_scores,
            reasons=reasons,
            scope_talents=[talent_id],
        )


def demand_recompute(*, demand_id: int) -> dict:
    """Recompute one demand's matches after it changed: its top K talents exactly, and the talents
    for whom it is now among their best (checked among its ``INCREMENTAL_SCAN`` best talents). One
    transaction; a demand out of the pool keeps only the matches officers acted on."""
    config = engine.config()
    demands = selectors.eligible_demands().filter(pk=demand_id)
    demand = demands.select_related("min_degree").first()
    with transaction.atomic():
        if demand is None:
            deleted = Match.objects.filter(demand_id=demand_id, status=MatchStatus.RECOMMENDED).delete()[0]
            return {"created": 0, "updated": 0, "deleted": deleted}
        categories = list({code[:2] for code in demand.disciplines.values_list("code", flat=True)})
        talents = (
            selectors.eligible_talents()
            .filter(
                highest_degree__rank__gte=demand.min_degree.rank, disciplines__category_code__in=categories
            )
            .distinct()
        )
        T, D, vocabulary = _inputs(talents=talents, demands=demands, config=config)
        t_all = np.arange(len(T))
        parts = engine.score_pairs(T, t_all, D, np.zeros(len(T), np.int64), weights=config["WEIGHTS"])
        scores = np.where(parts["degree"] > 0, parts["score"], -1)
        order = np.lexsort((engine.tie(T.ids), -scores.astype(np.int64)))
        order = order[scores[order] >= 0]
        chosen = set(order[: config["TOP_PER_DEMAND"]].tolist())
        scan = order[:INCREMENTAL_SCAN]
        kth = _kth_scores(
            column="talent_id", ids=T.ids[scan].tolist(), exclude_id=demand_id, k=config["TOP_PER_TALENT"]
        )
        for position in scan.tolist():
            if _beats(int(scores[position]), demand_id, kth.get(int(T.ids[position]))):
                chosen.add(position)
        chosen |= _unchecked(T.ids, order, scan, Match.objects.filter(demand_id=demand_id), "talent_id")
        t_pos = np.array(sorted(chosen), dtype=np.int64)
        t_pos, d_pos = _with_acted_on(
            T, D, t_pos, np.zeros(len(t_pos), np.int64), _acted_on(demand_ids=[demand_id])
        )
        final_scores, reasons = engine.reasons_for(T, t_pos, D, d_pos, vocabulary, weights=config["WEIGHTS"])
        return _write(
            talent_ids=T.ids[t_pos],
            demand_ids=D.ids[d_pos],
            scores=final_scores,
            reasons=reasons,
            scope_demands=[demand_id],
        )


# --- Workflow ------------------------------------------------------------------------------------


def _illegal(current: str, to: str) -> IllegalTransition:
    labels = dict(MatchStatus.choices)
    return IllegalTransition(
        _("A match cannot move from “%(current)s” to “%(to)s”.")
        % {"current": labels.get(current, current), "to": labels.get(to, to)},
        attr="to",
    )


@transaction.atomic
def match_transition(*, match: Match, to: str, by: User | None, note: str = "") -> Match:
    """Move a match one step (recommended → contacted → interviewing → hired, or rejected from any open
    status), record who and when, and write the history line.

    A hire fills the demand: once its hired matches reach its headcount, the demand is set to
    ``filled`` (``projects.services.demand_set_status``). The talent moves towards onboarded through
    ``talents.services.talent_transition`` one step at a time (lead → contacted → intent → signed →
    onboarded) as far as the pipeline allows; a talent already lost stays lost and the match is
    still recorded as hired. All of it in one transaction: a refused step refuses the hire.
    """
    locked = Match.objects.select_for_update().get(pk=match.pk)
    current = locked.status
    if to not in MATCH_TRANSITIONS.get(current, ()):
        raise _illegal(current, to)
    locked.status = to
    locked.status_changed_by = by
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_by", "status_changed_at"])
    stage_change_record(record=locked, from_stage=current, to_stage=to, by=by, note=note.strip())
    if to == MatchStatus.HIRED:
        _hire(match=locked, by=by)
    match.refresh_from_db()
    return match


def _hire(*, match: Match, by: User | None) -> None:
    demand = TalentDemand.objects.select_for_update().get(pk=match.demand_id)
    hired = Match.objects.filter(demand=demand, status=MatchStatus.HIRED).count()
    if hired >= demand.headcount and demand.status == DemandStatus.OPEN:
        demand_set_status(demand=demand, status=DemandStatus.FILLED, by=by)
    talent = Talent.objects.get(pk=match.talent_id)
    note = _("Hired through a match for “%(position)s”.") % {"position": demand.position}
    while TalentStage.ONBOARDED in _path_forward(talent.stage):
        talent = talent_transition(talent=talent, to=_path_forward(talent.stage)[0], by=by, note=note)


def _path_forward(stage: str) -> list[str]:
    """The forward steps from ``stage`` to onboarded (never through lost); empty if there is none."""
    path = []
    while stage != TalentStage.ONBOARDED:
        forward = [to for to in TALENT_TRANSITIONS.get(stage, ()) if to != TalentStage.LOST]
        if not forward:
            return []
        stage = forward[0]
        path.append(stage)
    return path


def match_recompute_after(*, talent_id: int | None = None, demand_id: int | None = None) -> None:
    """Enqueue an incremental recompute once the current transaction commits (a broker that is down
    is logged, and the nightly recompute catches up: the committed change stands)."""
    if talent_id is not None:
        request_task("matching.recompute_talent", talent_id)
    if demand_id is not None:
        request_task("matching.recompute_demand", demand_id)
