"""BM25F ranking of word queries, computed term at a time over title, body and comment.

Whoosh scores each field on its own and adds the scores, so a word found in
the title and the body counts twice, saturated twice. Real BM25F (Robertson
and Zaragoza) first adds a word's length-normalised frequencies across fields,
each times its field weight, then saturates once::

    tf~(t, d) = sum over fields f of  w_f * tf_f(t, d) / (1 - b_f + b_f * len_f(d) / avglen_f)
    score(d)  = sum over query words t of  qw(t) * idf(t) * tf~ * (k1 + 1) / (k1 + tf~)
    idf(t)    = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

where df counts documents holding t in any field, avglen_f averages over
the documents that have field f, and qw(t) is the query word's weight: how
often the query repeats it, or the weight pseudo-relevance feedback gives it
(:mod:`searchkit.feedback`). Scoring term at a time also gives, for free,
how many query words each document holds (for ranking all-words matches
first) and the full set of matches (for exact totals).

Speed: postings and field lengths are read a block at a time by
:class:`searchkit.engine.reading.Leaf`, which owns the contact with Whoosh's
matchers and columns.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter, OrderedDict
from collections.abc import Mapping, Set
from copy import copy
from dataclasses import dataclass, field

from whoosh.util.numeric import byte_to_length, length_to_byte

from . import schema as f
from .engine.reading import CACHE_FROM, CACHED_POSTINGS, Leaf


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


CACHED_FREQUENCIES = 1_000_000
"""(docnum, tf~) pairs kept per searcher for frequent words (about 100 bytes each)."""


class BM25F:
    """Scores word queries against one searcher's reader; cache one per searcher."""

    def __init__(self, reader, params: BM25FParams = DEFAULT_PARAMS, fields=(f.TITLE, f.BODY, f.COMMENT)):
        self.params = params
        self.fields = [name for name in fields if params.weights.get(name)]
        leaves = reader.leaf_readers()
        self.leaves = [Leaf(leaf, offset, CACHED_POSTINGS // len(leaves)) for leaf, offset in leaves]
        self.doc_count = reader.doc_count()
        self._norms: dict[str, list[float]] = {}
        self.reader = reader
        self._frequencies: OrderedDict[str, dict[int, float]] = OrderedDict()
        self._largest: dict[str, float] = {}
        self._frequencies_cached = 0

    def _norm_table(self, field_name: str) -> list[float]:
        """w_f / (1 - b + b * len / avglen) for each of the 256 length bytes."""
        table = self._norms.get(field_name)
        if table is None:
            having = sum(
                len(lengths) - lengths.count(0) for lengths in (lf.length_bytes(field_name) for lf in self.leaves)
            )
            average = self.reader.field_length(field_name) / having if having else 1.0
            b = self.params.b[field_name]
            weight = self.params.weights[field_name]
            table = [field_norm(weight, b, byte_to_length(byte), average) for byte in range(256)]
            self._norms[field_name] = table
        return table

    def score(self, query: list[QueryTerm], count_matches: bool = True) -> tuple[dict[int, float], Counter]:
        """Scores of every matching document, and (``count_matches``) how many distinct terms each holds.

        Per-document work is done with dict and set operations that run in C
        wherever a document appears for only one field or one term.
        """
        scores: dict[int, float] = {}
        matched: Counter[int] = Counter()
        for term in query:
            frequencies = term.frequencies()
            _add_into(scores, term.scores(frequencies))
            if count_matches:
                matched.update(frequencies.keys())
        return scores, matched

    def phrase_documents(self, words: list[str], fields) -> set[int]:
        """Documents holding the index terms ``words`` one right after the other in one of ``fields``."""
        found: set[int] = set()
        for field_name in fields:
            for leaf in self.leaves:
                local = leaf.phrase_documents(field_name, words)
                found.update(map(leaf.offset.__add__, local) if leaf.offset else local)
        return found

    def largest_frequency(self, term: str, postings: list[_Postings]) -> float:
        """An upper bound of tf~ for ``term``: per field, its largest frequency times the
        length norm of its shortest document (from Whoosh's term statistics), summed."""
        bound = self._largest.get(term)
        if bound is None:
            per_field: dict[str, float] = {}
            for part in postings:
                info = part.leaf.reader.term_info(part.field, term)
                largest = info.max_weight() * part.norms[length_to_byte(info.min_length() or 0)]
                per_field[part.field] = max(per_field.get(part.field, 0.0), largest)
            bound = self._largest[term] = sum(per_field.values())
        return bound

    def frequencies_of(self, term: str, postings: list[_Postings]) -> dict[int, float]:
        """tf~ of every document holding ``term`` in a scored field, through a least-recently-used
        cache: a frequent word costs more to gather than to score, and queries share them."""
        found = self._frequencies.get(term)
        if found is not None:
            self._frequencies.move_to_end(term)
            return found
        found = {}
        for part in postings:
            _add_into(found, part.frequencies())
        if len(found) >= CACHE_FROM:
            self._frequencies[term] = found
            self._frequencies_cached += len(found)
            while self._frequencies_cached > CACHED_FREQUENCIES and len(self._frequencies) > 1:
                _, old = self._frequencies.popitem(last=False)
                self._frequencies_cached -= len(old)
        return found

    def query_terms(self, terms: list[str] | Mapping[str, float]) -> list[QueryTerm]:
        """The query's distinct terms that occur, with their postings and idf.

        ``terms`` is a list (a repeated term weighs more) or a mapping of term to weight.
        """
        found = []
        weighted = terms if isinstance(terms, Mapping) else Counter(terms)
        for term, weight in weighted.items():
            postings = []
            for field_name in self.fields:
                norms = self._norm_table(field_name)
                for leaf in self.leaves:
                    ids, weights = leaf.cached_postings(field_name, term)
                    if len(ids):
                        lengths = leaf.length_bytes(field_name)
                        postings.append(_Postings(ids, weights, leaf.offset, lengths, norms, field_name, leaf))
            if postings:
                found.append(QueryTerm(term, weight, postings, self))
        return found

    def top(self, query: list[QueryTerm], candidates: set[int], count: int) -> dict[int, float]:
        """Exact scores of at least the ``count`` best of ``candidates`` (MaxScore).

        Terms are taken from the highest possible contribution down. Once the
        contributions still to come cannot lift a document that has none of
        the terms seen so far above the ``count``-th best score, the remaining
        terms only add to the documents already scored that can still reach
        it; the others are dropped. No document left out of the result can
        rank among the first ``count``, and every score returned is exact.
        """
        query = sorted(query, key=lambda term: term.bound, reverse=True)
        remaining = sum(term.bound for term in query)
        scores: dict[int, float] = {}
        for position, term in enumerate(query):
            if len(scores) < count:
                pass
            elif remaining < (threshold := heapq.nlargest(count, scores.values())[-1]):
                # Only documents that can still reach the count-th best score need the late terms.
                reach = threshold - remaining
                scores = {docnum: score for docnum, score in scores.items() if score >= reach}
                for late in query[position:]:
                    late.add_to_scored(scores)
                break
            _add_into(scores, term.scores(term.frequencies(candidates)))
            remaining -= term.bound
        return scores

    def score_documents(self, query: list[QueryTerm], documents) -> dict[int, float]:
        """Exact scores of a few documents."""
        scores = dict.fromkeys(documents, 0.0)
        for term in query:
            term.add_to_scored(scores)
        return scores


@dataclass
class _Postings:
    """One term's postings in one field of one segment."""

    ids: list[int] | array
    weights: list[float] | array
    offset: int
    lengths: bytes | array
    norms: list[float]
    field: str
    leaf: Leaf

    def global_ids(self):
        return list(map(self.offset.__add__, self.ids)) if self.offset else self.ids

    def frequencies(self) -> dict[int, float]:
        norms, lengths = self.norms, self.lengths
        normalised = [weight * norms[lengths[local]] for local, weight in zip(self.ids, self.weights, strict=True)]
        return dict(zip(self.global_ids(), normalised, strict=True))


class QueryTerm:
    """One distinct query term: its postings in every field, its idf and its score bound."""

    def __init__(self, text: str, weight: float, postings: list[_Postings], scorer: BM25F):
        self.text = text
        self.weight = weight
        self.postings = postings
        self.k1 = scorer.params.k1
        self.tf = scorer.frequencies_of(text, postings)
        """tf~ of each document holding the term (shared: never changed)."""
        self.documents = self.tf.keys()
        df = len(self.tf)
        self.idf = bm25_idf(scorer.doc_count, df)
        self.factor = weight * self.idf * (self.k1 + 1)
        most = scorer.largest_frequency(text, postings)
        self.bound = self.factor * most / (self.k1 + most)
        """No document scores more than this for the term."""

    def reweighted(self, weight: float) -> QueryTerm:
        """The same term with another query weight (its postings and tf~ shared)."""
        other = copy(self)
        other.weight = weight
        other.factor = self.factor * weight / self.weight
        other.bound = self.bound * weight / self.weight
        return other

    def scores(self, frequencies: dict[int, float]) -> dict[int, float]:
        factor, k1 = self.factor, self.k1
        return {docnum: factor * tf / (k1 + tf) for docnum, tf in frequencies.items()}

    def frequencies(self, among: Set[int] | None = None) -> dict[int, float]:
        """tf~ of every document holding the term (only those ``among``, when given); not to be changed."""
        if among is None:
            return self.tf
        tf = self.tf
        return {docnum: tf[docnum] for docnum in tf.keys() & among}

    def add_to_scored(self, scores: dict[int, float]) -> None:
        """Add this term's score to the documents already in ``scores``."""
        for docnum, score in self.scores(self.frequencies(scores.keys())).items():
            scores[docnum] += score


def _add_into(total: dict[int, float], part: dict[int, float]) -> None:
    """total += part, key by key; keys found in only one of them are copied in C."""
    if not total:
        total.update(part)
        return
    for key in part.keys() & total.keys():
        part[key] += total[key]
    total.update(part)
