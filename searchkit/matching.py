"""What a parsed query matches, which terms rank it, and its all-words tiers, as arrays.

Whoosh's query parser decides what a query means (:mod:`searchkit.query`);
this module carries that meaning out over the columnar copy
(:class:`~searchkit.engine.arrays.IndexArrays`) with array operations and
says how :mod:`searchkit.scoring` ranks it:

- **Matching**: a term is its posting array; ``OR`` a union, ``AND`` an
  intersection, ``NOT`` a difference; a phrase the intersection of its words,
  then word positions read for those candidates only; wildcards and fuzzy
  terms the union of the words they expand to (at most
  :data:`MAX_EXPANSIONS`); ``date:`` ranges a comparison on the date column.
  Any other query type (fields the copy does not hold, such as ``id:``, or a
  sloppy phrase) is matched by Whoosh itself, so the answer is always
  Whoosh's.
- **Scoring terms** (:func:`scoring_terms`): the terms of the positive leaves
  on the text fields (not under ``NOT``), each with the fields it was named
  in and the largest ``^boost`` among its leaves.
- **Tiers** (:func:`tier_units`): for a query that is an OR of two to
  :data:`~searchkit.query.MAX_TIERED_WORDS` parts (``putin trump
  title:vienna``), documents that match every part rank first, as they do
  for plain words. The fields one word is searched in form one part.
"""

from __future__ import annotations

from itertools import islice

import numpy as np
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    DateRange,
    Every,
    MultiTerm,
    Not,
    NullQuery,
    Or,
    Phrase,
    Query,
    Term,
)

from . import schema as f
from .engine.arrays import EMPTY, IndexArrays
from .engine.columnar import COPY_FIELDS, UNDATED_RAW
from .engine.docsets import contains, unique_sorted
from .engine.reading import Leaf
from .errors import QueryTimeoutError
from .query import MAX_TIERED_WORDS
from .scoring import BM25F, ScoringTerm

MAX_EXPANSIONS = 5000
"""A wildcard or fuzzy term may stand for at most this many words."""


class QueryMatcher:
    """Evaluates Whoosh queries into sorted arrays of live global document numbers."""

    def __init__(self, searcher, arrays: IndexArrays, scorer: BM25F):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.arrays = arrays
        self.scorer = scorer
        self._expanded: dict[Query, list[tuple[str, str]]] = {}

    def expand(self, query: MultiTerm) -> list[tuple[str, str]]:
        """:func:`expand`, remembered: matching and scoring both need a wildcard's words, and
        Whoosh takes long to expand a fuzzy term."""
        found = self._expanded.get(query)
        if found is None:
            if len(self._expanded) >= 256:
                self._expanded.clear()
            found = self._expanded[query] = expand(query, self.reader)
        return found

    def documents(self, query: Query) -> np.ndarray:
        """The live documents ``query`` matches, ascending."""
        if query is NullQuery or isinstance(query, type(NullQuery)):
            return EMPTY
        if isinstance(query, Term):
            return self.term_documents(query.fieldname, query.text)
        if isinstance(query, Or):
            return union_all([self.documents(part) for part in query.subqueries], self.arrays.size)
        if isinstance(query, And):
            return self._and(query.subqueries)
        if isinstance(query, AndNot):
            return _difference(self.documents(query.a), self.documents(query.b))
        if isinstance(query, AndMaybe):
            return self.documents(query.a)
        if isinstance(query, Not):
            return _difference(self.arrays.live_documents, self.documents(query.query))
        if isinstance(query, Every) and not query.fieldname:
            return self.arrays.live_documents
        if isinstance(query, Phrase) and query.slop == 1 and query.fieldname in self.scorer.norms:
            return self.phrase_documents(query.fieldname, list(query.words))
        if isinstance(query, DateRange) and query.fieldname == f.DATE:
            return self._dates_between(query)
        if isinstance(query, MultiTerm):  # on any field: the expansion is bounded first
            words = self.expand(query)
            if query.fieldname not in COPY_FIELDS:
                return self._by_whoosh(query)
            return union_all([self.term_documents(name, text) for name, text in words], self.arrays.size)
        return self._by_whoosh(query)

    def term_documents(self, field_name: str, text) -> np.ndarray:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if field_name in self.scorer.norms:
            return self.scorer.frequencies(text, (field_name,))[0]
        if field_name in COPY_FIELDS:
            return self.arrays.documents(field_name, text)
        return self._by_whoosh(Term(field_name, text))

    def _and(self, parts: list[Query]) -> np.ndarray:
        positive = [part for part in parts if not isinstance(part, Not)]
        negative = [part.query for part in parts if isinstance(part, Not)]
        if not positive:
            found = self.arrays.live_documents
        else:
            found = None
            for docs in sorted((self.documents(part) for part in positive), key=len):
                found = docs if found is None else np.intersect1d(found, docs, assume_unique=True)
                if not len(found):
                    return EMPTY
        for part in negative:
            found = _difference(found, self.documents(part))
        return found

    def phrase_documents(self, field_name: str, words: list[str]) -> np.ndarray:
        """Documents whose ``field_name`` holds ``words`` one right after the other."""
        if not words:
            return EMPTY
        candidates = self._and([Term(field_name, word) for word in words])
        if len(words) == 1 or not len(candidates):
            return candidates
        found = []
        for leaf_reader, offset in self.reader.leaf_readers():
            end = offset + leaf_reader.doc_count_all()
            low, high = np.searchsorted(candidates, [offset, end])
            if low == high:
                continue
            local = set((candidates[low:high] - offset).tolist())
            found.extend(offset + docnum for docnum in Leaf(leaf_reader, offset).consecutive(field_name, words, local))
        return np.array(sorted(found), dtype=np.int32)

    def _dates_between(self, query: DateRange) -> np.ndarray:
        dates = self.arrays.dates
        keep = self.arrays.live & (dates != np.uint64(UNDATED_RAW))
        if query.start is not None:
            start = np.uint64(query.start)
            keep &= dates > start if query.startexcl else dates >= start
        if query.end is not None:
            end = np.uint64(query.end)
            keep &= dates < end if query.endexcl else dates <= end
        return np.flatnonzero(keep).astype(np.int32)

    def _by_whoosh(self, query: Query) -> np.ndarray:
        """What Whoosh itself says ``query`` matches (fields and query types the copy does not hold)."""
        return np.array(sorted(self.searcher.docs_for_query(query)), dtype=np.int32)


def expand(query: MultiTerm, reader) -> list[tuple[str, str]]:
    """(field, term) of every word a wildcard or fuzzy term stands for; too many raise
    :class:`QueryTimeoutError` (``*a*`` on a large vocabulary)."""
    words = list(islice(query.expanded_terms(reader), MAX_EXPANSIONS + 1))
    if len(words) > MAX_EXPANSIONS:
        raise QueryTimeoutError(
            f"{query} matches more than {MAX_EXPANSIONS:,} different words",
            hint="make the wildcard or fuzzy term more specific (organi* rather than *a*)",
        )
    return [(name, text.decode("utf-8") if isinstance(text, bytes) else text) for name, text in words]


def scoring_terms(query: Query, expand_words, fields=f.TEXT_FIELDS) -> list[ScoringTerm]:
    """The terms that rank ``query``: its positive leaves on the text fields, grouped by term.

    A term's fields are those it is named in; its weight the largest boost
    among its leaves. Leaves under ``NOT`` (and the right side of ``ANDNOT``)
    do not rank; the right side of ``ANDMAYBE`` does. ``expand_words(leaf)``
    gives the (field, term) a wildcard or fuzzy leaf stands for.
    """
    named: dict[str, set[str]] = {}
    weights: dict[str, float] = {}

    def add(text, field_name: str, boost: float) -> None:
        if field_name not in fields or not text:
            return
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        named.setdefault(text, set()).add(field_name)
        weights[text] = max(weights.get(text, 0.0), boost)

    def walk(node: Query) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            walk(node.a)
            return
        if isinstance(node, Term):
            add(node.text, node.fieldname, node.boost)
        elif isinstance(node, Phrase):
            for word in node.words:
                add(word, node.fieldname, node.boost)
        elif isinstance(node, MultiTerm):
            if node.fieldname in fields:
                for name, text in expand_words(node):
                    add(text, name, node.boost)
        elif not node.is_leaf():
            for child in node.children():
                walk(child)

    walk(query)
    return [ScoringTerm(text, tuple(name for name in fields if name in named[text]), weights[text]) for text in named]


def tier_units(query: Query) -> list[Query] | None:
    """The parts every one of which a document must match to rank in the first tier, or None.

    The parts of a top-level OR (of the left side of a top-level ANDNOT):
    one word or phrase over several fields is one part. None unless there
    are two to :data:`~searchkit.query.MAX_TIERED_WORDS` parts.
    """
    if isinstance(query, AndNot):
        query = query.a
    if not isinstance(query, Or):
        return None
    grouped: dict[object, list[Query]] = {}
    for part in query.subqueries:
        if isinstance(part, Not):
            return None
        grouped.setdefault(_word_key(part), []).append(part)
    units = [parts[0] if len(parts) == 1 else Or(parts) for parts in grouped.values()]
    return units if 1 < len(units) <= MAX_TIERED_WORDS else None


def _word_key(part: Query):
    """The same word or phrase in any field gives the same key; anything else its own key."""
    if isinstance(part, Or) and part.subqueries and all(_leaf_key(sub) for sub in part.subqueries):
        keys = {_leaf_key(sub) for sub in part.subqueries}
        if len(keys) == 1:
            return keys.pop()
    return _leaf_key(part) or id(part)


def _leaf_key(part: Query):
    if isinstance(part, Term):
        return ("term", part.text, part.boost)
    if isinstance(part, Phrase):
        return ("phrase", tuple(part.words), part.slop, part.boost)
    if isinstance(part, MultiTerm) and hasattr(part, "text"):
        return (type(part).__name__, part.text, part.boost)
    return None


def union_all(parts: list[np.ndarray], size: int) -> np.ndarray:
    """The sorted union of sorted docnum arrays below ``size``: a sort when they are short,
    a mask over every document when they are long (linear, where a sort is not)."""
    parts = [part for part in parts if len(part)]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    if sum(len(part) for part in parts) * DENSE_FROM < size:
        return unique_sorted(np.concatenate(parts))
    held = np.zeros(size, dtype=bool)
    for part in parts:
        held[part] = True
    return np.flatnonzero(held).astype(np.int32)


DENSE_FROM = 32
"""Unions of more than one docnum in this many are made with a mask over every document."""


def _difference(docs: np.ndarray, drop: np.ndarray) -> np.ndarray:
    if not len(docs) or not len(drop):
        return docs
    return docs[~contains(drop, docs)]


__all__ = ["union_all", "QueryMatcher", "scoring_terms", "tier_units", "expand", "MAX_EXPANSIONS"]
