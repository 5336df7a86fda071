"""Measure matching on the benchmark database: full recompute, incremental recomputes, top-K reads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinjin_bench DEBUG=true \\
        REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/matching.py --workers 2

The full recompute runs the same service functions the Celery chunks run (score chunks, then write
chunks), on ``--workers`` processes of this machine — as a Celery group on that many worker
processes would — with the chunks' results passed through the cache (Redis: ``REDIS_URL`` must be
set when ``--workers`` > 1). Wall time is end to end: planning, loading, scoring, writing every Match
row, finishing. Peak memory is the largest resident set of any process (``getrusage``).
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjin_crm.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.db import connection, connections  # noqa: E402

from jinjin_crm.matching import selectors, services  # noqa: E402
from jinjin_crm.matching.models import Match  # noqa: E402


def _score(args):
    connections.close_all()
    job_id, index, low, high = args
    started = time.perf_counter()
    pairs = services.recompute_chunk_score(job_id=job_id, index=index, low=low, high=high)
    return pairs, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _write(args):
    connections.close_all()
    job_id, index, chunks, low, high = args
    started = time.perf_counter()
    counts = services.recompute_chunk_write(job_id=job_id, index=index, chunks=chunks, low=low, high=high)
    return counts, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def full(workers: int, chunks: int) -> None:
    started = time.perf_counter()
    job = services.job_create(kind=services.JOB_KIND)
    ranges = services.recompute_full_plan(job=job, chunks=chunks)
    connections.close_all()
    context = get_context("fork")
    with context.Pool(workers, maxtasksperchild=1) as pool:
        scored = pool.map(_score, [(job.pk, i, lo, hi) for i, (lo, hi) in enumerate(ranges)], chunksize=1)
        scored_at = time.perf_counter()
        written = pool.map(
            _write, [(job.pk, i, len(ranges), lo, hi) for i, (lo, hi) in enumerate(ranges)], chunksize=1
        )
    results = [counts for counts, _, _ in written]
    job = services.recompute_full_finish(job_id=job.pk, chunks=len(ranges), results=results)
    wall = time.perf_counter() - started
    pairs = sum(p for p, _, _ in scored)
    peak = max([rss for _, _, rss in scored + written] + [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss])
    print(f"full recompute: {wall:.1f} s wall with {workers} worker processes, {len(ranges)} chunks")
    score_times = ", ".join(f"{t:.1f}" for _, t, _ in scored)
    write_times = ", ".join(f"{t:.1f}" for _, t, _ in written)
    print(f"  scoring phase {scored_at - started:.1f} s (chunks {score_times} s)")
    print(f"  writing phase {wall - (scored_at - started):.1f} s (chunks {write_times} s)")
    print(f"  pairs scored {pairs:,}; {pairs / sum(t for _, t, _ in scored):,.0f} pairs/s per process")
    print(f"  peak memory {peak / 1024:.0f} MB (largest process)")
    print(f"  counts {job.counts}; Match rows {Match.objects.count():,}")


def incremental(samples: int, seed: int) -> None:
    rng = random.Random(seed)
    ids = list(selectors.eligible_talents().values_list("id", flat=True))
    timings = []
    for talent_id in rng.sample(ids, min(samples, len(ids))):
        started = time.perf_counter()
        services.talent_recompute(talent_id=talent_id)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"incremental per talent ({len(timings)} talents): median {statistics.median(timings):.0f} ms, "
        f"p95 {percentile(timings, 0.95):.0f} ms"
    )
    demand_ids = list(selectors.eligible_demands().values_list("id", flat=True))
    timings = []
    for demand_id in rng.sample(demand_ids, min(samples // 5 or 1, len(demand_ids))):
        started = time.perf_counter()
        services.demand_recompute(demand_id=demand_id)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"incremental per demand ({len(timings)} demands): median {statistics.median(timings):.0f} ms, "
        f"p95 {percentile(timings, 0.95):.0f} ms"
    )


def top_k(samples: int, seed: int, k: int = 50) -> None:
    rng = random.Random(seed)
    ids = list(selectors.eligible_demands().values_list("id", flat=True))
    timings = []
    for demand_id in rng.sample(ids, min(samples, len(ids))):
        started = time.perf_counter()
        rows = list(selectors.demand_matches(demand=demand_id, limit=k))
        timings.append((time.perf_counter() - started) * 1000)
        assert len(rows) <= k + 0
    print(
        f"top-{k} read per demand ({len(timings)} demands, with talents' facts): "
        f"median {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunks", type=int, default=None, help="default: 2 per worker")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--empty-first", action="store_true", help="delete every Match row first (cold run)")
    args = parser.parse_args(argv)
    settings = connection.settings_dict
    print(f"Database: {connection.vendor} {settings['NAME']}; cores: {os.cpu_count()}", flush=True)
    print(
        f"talents in the pool {selectors.eligible_talents().count():,}; "
        f"open demands {selectors.eligible_demands().count():,}"
    )
    if args.empty_first:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Match._meta.db_table}")
    if not args.skip_full:
        full(args.workers, args.chunks or 2 * args.workers)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Match._meta.db_table}")
    incremental(args.samples, args.seed)
    top_k(args.samples * 2, args.seed)


if __name__ == "__main__":
    main()
