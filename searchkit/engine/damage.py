"""How the engine says a segment or its columnar copy is not as it was written (no numpy needed)."""


class CopyUnusable(Exception):
    """The columnar copy of a segment is missing, stale or damaged (it must be rebuilt)."""


class SegmentDamaged(Exception):
    """A segment's files are no longer the size they had when it was written (cut short or replaced)."""
