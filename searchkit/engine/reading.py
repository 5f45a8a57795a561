"""The read side of the engine: a segment's postings, positions, field lengths and deleted
documents, its columns, and the state kept per open searcher.

Whoosh's matchers cost about 3 µs a posting through their public methods.
For Whoosh 2.7's own codec (``W3LeafMatcher``) :class:`Leaf` reads postings
a block at a time and field lengths as one byte string per segment; any
other matcher or column type falls back to the public per-posting API, with
the same results. :func:`hold_files` opens a segment's lazily opened column
files with the searcher and checks them; :func:`truncated_lengths` finds a
length column cut short after a search failed; :func:`term_counts` lists a
field's terms with their document frequencies.

:class:`SearcherState` is searchkit's own object for one open searcher: the
things computed once per commit (document layout, the BM25F scorer with its
caches, the raw date column, document frequencies) are kept on it, never on
Whoosh's searcher. :class:`searchkit.index.Index` makes one when it opens a
searcher and drops it when the searcher is closed or replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

from .. import schema as f
from .damage import changed_segment_file, hold_copy, recorded_sizes

try:  # the fast paths know these classes; without them the public API is used
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, W3LeafMatcher
    from whoosh.matching.wrappers import FilterMatcher
except ImportError:  # pragma: no cover - another Whoosh fork
    LENGTHS_COLUMN = STORED_COLUMN = W3LeafMatcher = FilterMatcher = None


class SearcherState:
    """One open Whoosh searcher, the columnar copies of its segments (:class:`IndexArrays`) and
    what searchkit computes once for it (a new commit means a new searcher, so a new state).
    ``notices`` are one-line messages for the user (a columnar copy rebuilt). Closing it closes
    the searcher and the copies and drops the caches."""

    def __init__(self, searcher, folder: str):
        self.searcher = searcher
        self.folder = folder
        self.notices: list[str] = []
        self._arrays = None
        self._made: dict[str, Any] = {}
        self._held: dict[str, Any] = {}
        self._damage = None
        try:
            for leaf, _ in segment_readers(searcher.reader()):
                segment_id = leaf.segment().segment_id()
                handle = self._held[segment_id] = hold_copy(folder, segment_id)
                if handle is not None and self._damage is None:
                    self._damage = changed_segment_file(folder, recorded_sizes(handle))
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        for handle in self._held.values():
            if handle is not None:
                handle.close()
        self._held = {}

    def open_arrays(self):
        """The columnar copies, opened on first use (numpy is not imported until a search needs it)."""
        if self._arrays is None:
            from .arrays import IndexArrays

            reader = self.searcher.reader()
            self._arrays = IndexArrays(reader, self.folder, self.notices.append, self._held, self._damage)
        return self._arrays

    @property
    def arrays(self):
        return self.open_arrays()

    def cached(self, name: str, make: Callable[[Any], Any]):
        """``make(searcher)``, computed on first use and kept while this searcher is open."""
        value = self._made.get(name)
        if value is None:
            value = self._made[name] = make(self.searcher)
        return value

    @property
    def dates(self):
        """The raw date column (Whoosh's datetime ticks; :data:`UNDATED_RAW` where there is no date)."""
        return self.arrays.dates

    def up_to_date(self) -> bool:
        return self.searcher.up_to_date()

    def close(self) -> None:
        self._made.clear()
        if self._arrays is not None:
            self._arrays.close()
        self._release()
        self.searcher.close()


def segment_readers(reader):
    """(segment reader, first global docnum) of each segment holding documents (an empty
    index's reader stands for no segment)."""
    return [(leaf, offset) for leaf, offset in reader.leaf_readers() if leaf.doc_count_all() and leaf.segment()]


def every_posting(reader, field_name: str, term: str):
    """The term's posting matcher in one segment with its deleted documents too (the one under
    Whoosh's deletion filter, rewound to its start), or None when the segment lacks the term."""
    try:
        matcher = reader.postings(field_name, term)
    except TermNotFound:
        return None
    if FilterMatcher is not None and isinstance(matcher, FilterMatcher):
        matcher = matcher.child
        matcher.reset()  # the filter has already stepped over leading deleted documents
    return matcher


class Leaf:
    """One segment's reader, for what the columnar copy does not hold: word positions."""

    def __init__(self, reader, offset: int):
        self.reader = reader
        self.offset = offset

    def _matcher(self, field_name: str, term: str):
        return every_posting(self.reader, field_name, term)

    def consecutive(self, field_name: str, words: list[str], candidates: set[int]) -> list[int]:
        """The local ``candidates`` whose ``field_name`` holds ``words`` at consecutive positions
        (the candidates hold every word: only their positions are read)."""
        by_word = {word: self.positions(field_name, word, candidates) for word in set(words)}
        lead, follow = by_word[words[0]], [by_word[word] for word in words[1:]]
        return [
            docnum
            for docnum in candidates
            if docnum in lead and all(docnum in after for after in follow) and _in_a_row(docnum, lead, follow)
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
                            found[docnum] = decode_positions(value)
                matcher._next_block()
        else:
            while matcher.is_active():
                docnum = matcher.id()
                if docnum in wanted:
                    found[docnum] = frozenset(matcher.value_as("positions"))
                matcher.next()
        return found


_COUNT_BYTES = 4
"""Whoosh's Positions values: a 4-byte count, then the pickled position deltas."""
_DECODED: dict[bytes, frozenset[int]] = {}


def decode_positions(value: bytes) -> frozenset[int]:
    """The positions of one posting value; the same values recur (a word once, at the start)."""
    found = _DECODED.get(value)
    if found is None:
        if len(_DECODED) > 100_000:
            _DECODED.clear()
        found = _DECODED[value] = frozenset(accumulate(loads(value[_COUNT_BYTES:])))
    return found


def hold_files(searcher) -> None:
    """Open now the column files Whoosh opens on first use (stored fields, field lengths,
    sort columns), so that a writer deleting a merged segment later cannot pull them away
    from a running search; raise FileNotFoundError if one is already gone."""
    for leaf, _ in searcher.reader().leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if not hasattr(perdoc, "_cached_reader") or STORED_COLUMN is None:
            return  # another codec: nothing to hold
        if leaf.doc_count_all() and perdoc._cached_reader("_stored", STORED_COLUMN) is None:
            raise FileNotFoundError(f"stored fields of segment {leaf.segment().segment_id()}")
        for name, field_type in leaf.schema.items():
            if field_type.scorable and leaf.field_length(name):
                if perdoc._cached_reader(f"_{name}_len", LENGTHS_COLUMN) is None:
                    raise FileNotFoundError(f"{name} lengths of segment {leaf.segment().segment_id()}")
            if field_type.column_type and perdoc.has_column(name):
                column = perdoc.column_reader(name, field_type.column_type)
                if name == f.DATE:
                    _check_date_column(leaf, column)


DATE_CHECK_DOCS = 64
"""How many documents from a segment's end :func:`_check_date_column` looks at, at most."""


def _check_date_column(leaf, column) -> None:
    """Raise ValueError when the date column of a segment is cut short.

    Whoosh writes a fixed-width column only up to its last non-default value
    and reads a missing tail as "no date" without a word, so a truncated date
    column would silently turn dated documents undated (wrong --sort date,
    filters and counts). A length that is not a whole number of values is cut
    short; so is a column that ends before the last document whose stored
    fields hold a date (looked for among the last :data:`DATE_CHECK_DOCS`).
    """
    count, width = getattr(column, "_count", None), getattr(column, "_fixedlen", None)
    if count is None or not width:
        return  # another column reader: nothing to check
    where = f"the date column of segment {leaf.segment().segment_id()} is cut short"
    length = getattr(leaf._perdoc, "_colfiles", {}).get(f.DATE, (None, None, None))[2]
    if length is not None and length % width:
        raise ValueError(where)
    total = leaf.doc_count_all()
    for docnum in range(total - 1, max(total - DATE_CHECK_DOCS, 0) - 1, -1):
        if leaf.stored_fields(docnum).get(f.DATE) is not None:
            if docnum >= count:
                raise ValueError(where)
            return


def truncated_lengths(searcher) -> str | None:
    """Which field-length column of the searcher's segments is cut short, or None.

    Whoosh reads the missing tail of a truncated column as zeros without a
    word; the sum of the lengths it holds then falls well below the field's
    total length, which the segment keeps apart. Lengths are stored rounded
    to one byte, so only a shortfall of more than a fifth counts. Checked
    only after a search failed: it reads every length.
    """
    for leaf, _ in searcher.reader().leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if not hasattr(perdoc, "_cached_reader") or LENGTHS_COLUMN is None:
            return None
        for name, field_type in leaf.schema.items():
            total = leaf.field_length(name) if field_type.scorable else 0
            if not total:
                continue
            column = perdoc._cached_reader(f"_{name}_len", LENGTHS_COLUMN)
            held = 0 if column is None else sum(byte_to_length(byte) for byte in _column_bytes(column))
            if held < 0.8 * total:
                return f"the {name} lengths of segment {leaf.segment().segment_id()} are cut short"
    return None


def _in_a_row(docnum: int, lead: dict, follow: list[dict]) -> bool:
    """Whether some position of the first word is followed by each next word, one step at a time."""
    return any(all(start + step in after[docnum] for step, after in enumerate(follow, 1)) for start in lead[docnum])


def _column_bytes(column):
    raw = getattr(column, "_dbfile", None)
    if raw is not None and getattr(column, "_count", None) is not None:
        return raw.get(column._basepos, column._count)
    return (length_to_byte(column[docnum]) for docnum in range(len(column)))


def term_counts(reader, field_name: str) -> dict[str, int]:
    """Every term of one field with its document frequency, summed over segments."""
    counts: dict[str, int] = {}
    if field_name not in reader.schema:
        return counts
    for leaf, _offset in reader.leaf_readers():
        if field_name not in set(leaf.indexed_field_names()):
            continue
        for text, info in leaf.iter_field(field_name):
            term = text.decode("utf-8")
            counts[term] = counts.get(term, 0) + info.doc_frequency()
    return counts
