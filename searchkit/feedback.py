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
kept and renormalised (words of equal weight at the cut are taken in
alphabetical order, so that the expansion does not depend on how the index
is cut into segments or shards), ``|q|`` is the sum of the query's own weights (so the
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
from collections import Counter
from dataclasses import replace

import numpy as np

from . import schema as f
from .query import QUERY_STOP_TERMS
from .scoring import BM25F, ScoringTerm, top_documents

FEEDBACK_DOCUMENTS = 10
FEEDBACK_TERMS = 10
ORIGINAL_WEIGHT = 0.8
WEIGHT_DIGITS = 12
"""Decimals of P(w | R) compared when choosing words: sums taken in another order differ past them."""


def expand(scorer: BM25F, query: list[ScoringTerm], candidates: np.ndarray, scores: np.ndarray):
    """``query`` with RM3 expansion terms from the best of ``candidates`` by their dense
    ``scores`` (``query`` when none scores)."""
    if not query or not len(candidates):
        return query
    best = [docnum for docnum in top_documents(candidates, scores, FEEDBACK_DOCUMENTS) if scores[docnum] > 0]
    if not best:
        return query
    top_score = scores[best[0]]
    arrays = scorer.arrays
    lengths = [arrays.document_length(docnum, f.TEXT_FIELDS) for docnum in best]
    weights = [math.exp(scores[d] - top_score) / length for d, length in zip(best, lengths, strict=True) if length]
    relevance = Counter(
        arrays.weighted_terms([d for d, n in zip(best, lengths, strict=True) if n], weights, f.TEXT_FIELDS)
    )
    for word in QUERY_STOP_TERMS.intersection(relevance):
        del relevance[word]
    chosen = heapq.nsmallest(FEEDBACK_TERMS, relevance.items(), key=_by_weight_then_word)
    total = sum(weight for _, weight in chosen)
    if not total:
        return query
    size = sum(term.weight for term in query)
    added = {word: (1 - ORIGINAL_WEIGHT) * size * weight / total for word, weight in chosen}
    expanded = [replace(term, weight=ORIGINAL_WEIGHT * term.weight + added.pop(term.text, 0.0)) for term in query]
    return expanded + [ScoringTerm(word, f.TEXT_FIELDS, weight) for word, weight in added.items()]


def _by_weight_then_word(item: tuple[str, float]) -> tuple[float, str]:
    word, weight = item
    return -round(weight, WEIGHT_DIGITS), word
