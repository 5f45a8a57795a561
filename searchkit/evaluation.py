"""Ranking quality against judged test collections (BEIR format).

A collection folder holds ``corpus.jsonl``, ``queries.jsonl`` and
``qrels/test.tsv`` (``query-id``, ``corpus-id``, ``score``; graded, 0 = not
relevant). :func:`evaluate` indexes the corpus, runs every judged query
through :meth:`searchkit.Index.ranking` (the order ``searchkit query`` gives
with its default options, ids and scores only) and scores the rankings.

The metrics are implemented here (no extra dependency) and tested against
hand-computed values; they follow trec_eval and ir_measures:

* nDCG@k: gain = the judged grade, discount 1/log2(rank + 1), normalised by
  the ideal ordering of all judged documents of the query;
* Recall@k: relevant documents (grade > 0) in the top k / all relevant;
* MRR@k: 1 / rank of the first relevant document in the top k, else 0.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SearchkitError

Judgments = dict[str, int]


def ndcg_at_k(ranked: Sequence[str], judgments: Judgments, k: int = 10) -> float:
    dcg = sum(judgments.get(doc, 0) / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], start=1))
    ideal = sorted((grade for grade in judgments.values() if grade > 0), reverse=True)[:k]
    best = sum(grade / math.log2(rank + 1) for rank, grade in enumerate(ideal, start=1))
    return dcg / best if best else 0.0


def recall_at_k(ranked: Sequence[str], judgments: Judgments, k: int = 100) -> float:
    relevant = {doc for doc, grade in judgments.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], judgments: Judgments, k: int = 10) -> float:
    for rank, doc in enumerate(ranked[:k], start=1):
        if judgments.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


@dataclass
class Collection:
    """A judged test collection: where its corpus is, its queries and judgments."""

    corpus: Path
    queries: dict[str, str]
    qrels: dict[str, Judgments]


def load_collection(folder: str | Path, split: str = "test") -> Collection:
    """Read a BEIR-format folder; only queries with judgments are kept."""
    folder = Path(folder)
    corpus, queries_path, qrels_path = (
        folder / "corpus.jsonl",
        folder / "queries.jsonl",
        folder / "qrels" / f"{split}.tsv",
    )
    for path in (corpus, queries_path, qrels_path):
        if not path.is_file():
            raise SearchkitError(
                f"{path}: missing", hint="a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/test.tsv"
            )
    qrels: dict[str, Judgments] = {}
    with open(qrels_path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if number == 1 and row and not row[-1].strip().lstrip("-").isdigit():
                continue  # header
            if len(row) < 3:
                raise SearchkitError(f"{qrels_path}:{number}: expected query-id, corpus-id, score")
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    queries = {}
    with open(queries_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise SearchkitError(f"{queries_path}:{number}: not valid JSON") from None
            query_id = str(record.get("_id", record.get("id")))
            if query_id in qrels:
                queries[query_id] = record.get("text", "")
    return Collection(corpus=corpus, queries=queries, qrels={q: qrels[q] for q in queries})


@dataclass
class QueryScore:
    query_id: str
    query: str
    ndcg: float
    recall: float
    mrr: float
    milliseconds: float
    relevant: int
    found: int
    ranking: list[tuple[str, float]] = field(default_factory=list, repr=False)
    """The ids and scores of the hits, best first (what a run file holds)."""


@dataclass
class EvalReport:
    """The summary ``searchkit eval`` prints, and each query's figures."""

    ndcg10: float
    recall100: float
    mrr10: float
    queries: int
    index_seconds: float
    query_p50_ms: float
    query_p95_ms: float
    per_query: list[QueryScore] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "ndcg@10": round(self.ndcg10, 4),
            "recall@100": round(self.recall100, 4),
            "mrr@10": round(self.mrr10, 4),
            "queries": self.queries,
            "index_seconds": round(self.index_seconds, 2),
            "query_p50_ms": round(self.query_p50_ms, 2),
            "query_p95_ms": round(self.query_p95_ms, 2),
        }


def run_lines(report: EvalReport, tag: str = "searchkit") -> list[str]:
    """The report's rankings in TREC run format: ``qid Q0 docid rank score tag``.

    trec_eval and ir_measures order a query's documents by score, not by
    rank; where searchkit's order does not follow the score (documents with
    every word of a short query rank first; equal scores), the score written
    is lowered to just below the line above, so that either tool reads the
    ranking searchkit returned.
    """
    lines = []
    for query in report.per_query:
        previous = math.inf
        for rank, (doc_id, score) in enumerate(query.ranking, start=1):
            written = round(min(score, previous - RUN_SCORE_STEP), 6)
            previous = written
            lines.append(f"{query.query_id} Q0 {doc_id} {rank} {written:.6f} {tag}")
    return lines


RUN_SCORE_STEP = 1e-4
"""How far below the line above a run file's score goes when the ranking does not follow the score."""


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile by linear interpolation (0.5 = median)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def evaluate(
    folder: str | Path,
    index_path: str | Path | None = None,
    *,
    progress: Callable[[int, int, int], None] | None = None,
    query_progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Index the collection's corpus (in a temporary folder unless ``index_path``), run and score its queries."""
    from .index import open_index
    from .indexing import build_index

    collection = load_collection(folder)
    with tempfile.TemporaryDirectory(prefix="searchkit-eval-") as scratch:
        target = Path(index_path) if index_path is not None else Path(scratch) / "index"
        started = time.perf_counter()
        build_index([str(collection.corpus)], target, progress=progress)
        index_seconds = time.perf_counter() - started
        scores = []
        with open_index(target) as index:
            for done, (query_id, text) in enumerate(collection.queries.items(), start=1):
                began = time.perf_counter()
                results = index.ranking(text, limit=100)
                elapsed = (time.perf_counter() - began) * 1000
                ranked = [found for found, _ in results]
                judged = collection.qrels[query_id]
                scores.append(
                    QueryScore(
                        query_id=query_id,
                        query=text,
                        ndcg=ndcg_at_k(ranked, judged, 10),
                        recall=recall_at_k(ranked, judged, 100),
                        mrr=mrr_at_k(ranked, judged, 10),
                        milliseconds=elapsed,
                        relevant=sum(1 for grade in judged.values() if grade > 0),
                        found=len(results),
                        ranking=results,
                    )
                )
                if query_progress:
                    query_progress(done, len(collection.queries))
    latencies = [score.milliseconds for score in scores]
    count = len(scores) or 1
    return EvalReport(
        ndcg10=sum(s.ndcg for s in scores) / count,
        recall100=sum(s.recall for s in scores) / count,
        mrr10=sum(s.mrr for s in scores) / count,
        queries=len(scores),
        index_seconds=index_seconds,
        query_p50_ms=statistics.median(latencies) if latencies else 0.0,
        query_p95_ms=percentile(latencies, 0.95),
        per_query=scores,
    )
