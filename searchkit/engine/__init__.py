"""The engine: every contact with Whoosh's internals, behind a small write side and a small read side.

Whoosh's public API is too slow for searchkit's inner loops (about 3 µs a
posting), so searchkit reads and writes Whoosh 2.7's file format through
attributes Whoosh does not make public. They live here and nowhere else
(``tests/test_engine_boundary.py`` checks it), so that one package answers
to a Whoosh upgrade, and so that the rest of searchkit talks to an interface
a second backend (or the planned columnar copy of each segment) can sit
behind.

- Write side: :mod:`.segments` builds a segment in Whoosh's format
  (:class:`~.segments.SegmentBuilder`) and syncs files to disk;
  :mod:`.writing` commits new segments, merges the small ones, cancels a
  failed run and rewrites renamed documents into a new segment.
- Read side: :mod:`.reading` reads a segment's postings, positions, field
  lengths and deleted documents a block at a time, holds and checks its
  column files; :class:`~.reading.SearcherState` is the per-searcher state
  (caches made once per commit), created when an index opens a searcher
  and dropped with it.

The Whoosh index stays the format of record: everything written here is
what Whoosh itself reads.
"""
