"""The columnar copy of a segment: what ranking needs, as flat arrays read through a memory map.

Beside each Whoosh segment ``MAIN_<id>`` the segment builder writes
``MAIN_<id>.cols`` (Whoosh's own clean-up deletes it with its segment, since
it matches Whoosh's segment-file pattern). It holds, for the text fields
(:data:`COPY_FIELDS`):

- the field's terms, sorted as UTF-8 bytes (one byte blob and its offsets);
- per term, the document numbers (local to the segment, ascending) and the
  term frequencies, one flat array each, cut by per-term offsets;
- per document, the field's length byte (Whoosh's one-byte quantised length);
- a forward copy: per document, its terms (as vocabulary positions) and
  their frequencies, for pseudo-relevance feedback;

and per document: ``kind`` (1 for an article), ``parent`` (the local number
of the document's article; an article is its own), ``date`` (the raw
value of Whoosh's date column, :data:`UNDATED_RAW` when there is none) and
``id`` (so a ranking needs no stored field).
Deleted documents are not in the copy: deletions change without the segment
being rewritten, so they are read from Whoosh at search time.

The file is a fixed magic, the length of a JSON header, the header (what
arrays there are, their dtype, offset and length; the segment's id and size;
per field the number of documents with a nonzero length), then the arrays,
each 64-byte aligned. Nothing is pickled: an index from an untrusted source
still holds Whoosh's pickled metadata (README), but reading the copy never
runs code. :func:`open_copy` checks the header, the file's size and every
offset table; a copy that is missing, stale or damaged raises
:class:`CopyUnusable` and the caller rebuilds it from the segment with
:func:`copy_from_segment` (slow: Whoosh's per-posting API), never answering
from a wrong copy.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .. import schema as f
from .damage import MAGIC, CopyUnusable
from .docsets import grouped_sums
from .reading import every_posting

SUFFIX = ".cols"
ALIGN = 64
COPY_FIELDS = (f.TITLE, f.BODY, f.COMMENT, f.AUTHOR)
"""Fields whose postings the copy holds: the scored text fields, and comment authors for filters."""
SCORED_FIELDS = (f.TITLE, f.BODY, f.COMMENT)
"""Fields whose length bytes the copy holds."""
UNDATED_RAW = 2**64 - 1
"""What Whoosh's date column holds for a document without a date."""
ARTICLE_CODE = 1


def copy_name(segment_id: str) -> str:
    return segment_id + SUFFIX


@dataclass
class FieldPostings:
    """One field's postings in one segment, term by term (terms sorted as UTF-8 bytes)."""

    terms: list[bytes]
    docs: list[np.ndarray]
    frequencies: list[np.ndarray]


def write_copy(
    folder: str,
    segment_id: str,
    doc_count: int,
    fields: dict[str, FieldPostings],
    length_bytes: dict[str, bytes | bytearray],
    kinds: bytes | bytearray,
    parents: np.ndarray,
    dates: np.ndarray,
    ids: list[str],
    segment_files: dict[str, int],
) -> str:
    """Write the copy of one segment (to a temporary name, then renamed); returns its file name.

    ``segment_files`` are the sizes of the segment's own files: a search checks
    them, so a segment file cut short is reported even though ranking no
    longer reads it."""
    arrays: dict[str, np.ndarray] = {
        "kind": np.frombuffer(bytes(kinds), dtype=np.uint8),
        "parent": np.asarray(parents, dtype=np.int32),
        "date": np.asarray(dates, dtype=np.uint64),
    }
    encoded_ids = [value.encode("utf-8") for value in ids]
    id_starts = np.zeros(len(encoded_ids) + 1, dtype=np.int64)
    np.cumsum([len(value) for value in encoded_ids], out=id_starts[1:])
    arrays["ids"] = np.frombuffer(b"".join(encoded_ids), dtype=np.uint8)
    arrays["id_starts"] = id_starts
    having = {}
    for name in SCORED_FIELDS:
        lengths = np.frombuffer(bytes(length_bytes.get(name) or bytes(doc_count)), dtype=np.uint8)
        arrays[f"lengths.{name}"] = lengths
        having[name] = int(np.count_nonzero(lengths))
    for name, postings in fields.items():
        encoded = postings.terms
        term_starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(term) for term in encoded], out=term_starts[1:])
        starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(docs) for docs in postings.docs], out=starts[1:])
        arrays[f"terms.{name}"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        arrays[f"term_starts.{name}"] = term_starts
        arrays[f"prefixes.{name}"] = _prefixes(encoded)
        arrays[f"starts.{name}"] = starts
        docs = arrays[f"docs.{name}"] = _joined(postings.docs, np.int32)
        frequencies = arrays[f"tf.{name}"] = _joined(postings.frequencies, np.float32)
        if name in SCORED_FIELDS:  # the forward copy: each document's terms, for feedback
            ordinals = np.repeat(np.arange(len(encoded), dtype=np.int32), np.diff(starts))
            by_document = np.argsort(docs, kind="stable")
            document_starts = np.zeros(doc_count + 1, dtype=np.int64)
            np.cumsum(np.bincount(docs, minlength=doc_count), out=document_starts[1:])
            arrays[f"doc_starts.{name}"] = document_starts
            arrays[f"doc_terms.{name}"] = ordinals[by_document]
            arrays[f"doc_tf.{name}"] = frequencies[by_document]
    for name, values in arrays.items():
        if len(values) != doc_count and name.split(".")[0] in ("kind", "parent", "date", "lengths"):
            raise ValueError(f"column {name} has {len(values)} values for {doc_count} documents")
    header = {"segment": segment_id, "docs": doc_count, "having": having, "files": segment_files, "arrays": {}}
    position = 0
    for name, values in arrays.items():
        header["arrays"][name] = [position, values.dtype.str, len(values)]
        position += _aligned(values.nbytes)
    encoded_header = json.dumps(header, sort_keys=True).encode("utf-8")
    start = _aligned(len(MAGIC) + 8 + len(encoded_header))
    name = copy_name(segment_id)
    temporary = os.path.join(folder, f".{name}.tmp")
    with open(temporary, "wb") as out:
        out.write(MAGIC + struct.pack("<Q", len(encoded_header)) + encoded_header)
        out.write(bytes(start - out.tell()))
        for values in arrays.values():
            out.write(values.tobytes())
            out.write(bytes(_aligned(values.nbytes) - values.nbytes))
    os.replace(temporary, os.path.join(folder, name))
    return name


def _prefix(term: bytes) -> bytes:
    return term[:8].ljust(8, b"\0")


def _prefixes(terms: list[bytes]) -> np.ndarray:
    """Each term's first 8 bytes as a big-endian integer: sorted as the terms are, searched in C."""
    return np.frombuffer(b"".join(map(_prefix, terms)), dtype=">u8").astype(np.uint64)


def _joined(parts: list, dtype) -> np.ndarray:
    """One array of ``parts`` (arrays of 4-byte items: ``array("I")``, ``array("f")`` or numpy)."""
    return np.frombuffer(b"".join(parts), dtype=dtype) if parts else np.zeros(0, dtype=dtype)


def _aligned(size: int) -> int:
    return -(-size // ALIGN) * ALIGN


class SegmentCopy:
    """The columnar copy of one segment, read through a memory map (only touched pages are read)."""

    def __init__(self, path: str, segment_id: str, doc_count: int, handle=None):
        """``handle``: the file already open (held since the searcher opened), else ``path`` is opened."""
        try:
            if handle is not None:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            else:
                with open(path, "rb") as opened:
                    self._map = mmap.mmap(opened.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            raise CopyUnusable(f"{os.path.basename(path)} is missing") from None
        except (OSError, ValueError) as exc:  # an empty file cannot be mapped
            raise CopyUnusable(f"{os.path.basename(path)} cannot be read ({exc})") from None
        self.path = path
        self._arrays: dict[str, np.ndarray] = {}
        self._offsets: dict[str, int] = {}
        header = self._header(segment_id, doc_count)
        self.doc_count = doc_count
        self.having: dict[str, int] = header["having"]
        self.segment_files: dict[str, int] = header.get("files") or {}

    def _header(self, segment_id: str, doc_count: int) -> dict:
        data = self._map
        where = os.path.basename(self.path)
        if data[: len(MAGIC)] != MAGIC:
            raise CopyUnusable(f"{where} is not a columnar copy")
        try:
            (size,) = struct.unpack("<Q", data[len(MAGIC) : len(MAGIC) + 8])
            header = json.loads(data[len(MAGIC) + 8 : len(MAGIC) + 8 + size].decode("utf-8"))
        except (struct.error, ValueError, UnicodeDecodeError):
            raise CopyUnusable(f"{where} has a damaged header") from None
        if header.get("segment") != segment_id or header.get("docs") != doc_count:
            raise CopyUnusable(f"{where} is stale (it describes another segment)")
        start = _aligned(len(MAGIC) + 8 + size)
        try:
            for name, (offset, dtype, length) in header["arrays"].items():
                dtype = np.dtype(dtype)
                end = start + offset + length * dtype.itemsize
                if dtype.hasobject or end > len(data):
                    raise CopyUnusable(f"{where} is cut short")
                self._arrays[name] = np.frombuffer(data, dtype=dtype, count=length, offset=start + offset)
                self._offsets[name] = start + offset
        except (KeyError, TypeError, ValueError):
            raise CopyUnusable(f"{where} has a damaged header") from None
        for name in ("kind", "parent", "date", *(f"lengths.{field}" for field in SCORED_FIELDS)):
            if len(self._arrays.get(name, ())) != doc_count:
                raise CopyUnusable(f"{where} lacks the {name} column")
        id_starts = self._arrays.get("id_starts")
        if id_starts is None or len(id_starts) != doc_count + 1 or id_starts[-1] != len(self._arrays["ids"]):
            raise CopyUnusable(f"{where} lacks the id column")
        for field_name in COPY_FIELDS:
            if f"docs.{field_name}" not in self._arrays:
                continue
            terms, term_starts = self._arrays[f"terms.{field_name}"], self._arrays[f"term_starts.{field_name}"]
            starts, docs = self._arrays[f"starts.{field_name}"], self._arrays[f"docs.{field_name}"]
            if (
                len(starts) != len(term_starts)
                or len(self._arrays.get(f"prefixes.{field_name}", ())) != len(starts) - 1
                or term_starts[-1] != len(terms)
                or starts[-1] != len(docs)
                or len(self._arrays[f"tf.{field_name}"]) != len(docs)
                or np.any(np.diff(starts) < 0)
            ):
                raise CopyUnusable(f"{where} has damaged {field_name} postings")
        return header

    def column(self, name: str) -> np.ndarray:
        """``kind``, ``parent``, ``date`` or ``lengths.<field>``: one value per document."""
        return self._arrays[name]

    def term_ordinal(self, field_name: str, term: str) -> int:
        """The term's position in the field's sorted vocabulary, or -1: a search in C among the
        terms' 8-byte prefixes, then a comparison of the few terms that share the prefix."""
        prefixes = self._arrays.get(f"prefixes.{field_name}")
        if prefixes is None:
            return -1
        wanted = term.encode("utf-8")
        key = np.uint64(int.from_bytes(_prefix(wanted), "big"))
        origin = low = int(np.searchsorted(prefixes, key, side="left"))
        high = int(np.searchsorted(prefixes, key, side="right"))
        if low == high:
            return -1
        base, data = self._offsets[f"terms.{field_name}"], self._map
        bounds = self._arrays[f"term_starts.{field_name}"][low : high + 1].tolist()
        while low < high:  # among the terms sharing the prefix (usually one), by binary search
            middle = (low + high) // 2
            found = data[base + bounds[middle - origin] : base + bounds[middle - origin + 1]]
            if found < wanted:
                low = middle + 1
            elif found > wanted:
                high = middle
            else:
                return middle
        return -1

    def document_id(self, docnum: int) -> str:
        """The ``id`` field of a document."""
        starts, base = self._arrays["id_starts"], self._offsets["ids"]
        return self._map[base + int(starts[docnum]) : base + int(starts[docnum + 1])].decode("utf-8")

    def _texts(self, name: str, ordinals: np.ndarray) -> list[str]:
        starts = self._arrays[f"term_starts.{name}"]
        base, data = self._offsets[f"terms.{name}"], self._map
        firsts, lasts = (starts[ordinals] + base).tolist(), (starts[ordinals + 1] + base).tolist()
        return [data[first:last].decode("utf-8") for first, last in zip(firsts, lasts, strict=True)]

    def document_length(self, field_name: str, docnum: int) -> float:
        """How many indexed terms (repeats counted) one document's field holds."""
        starts = self._arrays.get(f"doc_starts.{field_name}")
        if starts is None:
            return 0.0
        first, last = starts[docnum : docnum + 2].tolist()
        return float(self._arrays[f"doc_tf.{field_name}"][first:last].sum())

    def weighted_terms(self, field_name: str, docs: list[int], weights: list[float]) -> dict[str, float]:
        """Each term of the documents' field with the sum over them of weight times frequency."""
        starts = self._arrays.get(f"doc_starts.{field_name}")
        if starts is None or not docs:
            return {}
        ordinals, values = [], []
        for docnum, weight in zip(docs, weights, strict=True):
            first, last = starts[docnum : docnum + 2].tolist()
            ordinals.append(self._arrays[f"doc_terms.{field_name}"][first:last])
            values.append(self._arrays[f"doc_tf.{field_name}"][first:last] * weight)
        distinct, summed = grouped_sums(np.concatenate(ordinals), np.concatenate(values))
        return dict(zip(self._texts(field_name, distinct), summed.tolist(), strict=True))

    def postings(self, field_name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Local document numbers (ascending) and term frequencies of ``term`` in ``field_name``."""
        ordinal = self.term_ordinal(field_name, term)
        if ordinal < 0:
            return _NO_DOCS, _NO_FREQUENCIES
        starts = self._arrays[f"starts.{field_name}"]
        first, last = int(starts[ordinal]), int(starts[ordinal + 1])
        docs = self._arrays[f"docs.{field_name}"][first:last]
        if len(docs) and (docs[-1] >= self.doc_count or docs[0] < 0):
            raise CopyUnusable(f"{os.path.basename(self.path)} has a damaged posting list")
        return docs, self._arrays[f"tf.{field_name}"][first:last]

    def close(self) -> None:
        self._arrays.clear()
        try:
            self._map.close()
        except BufferError:  # an array still points into the map: the map closes with it
            pass


_NO_DOCS = np.zeros(0, dtype=np.int32)
_NO_FREQUENCIES = np.zeros(0, dtype=np.float32)


def open_copy(folder: str, segment_id: str, doc_count: int, handle=None) -> SegmentCopy:
    """The segment's copy (from ``handle`` when held open); raises :class:`CopyUnusable` when it
    is missing, stale or damaged."""
    return SegmentCopy(os.path.join(folder, copy_name(segment_id)), segment_id, doc_count, handle)


def segment_file_sizes(folder: str, segment_id: str) -> dict[str, int]:
    """The sizes of a segment's own files (its columnar copy aside)."""
    return {
        entry.name: entry.stat().st_size
        for entry in os.scandir(folder)
        if entry.name.startswith(segment_id + ".") and not entry.name.endswith(SUFFIX)
    }


def copy_from_segment(leaf_reader, folder: str) -> str:
    """Rebuild a segment's copy from the segment itself through Whoosh's public API.

    Written to ``folder`` (returns the file name); this reads every
    posting one at a time, so it is the slow path for indexes made before the
    copy existed or whose copy was damaged.
    """
    from whoosh.util.numeric import length_to_byte

    segment_id = leaf_reader.segment().segment_id()
    count = leaf_reader.doc_count_all()
    fields = {}
    indexed = set(leaf_reader.indexed_field_names())
    for name in COPY_FIELDS:
        if name not in indexed:
            continue
        postings = FieldPostings([], [], [])
        for text, _info in leaf_reader.iter_field(name):
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            matcher = every_posting(leaf_reader, name, text)
            docs, weights = [], []
            while matcher.is_active():
                docs.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
            postings.terms.append(text.encode("utf-8"))
            postings.docs.append(np.asarray(docs, dtype=np.int32))
            postings.frequencies.append(np.asarray(weights, dtype=np.float32))
        fields[name] = postings
    lengths = {
        name: bytes(length_to_byte(leaf_reader.doc_field_length(d, name, 0)) for d in range(count))
        for name in SCORED_FIELDS
    }
    kinds, parents, dates, ids = _document_columns(leaf_reader, count)
    files = segment_file_sizes(leaf_reader.storage().folder, segment_id)
    return write_copy(folder, segment_id, count, fields, lengths, kinds, parents, dates, ids, files)


def _document_columns(leaf_reader, count: int) -> tuple[bytearray, np.ndarray, np.ndarray, list[str]]:
    kinds = bytearray(count)
    ids = []
    parents = np.zeros(count, dtype=np.int32)
    dates = np.full(count, UNDATED_RAW, dtype=np.uint64)
    date_field = leaf_reader.schema[f.DATE]
    article = 0
    for docnum in range(count):
        stored = leaf_reader.stored_fields(docnum)
        ids.append(stored.get(f.ID_FIELD) or "")
        if stored.get(f.KIND) == f.ARTICLE:
            kinds[docnum] = ARTICLE_CODE
            article = docnum
        parents[docnum] = article
        if stored.get(f.DATE) is not None:
            dates[docnum] = date_field.to_column_value(stored[f.DATE])
    return kinds, parents, dates, ids


def deleted_in(leaf_reader) -> Iterable[int]:
    """The deleted local document numbers of a segment reader."""
    return leaf_reader.deleted_docs_set if leaf_reader.has_deletions() else ()
