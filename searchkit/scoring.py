"""BM25F, the one ranking function of every query, computed with array operations.

Whoosh scores each field on its own and adds the scores, so a word found in
the title and the body counts twice, saturated twice. Real BM25F (Robertson
and Zaragoza) first adds a word's length-normalised frequencies across fields,
each times its field weight, then saturates once::

    tf~(t, d) = sum over fields f of t of  w_f * tf_f(t, d) / (1 - b_f + b_f * len_f(d) / avglen_f)
    score(d)  = sum over query terms t of  qw(t) * idf(t) * tf~ * (k1 + 1) / (k1 + tf~)
    idf(t)    = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

where the fields of t are those the query names it in (all three text fields
for plain words; ``title:vienna`` only the title), df counts the live
documents holding t in any of them, len_f is Whoosh's one-byte quantised
length, avglen_f averages over the documents that have field f, and qw(t)
is the query term's weight: how often the query repeats it, its ``^boost``,
or the weight pseudo-relevance feedback gives it (:mod:`searchkit.feedback`).
Which terms a query scores is decided by :mod:`searchkit.matching`.

Everything is computed a term at a time over whole posting arrays of the
columnar copy (:class:`searchkit.engine.arrays.IndexArrays`): gather the
term's postings in each of its fields, turn length bytes into norms through
a 256-entry table, add the fields, saturate, and add into one dense score
array. The tf~ arrays of frequent terms are kept per searcher (least
recently used first out).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh.util.numeric import byte_to_length

from . import schema as f
from .engine.arrays import EMPTY, IndexArrays
from .engine.docsets import grouped_sums


@dataclass(frozen=True)
class BM25FParams:
    """The ranking parameters; see docs/relevance.md for how they were chosen."""

    k1: float = 1.2
    b: dict[str, float] = field(default_factory=lambda: {f.TITLE: 0.75, f.BODY: 0.75, f.COMMENT: 0.75})
    weights: dict[str, float] = field(default_factory=lambda: {f.TITLE: 3.0, f.BODY: 1.0, f.COMMENT: 0.8})


DEFAULT_PARAMS = BM25FParams()


def bm25_idf(documents: int, df: int) -> float:
    """BM25F's idf of a word held by ``df`` of ``documents`` (Lucene's, never negative)."""
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


def field_norm(weight: float, b: float, length: float, average: float) -> float:
    """What one occurrence in a field of ``length`` adds to tf~: w_f / (1 - b + b * len / avglen)."""
    return weight / (1 - b + b * length / average)


@dataclass(frozen=True)
class ScoringTerm:
    """One query term as ranking sees it: the index term, the fields it is searched in, its weight."""

    text: str
    fields: tuple[str, ...] = f.TEXT_FIELDS
    weight: float = 1.0


CACHED_FREQUENCIES = 4_000_000
"""tf~ values kept per searcher (12 bytes each with their docnums), least recently used first out."""
CACHED_TERMS = 50_000
"""At most this many terms' tf~ arrays are kept per searcher."""


class BM25F:
    """Scores query terms against one searcher's :class:`IndexArrays`; make one per searcher."""

    def __init__(self, arrays: IndexArrays, field_lengths: dict[str, int], params: BM25FParams = DEFAULT_PARAMS):
        """``field_lengths``: each scored field's total length (Whoosh's ``reader.field_length``)."""
        self.arrays = arrays
        self.params = params
        self.documents = arrays.live_count
        self.norms: dict[str, np.ndarray] = {}
        for name, weight in params.weights.items():
            having = arrays.having(name)
            average = field_lengths.get(name, 0) / having if having else 1.0
            average = average or 1.0
            lengths = [byte_to_length(byte) for byte in range(256)]
            self.norms[name] = np.array([field_norm(weight, params.b[name], n, average) for n in lengths])
        self._cache: OrderedDict[tuple[str, tuple[str, ...]], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0

    def frequencies(self, text: str, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(docnums ascending, tf~) of the live documents holding ``text`` in any of ``fields``."""
        key = (text, fields)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        ids, values = [], []
        for name in fields:
            norms = self.norms.get(name)
            if norms is None:
                continue
            for docs, frequencies, lengths in self.arrays.postings(name, text):
                ids.append(docs)
                values.append(frequencies * norms[lengths])
        if not ids:
            found = (EMPTY, np.zeros(0))
        elif len(ids) == 1:
            found = (ids[0], values[0])
        elif sum(len(part) for part in ids) * 32 >= self.arrays.size:  # long: add up in one dense array
            total = np.zeros(self.arrays.size)
            for docs, part in zip(ids, values, strict=True):
                total[docs] += part  # docnums are distinct within one field of one segment
            docs = np.flatnonzero(total).astype(np.int32)
            found = (docs, total[docs])
        else:
            docs, values = np.concatenate(ids), np.concatenate(values)
            if len(fields) > 1:  # the same document in several fields: add them up
                docs, values = grouped_sums(docs, values)
            found = (docs, values)
        self._cache[key] = found  # matching, tiers and scoring of one query all ask for it
        self._cached += len(found[0])
        while (self._cached > CACHED_FREQUENCIES or len(self._cache) > CACHED_TERMS) and len(self._cache) > 1:
            _, (old, _) = self._cache.popitem(last=False)
            self._cached -= len(old)
        return found

    def term_scores(self, term: ScoringTerm) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, this term's share of their scores) for every live document holding it."""
        docs, tf = self.frequencies(term.text, term.fields)
        if not len(docs):
            return docs, tf
        k1 = self.params.k1
        factor = term.weight * bm25_idf(self.documents, len(docs)) * (k1 + 1)
        return docs, factor * tf / (k1 + tf)

    def scores(self, terms: list[ScoringTerm], into: np.ndarray | None = None) -> np.ndarray:
        """Dense scores (one per document number) of the terms, added ``into`` when given."""
        total = np.zeros(self.arrays.size) if into is None else into
        for term in terms:
            docs, scores = self.term_scores(term)
            total[docs] += scores
        return total


def top_documents(docs: np.ndarray, scores: np.ndarray, count: int) -> list[int]:
    """The ``count`` best of ``docs`` (ascending docnums) by dense ``scores``, highest first,
    ties by docnum ascending: a partial sort, then a sort of the few kept."""
    if count <= 0 or not len(docs):
        return []
    values = scores[docs]
    if len(docs) > count:
        threshold = np.partition(values, len(values) - count)[len(values) - count]
        keep = values >= threshold  # every tie of the last place, so the docnum order decides
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))[:count]
    return docs[order].tolist()


__all__ = ["top_documents", "BM25F", "BM25FParams", "DEFAULT_PARAMS", "ScoringTerm", "bm25_idf", "field_norm"]
