#!/usr/bin/env python3
"""Sharded serving, measured: S shard indexes against one index, with local or global statistics.

Usage::

    python bench/sharding.py [--collection ../shared/eval/scifact ...] [--shards 2 4 8]
                             [--work bench/out] [--queries N] [--comments SEED] [--output FILE]

The question (issue 14, the step after one machine): if the index is cut into S shards, how does
the merged top 10 compare with the single index's?

- **Input**: a BEIR collection (default SciFact and CISI in ``../shared/eval``). The single
  index is the one ``searchkit eval`` builds: ``build_index([corpus.jsonl], DIR)``. A shard is
  a JSON Lines file holding the corpus lines whose ``_id`` hashes to it (``zlib.crc32`` of the
  id, modulo S: deterministic, and every page goes whole to one shard, an article with any
  comments it carries), built the same way. The lines are copied byte for byte. With
  ``--comments SEED`` each document first becomes a page with reader comments (those
  bench/realtext.py writes under it, read back by searchkit's scraped-page reader, kept as the
  record's ``comments``): comments are documents too, in N and in the comment field's
  statistics, and a hit may be a comment (unjudged, so it gains nothing in nDCG).
- **Queries**: every judged query (``qrels/test.tsv``), the ones ``searchkit eval`` runs;
  nDCG@10 is :func:`searchkit.evaluation.ndcg_at_k`.
- **single**: ``Index.ranking(query, limit=10)`` on the single index.
- **local statistics**: each shard ranks its top 10 with its own N, average field lengths and
  document frequencies (what it would do on its own); the merge keeps searchkit's order: the
  documents with every word of a 2-5 word query first (a flag each shard sends with its hits),
  then by score, ties by id.
- **global statistics** (the two-phase "DFS" way of Elasticsearch's ``dfs_query_then_fetch``
  and Solr's ExactStatsCache). Phase 1: each shard reports its live document count, each text
  field's total length and the number of documents having it, and, for each scoring term of the
  query, its document frequency per (term, fields); the coordinator adds them up. Phase 2: each
  shard ranks its top 10 with those sums (:class:`GlobalBM25F`), merged as above. Two variants,
  as long queries (more than 5 distinct words: nearly all of SciFact's and CISI's) are expanded
  by RM3 pseudo-relevance feedback from the 10 best documents of a first pass:

  - *per-shard feedback*: phases 1 and 2 only; each shard expands the query from its own 10
    best documents (expansion terms the stats round did not cover are ranked with the shard's
    own statistics, counted as "fallbacks");
  - *global feedback*: two more rounds for an expanded query: each shard returns its 10 best
    first-pass documents (global statistics), the coordinator keeps the 10 best of all and asks
    their shards for their term weights (``IndexArrays.document_length`` and
    ``weighted_terms``), runs searchkit's own :func:`searchkit.feedback.expand` over them, gets
    the document frequencies of the added terms (a second stats round), and phase 2 ranks the
    expanded query.

  Also reported for global feedback: how many top 10s are still identical when the merge goes
  by score alone, without the all-words flag.

Each query runs on the single index, then the shards in each mode in turn (one process, shards
one after the other). Times are per query, the sum over the S shards (the work a coordinator
waits for if the shards answer one after another; in parallel it would wait for the slowest);
the stats rounds (phase 1, and 1b for added terms), the feedback round (the coordinator's
``expand`` over the term weights of the 10 best documents) and the ranking (the first pass,
then phase 2), against the one round of local statistics. No network: this is what the extra
rounds cost in computation alone. Phase 1 reads each term's postings to count its documents (a
term's df over several fields is the number of documents holding it in any of them, not a
dictionary entry) and leaves them in the searcher's cache, where the ranking finds them; so
phase 1 is also timed a second time, right after, with its postings cached: the round's own
cost.

searchkit internals used (kept small; the library is not changed): :class:`searchkit.scoring.BM25F`
subclassed and put in the searcher state's cache under ``"bm25f"`` (``SearcherState.cached``)
before the shard's first query, so that ``searching.scorer_of`` and the matcher use it;
``searching.Matches`` and its ``_Scored`` (the steps of ``searching.ranking``) to rank with the
all-words flag and to run the feedback rounds; ``matching.scoring_terms`` and
``query.parse_query`` for the terms of phase 1.

Output: markdown tables on stdout (and in ``--output FILE``), raw figures in
``WORK/sharding-results.json``. Indexes go to ``WORK/sharding-NAME/`` and are rebuilt every run.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import statistics
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import run  # noqa: E402  (bench/ is not a package)

from searchkit import build_index, open_index  # noqa: E402
from searchkit import schema as f  # noqa: E402
from searchkit.evaluation import load_collection, ndcg_at_k, percentile  # noqa: E402
from searchkit.feedback import FEEDBACK_DOCUMENTS, ORIGINAL_WEIGHT, expand  # noqa: E402
from searchkit.matching import scoring_terms  # noqa: E402
from searchkit.query import parse_query  # noqa: E402
from searchkit.scoring import BM25F, DEFAULT_PARAMS, ScoringTerm, bm25_idf, field_norm, top_documents  # noqa: E402
from searchkit.searching import Matches, matcher_of, scorer_of  # noqa: E402

SHARED_EVAL = REPO.parent / "shared" / "eval"
DEFAULT_COLLECTIONS = (SHARED_EVAL / "scifact", SHARED_EVAL / "cisi")
DEFAULT_SHARDS = (2, 4, 8)
TOP = 10
"""The merged list compared, and how many hits each shard sends."""
MODES = ("local", "global", "global+feedback")
SAME_SCORE = 1e-9
"""Relative difference under which two scores count as the same (float sums in another order)."""

TermKey = tuple[str, tuple[str, ...]]


# --------------------------------------------------------------------------- the shards' corpora
def shard_of(doc_id: str, shards: int) -> int:
    """The shard a document (a page, with its comments) goes to: crc32 of its id, modulo S."""
    return zlib.crc32(doc_id.encode("utf-8")) % shards


def write_shards(corpus: Path, folder: Path, shards: int) -> list[Path]:
    """Copy each line of ``corpus`` (BEIR JSON Lines) to the file of its shard; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"shard{number}.jsonl" for number in range(shards)]
    outs = [open(path, "wb") for path in paths]  # noqa: SIM115  (closed below)
    try:
        with open(corpus, "rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                outs[shard_of(str(record.get("_id", record.get("id"))), shards)].write(line.rstrip(b"\n") + b"\n")
    finally:
        for out in outs:
            out.close()
    return paths


def with_comments(corpus: Path, target: Path, seed: int) -> Path:
    """The corpus as pages with reader comments: each record gets the comments bench/realtext.py
    writes under its page (bench/generate.py's, 5% of their words drawn from the document's),
    read back with searchkit's scraped-page reader, as a JSON Lines ``comments`` list."""
    import generate
    import realtext

    from searchkit import parse_scraped

    tables = generate.tables()
    used: set = set()
    tail_bits = bytearray(tables.n_ranks // 8 + 1)
    with open(target, "w", encoding="utf-8") as out:
        for doc_id, title, text in realtext.beir_records(corpus):
            rng = random.Random(f"searchkit-realtext:{seed}:{doc_id}")
            page, _ = realtext.page_text(title, text, rng, tables, used, tail_bits)
            written = [
                {"author": c.author, "text": c.text, "date": c.date.isoformat() if c.date else None}
                for c in parse_scraped(page, "page").comments
            ]
            out.write(json.dumps({"_id": doc_id, "title": title, "text": text, "comments": written}) + "\n")
    return target


# --------------------------------------------------------------------------- statistics
@dataclass(frozen=True)
class CollectionStats:
    """What BM25F needs of a whole index besides document frequencies."""

    documents: int
    lengths: tuple[tuple[str, int], ...]
    """Each text field's total length (Whoosh's ``reader.field_length``)."""
    having: tuple[tuple[str, int], ...]
    """Each text field's number of documents with a nonzero length."""

    def __add__(self, other: CollectionStats) -> CollectionStats:
        lengths, having = dict(self.lengths), dict(self.having)
        return CollectionStats(
            self.documents + other.documents,
            tuple((name, lengths[name] + value) for name, value in other.lengths),
            tuple((name, having[name] + value) for name, value in other.having),
        )


def norms_for(stats: CollectionStats, params=DEFAULT_PARAMS) -> dict[str, np.ndarray]:
    """BM25F's per-field norm tables (as ``BM25F.__init__`` makes them) from ``stats``."""
    from whoosh.util.numeric import byte_to_length

    lengths, having = dict(stats.lengths), dict(stats.having)
    norms = {}
    for name, weight in params.weights.items():
        count = having.get(name, 0)
        average = lengths.get(name, 0) / count if count else 1.0
        average = average or 1.0
        norms[name] = np.array(
            [field_norm(weight, params.b[name], byte_to_length(byte), average) for byte in range(256)]
        )
    return norms


class GlobalBM25F(BM25F):
    """BM25F over one shard's postings with the whole collection's statistics.

    :meth:`use` installs the collection's N and field averages (the norm tables; the tf~ cache
    is emptied when they change) and the query's document frequencies, keyed by (term, fields).
    A term the stats round did not cover ranks with the shard's own N and df (``fallbacks``).
    """

    def __init__(self, arrays, field_lengths: dict[str, int], params=DEFAULT_PARAMS):
        super().__init__(arrays, field_lengths, params)
        self.collection: CollectionStats | None = None
        self.df: dict[TermKey, int] = {}
        self.fallbacks = 0

    def use(self, collection: CollectionStats, df: dict[TermKey, int]) -> None:
        if collection != self.collection:
            self.collection = collection
            self.documents = collection.documents
            self.norms = norms_for(collection, self.params)
            self._cache.clear()
            self._cached = 0
        self.df = df

    def term_scores(self, term: ScoringTerm) -> tuple[np.ndarray, np.ndarray]:
        docs, tf = self.frequencies(term.text, term.fields)
        if not len(docs):
            return docs, tf
        df, documents = self.df.get((term.text, term.fields)), self.documents
        if df is None:
            self.fallbacks += 1
            df, documents = len(docs), self.arrays.live_count
        k1 = self.params.k1
        factor = term.weight * bm25_idf(documents, df) * (k1 + 1)
        return docs, factor * tf / (k1 + tf)


@dataclass(frozen=True)
class Hit:
    """One hit a shard sends: the all-words flag, its score, its id (the merge key, in order)."""

    every_word: bool
    score: float
    id: str


def merged(lists: list[list[Hit]], count: int = TOP, tiers: bool = True) -> list[Hit]:
    """The ``count`` best hits of all shards: all-words hits first (unless ``tiers`` is off),
    then by score, ties by id."""
    hits = [hit for hits in lists for hit in hits]
    if tiers:
        return sorted(hits, key=lambda h: (not h.every_word, -h.score, h.id))[:count]
    return sorted(hits, key=lambda h: (-h.score, h.id))[:count]


class Shard:
    """One index, opened twice: ranked with its own statistics, and with the collection's."""

    def __init__(self, path: Path):
        self.local = open_index(path)
        self.index = open_index(path)
        self.state = self.index.search_state()
        reader = self.state.searcher.reader()
        lengths = {name: reader.field_length(name) for name in f.TEXT_FIELDS}
        self.own = CollectionStats(
            self.state.arrays.live_count,
            tuple(lengths.items()),
            tuple((name, self.state.arrays.having(name)) for name in f.TEXT_FIELDS),
        )
        self.scorer = GlobalBM25F(self.state.arrays, lengths)
        self.state.cached("bm25f", lambda searcher: self.scorer)
        self.local_state = self.local.search_state()

    def close(self) -> None:
        self.local.close()
        self.index.close()

    def _checked(self) -> None:
        if scorer_of(self.state) is not self.scorer:  # a reopened searcher would have a plain BM25F
            raise RuntimeError("the shard's searcher was reopened: the global-statistics scorer is gone")

    # -- phase 1
    def query_terms(self, text: str) -> list[ScoringTerm]:
        """The terms that rank ``text`` here (as ``searching._Scored`` finds them)."""
        parsed = parse_query(text, self.state.searcher.schema)
        if parsed.terms is not None:
            return [ScoringTerm(word, f.TEXT_FIELDS) for word in dict.fromkeys(parsed.terms)]
        return scoring_terms(parsed.any, matcher_of(self.state).expand)

    def term_stats(self, terms: list[ScoringTerm]) -> dict[TermKey, int]:
        """This shard's document frequency of each term (live documents holding it in any of its fields)."""
        self._checked()
        found = {}
        for term in terms:
            df = len(self.scorer.frequencies(term.text, term.fields)[0])
            if df:
                found[(term.text, term.fields)] = df
        return found

    # -- phase 2
    def matches(self, text: str, state) -> Matches | None:
        index = self.local if state is self.local_state else self.index
        found = Matches(index, text)
        return found if found.scored is not None else None

    def hits(self, found: Matches, candidates: np.ndarray, count: int = TOP) -> list[Hit]:
        scored = found.scored
        ranked = scored.order(candidates, count, "relevance").tolist()
        tier, arrays = scored.first_tier, found.state.arrays
        return [Hit(bool(tier is not None and tier[d]), float(scored.scores[d]), arrays.document_id(d)) for d in ranked]

    def rank(self, text: str, state) -> list[Hit]:
        """The shard's top 10 as ``searching.ranking`` orders it, with each hit's all-words flag
        (``state``: ``local_state`` for the shard's own statistics, ``self.state`` for the
        statistics last given to :meth:`GlobalBM25F.use`, per-shard feedback)."""
        found = self.matches(text, state)
        if found is None:
            return []
        candidates, _ = found.hits("all")
        found.scored.rank_within(candidates, "relevance")
        return self.hits(found, candidates)

    # -- global feedback rounds
    def first_pass(self, text: str) -> tuple[Matches | None, np.ndarray, list[tuple[float, int]]]:
        """Global statistics, no feedback: the matches, and the (score, docnum) of the shard's
        :data:`FEEDBACK_DOCUMENTS` best candidates (positive scores only, as ``expand`` keeps)."""
        self._checked()
        found = self.matches(text, self.state)
        if found is None:
            return None, np.zeros(0, dtype=np.int32), []
        candidates, _ = found.hits("all")
        scored = found.scored
        scored.scores = scored.scorer.scores(scored.terms)
        best = top_documents(candidates, scored.scores, FEEDBACK_DOCUMENTS)
        return found, candidates, [(float(scored.scores[d]), d) for d in best if scored.scores[d] > 0]

    def final(self, found: Matches, candidates: np.ndarray, expanded: list[ScoringTerm] | None) -> list[Hit]:
        """Phase 2: the top 10 by the first pass's scores, or by the ``expanded`` query's
        scored with the statistics in use."""
        if expanded is not None:
            found.scored.scores = self.scorer.scores(expanded)
        return self.hits(found, candidates)


class FeedbackView:
    """The 10 best first-pass documents of all shards under one numbering, as
    :func:`searchkit.feedback.expand` reads them (``scorer.arrays``'s two methods)."""

    def __init__(self, docs: list[tuple[Shard, int]]):
        self.docs = docs
        self.arrays = self  # expand() reads scorer.arrays

    def document_length(self, number: int, fields) -> float:
        shard, docnum = self.docs[number]
        return shard.state.arrays.document_length(docnum, fields)

    def weighted_terms(self, numbers: list[int], weights: list[float], fields) -> dict[str, float]:
        total: dict[str, float] = {}
        for shard in dict.fromkeys(shard for shard, _ in self.docs):
            mine = [(self.docs[n][1], w) for n, w in zip(numbers, weights, strict=True) if self.docs[n][0] is shard]
            if mine:
                held = shard.state.arrays.weighted_terms([d for d, _ in mine], [w for _, w in mine], fields)
                for text, value in held.items():
                    total[text] = total.get(text, 0.0) + value
        return total


# --------------------------------------------------------------------------- one query, every mode
@dataclass
class QueryRun:
    """One query's rankings (ids, best first) in every mode, and what the global rounds cost."""

    single: list[Hit]
    modes: dict[str, list[Hit]] = field(default_factory=dict)
    by_score: list[Hit] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    fallbacks: int = 0
    fallbacks_per_shard_feedback: int = 0
    expanded: bool = False
    single_added: list[tuple[str, float]] = field(default_factory=list)
    global_added: list[tuple[str, float]] = field(default_factory=list)
    tiered: bool = False


def stats_round(shards: list[Shard], text: str, known: dict[TermKey, int] | None = None, terms=None):
    """Phase 1: every shard's collection statistics and the df of the query's terms, summed."""
    collection = None
    df: dict[TermKey, int] = dict(known or {})
    for shard in shards:
        collection = shard.own if collection is None else collection + shard.own
        mine = terms if terms is not None else shard.query_terms(text)
        for key, count in shard.term_stats([t for t in mine if (t.text, t.fields) not in (known or {})]).items():
            df[key] = df.get(key, 0) + count
    return collection, df


def added_terms(query: list[ScoringTerm], expanded: list[ScoringTerm]) -> list[tuple[str, float]]:
    """What RM3 added to each term's weight, (term, weight) best first (none when not expanded)."""
    if expanded is query:
        return []
    before = {term.text: term.weight for term in query}
    added = [(t.text, t.weight - ORIGINAL_WEIGHT * before.get(t.text, 0.0)) for t in expanded]
    return sorted(((text, weight) for text, weight in added if weight > 1e-12), key=lambda a: (-a[1], a[0]))


def single_expansion(single: Shard, text: str) -> list[tuple[str, float]]:
    """The terms RM3 adds on the single index (as ``_Scored.rank_within`` does; not timed)."""
    found = single.matches(text, single.local_state)
    if found is None or not found.scored.parsed.verbose:
        return []
    candidates, _ = found.hits("all")
    scored = found.scored
    expanded = expand(scored.scorer, scored.terms, candidates, scored.scorer.scores(scored.terms))
    return added_terms(scored.terms, expanded)


def run_query(single, shards: list[Shard], text: str) -> QueryRun:
    clock = time.perf_counter
    started = clock()
    result = QueryRun(single=single.rank(text, single.local_state))
    result.seconds["single"] = clock() - started

    started = clock()
    result.modes["local"] = merged([shard.rank(text, shard.local_state) for shard in shards])
    result.seconds["local"] = clock() - started

    # global statistics, global feedback: the timed protocol
    fallbacks_before = sum(shard.scorer.fallbacks for shard in shards)
    started = clock()
    collection, df = stats_round(shards, text)
    for shard in shards:
        shard.scorer.use(collection, df)
    stats_seconds = clock() - started
    started = clock()
    passes = [shard.first_pass(text) for shard in shards]
    rank_seconds = clock() - started
    parsed = parse_query(text, shards[0].state.searcher.schema)
    terms = next((found.scored.terms for found, _, _ in passes if found is not None), [])
    expanded = terms
    started = clock()
    if parsed.verbose and terms:  # only plain words are expanded: their terms are the same on every shard
        docs, scores = [], []
        for shard, (_, _, best) in zip(shards, passes, strict=True):
            for score, docnum in best:
                docs.append((shard, docnum))
                scores.append(score)
        expanded = expand(FeedbackView(docs), terms, np.arange(len(docs)), np.array(scores))
    feedback_seconds = clock() - started
    if expanded is not terms:
        result.expanded = True
        started = clock()
        collection, df = stats_round(shards, text, known=df, terms=expanded)
        for shard in shards:
            shard.scorer.use(collection, df)
        stats_seconds += clock() - started
    started = clock()
    lists = [
        shard.final(found, candidates, expanded if expanded is not terms else None) if found is not None else []
        for shard, (found, candidates, _) in zip(shards, passes, strict=True)
    ]
    rank_seconds += clock() - started
    result.modes["global+feedback"] = merged(lists)
    result.by_score = merged(lists, tiers=False)
    result.seconds.update(stats=stats_seconds, feedback=feedback_seconds, rank=rank_seconds)
    result.seconds["global"] = stats_seconds + feedback_seconds + rank_seconds
    started = clock()  # phase 1 once more: the round's own cost, its postings now cached
    stats_round(shards, text)
    result.seconds["stats_warm"] = clock() - started
    result.fallbacks = sum(shard.scorer.fallbacks for shard in shards) - fallbacks_before
    result.global_added = added_terms(terms, expanded)
    result.single_added = single_expansion(single, text)
    result.tiered = parsed.tiered

    # global statistics, per-shard feedback (untimed: the caches are warm from the run above)
    collection, df = stats_round(shards, text)
    for shard in shards:
        shard.scorer.use(collection, df)
    before = sum(shard.scorer.fallbacks for shard in shards)
    result.modes["global"] = merged([shard.rank(text, shard.state) for shard in shards])
    result.fallbacks_per_shard_feedback = sum(shard.scorer.fallbacks for shard in shards) - before
    return result


# --------------------------------------------------------------------------- comparing
def ids(hits: list[Hit]) -> list[str]:
    return [hit.id for hit in hits]


def overlap(first: list[str], second: list[str]) -> float:
    """Shared documents of two top 10s over the longer list's length (1 when both are empty)."""
    longest = max(len(first), len(second))
    return len(set(first) & set(second)) / longest if longest else 1.0


def same_scores(first: list[Hit], second: list[Hit]) -> bool:
    """Whether two lists hold the same scores, place by place (the order differs among ties only)."""
    return len(first) == len(second) and all(
        math.isclose(a.score, b.score, rel_tol=SAME_SCORE, abs_tol=1e-12) for a, b in zip(first, second, strict=True)
    )


def why_different(single: list[Hit], other: list[Hit]) -> str:
    """Why a top 10 is not the single index's: only the order or the cut among tied scores,
    or scores that differ."""
    return "ties" if same_scores(single, other) else "scores"


def expansion_tie(run: QueryRun) -> bool:
    """Whether RM3 added other words on the shards than on the single index with the same
    weights: words of equal P(w|R) at the cut of the 10 kept, taken in another order."""
    mine, theirs = run.single_added, run.global_added
    return (
        [w for w, _ in mine] != [w for w, _ in theirs]
        and len(mine) == len(theirs)
        and all(math.isclose(a, b, rel_tol=SAME_SCORE) for (_, a), (_, b) in zip(mine, theirs, strict=True))
    )


def measure(
    collection_path: Path, work: Path, shard_counts, query_limit: int | None, log, comments: int | None = None
) -> dict:
    """Build the single index and the shards of each count, run every query; the summaries.
    ``comments``: the seed of generated comments under each document (None: the corpus as it is)."""
    judged = load_collection(collection_path)
    queries = list(judged.queries.items())[:query_limit]
    name = run.section_key(collection_path.name) + ("-comments" if comments is not None else "")
    folder = work / f"sharding-{name}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    corpus = judged.corpus
    if comments is not None:
        log(f"{name}: writing the pages with generated comments ...")
        corpus = with_comments(judged.corpus, folder / "corpus.jsonl", comments)
    log(f"{name}: building the single index ...")
    report = build_index([str(corpus)], folder / "single")
    single = Shard(folder / "single")
    out = {"name": name, "path": str(collection_path), "queries": len(queries), "shards": {}}
    out["documents"] = single.own.documents
    out["pages"], out["comments"] = report.articles, report.comments
    verbose = {q: parse_query(text, single.state.searcher.schema).verbose for q, text in queries}
    tiered = {q: parse_query(text, single.state.searcher.schema).tiered for q, text in queries}
    out["verbose_queries"], out["tiered_queries"] = sum(verbose.values()), sum(tiered.values())
    for count in shard_counts:
        log(f"{name}: {count} shards: building ...")
        paths = write_shards(corpus, folder / f"s{count}", count)
        for number, path in enumerate(paths):
            build_index([str(path)], folder / f"s{count}" / f"index{number}")
        shards = [Shard(folder / f"s{count}" / f"index{number}") for number in range(count)]
        log(f"{name}: {count} shards: {len(queries)} queries ...")
        runs = {}
        try:
            for query_id, text in queries:
                runs[query_id] = run_query(single, shards, text)
        finally:
            for shard in shards:
                shard.close()
        out["shards"][count] = summarise(runs, judged, verbose)
        out["shards"][count]["sizes"] = [shard.own.documents for shard in shards]
    single.close()
    out["seconds"] = time.perf_counter() - started
    return out


def summarise(runs: dict[str, QueryRun], judged, verbose: dict[str, bool]) -> dict:
    """nDCG@10, agreement with the single index and why it fails, times: the figures of one S."""
    first = next(iter(runs.values()))
    summary: dict = {
        "ndcg": {"single": statistics.fmean(ndcg_at_k(ids(r.single), judged.qrels[q], 10) for q, r in runs.items())},
        "identical": {},
        "overlap": {},
        "differences": {},
        "examples": {},
    }
    for mode in MODES:
        summary["ndcg"][mode] = statistics.fmean(
            ndcg_at_k(ids(r.modes[mode]), judged.qrels[q], 10) for q, r in runs.items()
        )
        same = [q for q, r in runs.items() if ids(r.modes[mode]) == ids(r.single)]
        summary["identical"][mode] = len(same) / len(runs)
        summary["overlap"][mode] = statistics.fmean(overlap(ids(r.single), ids(r.modes[mode])) for r in runs.values())
        reasons = Counter()
        for q, r in runs.items():
            if ids(r.modes[mode]) != ids(r.single):
                reasons[why_different(r.single, r.modes[mode])] += 1
                reasons["verbose" if verbose[q] else "short"] += 1
        summary["differences"][mode] = dict(reasons)
        summary["examples"][mode] = [q for q, r in runs.items() if ids(r.modes[mode]) != ids(r.single)][:5]
    summary["identical"]["by score alone"] = sum(ids(r.by_score) == ids(r.single) for r in runs.values()) / len(runs)
    summary["by_score_differences"] = Counter(
        why_different(r.single, r.by_score) for r in runs.values() if ids(r.by_score) != ids(r.single)
    )
    differing = [r for r in runs.values() if ids(r.modes["global+feedback"]) != ids(r.single)]
    summary["global_feedback_differences"] = {
        "expansion ties": sum(expansion_tie(r) for r in differing),
        "same expansion": sum(r.single_added == r.global_added for r in differing),
        "other": sum(not expansion_tie(r) and r.single_added != r.global_added for r in differing),
        "expansions differing (any query)": sum(
            [w for w, _ in r.single_added] != [w for w, _ in r.global_added] for r in runs.values()
        ),
        "expansion ties (any query)": sum(expansion_tie(r) for r in runs.values()),
    }
    by_score = [
        r
        for r in runs.values()
        if ids(r.by_score) != ids(r.single) and ids(r.modes["global+feedback"]) == ids(r.single)
    ]
    summary["by_score_more"] = len(by_score)
    summary["by_score_tiered"] = sum(r.tiered for r in by_score)
    summary["expanded"] = sum(r.expanded for r in runs.values())
    summary["fallbacks"] = sum(r.fallbacks for r in runs.values())
    summary["fallbacks_per_shard_feedback"] = sum(r.fallbacks_per_shard_feedback for r in runs.values())
    summary["times"] = {
        key: {
            "p50": percentile([r.seconds[key] for r in runs.values()], 0.5),
            "p95": percentile([r.seconds[key] for r in runs.values()], 0.95),
        }
        for key in first.seconds
    }
    return summary


# --------------------------------------------------------------------------- rendering
def render(results: dict) -> str:
    m = results["machine"]
    loads = ", ".join(run.fmt_load(x) for x in (results["load_before"], results["load_after"]))
    out = [
        "## Sharded serving: local against global statistics",
        "",
        f"Run {results['date']} with `{results['command']}` ({results['seconds']:.0f} s); how each figure is "
        "measured is written at the top of `bench/sharding.py`.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} logical cores; load average (1 min) before and after: {loads}",
        f"- searchkit {results['versions'].get('searchkit')}, Whoosh-Reloaded {results['versions'].get('whoosh')}",
        "- Shards: documents (pages) by crc32 of the id modulo S; each shard sends its top 10; the merge puts "
        "hits with every word of a 2-5 word query first, then orders by score, ties by id.",
        "",
    ]
    for entry in results["collections"]:
        out += render_collection(entry)
    return "\n".join(out).rstrip() + "\n"


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def difference_notes(s: dict, entry: dict) -> list[str]:
    """One clause per mode: how many merged top 10s differ from the single index's, and why."""
    queries, long, short = entry["queries"], entry["verbose_queries"], entry["queries"] - entry["verbose_queries"]

    def split(mode: str) -> str:
        d = s["differences"][mode]
        total = d.get("ties", 0) + d.get("scores", 0)
        return (
            f"{total} of {queries} ({d.get('verbose', 0)} of the {long} expanded queries, "
            f"{total - d.get('verbose', 0)} of the {short} others; {d.get('ties', 0)} in tied scores only)"
        )

    full = s["global_feedback_differences"]
    return [
        f"local statistics: {split('local')}",
        f"global statistics, per-shard feedback: {split('global')}; "
        f"{s['fallbacks_per_shard_feedback']:,} expansion terms were scored with shard statistics",
        f"global + feedback: {split('global+feedback')}: {full['expansion ties']} where RM3 kept other words "
        f"of the same weight at its cut of 10 (a tie in P(w|R), broken by the order words come out of the "
        f"index), {full['same expansion']} with the same expansion, {full['other']} other (RM3 kept other words "
        f"in {full['expansions differing (any query)']} queries, {full['expansion ties (any query)']} of them "
        "such ties)",
        f"global + feedback merged by score alone: {s['by_score_more']} more, "
        f"{s['by_score_tiered']} of them 2-5 word queries (whose hits with every word come first)",
    ]


def render_collection(entry: dict) -> list[str]:
    lines = [
        f"### {entry['name']}: {entry['pages']:,} pages"
        + (f" with {entry['comments']:,} comments" if entry["comments"] else " (no comments)")
        + f", {entry['queries']} judged queries "
        f"({entry['verbose_queries']} expanded by RM3 feedback, {entry['tiered_queries']} of 2-5 words)",
        "",
    ]
    rows = []
    for count, s in entry["shards"].items():
        nd, same, over = s["ndcg"], s["identical"], s["overlap"]
        rows.append(
            [
                str(count),
                f"{min(s['sizes']):,}-{max(s['sizes']):,}",
                f"{nd['single']:.4f}",
                f"{nd['local']:.4f}",
                f"{nd['global']:.4f}",
                f"{nd['global+feedback']:.4f}",
                f"{pct(same['local'])} / {over['local']:.3f}",
                f"{pct(same['global'])} / {over['global']:.3f}",
                f"{pct(same['global+feedback'])} / {over['global+feedback']:.3f}",
                pct(same["by score alone"]),
            ]
        )
    lines += [
        "nDCG@10, and the share of queries whose merged top 10 is the single index's (same ids, same order) "
        "with the mean overlap of the two top 10s:",
        "",
        run.table(
            [
                "S",
                "docs per shard",
                "nDCG single",
                "nDCG local stats",
                "nDCG global, per-shard feedback",
                "nDCG global + feedback",
                "identical / overlap, local",
                "identical / overlap, global, per-shard feedback",
                "identical / overlap, global + feedback",
                "identical, global + feedback merged by score alone",
            ],
            rows,
        ),
        "",
    ]
    rows = []
    for count, s in entry["shards"].items():
        t = s["times"]
        rows.append(
            [str(count)]
            + [f"{run.fmt_ms(t[key]['p50'])} / {run.fmt_ms(t[key]['p95'])}" for key in ("single", "local")]
            + [
                f"{run.fmt_ms(t[key]['p50'])} / {run.fmt_ms(t[key]['p95'])}"
                for key in ("stats", "stats_warm", "feedback", "rank", "global")
            ]
        )
    lines += [
        "Time per query, p50 / p95, summed over the shards (one process, no network):",
        "",
        run.table(
            [
                "S",
                "single index",
                "local stats (one round)",
                "global: stats rounds (phase 1, 1b)",
                "global: phase 1 again, postings cached",
                "global: feedback round",
                "global: ranking (first pass, phase 2)",
                "global: all rounds",
            ],
            rows,
        ),
        "",
    ]
    lines += ["Top 10s that differ from the single index's, and why:", ""]
    for count, s in entry["shards"].items():
        lines.append(f"- S={count}: " + "; ".join(difference_notes(s, entry)) + ".")
    lines.append("")
    return lines


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--collection",
        type=Path,
        action="append",
        help="a BEIR folder; repeat for several [../shared/eval/scifact and ../shared/eval/cisi]",
    )
    parser.add_argument("--shards", type=int, nargs="+", default=list(DEFAULT_SHARDS), help="shard counts [2 4 8]")
    parser.add_argument("--work", type=Path, default=run.DEFAULT_WORK, help="indexes and results [bench/out]")
    parser.add_argument("--queries", type=int, default=None, help="run only the first N judged queries")
    parser.add_argument("--output", type=Path, default=None, help="also write the markdown to this file")
    parser.add_argument(
        "--comments",
        type=int,
        metavar="SEED",
        default=None,
        help="give each document generated comments (bench/realtext.py's, this seed) before sharding",
    )
    args = parser.parse_args(argv)
    if any(count < 1 for count in args.shards):
        parser.error("--shards must be 1 or more")
    from searchkit.errors import SearchkitError

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    collections = args.collection or list(DEFAULT_COLLECTIONS)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results = {
        "command": ("python bench/sharding.py " + " ".join(argv)).strip(),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": run.machine(),
        "versions": run.versions(),
        "load_before": run.load_average(),
        "collections": [],
    }
    started = time.perf_counter()
    try:
        for path in collections:
            results["collections"].append(measure(path.resolve(), work, args.shards, args.queries, log, args.comments))
    except SearchkitError as exc:
        print(f"sharding: {exc}", file=sys.stderr)
        return 2
    results["seconds"] = time.perf_counter() - started
    results["load_after"] = run.load_average()
    (work / "sharding-results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    text = render(results)
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
