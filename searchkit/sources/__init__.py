"""Finding input files and turning them into articles.

:func:`discover` walks the paths given to ``index`` and lists the files to
read, each with its source id (its path relative to the folder given,
``/``-separated; a file given by itself: its name) and its identity (its
resolved path); the indexer makes the ids unique across roots (see
:func:`searchkit.indexing.build_index`). :func:`read_source` reads one file
with the reader that :data:`FORMATS` names for it. Each format is one module
with one function, ``read(path, source_id, report) -> Iterator[Article]``:
it raises :class:`~searchkit.errors.SourceError` when the file cannot be read
at all, appends a line to ``report.problems`` for each part of it that was
skipped, and counts in ``report.not_pages`` the archive records that are not
pages (:class:`~.report.ReadReport`). Adding a format is one module and one
line in :data:`FORMATS`.

Text is decoded as UTF-8 (a BOM is dropped); text that is not UTF-8 is decoded
as cp1252 and the file's problems say so; HTML is decoded as browsers do
(:func:`.raw.html_encoding`). Binary files (NUL bytes), empty files and
unsupported file types raise :class:`~searchkit.errors.SourceError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from ..documents import Article
from ..errors import SourceError
from . import html, jsonl, text, warc
from .jsonl import read_jsonl
from .raw import MAX_PAGE_BYTES, decode
from .report import ReadReport
from .scraped import parse_scraped

Reader = Callable[[Path, str, ReadReport], Iterator[Article]]
INDEX_MARK = "searchkit.json"
"""A folder holding this file is a searchkit index, never input."""


@dataclass(frozen=True)
class Format:
    """An input format: its name, the file name endings that call for it, and its reader."""

    name: str
    suffixes: tuple[str, ...]
    read: Reader


FORMATS = (
    Format("scraped text", (".txt", ".text", ""), text.read),
    Format("JSON Lines", (".jsonl", ".ndjson"), jsonl.read),
    Format("HTML", (".html", ".htm", ".html.gz", ".htm.gz"), html.read),
    Format("WARC", (".warc", ".warc.gz"), warc.read),
)
"""Every supported input format; ``""`` stands for a file name without a suffix."""

SUPPORTED_TYPES = ", ".join(suffix or "no suffix" for fmt in FORMATS for suffix in fmt.suffixes)

__all__ = [
    "FORMATS",
    "MAX_PAGE_BYTES",
    "Format",
    "ReadReport",
    "SourceFile",
    "SourceRead",
    "decode",
    "discover",
    "format_for",
    "parse_scraped",
    "read_jsonl",
    "read_source",
]


def format_for(path: Path) -> Format | None:
    """The format a file's name calls for (the longest matching ending wins), or None."""
    name = path.name.lower()
    matches = [(len(suffix), fmt) for fmt in FORMATS for suffix in fmt.suffixes if suffix and name.endswith(suffix)]
    if matches:
        return max(matches, key=lambda match: match[0])[1]
    if not path.suffix:
        return next((fmt for fmt in FORMATS if "" in fmt.suffixes), None)
    return None


@dataclass(frozen=True)
class SourceFile:
    """One input file: where it is and the id its articles are known by.

    ``path`` is the file as found (as the paths given spell it); ``source_id``
    its path relative to ``root``, the folder it was found under (absolute,
    symlinks kept; for a file given by itself, its folder). ``real`` is the
    resolved path, the file's identity: one file on disk is read once,
    whatever paths lead to it.
    """

    path: Path
    source_id: str
    root: Path | None = None
    real: str = ""

    @property
    def format(self) -> Format | None:
        return format_for(self.path)

    @property
    def is_jsonl(self) -> bool:
        return self.format is not None and self.format.read is jsonl.read


@dataclass
class SourceRead:
    """What reading a file gave: its articles (lazily) and its read report, filled as they are read."""

    articles: Iterator[Article]
    report: ReadReport = field(default_factory=ReadReport)

    @property
    def problems(self) -> list[str]:
        return self.report.problems

    @property
    def not_pages(self):
        return self.report.not_pages


def discover(
    paths: Iterable[str | os.PathLike], exclude: Iterable[str | os.PathLike] = ()
) -> tuple[list[SourceFile], list[SourceError]]:
    """List the readable input files under ``paths``: the paths in the order given,
    the files of each folder sorted by source id.

    A file reached twice (the same folder given twice, a folder inside another one
    given, a symlink to a file already listed) is listed once, where it was first
    found. Hidden files and folders (``.git``, ``.DS_Store``), the folders in
    ``exclude`` and any folder holding a searchkit index are left out; files of an
    unsupported type, unreadable folders and symlink loops come back as errors.
    """
    files: list[SourceFile] = []
    seen: set[str] = set()  # resolved paths of the files listed
    folders: dict[str, str] = {}  # folder -> its resolved path
    errors: list[SourceError] = []
    excluded = {os.path.realpath(path) for path in exclude}
    for given in paths:
        root = Path(given)
        if not root.exists():
            errors.append(SourceError(str(given), "no such file or folder"))
        elif root.is_dir():
            if os.path.realpath(root) in excluded:
                continue
            base = Path(os.path.abspath(root))
            found = sorted((path.relative_to(root).as_posix(), path) for path in _walk(root, errors, excluded))
            for source_id, path in found:
                _add(files, seen, errors, path, source_id, base, folders)
        elif not root.is_file():
            errors.append(SourceError(_shown(root), "not a regular file (a pipe, socket or device), skipped"))
        else:
            _add(files, seen, errors, root, root.name, Path(os.path.abspath(root)).parent, folders)
    return files, errors


def _shown(path) -> str:
    """A path as text that can always be printed (bytes that are not UTF-8 as \\xNN)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _resolved(path: Path, folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, resolving each folder once (realpath costs a stat per path part)."""
    if path.is_symlink():
        return os.path.realpath(path)
    parent = str(path.parent)
    if parent not in folders:
        folders[parent] = os.path.realpath(parent)
    return os.path.join(folders[parent], path.name)


def _add(
    files: list[SourceFile], seen: set[str], errors: list[SourceError], path: Path, source_id: str, root, folders
) -> None:
    try:
        source_id.encode("utf-8")
    except UnicodeEncodeError:
        errors.append(SourceError(_shown(path), "file name is not valid UTF-8, skipped (rename the file)"))
        return
    if format_for(path) is None:
        errors.append(
            SourceError(str(path), f"not a supported file type ({path.suffix.lower()}); supported: {SUPPORTED_TYPES}")
        )
        return
    real = _resolved(path, folders)
    if real in seen:
        return  # the same file by another path: one file on disk is read once
    seen.add(real)
    files.append(SourceFile(path=path, source_id=source_id, root=root, real=real))


def _walk(root: Path, errors: list[SourceError], excluded: set[str] = frozenset()) -> Iterator[Path]:
    seen_dirs: set[tuple[int, int]] = set()

    def on_error(exc: OSError) -> None:
        errors.append(SourceError(exc.filename or str(root), _reason(exc)))

    def wanted(folder: str, name: str) -> bool:
        if name.startswith("."):
            return False
        path = os.path.join(folder, name)
        return os.path.realpath(path) not in excluded and not os.path.exists(os.path.join(path, INDEX_MARK))

    for folder, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=True):
        try:
            info = os.stat(folder)
        except OSError as exc:
            on_error(exc)
            dirnames[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen_dirs:
            errors.append(SourceError(folder, "symlink loop, folder skipped"))
            dirnames[:] = []
            continue
        seen_dirs.add((info.st_dev, info.st_ino))
        dirnames[:] = sorted(d for d in dirnames if wanted(folder, d))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            if path.is_file():
                yield path
            elif not path.exists():
                errors.append(SourceError(str(path), "broken symlink or vanished file, skipped"))


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def read_source(source: SourceFile) -> SourceRead:
    """Read one file into articles, lazily. Raises SourceError when nothing can be read.

    The first article is read here, so that a file that cannot be read at all
    fails now; the others are read as the caller iterates, and the returned
    read report (``problems``, ``not_pages``) is filled meanwhile.
    """
    where = str(source.path)
    fmt = source.format
    if fmt is None:
        raise SourceError(where, f"not a supported file type; supported: {SUPPORTED_TYPES}")
    report = ReadReport()
    try:
        articles = iter(fmt.read(source.path, source.source_id, report))
        first = next(articles)
    except StopIteration:
        return SourceRead(articles=iter(()), report=report)
    except OSError as exc:
        raise SourceError(where, f"cannot read: {_reason(exc)}") from None
    return SourceRead(articles=chain([first], articles), report=report)
