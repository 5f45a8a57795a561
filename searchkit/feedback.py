"""Pseudo-relevance feedback for long queries: RM3, interpolated with the query.

A long question names its topic in words its relevant documents may not all
use. RM3 (Lavrenko and Croft's relevance model, interpolated with the
original query as in Abdul-Jaleel et al., UMass at TREC 2004) takes the
:data:`FEEDBACK_DOCUMENTS` best documents of a first pass as a sample of what
is relevant and adds the words they share::

    P(w | R) = sum over feedback documents d of  P(q | d) * tf(w, d) / |d|
    P(q | d) ~ exp(score(d) - best score)          (BM25 read as a log-likelihood)
    qw'(w)   = ORIGINAL_WEIGHT * qw(w) + (1 - ORIGINAL_WEIGHT) * |q| * P(w | R)

where only the :data:`FEEDBACK_TERMS` most likely words of ``P(w | R)`` are
kept and renormalised, ``|q|`` is the sum of the query's own weights (so the
two parts keep the query's scale) and function words are never added. The
expanded query only re-ranks the documents the query matched: it changes no
count and lets in no document that holds none of the user's words.

The weights are Anserini's and the literature's usual ones (10 documents,
10 terms), with the query kept at 0.8 rather than 0.5: docs/relevance.md has
the measurements on SciFact and CISI.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Set

from . import schema as f
from .analysis import TOKEN_PATTERN, term
from .query import QUERY_STOP_TERMS
from .scoring import BM25F, QueryTerm

_WORD = re.compile(TOKEN_PATTERN)

FEEDBACK_DOCUMENTS = 10
FEEDBACK_TERMS = 10
ORIGINAL_WEIGHT = 0.8


def expand(scorer: BM25F, query: list[QueryTerm], candidates: Set[int]) -> list[QueryTerm]:
    """``query`` with RM3 expansion terms from the best of ``candidates`` (``query`` when none match)."""
    if not query or not candidates:
        return query
    first = scorer.top(query, candidates, FEEDBACK_DOCUMENTS)
    best = heapq.nlargest(FEEDBACK_DOCUMENTS, first.items(), key=lambda item: (item[1], -item[0]))
    if not best:
        return query
    top_score = best[0][1]
    relevance: Counter[str] = Counter()
    for docnum, score in best:
        counts = document_terms(scorer, docnum)
        length = sum(counts.values())
        if not length:
            continue
        weight = math.exp(score - top_score) / length
        for word, count in counts.items():
            if word not in QUERY_STOP_TERMS:
                relevance[word] += weight * count
    chosen = relevance.most_common(FEEDBACK_TERMS)
    total = sum(weight for _, weight in chosen)
    if not total:
        return query
    size = sum(term.weight for term in query)
    added = {word: (1 - ORIGINAL_WEIGHT) * size * weight / total for word, weight in chosen}
    expanded = [term.reweighted(ORIGINAL_WEIGHT * term.weight + added.pop(term.text, 0.0)) for term in query]
    return expanded + scorer.query_terms(added)


def document_terms(scorer: BM25F, docnum: int) -> Counter[str]:
    """The index terms of one document's stored title, body and comment text, with their counts."""
    stored = scorer.reader.stored_fields(docnum)
    words = Counter(_WORD.findall(" ".join(stored.get(name) or "" for name in (f.TITLE, f.BODY, f.COMMENT))))
    counts: Counter[str] = Counter()
    for word, count in words.items():  # each distinct word analysed once
        found = term(word)
        if found:
            counts[found] += count
    return counts
