"""Finding input files and turning them into articles.

:func:`discover` walks the paths given to ``index`` and lists the files to
read, each with its source id (its path relative to the folder given,
``/``-separated; a file given by itself: its name) and its identity (its
resolved path); the indexer makes the ids unique across roots (see
:func:`searchkit.indexing.build_index`). :func:`read_source` reads one file
with the reader its name calls for: ``.jsonl``/``.ndjson`` as JSON Lines (:mod:`.jsonl`), ``.txt``,
``.text`` and files without a suffix as scraped pages (:mod:`.scraped`).

Text is decoded as UTF-8 (a BOM is dropped); text that is not UTF-8 is decoded
as cp1252 and the file's problems say so. Binary files (NUL bytes), empty
files and unsupported file types raise :class:`~searchkit.errors.SourceError`.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import Article
from ..errors import SourceError
from .jsonl import read_jsonl
from .scraped import parse_scraped

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text", ""}
INDEX_MARK = "searchkit.json"
"""A folder holding this file is a searchkit index, never input."""
MAX_PAGE_BYTES = 20 * 1024 * 1024
"""A scraped page larger than this is not one article: it is skipped."""

__all__ = ["SourceFile", "SourceRead", "discover", "read_source", "parse_scraped", "read_jsonl"]


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
    def is_jsonl(self) -> bool:
        return self.path.suffix.lower() in JSONL_SUFFIXES


@dataclass
class SourceRead:
    """What reading a file gave: its articles (lazily) and the problems met."""

    articles: Iterator[Article]
    problems: list[str] = field(default_factory=list)


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
    suffix = path.suffix.lower()
    if suffix not in JSONL_SUFFIXES | TEXT_SUFFIXES:
        errors.append(SourceError(str(path), f"not a supported file type ({suffix}); expected .txt or .jsonl"))
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


def decode(data: bytes, path: str, problems: list[str]) -> str:
    """Bytes to text: UTF-8 (BOM dropped), UTF-16 with a BOM, else cp1252 (noted in problems)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise SourceError(path, "binary file (it contains NUL bytes), skipped")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not valid UTF-8 (byte {exc.start}), read as cp1252")
        return data.decode("cp1252", errors="replace")


def read_source(source: SourceFile) -> SourceRead:
    """Read one file into articles. Raises SourceError when nothing can be read."""
    where = str(source.path)
    try:
        if source.is_jsonl:
            return _read_jsonl_file(source)
        size = source.path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise SourceError(
                where,
                f"{size / 2**20:.0f} MB is too large for one scraped page "
                f"(limit {MAX_PAGE_BYTES // 2**20} MB), skipped",
            )
        data = source.path.read_bytes()
    except OSError as exc:
        raise SourceError(where, f"cannot read: {_reason(exc)}") from None
    problems: list[str] = []
    text = decode(data, where, problems)
    if not text.strip():
        raise SourceError(where, "empty file, skipped")
    try:
        article = parse_scraped(text, source.source_id, source=source.source_id)
    except ValueError as exc:
        raise SourceError(where, str(exc)) from None
    return SourceRead(articles=iter([article]), problems=problems)


def _read_jsonl_file(source: SourceFile) -> SourceRead:
    where = str(source.path)
    with open(source.path, "rb") as handle:
        head = handle.read(8192)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(where, "binary file (it contains NUL bytes), skipped")
    if not head.strip():
        raise SourceError(where, "empty file, skipped")
    result = SourceRead(articles=iter(()))

    def lines() -> Iterator[str]:
        with open(source.path, "rb") as handle:
            number = 0
            while raw := handle.readline(MAX_PAGE_BYTES + 1):
                number += 1
                if len(raw) > MAX_PAGE_BYTES:
                    size = len(raw)
                    while not raw.endswith(b"\n") and (raw := handle.readline(1 << 20)):
                        size += len(raw)
                    result.problems.append(
                        f"{where}:{number}: a record of {size / 2**20:.0f} MB is too large for one article "
                        f"(limit {MAX_PAGE_BYTES // 2**20} MB), line skipped"
                    )
                    yield "\n"  # keeps the line numbers of read_jsonl right
                    continue
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError:
                    result.problems.append(f"{where}:{number}: not valid UTF-8, read as cp1252")
                    yield raw.decode("cp1252", errors="replace")

    result.articles = _with_source(read_jsonl(lines(), where, result.problems), source.source_id)
    return result


def _with_source(articles: Iterator[Article], source_id: str) -> Iterator[Article]:
    for article in articles:
        article.source = source_id
        yield article
