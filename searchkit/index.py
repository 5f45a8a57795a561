"""The on-disk index: where it lives, opening it, its state file, its lifetime.

An index folder holds Whoosh's files plus ``searchkit.json``, the state file:
the schema version, the name of the live Whoosh index inside the folder
(``indexname``), and a fingerprint of every input file (for incremental
updates). A rebuild writes a new Whoosh index under a new name in the same
folder and then replaces the state file atomically, so readers always see one
complete index.

:class:`Index` owns an open index and its searcher; use it as a context
manager so file handles are closed.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import re
import time
import traceback
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.query import Term

from . import schema as f
from .documents import Article, Comment, DocDate, parse_comment_id
from .engine.damage import SegmentDamaged
from .engine.reading import SearcherState, hold_files, term_counts, truncated_lengths
from .errors import (
    IndexBuildingError,
    IndexBusyError,
    IndexDamagedError,
    IndexNotFoundError,
    IndexVersionError,
    SearchkitError,
)

if TYPE_CHECKING:
    from .counting import Counts
    from .searching import HitRecord, Results
    from .similar import Similar

STATE_FILE = "searchkit.json"
LOCK_FILE = "searchkit.lock"
OPEN_ATTEMPTS = 3
INDEX_ENV = "SEARCHKIT_INDEX"
DEFAULT_INDEX_DIR = "index"


def default_index_path() -> Path:
    """``$SEARCHKIT_INDEX`` when set, else ``./index``."""
    return Path(os.environ.get(INDEX_ENV) or DEFAULT_INDEX_DIR)


@dataclass
class IndexState:
    """The index's state: ``searchkit.json`` (schema version and the live
    ``indexname``, tiny, read before every search) and ``<indexname>.files.json``:
    ``{"files": ..., "words": ...}``, the fingerprint of every input file and
    every word as written, lower-cased, with the number of documents it was
    indexed from (completion and "did you mean" offer these, never stems).
    Both are written in one atomic replace, so a killed run never leaves
    words counted for files it did not record, or the reverse. Word counts
    only grow between rebuilds: a word of a deleted file stays in the
    vocabulary until ``--rebuild``."""

    schema_version: int = f.SCHEMA_VERSION
    indexname: str = "g1"
    files: dict[str, dict] = field(default_factory=dict)
    words: Counter = field(default_factory=Counter)

    @classmethod
    def load(cls, folder: Path, with_files: bool = False) -> IndexState | None:
        raw = _read_json(folder / STATE_FILE)
        if raw is None:
            return None
        if not isinstance(raw, dict) or not re.fullmatch(r"g\d+", str(raw.get("indexname", "g1"))):
            raise IndexDamagedError(f"{folder / STATE_FILE}: unreadable index state (not a searchkit state object)")
        state = cls(schema_version=raw.get("schema_version", 0), indexname=raw.get("indexname", "g1"))
        if with_files:
            saved = _read_json(folder / state.files_name) or {}
            state.files = saved.get("files", {})
            state.words = Counter(saved.get("words", {}))
        return state

    @property
    def files_name(self) -> str:
        return f"{self.indexname}.files.json"

    def save(self, folder: Path) -> None:
        """Write the file list and vocabulary, then switch the pointer; each write is atomic."""
        _write_json(folder / self.files_name, {"files": self.files, "words": dict(self.words)})
        _write_json(folder / STATE_FILE, {"schema_version": self.schema_version, "indexname": self.indexname})

    def check_version(self, folder: Path) -> None:
        if self.schema_version != f.SCHEMA_VERSION:
            raise IndexVersionError(
                f"{folder}: index has schema version {self.schema_version}, "
                f"this searchkit reads version {f.SCHEMA_VERSION}",
                hint="rebuild it with `searchkit index --rebuild`",
            )


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as exc:  # not JSON: damaged
        raise IndexDamagedError(f"{path}: unreadable index state ({exc})") from None
    except OSError as exc:
        raise IndexVersionError(
            f"{path}: unreadable index state ({exc})", hint="rebuild the index with `searchkit index --rebuild`"
        ) from None


def _write_json(target: Path, payload) -> None:
    """Write to a temporary file, flush it to disk, rename it over ``target``, flush the folder."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        descriptor = os.open(target.parent, os.O_RDONLY)  # the rename itself, durable
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    finally:
        if temporary.exists():
            temporary.unlink()


def index_exists(path: str | os.PathLike) -> bool:
    """True when ``path`` holds a searchkit index (a state file)."""
    return (Path(path) / STATE_FILE).is_file()


@contextmanager
def write_lock(folder: Path, timeout: float, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index folder's write lock; wait up to ``timeout`` seconds for it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_FILE, "a+")
    except OSError as exc:
        raise SearchkitError(f"{folder}: cannot write the index: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and on_wait:
                    on_wait(f"index busy: another process is writing {folder}, waiting up to {timeout:g} s")
                    told = True
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"{folder}: index busy, another process held the write lock for {timeout:g} s",
                        hint="wait for the other `searchkit index` to finish, or raise --lock-timeout",
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        handle.close()


def being_built(folder: Path) -> bool:
    """True when a writer holds the folder's write lock (checked with a shared lock, never created)."""
    try:
        handle = open(folder / LOCK_FILE)
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@dataclass
class IndexStats:
    """Counts of an open index, as ``searchkit stats`` prints them."""

    path: str
    articles: int
    comments: int
    terms: int
    files: int
    size_bytes: int
    schema_version: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _reads(method):
    """Run an :class:`Index` method under :meth:`Index._reading` (damaged files raise IndexDamagedError)."""

    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        with self._reading():
            return method(self, *args, **kwargs)

    return reading


class Index:
    """An open searchkit index. Use :func:`open_index` or ``Index.open(path)``.

    >>> with open_index("index") as index:          # doctest: +SKIP
    ...     results = index.search("Putin Trump")
    """

    def __init__(self, path: Path, state: IndexState):
        self.path = path
        self.state = state
        self._whoosh = None
        self._searcher_state: SearcherState | None = None
        self._state_stamp = _stamp(path / STATE_FILE)
        self._vocabulary: dict[str, int] | None = None
        self._sorted_words: list[str] = []
        self._open_searcher()

    def _open_searcher(self) -> None:
        """Open the live generation and a searcher on it.

        A writer may swap generations or delete merged segment files between
        reading the pointer and opening the files; then the pointer is read
        again and the open retried.
        """
        problem = None
        for attempt in range(OPEN_ATTEMPTS):
            try:
                whoosh = whoosh_index.open_dir(str(self.path), indexname=self.state.indexname)
                searcher = whoosh.searcher()
                hold_files(searcher)
                opened = SearcherState(searcher, str(self.path))
            except Exception as exc:  # Whoosh raises many types for files that vanish or are damaged
                problem = exc
                time.sleep(0.02 * (attempt + 1))
                state = IndexState.load(self.path)
                if state is None:
                    raise IndexNotFoundError(f"{self.path}: no searchkit index here") from None
                state.check_version(self.path)
                if state.indexname != self.state.indexname:
                    self._vocabulary = None
                self.state = state
                self._state_stamp = _stamp(self.path / STATE_FILE)
                continue
            self._close_whoosh()
            self._whoosh, self._searcher_state = whoosh, opened
            self._vocabulary = None  # a commit may have added words
            return
        raise IndexDamagedError(
            f"{self.path}: the index is damaged and cannot be opened ({type(problem).__name__}: {problem})"
        )

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, wait: float = 0.0) -> Index:
        """Open the index at ``path`` (default: ``$SEARCHKIT_INDEX`` or ``./index``).

        While the first ``searchkit index`` is still building it (nothing is
        committed yet and the write lock is held), waits up to ``wait``
        seconds for the first commit, then raises
        :class:`~searchkit.errors.IndexBuildingError`.
        """
        folder = Path(path) if path is not None else default_index_path()
        deadline = time.monotonic() + wait
        while True:
            state = IndexState.load(folder) if folder.is_dir() else None
            if state is not None:
                break
            if not being_built(folder):
                raise IndexNotFoundError(f"{folder}: no searchkit index here", hint="build one with `searchkit index`")
            if time.monotonic() >= deadline:
                raise IndexBuildingError(
                    f"{folder}: the index is being built by `searchkit index` and has no commit yet",
                    hint="retry when that run has finished (its summary line says so)",
                )
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        state.check_version(folder)
        return cls(folder, state)

    # -- lifetime -------------------------------------------------------
    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._close_whoosh()

    def _close_whoosh(self) -> None:
        if self._searcher_state is not None:
            self._searcher_state.close()
            self._searcher_state = None
        if self._whoosh is not None:
            self._whoosh.close()
            self._whoosh = None

    @property
    def whoosh(self):
        """The underlying ``whoosh.index.Index`` (for tools that need Whoosh itself)."""
        return self._whoosh

    def searcher(self):
        """The shared Whoosh searcher, refreshed when a newer commit exists."""
        return self.searcher_state().searcher

    def searcher_state(self) -> SearcherState:
        """The engine's state of the shared searcher (its per-commit caches), refreshed when a
        newer commit exists; a new commit gives a new state."""
        if self._whoosh is None:
            raise SearchkitError(f"{self.path}: the index is closed")
        self.refresh()
        return self._searcher_state

    def search_state(self) -> SearcherState:
        """:meth:`searcher_state` with its columnar copies open (what ranking reads; the first
        call imports numpy, so commands that do not search never wait for it)."""
        state = self.searcher_state()
        for _attempt in range(OPEN_ATTEMPTS):
            try:
                state.open_arrays()
                break
            except FileNotFoundError:  # a writer merged a segment away since the searcher opened
                time.sleep(0.02)
                self._open_searcher()
                state = self._searcher_state
        return state

    def refresh(self) -> None:
        """Pick up commits (and rebuilds) made since the index was opened."""
        stamp = _stamp(self.path / STATE_FILE)
        if stamp == self._state_stamp:
            state = None
        else:
            self._state_stamp = stamp
            state = IndexState.load(self.path)
        if state is not None and state.indexname != self.state.indexname:
            state.check_version(self.path)
            self.state = state
            self._vocabulary = None
            self._open_searcher()
        elif not self._searcher_state.up_to_date():
            # A new searcher, not Searcher.refresh(): refresh() reuses the
            # segment readers of unchanged segment ids, whose cached deletions
            # then miss the documents the new commit deleted.
            self._open_searcher()

    # -- reading --------------------------------------------------------
    @_reads
    def document_counts(self) -> tuple[int, int]:
        """How many articles and comments the index holds: the cheap part of :meth:`stats`."""
        searcher = self.searcher()
        return _live_count(searcher, f.ARTICLE), _live_count(searcher, f.COMMENT_KIND)

    @_reads
    def stats(self) -> IndexStats:
        reader = self.searcher().reader()
        articles, comments = self.document_counts()
        return IndexStats(
            path=str(self.path),
            articles=articles,
            comments=comments,
            terms=sum(1 for name in f.TEXT_FIELDS for _ in reader.lexicon(name)),
            files=len(IndexState.load(self.path, with_files=True).files),
            size_bytes=sum(entry.stat().st_size for entry in os.scandir(self.path) if entry.is_file()),
            schema_version=self.state.schema_version,
        )

    @_reads
    def article(self, article_id: str) -> Article:
        """The article with this id and all its comments, in page order, with where it came
        from: ``url``, ``source`` (and ``line`` or ``offset``), the byline as ``author``, its
        date at its precision (``Article.doc_date``) and each comment's own date.

        A comment id (``news/a.txt#c3``) gives the article the comment is under;
        :class:`SearchkitError` when the article has no such comment.
        """
        searcher = self.searcher()
        found = searcher.document(**{f.ID_FIELD: article_id, f.KIND: f.ARTICLE})
        comment_wanted = found is None and (parsed := parse_comment_id(article_id)) is not None
        if comment_wanted:
            found = searcher.document(**{f.ID_FIELD: parsed[0], f.KIND: f.ARTICLE})
        if found is None:
            what = "article or comment" if comment_wanted else "article"
            raise SearchkitError(
                f"no {what} with id {article_id!r} in {self.path}", hint="ids are shown by `searchkit query`"
            )
        comments = [
            stored
            for stored in searcher.documents(**{f.ARTICLE_ID: found[f.ID_FIELD]})
            if stored.get(f.KIND) == f.COMMENT_KIND
        ]
        if comment_wanted and not any(stored.get(f.ID_FIELD) == article_id for stored in comments):
            owner = found[f.ID_FIELD]
            noun = "comment" if len(comments) == 1 else "comments"
            held = f"has {len(comments)} {noun}, `searchkit show {owner}` lists them" if comments else "has no comments"
            raise SearchkitError(f"no comment with id {article_id!r} in {self.path}", hint=f"{owner} {held}")
        comments.sort(key=lambda stored: stored.get(f.POSITION) or 0)
        published = DocDate.parse(found[f.PUBLISHED]) if found.get(f.PUBLISHED) else None
        captured = DocDate.parse(found[f.CAPTURED]) if found.get(f.CAPTURED) else None
        return Article(
            id=found[f.ID_FIELD],
            title=found.get(f.TITLE, ""),
            body=found.get(f.BODY, ""),
            date=published.value if published else None,
            date_precision=published.precision if published else "day",
            captured=captured.value if captured else None,
            url=found.get(f.URL),
            author=found.get(f.BYLINE),
            source=found.get(f.SOURCE, ""),
            line=found.get(f.LINE),
            offset=found.get(f.OFFSET),
            comments=[_comment(stored) for stored in comments],
        )

    def vocabulary(self) -> dict[str, int]:
        """Every word of the corpus as written (lower-cased), with its document count."""
        if self._vocabulary is None:
            state = IndexState(indexname=self.state.indexname)
            self._vocabulary = (_read_json(self.path / state.files_name) or {}).get("words", {})
            self._sorted_words = sorted(self._vocabulary)
        return self._vocabulary

    def term_counts(self, field_name: str) -> dict[str, int]:
        """Every indexed term of ``field_name`` with the number of documents holding it
        (deleted ones included, as Whoosh counts them)."""
        return term_counts(self.searcher().reader(), field_name)

    def words(self, prefix: str, limit: int = 20) -> list[str]:
        """Words of the corpus, as written, that start with ``prefix``; most frequent first."""
        counts = self.vocabulary()
        prefix = prefix.lower()
        start = bisect_left(self._sorted_words, prefix)
        found = []
        for word in self._sorted_words[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        found.sort(key=lambda word: (-counts[word], word))
        return found[:limit]

    def authors(self, prefix: str = "", limit: int = 20) -> list[str]:
        """Author names starting with ``prefix`` (case-insensitive); most prolific first."""
        reader = self.searcher().reader()
        lowered = prefix.lower()
        names = [
            (reader.doc_frequency(f.AUTHOR_NAME, name), name)
            for name in (text.decode("utf-8") for text in reader.lexicon(f.AUTHOR_NAME))
            if name.lower().startswith(lowered)
        ]
        names.sort(key=lambda pair: (-pair[0], pair[1]))
        return [name for _, name in names[:limit]]

    def suggest(self, word: str) -> str | None:
        """The corpus word closest in spelling to ``word`` (for "did you mean"), or None.

        Candidates share the first letter and are within two edits; the
        nearest wins, then the most frequent.
        """
        found = self.suggestions(word, limit=1)
        return found[0] if found else None

    def suggestions(self, word: str, limit: int = 5) -> list[str]:
        """Corpus words close in spelling to ``word``, best first (see :meth:`suggest`);
        empty when ``word`` is itself a corpus word."""
        counts = self.vocabulary()
        word = word.lower()
        if not word or word in counts:
            return []
        start = bisect_left(self._sorted_words, word[0])
        found = []
        for candidate in self._sorted_words[start:]:
            if candidate[0] != word[0]:
                break
            if abs(len(candidate) - len(word)) > 2:
                continue
            distance = edit_distance(word, candidate, limit=2)
            if distance <= 2:
                found.append((distance, -counts[candidate], candidate))
        return [candidate for _, _, candidate in sorted(found)[:limit]]

    def search(
        self,
        query: str,
        *,
        scope: str = "all",
        sort: str = "relevance",
        limit: int = 10,
        page: int = 1,
        author: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        undated: str = "exclude",
    ) -> Results:
        """One page of ranked hits; see :func:`searchkit.searching.search` for the options."""
        from .searching import search

        with self._reading():
            return search(
                self,
                query,
                scope=scope,
                sort=sort,
                limit=limit,
                page=page,
                author=author,
                since=since,
                until=until,
                undated=undated,
            )

    def ranking(self, query: str, *, limit: int = 10, **options) -> list[tuple[str, float]]:
        """The ids and scores of the first ``limit`` hits, in :meth:`search`'s order, and nothing
        else (no stored field read); options as :meth:`search`'s. See :func:`searchkit.searching.ranking`."""
        from .searching import ranking

        with self._reading():
            return ranking(self, query, limit=limit, **options)

    def iter_hits(
        self,
        query: str,
        *,
        scope: str = "all",
        sort: str = "relevance",
        author: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        undated: str = "exclude",
    ) -> Iterator[HitRecord]:
        """Every article hit and every comment hit, streamed as export rows; see
        :func:`searchkit.searching.iter_hits`."""
        from .searching import iter_hits

        rows = iter_hits(self, query, scope=scope, sort=sort, author=author, since=since, until=until, undated=undated)
        while True:
            with self._reading():
                row = next(rows, None)
            if row is None:
                return
            yield row

    def count(
        self,
        query: str,
        *,
        by: str = "month",
        scope: str = "all",
        author: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        undated: str = "include",
    ) -> Counts:
        """Article and comment hits counted by month, year, day, author or kind; see
        :func:`searchkit.counting.count`."""
        from .counting import count

        with self._reading():
            return count(self, query, by=by, scope=scope, author=author, since=since, until=until, undated=undated)

    def similar(self, doc_id: str, *, limit: int = 10, scope: str = "articles") -> Similar:
        """The articles most like an article or a comment, and the key terms used; see
        :func:`searchkit.similar.similar`."""
        from .similar import similar

        with self._reading():
            return similar(self, doc_id, limit=limit, scope=scope)

    def suggest_query(self, query: str) -> str | None:
        """ "Did you mean" for a whole query; see :func:`searchkit.suggestions.suggest_query`."""
        from .suggestions import suggest_query

        with self._reading():
            return suggest_query(self, query)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn a failure to read the index's own files into :class:`IndexDamagedError`."""
        try:
            yield
        except SearchkitError:
            raise
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}" if _raised_reading_files(exc) else None
            if problem is None and self._searcher_state is not None:
                try:
                    problem = truncated_lengths(self._searcher_state.searcher)
                except Exception:  # the check could not read them either: report the first error
                    problem = None
            if problem is None:
                raise
            raise IndexDamagedError(
                f"{self.path}: the index is damaged, a file of it cannot be read ({problem})"
            ) from exc


def _raised_reading_files(exc: BaseException) -> bool:
    """True when the innermost frame that raised is Whoosh's (reading or decoding an index file),
    or the error is about a file (a segment file deleted or unreadable)."""
    if isinstance(exc, FileNotFoundError | EOFError | SegmentDamaged):
        return True
    frames = traceback.extract_tb(exc.__traceback__)
    ours = os.path.dirname(__file__)
    for frame in reversed(frames):
        if frame.filename.startswith(_WHOOSH_DIR):
            return True
        if frame.filename.startswith(ours):
            return False
    return False


_WHOOSH_DIR = os.path.dirname(whoosh_index.__file__)


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance with adjacent transpositions counted as one edit.

    With ``limit``, stops early and returns ``limit + 1`` once it is exceeded.
    """
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if previous2 is not None and i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    if limit is not None and previous[-1] > limit:
        return limit + 1
    return previous[-1]


def _comment(stored: dict) -> Comment:
    posted = DocDate.parse(stored[f.PUBLISHED]) if stored.get(f.PUBLISHED) else None
    return Comment(
        id=stored[f.ID_FIELD],
        text=stored.get(f.COMMENT, ""),
        author=stored.get(f.AUTHOR),
        date=posted.value if posted else None,
        position=stored.get(f.POSITION) or 0,
        date_precision=posted.precision if posted else "day",
    )


def _live_count(searcher, kind: str) -> int:
    """Documents of ``kind`` not deleted (doc_frequency counts deleted ones too)."""
    reader = searcher.reader()
    if not reader.has_deletions():
        return reader.doc_frequency(f.KIND, kind)
    return sum(1 for _ in searcher.docs_for_query(Term(f.KIND, kind)))


def _stamp(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def open_index(path: str | os.PathLike | None = None, *, wait: float = 0.0) -> Index:
    """Open the index at ``path`` (default: ``$SEARCHKIT_INDEX`` or ``./index``); see :meth:`Index.open`."""
    return Index.open(path, wait=wait)
