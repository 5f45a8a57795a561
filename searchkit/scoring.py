"""BM25F ranking of word queries, computed term at a time over title, body and comment.

Whoosh scores each field on its own and adds the scores, so a word found in
the title and the body counts twice, saturated twice. Real BM25F (Robertson
and Zaragoza) first adds a word's length-normalised frequencies across fields,
each times its field weight, then saturates once::

    tf~(t, d) = sum over fields f of  w_f * tf_f(t, d) / (1 - b_f + b_f * len_f(d) / avglen_f)
    score(d)  = sum over query words t of  qtf(t) * idf(t) * tf~ * (k1 + 1) / (k1 + tf~)
    idf(t)    = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

where df counts documents holding t in any field and avglen_f averages over
the documents that have field f. Scoring term at a time also gives, for free,
how many query words each document holds (for ranking all-words matches
first) and the full set of matches (for exact totals).

Speed: Whoosh's matchers cost about 3 µs a posting through their public
methods. For Whoosh 2.7's own codec (``W3LeafMatcher``) postings are read a
block at a time and field lengths as one byte string per segment; any other
matcher or column type falls back to the public per-posting API, with the
same results.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field

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
    weights: dict[str, float] = field(default_factory=lambda: {f.TITLE: 2.0, f.BODY: 1.0, f.COMMENT: 0.8})


DEFAULT_PARAMS = BM25FParams()


class _Leaf:
    """One segment: its reader, its first global docnum, and its field length bytes."""

    def __init__(self, reader, offset: int):
        self.reader = reader
        self.offset = offset
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self._lengths: dict[str, bytes | array] = {}

    def length_bytes(self, field_name: str):
        """One quantised length byte per document (Whoosh stores lengths that way)."""
        cached = self._lengths.get(field_name)
        if cached is None:
            cached = self._lengths[field_name] = _load_lengths(self.reader, field_name)
        return cached

    def postings(self, field_name: str, term: str) -> tuple[list[int], list[float]]:
        """Local docnums and term frequencies of one term, deleted documents left out."""
        try:
            matcher = self.reader.postings(field_name, term)
        except TermNotFound:
            return [], []
        if FilterMatcher is not None and isinstance(matcher, FilterMatcher):
            matcher = matcher.child
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
        self.leaves = [_Leaf(leaf, offset) for leaf, offset in reader.leaf_readers()]
        self.doc_count = reader.doc_count()
        self._norms: dict[str, list[float]] = {}
        self._reader = reader

    def _norm_table(self, field_name: str) -> list[float]:
        """w_f / (1 - b + b * len / avglen) for each of the 256 length bytes."""
        table = self._norms.get(field_name)
        if table is None:
            having = sum(
                len(lengths) - lengths.count(0) for lengths in (lf.length_bytes(field_name) for lf in self.leaves)
            )
            average = self._reader.field_length(field_name) / having if having else 1.0
            b = self.params.b[field_name]
            weight = self.params.weights[field_name]
            table = [weight / (1 - b + b * byte_to_length(byte) / average) for byte in range(256)]
            self._norms[field_name] = table
        return table

    def score(self, terms: list[str]) -> tuple[dict[int, float], dict[int, int]]:
        """Scores of every matching document, and how many distinct terms each holds."""
        scores: dict[int, float] = {}
        matched: Counter[int] = Counter()
        k1 = self.params.k1
        for term, repeats in Counter(terms).items():
            frequencies: dict[int, float] = {}
            for field_name in self.fields:
                norms = self._norm_table(field_name)
                for leaf in self.leaves:
                    ids, weights = leaf.postings(field_name, term)
                    if not ids:
                        continue
                    lengths = leaf.length_bytes(field_name)
                    offset = leaf.offset
                    get = frequencies.get
                    for local, weight in zip(ids, weights, strict=True):
                        docnum = local + offset
                        frequencies[docnum] = get(docnum, 0.0) + weight * norms[lengths[local]]
            if not frequencies:
                continue
            df = len(frequencies)
            idf = repeats * math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5)) * (k1 + 1)
            get = scores.get
            for docnum, tf in frequencies.items():
                scores[docnum] = get(docnum, 0.0) + idf * tf / (k1 + tf)
            matched.update(frequencies.keys())
        return scores, matched
