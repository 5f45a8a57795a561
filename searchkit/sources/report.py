"""What reading one input file met besides its articles: the per-file read report every reader fills."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ReadReport:
    """Filled by a reader as it reads one file.

    ``problems`` holds one line per part of the file that was skipped or read
    with a fallback (``path:LINE: reason``, ``path@OFFSET: reason``).
    ``not_pages`` counts, by kind, the records of an archive that are not pages
    to index (requests, redirects, non-HTML responses...): normal content of a
    web archive, counted for the summary and never a problem.
    """

    problems: list[str] = field(default_factory=list)
    not_pages: Counter = field(default_factory=Counter)
