"""Article ids that no two articles share: the renaming rule of an indexing run.

An indexing run writes each file's articles under the ids their readers
gave. Before the commit, :func:`unique_ids` checks them against each other
and against the articles already in the index that the run does not replace;
an article whose id is taken gets ``~2`` (or the next free number) appended,
and so does one whose id would read as a comment id. Renamed documents are
moved from the segments they were written to into one more segment. The
rule is the README's "Ids" section.
"""

from __future__ import annotations

import itertools
from collections import Counter

from whoosh.query import Term

from . import schema as f
from .documents import parse_comment_id
from .engine.writing import rewrite_renamed


def unique_ids(ix, written: list, replaced: set[str], fresh: bool, problems: list[str]):
    """Give every article of this run an id no other article holds; returns the segment of the
    renamed documents, or None when nothing was renamed.

    The rule: files in the order they were listed, articles in file order; an
    article whose id is already held (by an article of an earlier file or an
    earlier record of its file in this run, or by one already in the index
    that this run does not replace) gets ``~2`` (or the next free number)
    appended, and so does an id that would read as a comment id
    (``#c<n>`` at its end). Each rename is reported as ``path:LINE``.
    A renamed article's documents are deleted from the segments they were
    written to and written again, with the new ids, to one more segment.
    ``written`` pairs each file's outcome (its article ids, in file order)
    with the segments of its batch; renames are appended to ``problems``.
    """
    in_index = None if fresh else IdsInIndex(ix.searcher(), replaced, sum(len(o.ids) for _, o in written))
    try:

        def holder(article_id: str) -> str | None:
            if article_id in used:
                return used[article_id]
            return in_index.holder(article_id) if in_index is not None else None

        used: dict[str, str] = {}
        renames: dict[int, tuple[object, dict]] = {}
        for segments, outcome in written:
            source_id = outcome.source.source_id
            occurrences: Counter = Counter()
            for article_id, line, offset in outcome.ids:
                occurrences[article_id] += 1
                held_by = holder(article_id)
                if held_by is None and parse_comment_id(article_id) is None:
                    used[article_id] = source_id
                    continue
                new_id = next(
                    candidate
                    for candidate in (f"{article_id}~{n}" for n in itertools.count(2))
                    if holder(candidate) is None
                )
                used[new_id] = source_id
                where = str(outcome.source.path)
                where += f":{line}" if line is not None else f"@{offset}" if offset is not None else ""
                reason = f"is already used by {held_by}" if held_by is not None else "would read as a comment id"
                problems.append(f"{where}: id {article_id!r} {reason}; indexed as {new_id!r}")
                per_batch = renames.setdefault(id(segments), (segments, {}))[1]
                per_batch.setdefault((source_id, article_id), {})[occurrences[article_id]] = new_id
    finally:
        if in_index is not None:
            in_index.searcher.close()
    if not renames:
        return None
    return rewrite_renamed(ix, list(renames.values()))


class IdsInIndex:
    """Which article ids the committed index holds, outside the files this run replaces."""

    LOOKUP_COST = 100
    """One id looked up costs about as much as this many documents read from a column."""

    def __init__(self, searcher, replaced: set[str], lookups: int):
        self.searcher = searcher
        self.replaced_docs: set[int] = set()
        for source_id in replaced:
            self.replaced_docs.update(searcher.docs_for_query(Term(f.SOURCE, source_id)))
        self.held: set[str] | None = None
        reader = searcher.reader()
        if lookups * self.LOOKUP_COST > reader.doc_count_all():  # many ids: read every article id once
            self.held = set()
            for leaf, offset in reader.leaf_readers():
                if not leaf.has_column(f.ARTICLE_ID):
                    continue
                for docnum, value in enumerate(leaf.column_reader(f.ARTICLE_ID)):
                    if docnum + offset not in self.replaced_docs and not leaf.is_deleted(docnum):
                        self.held.add(value)

    def holder(self, article_id: str) -> str | None:
        """The source id of the file whose article holds ``article_id``, or None."""
        if self.held is not None and article_id not in self.held:
            return None
        for docnum in self.searcher.docs_for_query(Term(f.ID_FIELD, article_id)):
            if docnum not in self.replaced_docs:
                return self.searcher.stored_fields(docnum).get(f.SOURCE, "")
        return None
