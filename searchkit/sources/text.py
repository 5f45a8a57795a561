"""Reader for scraped pages saved as text (``.txt``, ``.text``, no suffix): one article per file.

The file is decoded by :func:`~searchkit.sources.raw.decode` and parsed by
:func:`~searchkit.sources.scraped.parse_scraped`, which owns the format.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..documents import Article
from ..errors import SourceError
from .raw import decode, read_page_bytes
from .report import ReadReport
from .scraped import parse_scraped


def read(path: Path, source_id: str, report: ReadReport) -> Iterator[Article]:
    """Yield the one article of a scraped page; raise SourceError when it cannot be read."""
    where = str(path)
    text = decode(read_page_bytes(path), where, report.problems)
    if not text.strip():
        raise SourceError(where, "empty file, skipped")
    try:
        article = parse_scraped(text, source_id, source=source_id)
    except ValueError as exc:
        raise SourceError(where, str(exc)) from None
    yield article
