"""The matching engine: scores talent ↔ demand pairs with numpy/scipy, no Python loop over pairs.

A score is 0-100 points, the sum of these parts (weights in ``settings.MATCHING["WEIGHTS"]``,
defaults in ``DEFAULTS``; the defaults add up to 100):

- ``degree`` (20): the talent's highest degree meets the demand's minimum. A HARD RULE: a talent
  below the minimum (or with no degree recorded) never matches; one who meets it earns the points.
- ``discipline`` (30 / 15): a discipline code of the talent equals one the demand asks for (exact
  first-level code, e.g. 0812) earns ``discipline_exact``; sharing only the category (the first two
  digits, e.g. 08 engineering) earns ``discipline_category``. Pairs that share no category are not
  candidates at all (blocking by category).
- ``tier`` (10): the demand asks no tier, or the talent's tier is at least the one asked (rank 1 is
  the top tier, so a smaller or equal rank meets it).
- ``keywords`` (20): the share of the demand's keywords found among the talent's research keywords
  (exact words, case-folded), times the weight. A demand with no keywords earns none.
- ``location`` (5): the talent's current location names one of ``LOCAL_PLACES`` (重庆, 江津): local
  people settle more easily.
- ``mode`` (5): the talent works full-time (the district counts full-time arrivals first); flexible
  talents earn nothing here.
- ``recency`` (10): an officer logged a contact with the talent in the last ``RECENT_DAYS`` days, so
  the relation is warm.

Points are computed in hundredths as integers, so ``reasons`` (one entry per part that earned points:
``{"points": …, "detail": …}``) add up exactly to ``score``. Equal scores are ranked by ``tie`` (a fixed
shuffle of the ids), so the same data always gives the same matches.

The engine keeps, per demand, the ``TOP_PER_DEMAND`` best talents and, per talent, the
``TOP_PER_TALENT`` best demands; the stored matches are the union of both.

How it is vectorised: talents and demands become sparse 0/1 matrices (disciplines, categories,
keywords over a shared vocabulary). Demands are grouped by their set of categories and their minimum
degree; each group is scored against only the talents who share a category and meet the degree, as
dense integer blocks of a few hundred demands at a time (discipline overlap and keyword overlap are
matrix products), and ``argpartition`` picks the top K of each row and column.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence

import numpy as np
from django.conf import settings
from scipy import sparse

DEFAULTS = {
    "WEIGHTS": {
        "degree": 20,
        "discipline_exact": 30,
        "discipline_category": 15,
        "tier": 10,
        "keywords": 20,
        "location": 5,
        "mode": 5,
        "recency": 10,
    },
    "TOP_PER_DEMAND": 50,
    "TOP_PER_TALENT": 20,
    "LOCAL_PLACES": ("重庆", "江津"),
    "RECENT_DAYS": 90,
    # Demands per Celery task of a full recompute: about (open demands / worker processes). Each chunk
    # loads every talent, so more chunks than workers only add overhead.
    "CHUNK_DEMANDS": 12_500,
    # Pairs scored at once inside a chunk (memory: about 40 bytes a pair).
    "BLOCK_CELLS": 4_000_000,
}

PARTS = ("degree", "discipline", "tier", "keywords", "location", "mode", "recency")
NO_TIER = 10_000  # rank of "no tier": below every real tier; as a demand's tier it means "any"
_ID_SPAN = 1 << 31  # ids fit in 31 bits; ranking keys are score * span + (span - 1 - tie(id))
_MIX = 2654435761  # odd, so multiplying by it modulo 2**31 is a bijection (Knuth's multiplicative hash)


def tie(ids) -> np.ndarray:
    """Where equal scores put each id: a fixed shuffle of the ids. The same everywhere (full and
    incremental recomputes agree, so they are idempotent), yet not always in favour of the oldest
    records — with whole-number parts, ties are common, and "lowest id wins" piled every talent's
    best demands onto the first demands entered."""
    return (np.asarray(ids, dtype=np.int64) * _MIX) % _ID_SPAN


def config() -> dict:
    """The MATCHING settings over the defaults (WEIGHTS merged key by key)."""
    given = getattr(settings, "MATCHING", {}) or {}
    merged = {**DEFAULTS, **given}
    merged["WEIGHTS"] = {**DEFAULTS["WEIGHTS"], **given.get("WEIGHTS", {})}
    return merged


def split_words(text: str) -> list[str]:
    """Keywords as stored (commas, Chinese commas or semicolons), trimmed, case-folded, each once."""
    text = (text or "").replace("，", ",").replace("；", ",").replace(";", ",").replace("、", ",")
    return list(dict.fromkeys(word.strip().casefold() for word in text.split(",") if word.strip()))


# --- Inputs --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Talents:
    """Talents as arrays, sorted by id. ``base`` holds the talent-only parts' points (hundredths)."""

    ids: np.ndarray  # int64
    degree_rank: np.ndarray  # int16; 0 = none
    degree_code: list[str]
    tier_rank: np.ndarray  # int32; NO_TIER = none
    tier_code: list[str]
    disciplines: sparse.csr_matrix  # n × vocabulary.disciplines
    categories: sparse.csr_matrix  # n × vocabulary.categories
    keywords: sparse.csr_matrix  # n × vocabulary.words
    location: np.ndarray  # int32 points
    mode: np.ndarray
    recency: np.ndarray
    place: list[str]  # the local place named, for the reason's detail

    @property
    def base(self) -> np.ndarray:
        return (self.location + self.mode + self.recency).astype(np.int32)

    def __len__(self):
        return len(self.ids)


@dataclasses.dataclass
class Demands:
    ids: np.ndarray
    min_rank: np.ndarray  # int16
    min_code: list[str]
    tier_rank: np.ndarray  # int32; NO_TIER = any tier
    tier_code: list[str]
    disciplines: sparse.csr_matrix
    categories: sparse.csr_matrix
    keywords: sparse.csr_matrix
    keyword_count: np.ndarray  # int32

    def __len__(self):
        return len(self.ids)


@dataclasses.dataclass
class Vocabulary:
    disciplines: dict[str, int] = dataclasses.field(default_factory=dict)
    categories: dict[str, int] = dataclasses.field(default_factory=dict)
    words: dict[str, int] = dataclasses.field(default_factory=dict)

    def index(self, table: dict[str, int], key: str) -> int:
        found = table.get(key)
        if found is None:
            found = table[key] = len(table)
        return found


@dataclasses.dataclass(frozen=True)
class TalentRow:
    id: int
    degree_rank: int | None
    degree_code: str
    tier_rank: int | None
    tier_code: str
    disciplines: Sequence[str]
    keywords: str
    location: str
    mode: str
    recent: bool


@dataclasses.dataclass(frozen=True)
class DemandRow:
    id: int
    min_rank: int
    min_code: str
    tier_rank: int | None
    tier_code: str
    disciplines: Sequence[str]
    keywords: str


def _incidence(rows: list[list[int]], width: int) -> sparse.csr_matrix:
    lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    indices = np.fromiter((i for row in rows for i in row), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), max(width, 1)))


def build_demands(demand_rows: Iterable[DemandRow]) -> tuple[Demands, Vocabulary]:
    """Demands as arrays and sparse matrices, sorted by id, with the vocabulary they define."""
    vocabulary = Vocabulary()
    demand_rows = sorted(demand_rows, key=lambda row: row.id)
    d_disc, d_cat, d_words = [], [], []
    for row in demand_rows:
        d_disc.append([vocabulary.index(vocabulary.disciplines, code) for code in row.disciplines])
        d_cat.append(sorted({vocabulary.index(vocabulary.categories, code[:2]) for code in row.disciplines}))
        d_words.append([vocabulary.index(vocabulary.words, word) for word in split_words(row.keywords)])
    demands = Demands(
        ids=np.array([row.id for row in demand_rows], dtype=np.int64),
        min_rank=np.array([row.min_rank for row in demand_rows], dtype=np.int16),
        min_code=[row.min_code for row in demand_rows],
        tier_rank=np.array([row.tier_rank or NO_TIER for row in demand_rows], dtype=np.int32),
        tier_code=[row.tier_code for row in demand_rows],
        disciplines=_incidence(d_disc, len(vocabulary.disciplines)),
        categories=_incidence(d_cat, len(vocabulary.categories)),
        keywords=_incidence(d_words, len(vocabulary.words)),
        keyword_count=np.array([len(words) for words in d_words], dtype=np.int32),
    )
    return demands, vocabulary


def build_talents(
    talent_rows: Iterable[TalentRow], vocabulary: Vocabulary, *, weights: dict, local_places
) -> Talents:
    """Talents as arrays over the demands' vocabulary, sorted by id. Disciplines and words no demand
    has can never overlap, so they are left out."""
    talent_rows = sorted(talent_rows, key=lambda row: row.id)
    t_disc, t_cat, t_words, place = [], [], [], []
    for row in talent_rows:
        t_disc.append([vocabulary.disciplines[c] for c in row.disciplines if c in vocabulary.disciplines])
        t_cat.append(
            sorted({vocabulary.categories[c[:2]] for c in row.disciplines if c[:2] in vocabulary.categories})
        )
        t_words.append([vocabulary.words[w] for w in split_words(row.keywords) if w in vocabulary.words])
        place.append(next((name for name in local_places if name in (row.location or "")), ""))
    return Talents(
        ids=np.array([row.id for row in talent_rows], dtype=np.int64),
        degree_rank=np.array([row.degree_rank or 0 for row in talent_rows], dtype=np.int16),
        degree_code=[row.degree_code for row in talent_rows],
        tier_rank=np.array([row.tier_rank or NO_TIER for row in talent_rows], dtype=np.int32),
        tier_code=[row.tier_code for row in talent_rows],
        disciplines=_incidence(t_disc, len(vocabulary.disciplines)),
        categories=_incidence(t_cat, len(vocabulary.categories)),
        keywords=_incidence(t_words, len(vocabulary.words)),
        location=np.array([weights["location"] * 100 if p else 0 for p in place], dtype=np.int32),
        mode=np.array(
            [weights["mode"] * 100 if row.mode == "full_time" else 0 for row in talent_rows], dtype=np.int32
        ),
        recency=np.array(
            [weights["recency"] * 100 if row.recent else 0 for row in talent_rows], dtype=np.int32
        ),
        place=place,
    )


def build(
    talent_rows: Iterable[TalentRow], demand_rows: Iterable[DemandRow], *, weights: dict, local_places
) -> tuple[Talents, Demands, Vocabulary]:
    """Both sides over one vocabulary (the demands')."""
    demands, vocabulary = build_demands(demand_rows)
    talents = build_talents(talent_rows, vocabulary, weights=weights, local_places=local_places)
    return talents, demands, vocabulary


# --- Scoring -------------------------------------------------------------------------------------


def _top_rows(keys: np.ndarray, k: int) -> np.ndarray:
    """Column positions of the k largest keys of each row (keys are unique), -1 where a row has fewer
    than k positive keys."""
    width = keys.shape[1]
    if width > k:
        top = np.argpartition(keys, width - k, axis=1)[:, width - k :]
    else:
        top = np.broadcast_to(np.arange(width), (keys.shape[0], width)).copy()
    chosen = np.take_along_axis(keys, top, axis=1)
    top[chosen < 0] = -1
    return top


@dataclasses.dataclass
class Result:
    """Chosen pairs as parallel arrays of positions into the Talents / Demands given."""

    talent: np.ndarray
    demand: np.ndarray
    score: np.ndarray  # hundredths
    pairs_scored: int = 0


def _groups(talents: Talents, demands: Demands, d_subset: np.ndarray):
    """Demands of ``d_subset`` grouped by their categories and minimum degree, each group with the
    talents it may match: those sharing a category with it and meeting the degree (the blocking)."""
    signatures: dict[tuple, list[int]] = {}
    cats = demands.categories
    for demand in d_subset.tolist():
        key = (
            tuple(cats.indices[cats.indptr[demand] : cats.indptr[demand + 1]].tolist()),
            int(demands.min_rank[demand]),
        )
        signatures.setdefault(key, []).append(demand)
    talent_cats = talents.categories.tocsc()
    for (categories, min_rank), members in sorted(signatures.items()):
        if not categories:
            continue
        shares = np.asarray(talent_cats[:, list(categories)].sum(axis=1)).ravel() > 0
        eligible = np.flatnonzero(shares & (talents.degree_rank >= min_rank) & (talents.degree_rank > 0))
        if len(eligible):
            yield np.array(members, dtype=np.int64), eligible


class _TalentTops:
    """The running best ``k`` ranking keys of every talent, merged block by block. Only a block's
    entries above a talent's current k-th best are looked at, so after the first blocks the merge
    costs little."""

    def __init__(self, n: int, k: int):
        self.k = k
        self.best = np.full((n, k), -1, dtype=np.int64)
        self.floor = np.full(n, -1, dtype=np.int64)

    def offer(self, eligible: np.ndarray, keys: np.ndarray) -> None:
        above = keys > self.floor[eligible][None, :]
        count = np.count_nonzero(above)
        if not count:
            return
        if count > 2 * len(eligible):
            # Many entries beat the floor (the first blocks): the block's best k per talent, densely.
            cols = np.flatnonzero(above.any(axis=0))
            block = keys[:, cols].T.copy()
            if block.shape[1] > self.k:
                block = np.partition(block, block.shape[1] - self.k, axis=1)[:, -self.k :]
            talents = eligible[cols]
            merged = np.concatenate([self.best[talents], block], axis=1)
            best = np.partition(merged, merged.shape[1] - self.k, axis=1)[:, -self.k :]
            self.best[talents] = best
            self.floor[talents] = best.min(axis=1)
            return
        rows, cols = np.nonzero(above)
        talents = eligible[cols]
        touched = np.unique(talents)
        all_talents = np.concatenate([np.repeat(touched, self.k), talents])
        all_keys = np.concatenate([self.best[touched].ravel(), keys[rows, cols]])
        order = np.lexsort((-all_keys, all_talents))
        all_talents, all_keys = all_talents[order], all_keys[order]
        slot = np.arange(len(all_talents)) - np.searchsorted(all_talents, all_talents, side="left")
        keep = slot < self.k
        self.best[all_talents[keep], slot[keep]] = all_keys[keep]
        self.floor[touched] = self.best[touched].min(axis=1)


def score_all(
    talents: Talents,
    demands: Demands,
    *,
    weights: dict,
    top_demand: int,
    top_talent: int,
    d_subset: np.ndarray | None = None,
    block_cells: int = DEFAULTS["BLOCK_CELLS"],
) -> tuple[Result, Result]:
    """Score the demands of ``d_subset`` (all by default) against every talent.

    Returns (per-demand top ``top_demand``, per-talent top ``top_talent`` among these demands); the
    second is the whole truth only if ``d_subset`` holds every demand (the full recompute merges the
    chunks' per-talent tops).
    """
    if d_subset is None:
        d_subset = np.arange(len(demands))
    tops = _TalentTops(len(talents), top_talent)
    out_t, out_d, out_s = [], [], []
    pairs = 0
    w_exact = np.int32(weights["discipline_exact"] * 100)
    w_category = np.int32(weights["discipline_category"] * 100)
    w_tier = np.int32(weights["tier"] * 100)
    constant = talents.base + np.int32(weights["degree"] * 100)
    talent_keywords = talents.keywords.tocsr()
    demand_disc = demands.disciplines.toarray()
    talent_ties, demand_ties = tie(talents.ids), tie(demands.ids)
    for members, eligible in _groups(talents, demands, d_subset):
        step = max(1, block_cells // len(eligible))
        sub_keywords = talent_keywords[eligible].T.tocsc()
        sub_disc = talents.disciplines[eligible].toarray().T.copy()
        sub_tier = talents.tier_rank[eligible]
        points = constant[eligible]
        talent_tie = (_ID_SPAN - 1 - talent_ties[eligible])[None, :]
        for start in range(0, len(members), step):
            d_index = members[start : start + step]
            exact = (demand_disc[d_index] @ sub_disc) > 0
            score = np.where(exact, w_exact, w_category)
            score += points
            score += (sub_tier[None, :] <= demands.tier_rank[d_index][:, None]) * w_tier
            d_keywords = demands.keywords[d_index]
            if d_keywords.nnz:
                overlap = (d_keywords @ sub_keywords).toarray()
                scale = (weights["keywords"] * 100 / np.maximum(demands.keyword_count[d_index], 1)).astype(
                    np.float32
                )
                overlap *= scale[:, None]
                score += np.rint(overlap).astype(np.int32)
            pairs += score.size
            keys = score.astype(np.int64)
            keys *= _ID_SPAN
            # Per demand: the best talents, ties settled by ``tie``.
            top = _top_rows(keys + talent_tie, top_demand)
            rows, cols = np.nonzero(top >= 0)
            picked = top[rows, cols]
            out_d.append(d_index[rows])
            out_t.append(eligible[picked])
            out_s.append(score[rows, picked])
            # Per talent: the best demands, ties settled by ``tie``.
            keys += (_ID_SPAN - 1 - demand_ties[d_index])[:, None]
            tops.offer(eligible, keys)
    by_demand = Result(
        talent=np.concatenate(out_t) if out_t else np.zeros(0, np.int64),
        demand=np.concatenate(out_d) if out_d else np.zeros(0, np.int64),
        score=np.concatenate(out_s).astype(np.int32) if out_s else np.zeros(0, np.int32),
        pairs_scored=pairs,
    )
    return by_demand, talent_best_result(tops.best, demand_ties)


def talent_best_result(talent_best: np.ndarray, demand_ties: np.ndarray) -> Result:
    """Pairs from a (talents × K) array of ranking keys (score and the demand's tie value), -1 = empty."""
    rows, cols = np.nonzero(talent_best >= 0)
    keys = talent_best[rows, cols]
    by_tie = np.argsort(demand_ties)
    ties = _ID_SPAN - 1 - (keys % _ID_SPAN)
    return Result(
        talent=rows.astype(np.int64),
        demand=by_tie[np.searchsorted(demand_ties[by_tie], ties)].astype(np.int64),
        score=(keys // _ID_SPAN).astype(np.int32),
    )


def union(*results: Result) -> Result:
    """Distinct (talent, demand) pairs of several results."""
    talent = np.concatenate([r.talent for r in results])
    demand = np.concatenate([r.demand for r in results])
    score = np.concatenate([r.score for r in results])
    if not len(talent):
        return Result(talent, demand, score)
    pair = demand.astype(np.int64) * _ID_SPAN + talent
    _, first = np.unique(pair, return_index=True)
    return Result(talent[first], demand[first], score[first])


def score_pairs(talents: Talents, t_pos: np.ndarray, demands: Demands, d_pos: np.ndarray, *, weights) -> dict:
    """Every part (hundredths, int32 arrays) for the listed pairs, without the candidate rules: used
    to explain chosen pairs and to refresh the scores of matches an officer acted on."""
    t_pos = np.asarray(t_pos, dtype=np.int64)
    d_pos = np.asarray(d_pos, dtype=np.int64)
    if not len(t_pos):
        empty = np.zeros(0, np.int32)
        return dict.fromkeys(PARTS, empty) | {"score": empty, "exact": np.zeros(0, bool)}
    meets = (talents.degree_rank[t_pos] >= demands.min_rank[d_pos]) & (talents.degree_rank[t_pos] > 0)
    degree = np.where(meets, weights["degree"] * 100, 0).astype(np.int32)
    t_disc, d_disc = talents.disciplines[t_pos], demands.disciplines[d_pos]
    exact = np.asarray(t_disc.multiply(d_disc).sum(axis=1)).ravel() > 0
    same_category = (
        np.asarray(talents.categories[t_pos].multiply(demands.categories[d_pos]).sum(axis=1)).ravel() > 0
    )
    discipline = np.where(
        exact,
        weights["discipline_exact"] * 100,
        np.where(same_category, weights["discipline_category"] * 100, 0),
    ).astype(np.int32)
    tier = np.where(talents.tier_rank[t_pos] <= demands.tier_rank[d_pos], weights["tier"] * 100, 0).astype(
        np.int32
    )
    overlap = np.asarray(talents.keywords[t_pos].multiply(demands.keywords[d_pos]).sum(axis=1)).ravel()
    counts = np.maximum(demands.keyword_count[d_pos], 1).astype(np.float32)
    keywords = np.rint(overlap.astype(np.float32) * (weights["keywords"] * 100 / counts)).astype(np.int32)
    parts = {
        "degree": degree,
        "discipline": discipline,
        "tier": tier,
        "keywords": keywords,
        "location": talents.location[t_pos],
        "mode": talents.mode[t_pos],
        "recency": talents.recency[t_pos],
    }
    parts["score"] = sum(parts[part] for part in PARTS).astype(np.int32)
    parts["exact"] = exact
    return parts


def _set_hash(
    left: sparse.csr_matrix, right: sparse.csr_matrix, salt: int
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Row by row, the entries two gathered incidence matrices share, and a 64-bit hash of each row's set."""
    shared = left.multiply(right).tocsr()
    rng = np.random.default_rng(salt)
    values = rng.integers(1, np.iinfo(np.int64).max, size=max(shared.shape[1], 1), dtype=np.int64)
    hashes = np.zeros(shared.shape[0], dtype=np.int64)
    if shared.nnz:
        rows = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
        np.add.at(hashes, rows, values[shared.indices])
    return shared, hashes


def _row(matrix: sparse.csr_matrix, i: int) -> np.ndarray:
    return matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]


def reasons_for(
    talents: Talents,
    t_pos: np.ndarray,
    demands: Demands,
    d_pos: np.ndarray,
    vocabulary: Vocabulary,
    *,
    weights,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores (hundredths) and reasons as JSON text for the listed pairs: ``{part: {"points",
    "detail"}}`` for the parts that earned points, adding up to the score.

    Millions of pairs share a few thousand distinct reasons, so each distinct one is written once:
    every pair gets a 64-bit signature of its reason (points, codes, hashes of the shared sets) and
    the JSON is built per distinct signature.
    """
    t_pos = np.asarray(t_pos, dtype=np.int64)
    d_pos = np.asarray(d_pos, dtype=np.int64)
    parts = score_pairs(talents, t_pos, demands, d_pos, weights=weights)
    if not len(t_pos):
        return parts["score"], np.zeros(0, dtype=object)
    shared_disc, disc_hash = _set_hash(talents.disciplines[t_pos], demands.disciplines[d_pos], 1)
    shared_cat, cat_hash = _set_hash(talents.categories[t_pos], demands.categories[d_pos], 2)
    shared_words, word_hash = _set_hash(talents.keywords[t_pos], demands.keywords[d_pos], 3)
    place_index = {name: i for i, name in enumerate(dict.fromkeys(talents.place))}
    place = (
        np.array([place_index[name] for name in talents.place], dtype=np.int64)[t_pos] if len(talents) else 0
    )
    columns = [
        *(parts[part].astype(np.int64) for part in PARTS),
        talents.degree_rank[t_pos].astype(np.int64),
        talents.tier_rank[t_pos].astype(np.int64),
        np.where(parts["exact"], disc_hash, cat_hash),
        word_hash,
        place,
    ]
    multipliers = np.random.default_rng(4).integers(
        1, np.iinfo(np.int64).max, size=len(columns), dtype=np.int64
    )
    signature = np.zeros(len(t_pos), dtype=np.int64)
    with np.errstate(over="ignore"):
        for column, multiplier in zip(columns, multipliers, strict=True):
            signature = signature * np.int64(1_000_003) + column * multiplier
    _, first, inverse = np.unique(signature, return_index=True, return_inverse=True)
    words = np.array(list(vocabulary.words), dtype=object)
    disciplines = np.array(list(vocabulary.disciplines), dtype=object)
    categories = np.array(list(vocabulary.categories), dtype=object)
    texts = []
    for i in first.tolist():
        t = int(t_pos[i])
        entry = {}
        points = {part: int(parts[part][i]) for part in PARTS}
        if points["degree"]:
            entry["degree"] = {"points": points["degree"] / 100, "detail": talents.degree_code[t]}
        if points["discipline"]:
            if parts["exact"][i]:
                detail = sorted(disciplines[_row(shared_disc, i)].tolist())
            else:
                detail = sorted(categories[_row(shared_cat, i)].tolist())
            entry["discipline"] = {"points": points["discipline"] / 100, "detail": detail}
        if points["tier"]:
            entry["tier"] = {"points": points["tier"] / 100, "detail": talents.tier_code[t]}
        if points["keywords"]:
            detail = sorted(words[_row(shared_words, i)].tolist())
            entry["keywords"] = {"points": points["keywords"] / 100, "detail": detail}
        if points["location"]:
            entry["location"] = {"points": points["location"] / 100, "detail": talents.place[t]}
        if points["mode"]:
            entry["mode"] = {"points": points["mode"] / 100, "detail": "full_time"}
        if points["recency"]:
            entry["recency"] = {"points": points["recency"] / 100, "detail": ""}
        texts.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    return parts["score"], np.array(texts, dtype=object)[inverse.ravel()]
