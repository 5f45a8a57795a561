"""Writing one Whoosh segment quickly: the inner loop of indexing.

Whoosh's own writer runs the analyzer token by token through generators,
puts every posting through a sorting pool, and at commit looks up the field
length of each posting again (a file-existence check per posting for fields
without lengths). :class:`SegmentBuilder` writes a segment in Whoosh 3's
file format instead: it keeps each field's postings in a dictionary
(documents arrive in order, so postings need no sort), analyses text fields
with :func:`searchkit.analysis.term_positions`, remembers field lengths as it
goes, and writes a term's blocks in one go (:class:`_TermWriter`).

Stored fields, lengths and columns go through Whoosh's codec and come out
byte for byte as Whoosh writes them. The postings decode to the same
documents, weights, positions and block statistics, but blocks of a few
postings are not compressed and equal position lists are pickled once.
``tests/test_segments.py`` checks all of this against Whoosh's writer.

A builder holds its postings in memory until :meth:`SegmentBuilder.finish`;
callers bound memory by giving each builder a bounded share of the input
(:mod:`searchkit.indexing` cuts the input into batches)."""

from __future__ import annotations

import os
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable
from pickle import dumps

from whoosh.analysis import CompositeAnalyzer, RegexTokenizer
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.formats import Positions
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from .. import schema as f
from ..analysis import TOKEN_PATTERN, NewsFilter, surface_words_of, term_positions
from .columnar import (
    ARTICLE_CODE,
    COPY_FIELDS,
    SCORED_FIELDS,
    UNDATED_RAW,
    FieldPostings,
    segment_file_sizes,
    write_copy,
)

BLOCK_LIMIT = W3Codec()._blocklimit
"""Postings per block, as Whoosh's codec writes them."""
COMPRESS_FROM = 16
"""Blocks of fewer postings are stored uncompressed: zlib costs more than it saves on a few bytes."""
ZLIB_LEVEL = W3Codec()._compression
CACHED_VALUES = 4096
"""Distinct values remembered per field whose terms repeat (kind, source, date, author...)."""


class SegmentBuilder:
    """Add documents (dicts of field values, as for ``writer.add_document``), then :meth:`finish`."""

    def __init__(self, storage, indexname: str, schema, words: Counter | None = None, vocabulary_fields=()):
        """``words``, when given, counts the documents each surface word of ``vocabulary_fields`` is in."""
        self.storage = storage
        self.schema = schema
        self.codec = W3Codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self._perdoc = self.codec.per_document_writer(storage, self.segment)
        self._fieldwriter = self.codec.field_writer(storage, self.segment)
        self.doc_count = 0
        self.words = words
        self.vocabulary_fields = frozenset(vocabulary_fields)
        self._postings: dict[str, dict[bytes, tuple[array, array, list]]] = {}
        self._valueless: set[str] = set()
        self._lengths: dict[str, list[int]] = {}
        self._text_filters: dict[str, NewsFilter] = {}
        self._cached: dict[str, dict] = {}
        self._length_bytes = {name: bytearray() for name in SCORED_FIELDS}
        self._kinds = bytearray()
        self._parents = array("i")
        self._dates = array("Q")
        self._ids: list[str] = []
        self._article = 0
        for name, field in schema.items():
            if not field.indexed:
                continue
            self._postings[name] = {}
            if field.format.fixed_value_size() == 0:
                self._valueless.add(name)
            if field.scorable:
                self._lengths[name] = []
            word_filter = _fast_text_filter(field)
            if word_filter is not None:
                self._text_filters[name] = word_filter
            elif not field.unique:
                self._cached[name] = {}

    def add(self, document: dict) -> None:
        """Add one document; ``None`` values are left out, as Whoosh does."""
        docnum = self.doc_count
        perdoc = self._perdoc
        schema = self.schema
        surface = set() if self.words is not None else None
        perdoc.start_doc(docnum)
        for name in sorted(document):
            value = document[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if name in self._text_filters:
                length = self._add_text(name, value, docnum, surface)
            elif field.indexed:
                length = self._add_terms(name, field, value, docnum)
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
            lengths = self._lengths.get(name)
            if lengths is not None:
                length_byte = length_to_byte(length)
                lengths.append(byte_to_length(length_byte) if length_byte else 0)
                if name in self._length_bytes:
                    self._length_bytes[name].append(length_byte)
        perdoc.finish_doc()
        for lengths in self._lengths.values():
            if len(lengths) <= docnum:
                lengths.append(0)
        for length_bytes in self._length_bytes.values():
            if len(length_bytes) <= docnum:
                length_bytes.append(0)
        self._add_columns(document, docnum)
        if surface:
            self.words.update(surface)
        self.doc_count += 1

    def _add_columns(self, document: dict, docnum: int) -> None:
        """The columnar copy's per-document columns: kind, the article's docnum, the raw date."""
        if document.get(f.KIND) == f.ARTICLE:
            self._kinds.append(ARTICLE_CODE)
            self._article = docnum
        else:
            self._kinds.append(0)
        self._parents.append(self._article)
        self._ids.append(document.get(f.ID_FIELD) or "")
        date = document.get(f.DATE)
        self._dates.append(UNDATED_RAW if date is None else self.schema[f.DATE].to_column_value(date))

    def _add_text(self, name: str, text: str, docnum: int, surface: set | None) -> int:
        """Postings of a text field, keyed by term (str sorts as its UTF-8 bytes do); returns its length."""
        postings = self._postings[name]
        found, words = term_positions(text, self._text_filters[name])
        length = 0
        for term, positions in found.items():
            count = len(positions)
            length += count
            ids, weights, values = postings.get(term) or _new_list(postings, term)
            ids.append(docnum)
            weights.append(count)
            values.append(_encode_positions(positions))
        if surface is not None and name in self.vocabulary_fields:
            surface.update(surface_words_of(words))
        return length

    def _add_terms(self, name: str, field, value, docnum: int) -> int:
        """Postings of any other indexed field, as Whoosh's field makes them; returns its length."""
        postings = self._postings[name]
        keep_values = name not in self._valueless
        items = self._items(name, field, value)
        length = 0
        for tbytes, freq, weight, vbytes in items:
            length += freq
            ids, weights, values = postings.get(tbytes) or _new_list(postings, tbytes)
            ids.append(docnum)
            weights.append(weight)
            if keep_values:
                values.append(vbytes)
        return length if field.scorable else 0

    def _items(self, name: str, field, value):
        cache = self._cached.get(name)
        if cache is None:
            return _index(field, value)
        try:
            return cache[value]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a list of words)
            return _index(field, value)
        if len(cache) >= CACHED_VALUES:
            cache.clear()
        items = cache[value] = _index(field, value)
        return items

    def finish(self):
        """Write the postings and close the segment's files; returns the Whoosh segment,
        or None (and nothing left on disk) when no document was added."""
        if not self.doc_count:
            self.cancel()
            return None
        self._perdoc.close()
        writer = self._fieldwriter
        copied: dict[str, FieldPostings] = {}
        for name in sorted(self._postings):
            terms = self._postings[name]
            if not terms:
                continue
            writer.start_field(name, self.schema[name])
            term_writer = _TermWriter(writer, self._lengths.get(name), name in self._valueless)
            copy = copied[name] = FieldPostings([], [], []) if name in COPY_FIELDS else None
            for term in sorted(terms):
                encoded = term.encode("utf-8") if isinstance(term, str) else term
                postings = terms[term]
                term_writer.write(encoded, postings)
                if copy is not None:
                    copy.terms.append(encoded)
                    copy.docs.append(postings[0])
                    copy.frequencies.append(postings[1])
            writer.finish_field()
            terms.clear()
        writer.close()
        self.segment.set_doc_count(self.doc_count)
        write_copy(
            self.storage.folder,
            self.segment.segment_id(),
            self.doc_count,
            {name: copy for name, copy in copied.items() if copy is not None},
            self._length_bytes,
            self._kinds,
            self._parents,
            self._dates,
            self._ids,
            segment_file_sizes(self.storage.folder, self.segment.segment_id()),
        )
        return self.segment

    def cancel(self) -> None:
        """Close the files and delete everything this builder wrote."""
        for closer in (self._perdoc, self._fieldwriter):
            try:
                if not getattr(closer, "is_closed", False):
                    closer.close()
            except Exception:  # a full disk can fail the close too
                pass
        remove_segment_files(self.storage, self.segment)


def _new_list(postings: dict, key) -> tuple[array, array, list]:
    """An empty posting list for ``key``: docnums, weights, encoded values."""
    made = postings[key] = (array("I"), array("f"), [])
    return made


def sync_to_disk(folder: str, names: Iterable[str] = ()) -> None:
    """Flush the named files of ``folder``, then the folder itself, to disk (``fsync``).

    A commit calls this before it makes new files live, so that a power loss
    never leaves a live table of contents pointing at data still in the page
    cache; the folder's own fsync makes the new names and renames durable.
    """
    for name in names:
        _fsync(os.path.join(folder, name))
    _fsync(folder)


def _fsync(path: str) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class FlushingStorage:
    """A Whoosh storage whose ``rename_file`` flushes the file to disk before renaming it.

    Whoosh writes a table of contents to a temporary name and renames it;
    given this storage, the new name can never point at bytes still in memory.
    """

    def __init__(self, storage):
        self._storage = storage

    def __getattr__(self, name):
        return getattr(self._storage, name)

    def rename_file(self, source: str, target: str, safe: bool = False) -> None:
        _fsync(os.path.join(self._storage.folder, source))
        self._storage.rename_file(source, target, safe=safe)


def segment_file_names(storage, segments: Iterable) -> list[str]:
    """The names of the files in ``storage`` that belong to ``segments``."""
    prefixes = tuple(segment.segment_id() for segment in segments)
    return [name for name in storage.list() if prefixes and name.startswith(prefixes)]


def remove_segment_files(storage, segment) -> None:
    prefix = segment.segment_id()
    for name in list(storage.list()):
        if name.startswith(prefix):
            try:
                storage.delete_file(name)
            except OSError:
                pass


def _index(field, value) -> list[tuple]:
    """Whoosh's own postings of one field value, weights as floats as its writer makes them."""
    return [(tbytes, freq, weight * 1.0, vbytes) for tbytes, freq, weight, vbytes in field.index(value)]


def _fast_text_filter(field) -> NewsFilter | None:
    """The NewsFilter of a field analysed exactly as :func:`term_positions` does, else None."""
    analyzer = field.analyzer if field.format is not None else None
    if not isinstance(analyzer, CompositeAnalyzer) or type(field.format) is not Positions:
        return None
    if field.format.field_boost != 1.0 or len(analyzer.items) != 2:
        return None
    tokenizer, word_filter = analyzer.items
    if type(tokenizer) is not RegexTokenizer or type(word_filter) is not NewsFilter:
        return None
    if tokenizer.expression.pattern != TOKEN_PATTERN or tokenizer.gaps:
        return None
    return word_filter


def _encode_positions(positions: list[int]) -> bytes:
    """Whoosh's Positions encoding: the count, then the pickled position deltas."""
    if len(positions) == 1:
        position = positions[0]
        try:
            return _ONE_POSITION[position]
        except KeyError:
            encoded = _ONE_POSITION[position] = pack_uint(1) + dumps([position], 2)
            return encoded
    deltas = [positions[0]]
    deltas.extend(b - a for a, b in zip(positions, positions[1:], strict=False))
    return pack_uint(len(deltas)) + dumps(deltas, 2)


_ONE_POSITION: dict[int, bytes] = {}


class _TermWriter:
    """Writes the postings of one field's terms in Whoosh 3's block format, term info included.

    What ``W3PostingsWriter`` and ``W3FieldWriter.finish_term`` do posting by
    posting, done a block at a time: blocks of :data:`BLOCK_LIMIT` postings,
    each a pickled tuple of (delta-coded ids, weights, values) behind a
    pickled block header (count, last id, top weight, compression, shortest
    and longest length bytes).
    """

    def __init__(self, fieldwriter, lengths: list[int] | None, valueless: bool):
        self.postfile = fieldwriter._postfile
        self.tindex = fieldwriter._tindex
        self.field_prefix = pack_ushort(fieldwriter._fieldid)
        self.lengths = lengths
        self.valueless = valueless

    def write(self, tbytes: bytes, postings: tuple[array, array, list]) -> None:
        all_ids, all_weights, all_values = postings
        count = len(all_ids)
        lengths = self.lengths
        info = W3TermInfo()
        start = self.postfile.tell()
        chunks = [WHOOSH3_HEADER_MAGIC]
        for first in range(0, count, BLOCK_LIMIT):
            last = first + BLOCK_LIMIT
            ids = all_ids[first:last]
            weights = all_weights[first:last]
            previous = 0
            deltas = []
            for docnum in ids:
                deltas.append(docnum - previous)
                previous = docnum
            top_weight = max(0, max(weights))
            if top_weight == 1.0 and min(weights) == 1.0:
                mini_weights = None
            elif min(weights) == top_weight:
                mini_weights = weights[0]
            else:
                mini_weights = tuple(weights)
            values = None if self.valueless else tuple(all_values[first:last])
            data = dumps((tuple(deltas), mini_weights, values), 2)
            compression = ZLIB_LEVEL if len(ids) >= COMPRESS_FROM else 0
            if compression:
                data = zlib.compress(data, compression)
            if lengths is None:
                shortest, longest = None, 0
            else:
                found = [lengths[docnum] for docnum in ids]
                present = [length for length in found if length]
                shortest = min(present) if present else None
                longest = max(found)
            header = dumps(
                (len(ids), ids[-1], top_weight, compression, length_to_byte(shortest), length_to_byte(longest)), 2
            )
            size = len(header) + len(data)
            chunks.append(pack_int(-size if last >= count else size))
            chunks.append(header)
            chunks.append(data)
            info._weight += sum(weights)
            if shortest is not None:
                info._minlength = shortest if info._minlength is None else min(info._minlength, shortest)
            info._maxlength = max(info._maxlength, longest)
            info._maxweight = max(info._maxweight, top_weight)
        self.postfile.write(b"".join(chunks))
        info._df = count
        info._minid = all_ids[0]
        info._maxid = all_ids[-1]
        info.set_extent(start, self.postfile.tell() - start)
        self.tindex.add(self.field_prefix + tbytes, info.to_bytes())
