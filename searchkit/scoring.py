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

Speed: Whoosh's matchers cost about 3 µs a posting through their public
methods. For Whoosh 2.7's own codec (``W3LeafMatcher``) postings are read a
block at a time and field lengths as one byte string per segment; any other
matcher or column type falls back to the public per-posting API, with the
same results.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter, OrderedDict
from collections.abc import Mapping, Set
from copy import copy
from dataclasses import dataclass, field
from itertools import accumulate
from pickle import loads

from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import schema as f

try:  # the fast paths know these classes; without them the public API is used
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
    from whoosh.matching.wrappers import FilterMatcher
except ImportError:  # pragma: no cover - another Whoosh fork
    LENGTHS_COLUMN = W3LeafMatcher = FilterMatcher = None


@dataclass(frozen=True)
class BM25FParams:
    """The ranking parameters; see docs/relevance.md for how they were chosen."""

    k1: float = 1.2
    b: dict[str, float] = field(default_factory=lambda: {f.TITLE: 0.75, f.BODY: 0.75, f.COMMENT: 0.75})
    weights: dict[str, float] = field(default_factory=lambda: {f.TITLE: 3.0, f.BODY: 1.0, f.COMMENT: 0.8})


DEFAULT_PARAMS = BM25FParams()


CACHED_POSTINGS = 4_000_000
"""Decoded postings kept per searcher (about 8 bytes each): frequent words are decoded once."""
CACHE_FROM = 256
"""Posting lists shorter than this are cheap to decode and are not cached."""
CACHED_FREQUENCIES = 1_000_000
"""(docnum, tf~) pairs kept per searcher for frequent words (about 100 bytes each)."""


class _Leaf:
    """One segment: its reader, its first global docnum, and its field length bytes."""

    def __init__(self, reader, offset: int, cache_budget: int = CACHED_POSTINGS):
        self.reader = reader
        self.offset = offset
        self.cache_budget = cache_budget
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self._lengths: dict[str, bytes | array] = {}
        self._cache: OrderedDict[tuple[str, str], tuple[array, array]] = OrderedDict()
        self._cached = 0

    def cached_postings(self, field_name: str, term: str):
        """:meth:`postings`, through a least-recently-used cache of long posting lists."""
        key = (field_name, term)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        ids, weights = self.postings(field_name, term)
        if len(ids) >= CACHE_FROM:
            found = (array("i", ids), array("f", weights))
            self._cache[key] = found
            self._cached += len(ids)
            while self._cached > self.cache_budget and len(self._cache) > 1:
                _, (old_ids, _) = self._cache.popitem(last=False)
                self._cached -= len(old_ids)
            return found
        return ids, weights

    def length_bytes(self, field_name: str):
        """One quantised length byte per document (Whoosh stores lengths that way)."""
        cached = self._lengths.get(field_name)
        if cached is None:
            cached = self._lengths[field_name] = _load_lengths(self.reader, field_name)
        return cached

    def _matcher(self, field_name: str, term: str):
        """The term's raw posting matcher (deletions are filtered by the callers), or None."""
        try:
            matcher = self.reader.postings(field_name, term)
        except TermNotFound:
            return None
        if FilterMatcher is not None and isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        return matcher

    def postings(self, field_name: str, term: str) -> tuple[list[int], list[float]]:
        """Local docnums and term frequencies of one term, deleted documents left out."""
        matcher = self._matcher(field_name, term)
        if matcher is None:
            return [], []
        ids: list[int] = []
        weights: list[float] = []
        if W3LeafMatcher is not None and type(matcher) is W3LeafMatcher:
            while matcher.is_active():
                if matcher._ids is None:
                    matcher._read_ids()
                if matcher._weights is None:
                    matcher._read_weights()
                start = matcher._i
                ids.extend(matcher._ids[start:])
                weights.extend(matcher._weights[start:])
                matcher._next_block()
        else:
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
        if self.deleted:
            kept = [(i, w) for i, w in zip(ids, weights, strict=True) if i not in self.deleted]
            ids = [i for i, _ in kept]
            weights = [w for _, w in kept]
        return ids, weights

    def phrase_documents(self, field_name: str, words: list[str]) -> list[int]:
        """Local docnums whose ``field_name`` holds ``words`` at consecutive positions."""
        postings = [self.cached_postings(field_name, word)[0] for word in words]
        if not all(len(ids) for ids in postings):
            return []
        candidates = set(min(postings, key=len))
        for ids in postings:
            candidates.intersection_update(ids)
            if not candidates:
                return []
        by_word = {word: self.positions(field_name, word, candidates) for word in set(words)}
        lead, follow = by_word[words[0]], [by_word[word] for word in words[1:]]
        return [
            docnum
            for docnum in candidates
            if any(all(start + step in after[docnum] for step, after in enumerate(follow, 1)) for start in lead[docnum])
        ]

    def positions(self, field_name: str, term: str, wanted: set[int]) -> dict[int, frozenset[int]]:
        """The positions of ``term`` in each of the ``wanted`` local documents that hold it."""
        matcher = self._matcher(field_name, term)
        if matcher is None:
            return {}
        found: dict[int, frozenset[int]] = {}
        if W3LeafMatcher is not None and type(matcher) is W3LeafMatcher:
            while matcher.is_active():
                if matcher._ids is None:
                    matcher._read_ids()
                ids = matcher._ids
                if not wanted.isdisjoint(ids):
                    matcher._read_values()
                    for docnum, value in zip(ids, matcher._values, strict=True):
                        if docnum in wanted:
                            found[docnum] = _decode_positions(value)
                matcher._next_block()
        else:
            while matcher.is_active():
                docnum = matcher.id()
                if docnum in wanted:
                    found[docnum] = frozenset(matcher.value_as("positions"))
                matcher.next()
        return found


def documents_with(reader, field_name: str, term: str) -> list[int]:
    """Global docnums of the live documents holding ``term``, ascending, read a block at a time."""
    found: list[int] = []
    for leaf, offset in reader.leaf_readers():
        ids, _ = _Leaf(leaf, offset, 0).postings(field_name, term)
        found.extend(map(offset.__add__, ids) if offset else ids)
    return found


_COUNT_BYTES = 4
"""Whoosh's Positions values: a 4-byte count, then the pickled position deltas."""
_DECODED: dict[bytes, frozenset[int]] = {}


def _decode_positions(value: bytes) -> frozenset[int]:
    """The positions of one posting value; the same values recur (a word once, at the start)."""
    found = _DECODED.get(value)
    if found is None:
        if len(_DECODED) > 100_000:
            _DECODED.clear()
        found = _DECODED[value] = frozenset(accumulate(loads(value[_COUNT_BYTES:])))
    return found


def _load_lengths(reader, field_name: str):
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    if LENGTHS_COLUMN is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(f"_{field_name}_len", LENGTHS_COLUMN)
        if column is None:  # no document of this segment has the field
            return bytes(count)
        raw = getattr(column, "_dbfile", None)
        if raw is not None and getattr(column, "_typecode", "") == "B" and getattr(column, "_itemsize", 1) == 1:
            return raw.get(column._basepos, count)
    return array("B", (length_to_byte(reader.doc_field_length(d, field_name, 0)) for d in range(count)))


class BM25F:
    """Scores word queries against one searcher's reader; cache one per searcher."""

    def __init__(self, reader, params: BM25FParams = DEFAULT_PARAMS, fields=(f.TITLE, f.BODY, f.COMMENT)):
        self.params = params
        self.fields = [name for name in fields if params.weights.get(name)]
        leaves = reader.leaf_readers()
        self.leaves = [_Leaf(leaf, offset, CACHED_POSTINGS // len(leaves)) for leaf, offset in leaves]
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
            table = [weight / (1 - b + b * byte_to_length(byte) / average) for byte in range(256)]
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
    leaf: _Leaf

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
        self.idf = math.log(1 + (scorer.doc_count - df + 0.5) / (df + 0.5))
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
