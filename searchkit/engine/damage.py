"""Holding a searcher's columnar copies open and checking its segments' files against them.

No numpy here: a searcher holds its copies and checks its segments when it
opens, and the arrays are read only when the first search needs them.
"""

import json
import os
import struct


class CopyUnusable(Exception):
    """The columnar copy of a segment is missing, stale or damaged (it must be rebuilt)."""


class SegmentDamaged(Exception):
    """A segment's files are no longer the size they had when it was written (cut short or replaced)."""


MAGIC = b"SKCOLS01"
"""The first bytes of a columnar copy (``<segment id>.cols``)."""


def hold_copy(folder: str, segment_id: str):
    """The segment's columnar copy opened for reading (None when there is none), held so that a
    writer deleting a merged segment later cannot pull it away from a searcher opened before."""
    try:
        return open(os.path.join(folder, segment_id + ".cols"), "rb")
    except FileNotFoundError:
        return None


def recorded_sizes(handle) -> dict[str, int]:
    """The sizes of its segment's files that a copy recorded when written ({} when unreadable:
    the copy is then rebuilt, and the check skipped)."""
    try:
        handle.seek(0)
        head = handle.read(len(MAGIC) + 8)
        if head[: len(MAGIC)] != MAGIC:
            return {}
        (size,) = struct.unpack("<Q", head[len(MAGIC) :])
        files = json.loads(handle.read(size).decode("utf-8")).get("files")
    except (OSError, ValueError, UnicodeDecodeError, struct.error, AttributeError):
        return {}
    return files if isinstance(files, dict) else {}


def changed_segment_file(folder: str, sizes: dict[str, int]) -> SegmentDamaged | None:
    """A :class:`SegmentDamaged` for the first file whose size is not the one recorded, else None.
    A file that is gone raises FileNotFoundError: a writer removed it, the index is opened again."""
    for name, size in sizes.items():
        found = os.stat(os.path.join(folder, name)).st_size
        if found != size:
            return SegmentDamaged(f"{name} is {found:,} bytes, {size:,} when it was written")
    return None
