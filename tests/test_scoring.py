"""BM25F scoring: the formula on a hand-made index, MaxScore against exhaustive scoring, long queries and feedback."""

from __future__ import annotations

import heapq
import json
import math

import pytest

from searchkit import build_index, open_index
from searchkit.analysis import terms
from searchkit.feedback import ORIGINAL_WEIGHT, expand
from searchkit.query import parse_query
from searchkit.schema import build_schema
from searchkit.scoring import BM25F, BM25FParams

SCHEMA = build_schema()


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


def test_long_query_ranks_without_its_function_words():
    parsed = parse_query("What are the problems of ferry services at night, and how do harbours solve them?", SCHEMA)
    assert parsed.verbose and not parsed.tiered
    assert parsed.terms == ["problem", "ferri", "servic", "night", "harbour", "solv"]
    short = parse_query("what ferry", SCHEMA)  # a short query keeps every word its user chose
    assert short.terms == ["what", "ferri"] and short.tiered and not short.verbose
    only = parse_query("what were you doing here and why, how and when", SCHEMA)
    assert only.verbose and only.terms == terms("what were you doing here why how when")  # nothing else: all kept


def test_parenthesised_words_are_plain_words():
    parsed = parse_query("lupus erythematosus (SLE) in patients", SCHEMA)
    assert parsed.terms == ["lupus", "erythematosus", "sle", "patient"]
    assert parse_query("(ferry OR harbour) night", SCHEMA).terms is None  # real syntax still parsed


def test_feedback_adds_words_of_the_best_documents(tiny):
    scorer = BM25F(tiny.searcher().reader())
    query = scorer.query_terms(terms("ferry"))
    candidates = set().union(*(term.documents for term in query))
    expanded = {term.text: term.weight for term in expand(scorer, query, candidates)}
    # the only matching document: "Ferry news" / "The ferry left. The ferry came back at night."
    # P(w|R) over its 8 terms (ferri 3, news, left, came, back, night 1 each): the top 10 is all of them
    assert expanded["ferri"] == pytest.approx(ORIGINAL_WEIGHT + (1 - ORIGINAL_WEIGHT) * 3 / 8)
    assert expanded["night"] == pytest.approx((1 - ORIGINAL_WEIGHT) * 1 / 8)
    assert set(expanded) == {"ferri", "news", "left", "came", "back", "night"}
    scores = scorer.top(scorer.query_terms(expanded), candidates, 10)
    assert set(scores) == candidates  # expansion re-ranks the matches, it adds none


def test_quotes_around_one_word_are_plain_words():
    assert parse_query('During the "training" phase', SCHEMA).terms == ["dure", "train", "phase"]
    assert parse_query('a "linguistic filter" here', SCHEMA).terms is None  # a phrase of two words is a phrase
