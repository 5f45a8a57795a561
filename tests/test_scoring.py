"""BM25F scoring: the formula on a hand-made index, and MaxScore against exhaustive scoring."""

from __future__ import annotations

import heapq
import json
import math

import pytest

from searchkit import build_index, open_index
from searchkit.analysis import terms
from searchkit.scoring import BM25F, BM25FParams


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    records = [
        {"id": "a", "title": "Ferry news", "text": "The ferry left. The ferry came back at night."},
        {"id": "b", "title": "Night market", "text": "Stalls open at night near the harbour."},
        {"id": "c", "title": "Budget", "text": "The council passed the budget."},
    ]
    (folder / "r.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    build_index([folder / "r.jsonl"], folder / "ix")
    with open_index(folder / "ix") as index:
        yield index


def test_bm25f_formula_by_hand(tiny):
    params = BM25FParams()
    scorer = BM25F(tiny.searcher().reader(), params)
    scores, _ = scorer.score(scorer.query_terms(terms("ferry")))
    # "ferry": title of a (1 of 2 title words), body of a (2 of 5 indexed body words: ferry left ferry came back night -> 6)
    title_lengths = {"a": 2, "b": 2, "c": 1}
    body_lengths = {"a": 6, "b": 5, "c": 3}  # stop words (the, at, near) are not indexed
    avg_title = sum(title_lengths.values()) / 3
    avg_body = sum(body_lengths.values()) / 3
    b, k1 = 0.75, params.k1
    tf = 3.0 * 1 / (1 - b + b * title_lengths["a"] / avg_title) + 1.0 * 2 / (1 - b + b * body_lengths["a"] / avg_body)
    idf = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    ((docnum, score),) = scores.items()
    assert tiny.searcher().stored_fields(docnum)["id"] == "a"
    assert score == pytest.approx(idf * tf * (k1 + 1) / (k1 + tf), rel=1e-6)


@pytest.mark.parametrize(
    "query",
    [
        "Why did the ministers meet in Vienna about sanctions and oil prices this week",
        "farmers wheat harvest exports ships grain record season rain",
        "who said the summit would change nothing for people in Europe",
    ],
)
def test_maxscore_gives_the_exhaustive_ranking(corpus_index, query):
    with open_index(corpus_index) as index:
        scorer = BM25F(index.searcher().reader())
        words = terms(query)
        query_terms = scorer.query_terms(words)
        everything, _ = scorer.score(query_terms)
        for count in (1, 5, 10, 30):
            pruned = scorer.top(query_terms, set(everything), count)
            best = heapq.nlargest(count, everything, key=lambda d: (everything[d], -d))
            assert heapq.nlargest(count, pruned, key=lambda d: (pruned[d], -d)) == best
            for docnum in best:
                assert pruned[docnum] == pytest.approx(everything[docnum])
        some = list(everything)[:7]
        exact = scorer.score_documents(query_terms, some)
        assert all(exact[d] == pytest.approx(everything[d]) for d in some)
