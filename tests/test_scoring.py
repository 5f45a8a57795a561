"""BM25F scoring: the formula on a hand-made index, the array scorer against a per-document one, long queries and feedback."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from whoosh.util.numeric import byte_to_length, length_to_byte

from searchkit import build_index, open_index
from searchkit.analysis import terms
from searchkit.feedback import ORIGINAL_WEIGHT, expand
from searchkit.query import parse_query
from searchkit.schema import TEXT_FIELDS, build_schema
from searchkit.scoring import BM25F, DEFAULT_PARAMS, BM25FParams, ScoringTerm, top_documents
from searchkit.searching import scorer_of

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
    reader = tiny.searcher().reader()
    scorer = BM25F(tiny.searcher_state().arrays, {name: reader.field_length(name) for name in TEXT_FIELDS}, params)
    docs, values = scorer.term_scores(ScoringTerm("ferri"))
    scores = dict(zip(docs.tolist(), values.tolist(), strict=True))
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


def _scores_document_by_document(reader, query: list[ScoringTerm], params=DEFAULT_PARAMS) -> dict[int, float]:
    """BM25F from Whoosh's public API, one document at a time: the reference the arrays must equal."""
    having = {
        name: sum(1 for d in range(reader.doc_count_all()) if reader.doc_field_length(d, name, 0))
        for name in TEXT_FIELDS
    }
    average = {name: reader.field_length(name) / having[name] for name in TEXT_FIELDS}
    scores: dict[int, float] = {}
    for term in query:
        tf: dict[int, float] = {}
        for name in term.fields:
            if (name, term.text) not in reader:
                continue
            for docnum, weight in reader.postings(name, term.text).items_as("weight"):
                length = byte_to_length(length_to_byte(reader.doc_field_length(docnum, name, 0)))
                norm = params.weights[name] / (1 - params.b[name] + params.b[name] * length / average[name])
                tf[docnum] = tf.get(docnum, 0.0) + weight * norm
        idf = math.log(1 + (reader.doc_count() - len(tf) + 0.5) / (len(tf) + 0.5))
        for docnum, value in tf.items():
            share = term.weight * idf * value * (params.k1 + 1) / (params.k1 + value)
            scores[docnum] = scores.get(docnum, 0.0) + share
    return scores


@pytest.mark.parametrize(
    "query",
    [
        [ScoringTerm(text) for text in terms("ministers meet in Vienna about sanctions and oil prices")],
        [ScoringTerm("wheat", weight=2.0), ScoringTerm("harvest"), ScoringTerm("grain", ("title",))],
        [ScoringTerm("summit", ("comment",)), ScoringTerm("putin", ("title", "body"), 0.5)],
    ],
)
def test_array_scores_equal_document_by_document_bm25f(corpus_index, query):
    with open_index(corpus_index) as index:
        reader = index.searcher().reader()
        scorer = scorer_of(index.searcher_state())
        dense = scorer.scores(query)
        expected = _scores_document_by_document(reader, query)
        assert set(np.flatnonzero(dense).tolist()) == set(expected)
        for docnum, score in expected.items():
            assert dense[docnum] == pytest.approx(score, rel=1e-9)
        docs = np.array(sorted(expected), dtype=np.int32)
        for count in (1, 5, 10, 30):
            best = sorted(expected, key=lambda d: (-expected[d], d))[:count]
            assert top_documents(docs, dense, count) == best


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
    scorer = scorer_of(tiny.searcher_state())
    query = [ScoringTerm(text) for text in terms("ferry")]
    candidates = scorer.frequencies("ferri", TEXT_FIELDS)[0]
    scores = scorer.scores(query)
    expanded = {term.text: term.weight for term in expand(scorer, query, candidates, scores)}
    # the only matching document: "Ferry news" / "The ferry left. The ferry came back at night."
    # P(w|R) over its 8 terms (ferri 3, news, left, came, back, night 1 each): the top 10 is all of them
    assert expanded["ferri"] == pytest.approx(ORIGINAL_WEIGHT + (1 - ORIGINAL_WEIGHT) * 3 / 8)
    assert expanded["night"] == pytest.approx((1 - ORIGINAL_WEIGHT) * 1 / 8)
    assert set(expanded) == {"ferri", "news", "left", "came", "back", "night"}
    rescored = scorer.scores([ScoringTerm(text, TEXT_FIELDS, weight) for text, weight in expanded.items()])
    assert (rescored[candidates] > 0).all()
    long_question = "ferry services at night, how do harbours run them and who pays"
    assert tiny.search(long_question).total == len(tiny.search("ferry services night harbours run pays").hits)


def test_quotes_around_one_word_are_plain_words():
    assert parse_query('During the "training" phase', SCHEMA).terms == ["dure", "train", "phase"]
    assert parse_query('a "linguistic filter" here', SCHEMA).terms is None  # a phrase of two words is a phrase


def test_feedback_words_of_equal_weight_are_chosen_alphabetically_whatever_the_segments(tmp_path):
    # Two feedback documents of equal score and length, in two segments (two runs), each with
    # six words of its own: twelve words of equal P(w|R) compete for nine places after the
    # query word. The later segment's words sort first, so the index's own order would pick the
    # earlier segment's; the choice must be the alphabetical one either way.
    first = {"id": "z", "title": "Kestrel", "text": "Kestrel zorvat yulmek xandro wepsil vorrin tumbek."}
    second = {"id": "a", "title": "Kestrel", "text": "Kestrel abrend bolvik cadrum dovlen erpath fumbro."}
    (tmp_path / "one.jsonl").write_text(json.dumps(first), encoding="utf-8")
    build_index([tmp_path / "one.jsonl"], tmp_path / "ix")
    (tmp_path / "two.jsonl").write_text(json.dumps(second), encoding="utf-8")
    build_index([tmp_path / "one.jsonl", tmp_path / "two.jsonl"], tmp_path / "ix")
    with open_index(tmp_path / "ix") as index:
        assert len(index.searcher().reader().leaf_readers()) == 2
        scorer = scorer_of(index.searcher_state())
        query = [ScoringTerm(text) for text in terms("kestrel")]
        candidates = scorer.frequencies(query[0].text, TEXT_FIELDS)[0]
        expanded = [term.text for term in expand(scorer, query, candidates, scorer.scores(query))]
    words = sorted(terms("zorvat yulmek xandro wepsil vorrin tumbek abrend bolvik cadrum dovlen erpath fumbro"))
    assert expanded == [query[0].text, *words[:9]]
