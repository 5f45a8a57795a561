"""Articles like a given article or comment: "more like this", judged both ways.

:func:`similar` takes the document's key terms: the index terms that weigh
most in it by tf-idf (``(1 + ln tf) * ln(N / df)``, a title word counting
twice; terms found in no other document, digits and terms under three
letters left out). searchkit's BM25F ranks every article by those terms, as
a query of those words would. A document that mentions a few of the words in
passing can score well that way (an article about gas talks that names a sea
and shipping, for an article about Arctic shipping), so the best
:data:`RERANKED` are then judged the other way too: each one's own key terms
score the starting document. Each direction is divided by the score the
document gets for its own key terms (1.0 means "as close as itself"), and
the hits are ordered by the harmonic mean of the two, which is high only
when both documents find the other relevant. ``Hit.score`` is that mean.

The document itself is left out (a comment's own article stays a candidate).
The key terms come back as words of the document (``Icebreaker`` rather than
the stem ``icebreak``), so they can be shown and searched again.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import Counter
from dataclasses import dataclass

from . import schema as f
from .analysis import words_with_terms
from .errors import OptionError, SearchkitError
from .matching import union_all
from .options import SIMILAR_SCOPES, check_choice
from .scoring import DEFAULT_PARAMS, ScoringTerm, bm25_idf, field_norm, top_documents
from .searching import Results, _hit, fold, scorer_of

KEY_TERMS = 25
"""How many key terms of a document describe it."""
RERANKED = 20
"""How many of the best articles by the first direction are judged both ways."""
MIN_TERM_LENGTH = 3


@dataclass
class Similar:
    """What :func:`similar` found: the document it started from, the key terms used, the hits."""

    of: str
    terms: list[str]
    results: Results


class _Profile:
    """One document as the ranking sees it: per field, its index terms' frequencies and its length."""

    def __init__(self, stored: dict):
        if stored.get(f.KIND) == f.COMMENT_KIND:
            parts = {f.COMMENT: stored.get(f.COMMENT, "")}
        else:
            parts = {f.TITLE: stored.get(f.TITLE, ""), f.BODY: stored.get(f.BODY, "")}
        self.fields: dict[str, Counter] = {}
        self.lengths: dict[str, int] = {}
        self.surface: dict[str, str] = {}
        for name, text in parts.items():
            counts: Counter[str] = Counter()
            for term, start, end in words_with_terms(text):
                counts[term] += 1
                self.surface.setdefault(term, text[start:end])
            self.fields[name] = counts
            self.lengths[name] = sum(counts.values())


class _Judge:
    """Key terms and BM25F scores computed from documents' text, with the index's statistics.

    Scoring from the text rather than from posting lists keeps the cost per
    document small however frequent its words are in the index.
    """

    def __init__(self, state, params=DEFAULT_PARAMS, count: int = KEY_TERMS):
        reader = state.searcher.reader()
        self.reader = reader
        self.params = params
        self.count = count
        self.documents = reader.doc_count() or 1
        self._df: dict[str, int] = state.cached("similar_df", lambda searcher: {})
        articles = reader.doc_frequency(f.KIND, f.ARTICLE) or 1
        comments = reader.doc_frequency(f.KIND, f.COMMENT_KIND) or 1
        having = {f.TITLE: articles, f.BODY: articles, f.COMMENT: comments}
        self.average = {name: (reader.field_length(name) / having[name]) or 1.0 for name in having}

    def df(self, term: str) -> int:
        found = self._df.get(term)
        if found is None:
            found = self._df[term] = sum(self.reader.doc_frequency(name, term) for name in f.TEXT_FIELDS)
        return found

    def key_terms(self, profile: _Profile) -> list[tuple[str, str, float]]:
        """(index term, a word of the text that gives it, tf-idf weight), heaviest first."""
        frequencies: Counter[str] = Counter()
        for name, counts in profile.fields.items():
            weight = 2 if name == f.TITLE else 1
            for term, tf in counts.items():
                frequencies[term] += weight * tf
        scored = []
        for term, tf in frequencies.items():
            if len(term) < MIN_TERM_LENGTH or term.isdigit():
                continue
            df = self.df(term)
            if df <= 1:  # only this document: it finds nothing else
                continue
            scored.append((term, profile.surface[term], (1 + math.log(tf)) * math.log(self.documents / df)))
        return heapq.nlargest(self.count, scored, key=lambda item: (item[2], item[0]))

    def score(self, terms: list[str], profile: _Profile) -> float:
        """searchkit's BM25F score of a document for the query ``terms`` (see :mod:`searchkit.scoring`)."""
        k1, total = self.params.k1, 0.0
        norms = {
            name: field_norm(self.params.weights[name], self.params.b[name], length, self.average[name])
            for name, length in profile.lengths.items()
        }
        for term in terms:
            tf = sum(counts[term] * norms[name] for name, counts in profile.fields.items() if term in counts)
            if tf:
                df = self.df(term)
                total += bm25_idf(self.documents, df) * tf * (k1 + 1) / (k1 + tf)
        return total


def similar(index, doc_id: str, *, limit: int = 10, scope: str = "articles") -> Similar:
    """The articles most like the article or comment ``doc_id`` (``scope="all"``: comments too).

    Raises :class:`~searchkit.errors.SearchkitError` when no document has that id.
    """
    started = time.perf_counter()
    check_choice("scope", scope, SIMILAR_SCOPES)
    if limit < 1:
        raise OptionError("limit must be 1 or more", hint="give --limit 10 or any number from 1")
    state = index.search_state()
    state.arrays.check()
    searcher = state.searcher
    source = searcher.document_number(**{f.ID_FIELD: doc_id})
    if source is None:
        raise SearchkitError(
            f"no article or comment with id {doc_id!r} in {index.path}", hint="ids are shown by `searchkit query`"
        )
    judge = _Judge(state)
    profile = _Profile(searcher.stored_fields(source))
    found = judge.key_terms(profile)
    words = [word for _, word, _ in found]

    def done(hits: list, total: int) -> Similar:
        seconds = time.perf_counter() - started
        return Similar(doc_id, words, Results(" ".join(words), total, hits, 1, limit, seconds))

    if not found:
        return done([], 0)
    scorer = scorer_of(state)
    arrays = state.arrays
    mine = [term for term, _, _ in found]
    forward = scorer.scores([ScoringTerm(term) for term in mine])
    holding = union_all([scorer.frequencies(term, f.TEXT_FIELDS)[0] for term in mine], arrays.size)
    candidates = holding[holding != source]
    candidates = candidates[arrays.is_article[candidates]] if scope == "articles" else fold(arrays, candidates)
    if not len(candidates):
        return done([], 0)
    itself = judge.score(mine, profile) or 1.0
    pool = top_documents(candidates, forward, RERANKED)
    scores = {}
    for docnum in pool:
        other = _Profile(searcher.stored_fields(docnum))
        theirs = [term for term, _, _ in judge.key_terms(other)]
        there = judge.score(mine, other) / itself
        own = judge.score(theirs, other)
        here = judge.score(theirs, profile) / own if own else 0.0
        scores[docnum] = 2 * there * here / (there + here) if there + here else 0.0
    ranked = heapq.nlargest(limit, pool, key=lambda d: (scores[d], forward[d], -d))
    highlight = frozenset(term for term, _, _ in found)
    terms = {name: highlight for name in f.TEXT_FIELDS}
    hits = [_hit(state, terms, rank, d, scores[d], [], 0) for rank, d in enumerate(ranked, start=1)]
    return done(hits, len(candidates))


__all__ = ["similar", "Similar"]
