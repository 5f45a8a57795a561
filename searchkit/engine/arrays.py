"""The whole index as arrays: every segment's columnar copy behind global document numbers.

:class:`IndexArrays` is made once per open searcher. It opens the columnar
copy of each segment (:mod:`.columnar`; one missing, stale or damaged is
rebuilt from its segment, with a notice), and answers in global document
numbers (a segment's local number plus the segment's offset), deleted
documents left out:

- :meth:`IndexArrays.postings`: a term's documents, frequencies and length
  bytes in one field;
- the per-document columns ``is_article``, ``parents``, ``dates`` and
  ``live``, joined over segments when first used;
- :meth:`IndexArrays.having`: how many documents have a nonzero length in a
  field (deleted ones included, as Whoosh's field totals are).

Whoosh is touched only through its reader's segment list, deletions and,
for a rebuild, its public per-posting API.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import cached_property

import numpy as np

from .columnar import (
    ARTICLE_CODE,
    SCORED_FIELDS,
    UNDATED_RAW,
    SegmentCopy,
    copy_from_segment,
    deleted_in,
    open_copy,
    segment_file_sizes,
)
from .damage import CopyUnusable, SegmentDamaged
from .reading import segment_readers

EMPTY = np.zeros(0, dtype=np.int32)


class _Part:
    """One segment: its copy, its first global document number and its live documents."""

    def __init__(self, copy: SegmentCopy, offset: int, deleted: frozenset[int] | tuple):
        self.copy = copy
        self.offset = offset
        self.size = copy.doc_count
        self.deleted = None
        if deleted:
            self.deleted = np.zeros(self.size, dtype=bool)
            self.deleted[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = True


class IndexArrays:
    """The columnar copies of a reader's segments, addressed by global document number."""

    def __init__(
        self,
        reader,
        folder: str,
        notice: Callable[[str], None] | None = None,
        held: dict | None = None,
        damage: SegmentDamaged | None = None,
    ):
        """``held``: each segment's copy already open (:func:`.damage.hold_copy`); ``damage``: what
        the searcher found wrong with a segment's files when it opened (raised by :meth:`check`)."""
        self.size = reader.doc_count_all()
        self.live_count = reader.doc_count()
        self.parts: list[_Part] = []
        self.damage = damage
        held = held or {}
        for leaf, offset in segment_readers(reader):
            copy = _open_or_rebuild(leaf, folder, notice, held.get(leaf.segment().segment_id()))
            self.parts.append(_Part(copy, offset, deleted_in(leaf)))

    def check(self) -> None:
        """Raise :class:`SegmentDamaged` when a segment file changed size since it was written.

        Ranking reads the copy, not the segment, so a damaged segment would go
        unnoticed until a stored field or a position is read: every search
        asks first (the index still opens, for what needs no search).
        """
        if self.damage is not None:
            raise self.damage

    def postings(self, field_name: str, term: str) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per segment holding ``term`` in ``field_name``: (global docnums, frequencies, length bytes), live only."""
        found = []
        for part in self.parts:
            docs, frequencies = part.copy.postings(field_name, term)
            if not len(docs):
                continue
            if part.deleted is not None:
                keep = ~part.deleted[docs]
                docs, frequencies = docs[keep], frequencies[keep]
                if not len(docs):
                    continue
            lengths = part.copy.column(f"lengths.{field_name}")[docs] if field_name in SCORED_FIELDS else None
            found.append((docs + part.offset, frequencies, lengths))
        return found

    def documents(self, field_name: str, term: str) -> np.ndarray:
        """Global docnums of the live documents holding ``term`` in ``field_name``, ascending."""
        parts = [docs for docs, _, _ in self.postings(field_name, term)]
        return np.concatenate(parts) if parts else EMPTY

    def document_length(self, docnum: int, fields) -> float:
        """How many indexed terms a document holds in ``fields`` (from the forward copy)."""
        part = self.parts[self._part_of(docnum)]
        return sum(part.copy.document_length(name, docnum - part.offset) for name in fields)

    def weighted_terms(self, docs: list[int], weights: list[float], fields) -> dict[str, float]:
        """Each term of the documents' ``fields`` with the sum of weight times frequency over them."""
        by_part: dict[int, tuple[list[int], list[float]]] = {}
        for docnum, weight in zip(docs, weights, strict=True):
            index = self._part_of(docnum)
            local, shares = by_part.setdefault(index, ([], []))
            local.append(docnum - self.parts[index].offset)
            shares.append(weight)
        total: dict[str, float] = {}
        for index, (local, shares) in by_part.items():
            for name in fields:
                for text, value in self.parts[index].copy.weighted_terms(name, local, shares).items():
                    total[text] = total.get(text, 0.0) + value
        return total

    def document_id(self, docnum: int) -> str:
        """A document's ``id`` field."""
        part = self.parts[self._part_of(docnum)]
        return part.copy.document_id(docnum - part.offset)

    def _part_of(self, docnum: int) -> int:
        low, high = 0, len(self.parts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.parts[middle].offset <= docnum:
                low = middle
            else:
                high = middle - 1
        return low

    def having(self, field_name: str) -> int:
        """Documents (deleted included) whose ``field_name`` has a nonzero length."""
        return sum(part.copy.having.get(field_name, 0) for part in self.parts)

    def _joined(self, name: str, convert=None) -> np.ndarray:
        columns = []
        for part in self.parts:
            column = part.copy.column(name)
            columns.append(convert(column, part) if convert else column)
        return np.concatenate(columns) if columns else np.zeros(0)

    @cached_property
    def live(self) -> np.ndarray:
        """True for every live document."""
        live = np.ones(self.size, dtype=bool)
        for part in self.parts:
            if part.deleted is not None:
                live[part.offset : part.offset + part.size] = ~part.deleted
        return live

    @cached_property
    def live_documents(self) -> np.ndarray:
        return np.flatnonzero(self.live).astype(np.int32)

    @cached_property
    def is_article(self) -> np.ndarray:
        return self._joined("kind") == ARTICLE_CODE if self.parts else np.zeros(0, dtype=bool)

    @cached_property
    def articles(self) -> np.ndarray:
        """Global docnums of every article document (deleted ones included), ascending."""
        return np.flatnonzero(self.is_article).astype(np.int32)

    @cached_property
    def parents(self) -> np.ndarray:
        """Each document's article (an article is its own)."""
        if not self.parts:
            return EMPTY
        return self._joined("parent", lambda column, part: column + np.int32(part.offset))

    @cached_property
    def dates(self) -> np.ndarray:
        """The raw date column (:data:`UNDATED_RAW` where there is no date)."""
        if not self.parts:
            return np.zeros(0, dtype=np.uint64)
        return self._joined("date")

    def comments_under(self, article: int) -> tuple[int, int]:
        """The docnum range (start, end) of an article's comments (deleted ones among them)."""
        articles = self.articles
        index = int(np.searchsorted(articles, article, side="right"))
        end = int(articles[index]) if index < len(articles) else self.size
        return article + 1, end

    def close(self) -> None:
        for part in self.parts:
            part.copy.close()
        self.parts = []


def _open_or_rebuild(leaf, folder: str, notice, handle) -> SegmentCopy:
    segment_id = leaf.segment().segment_id()
    count = leaf.doc_count_all()
    try:
        if handle is None:
            raise CopyUnusable(f"{segment_id}.cols is missing")
        return open_copy(folder, segment_id, count, handle)
    except CopyUnusable as why:
        problem = str(why)
    if not segment_file_sizes(folder, segment_id):  # a writer merged it away meanwhile: open the index again
        raise FileNotFoundError(f"segment {segment_id} is gone")
    try:
        copy_from_segment(leaf, folder)
        copy = open_copy(folder, segment_id, count)
        where = "rebuilt from its segment"
    except OSError:  # a read-only index folder: the copy lives in a temporary file for this search
        scratch = tempfile.mkdtemp(prefix="searchkit-")
        copy_from_segment(leaf, scratch)
        copy = open_copy(scratch, segment_id, count)
        os.remove(copy.path)
        os.rmdir(scratch)
        where = "rebuilt in memory for this search"
    if notice is not None:
        notice(f"the columnar copy {problem}: {where}")
    return copy


__all__ = ["IndexArrays", "UNDATED_RAW", "EMPTY"]
