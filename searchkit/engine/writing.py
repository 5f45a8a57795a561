"""The write side of the engine: committing new segments, merging small ones, cancelling a run,
and rewriting documents out of the segments they were written to.

Whoosh's own writer is used only for what it does well (deleting documents
by term, the generation counter); the segments themselves come from
:class:`~searchkit.engine.segments.SegmentBuilder` and are made live here,
through the parts of Whoosh's writer that are not public.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader, TermNotFound

from .. import schema as f
from ..documents import comment_id
from .segments import FlushingStorage, SegmentBuilder, remove_segment_files, segment_file_names, sync_to_disk

SMALL_SEGMENT_DOCS = 20_000
"""Segments with fewer documents than this (those of incremental runs) get merged ..."""
MERGE_SMALL_AT = 4
"""... once there are this many of them."""


def commit(writer, new_segments: list, replaced=()) -> None:
    """Commit the writer's deletions and the new segments; drop the segments ``replaced`` by a merge.

    Whoosh's own merge policy is not used: it merges through its slow
    per-posting path, and with 28 segments or more it merges every one.
    The new segment files, then the table of contents that makes them live,
    are flushed to disk before anything old is deleted, so a power loss
    leaves either the previous commit or this one (Whoosh itself never syncs).
    """
    gone = {segment.segment_id() for segment in replaced}
    added = [segment for segment in new_segments if segment.segment_id() not in gone]
    live = [segment for segment in writer.segments if segment.segment_id() not in gone] + added
    writer._close_segment()
    storage, indexname, generation = writer.storage, writer.indexname, writer.generation
    sync_to_disk(storage.folder, segment_file_names(storage, added))
    whoosh_index.TOC(writer.schema, live, generation).write(FlushingStorage(storage), indexname)
    sync_to_disk(storage.folder, [whoosh_index.TOC._filename(indexname, generation)])
    whoosh_index.clean_files(storage, indexname, generation, live)
    writer._finish()


@dataclass
class Merge:
    """The segment a merge wrote (None when nothing in the merged ones was live), and those it replaces."""

    segment: object | None
    replaced: list


def merge_small_segments(ix, earlier: list, new: list) -> Merge | None:
    """Rewrite the small segments as one once :data:`MERGE_SMALL_AT` of them pile up
    (those of this run count only along with earlier ones: a fresh build is never merged).

    Every incremental run adds a segment; left alone they would slow every
    search. The live documents of the small ones are read back from their
    stored fields (every field is stored; ``author_name`` repeats ``author``)
    and written again by a :class:`SegmentBuilder`, deletions left out.
    """
    earlier_small = [segment for segment in earlier if segment.doc_count_all() < SMALL_SEGMENT_DOCS]
    small = earlier_small + [segment for segment in new if segment.doc_count_all() < SMALL_SEGMENT_DOCS]
    if len(small) < MERGE_SMALL_AT or not earlier_small:
        return None
    builder = SegmentBuilder(ix.storage, ix.indexname, ix.schema)
    try:
        for segment in small:
            reader = SegmentReader(ix.storage, ix.schema, segment)
            try:
                for stored in reader.all_stored_fields():
                    if stored.get(f.AUTHOR):
                        stored[f.AUTHOR_NAME] = stored[f.AUTHOR]
                    builder.add(stored)
            finally:
                reader.close()
        merged = builder.finish()  # None when nothing in them is live: they are simply dropped
    except BaseException:
        builder.cancel()
        raise
    return Merge(merged, small)


def cancel(ix, writer, new_segments: list) -> None:
    """Cancel the writer and delete what this run wrote (segment files are garbage, maybe large)."""
    segment = getattr(writer, "newsegment", None)
    try:
        writer.cancel()
    except Exception:  # closing files can fail again on a full disk
        pass
    shutil.rmtree(os.path.join(ix.storage.folder, f"{ix.indexname}.tmp"), ignore_errors=True)
    for written in new_segments + ([segment] if segment is not None else []):
        remove_segment_files(ix.storage, written)


def rewrite_renamed(ix, renames: list[tuple[tuple, dict]]):
    """Delete the renamed articles' documents from their batch's segments and write them again,
    renamed, to one new segment (returned; None when nothing was written).

    Each entry of ``renames`` pairs a batch's segments with
    ``{(source id, article id): {occurrence: new id}}``. A file's articles may
    span several segments of its batch: they are counted in segment order,
    which is the order the file gave them."""
    builder = SegmentBuilder(ix.storage, ix.indexname, ix.schema)
    try:
        for segments, wanted in renames:
            occurrences: Counter = Counter()
            for segment in segments:
                reader = SegmentReader(ix.storage, ix.schema, segment)
                try:
                    for key, by_occurrence in wanted.items():
                        _rename_in(reader, segment, key, by_occurrence, occurrences, builder)
                finally:
                    reader.close()
        return builder.finish()
    except BaseException:
        builder.cancel()
        raise


def _rename_in(reader, segment, key: tuple[str, str], by_occurrence: dict, occurrences: Counter, builder) -> None:
    """Move one (source, article id)'s renamed occurrences in one segment to ``builder``."""
    source_id, article_id = key
    try:
        docnums = sorted(reader.postings(f.ARTICLE_ID, article_id).all_ids())
    except TermNotFound:
        return
    new_id = None
    for docnum in docnums:
        stored = reader.stored_fields(docnum)
        if stored.get(f.SOURCE) != source_id:
            continue
        if stored.get(f.KIND) == f.ARTICLE:
            occurrences[key] += 1
            new_id = by_occurrence.get(occurrences[key])
        if new_id is None:
            continue
        segment.delete_document(docnum)
        if stored.get(f.KIND) == f.ARTICLE:
            stored[f.ID_FIELD] = new_id
        else:
            stored[f.ID_FIELD] = comment_id(new_id, stored.get(f.POSITION) or 0)
        stored[f.ARTICLE_ID] = new_id
        if stored.get(f.AUTHOR):
            stored[f.AUTHOR_NAME] = stored[f.AUTHOR]
        builder.add(stored)
