"""Completion at the ``searchkit>`` prompt: commands, fields, corpus words, author names.

What is offered depends on the text before the cursor:

* ``:he`` -> the shell's commands (from the registry in
  :mod:`searchkit.shell.commands`, with their one-line help); after a
  command name and a space, that command's own argument completer;
* ``author:chr`` or ``author:"chris c`` -> author names, most prolific
  first, quoted when they hold a space;
* ``pu``, ``title:pu`` -> corpus words as written (never stems), most
  frequent first; a bare word also offers the field names it starts
  (``ti`` -> ``title:``), and an upper-case one the operators (``AN`` -> ``AND``).

Words and author names come from a :class:`Vocabulary`, read once in a
background thread (a large index has over a million words: seconds to load)
into sorted lists, with the best matches of every one- and two-letter prefix
computed up front: sorting all the words of a one-letter prefix at every
keystroke (what ``Index.words`` does) takes too long on a large index.
Until the vocabulary is loaded only commands and fields are completed. Use
the completer wrapped in prompt_toolkit's ``ThreadedCompleter`` so even a
slow answer never blocks typing.
"""

from __future__ import annotations

import re
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from heapq import nlargest
from itertools import accumulate
from pathlib import Path

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from ..suggestions import same_case
from .lexer import FIELDS

WORD_FIELDS = ("title", "body", "comment", "comments", "text")
"""Fields whose values are corpus words (``author`` has its own completion, ``date`` none)."""
OFFERED_OPERATORS = ("AND", "OR", "NOT")
TOP = 20
"""How many completions are kept per one- and two-letter prefix, and offered at most."""

_AUTHOR_AT_END = re.compile(r'(?:^|(?<=[\s(+\-]))author:(?:"([^"]*)|([^\s"()]*))$', re.I)
_WORD_AT_END = re.compile(r"""(?:^|(?<=[\s("+\-]))(?:([A-Za-z_]+):)?([^\W\d_][\w'’]*)?$""")
_LAST = "\U0010ffff"


class PackedWords(Sequence):
    """A sorted list of strings kept as one string and an array of offsets.

    It costs a few bytes per word instead of a Python object each, and
    pickles as two flat values: a worker process can hand a million words to
    the shell in milliseconds.
    """

    __slots__ = ("text", "offsets")

    def __init__(self, text: str, offsets: array):
        self.text = text
        self.offsets = offsets

    @classmethod
    def pack(cls, words: Sequence[str]) -> PackedWords:
        text = "".join(words)
        return cls(text, array("I" if len(text) < 2**32 else "Q", accumulate(map(len, words), initial=0)))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:  # ints only: all bisect and the tables need
        if index < 0:
            index += len(self)
        return self.text[self.offsets[index] : self.offsets[index + 1]]


class PrefixTable:
    """Keys sorted for prefix search, with a count each; answers most-counted first.

    ``keys`` are the lower-cased forms searched; ``values`` what is offered
    (the same list for words, names as written for authors). The best
    :data:`TOP` for every prefix of up to two characters are computed up front,
    so the prefixes that match the most keys cost a dictionary look-up.
    """

    def __init__(
        self,
        keys: Sequence[str],
        counts: Sequence[int],
        values: Sequence[str] | None = None,
        top: dict[str, list[int]] | None = None,
    ):
        self.keys = keys
        self.counts = counts
        self.values = keys if values is None else values
        self._top = self._short_prefixes() if top is None else top

    @classmethod
    def from_counts(cls, counts: dict[str, int], fold: Callable[[str], str] | None = None) -> PrefixTable:
        """A table of ``counts`` (value -> count), searched by ``fold(value)`` when given."""
        if fold is None:
            keys = sorted(counts)
            return cls(keys, [counts[key] for key in keys])
        rows = sorted((fold(value), value) for value in counts)
        values = [value for _, value in rows]
        return cls([key for key, _ in rows], [counts[value] for value in values], values)

    def items(self) -> dict[str, int]:
        """Every value with its count."""
        return dict(zip(self.values, self.counts, strict=True))

    def packed(self) -> tuple:
        """The table as a few flat values, quick to pickle and unpickle (see :meth:`unpacked`)."""
        keys = self.keys if isinstance(self.keys, PackedWords) else PackedWords.pack(self.keys)
        values = None if self.values is self.keys else list(self.values)
        return keys.text, keys.offsets, array("I", self.counts), values, self._top

    @classmethod
    def unpacked(cls, data: tuple) -> PrefixTable:
        text, offsets, counts, values, top = data
        return cls(PackedWords(text, offsets), counts, values, top)

    def __len__(self) -> int:
        return len(self.keys)

    def _short_prefixes(self) -> dict[str, list[int]]:
        keys, count = self.keys, self.counts.__getitem__
        top: dict[str, list[int]] = {}
        i, n = 0, len(keys)
        while i < n:
            prefix = keys[i][:2]
            end = bisect_right(keys, prefix, i) if len(prefix) < 2 else bisect_right(keys, prefix + _LAST, i)
            top[prefix] = nlargest(TOP, range(i, end), key=count)
            i = end
        by_first: dict[str, list[int]] = {}
        for prefix, found in top.items():
            by_first.setdefault(prefix[:1], []).extend(found)
        for first, found in by_first.items():
            top[first] = nlargest(TOP, sorted(set(found)), key=count)
        top[""] = nlargest(TOP, sorted({i for first in by_first for i in top[first]}), key=count)
        return top

    def lookup(self, prefix: str, limit: int = TOP) -> list[tuple[str, int]]:
        """(value, count) of the keys starting with ``prefix``: highest count first, then alphabetical."""
        found = self._top.get(prefix) if len(prefix) <= 2 else None
        if found is None:
            if len(prefix) <= 2:
                return []
            start = bisect_left(self.keys, prefix)
            end = bisect_right(self.keys, prefix + _LAST, start)
            found = nlargest(limit, range(start, end), key=self.counts.__getitem__)
        return [(self.values[i], self.counts[i]) for i in found[:limit]]


class Vocabulary:
    """Corpus words and author names of an index, for completion; loaded in the background.

    The load runs in a daemon thread. With a ``worker`` (see
    :class:`searchkit.shell.session.Worker`) the thread only waits: the
    reading, parsing and sorting happen in the worker process, because they
    are long calls that hold the GIL (seconds on a large index, during which
    the prompt could not even echo a key), and the tables come back packed.

    >>> vocabulary = Vocabulary.from_counts({"putin": 9, "pump": 2}, {"Chris Chuba": 4})
    >>> vocabulary.words("pu")
    [('putin', 9), ('pump', 2)]
    """

    def __init__(self, on_loaded: Callable[[], None] = lambda: None, worker=None):
        self.worker = worker
        self._words: PrefixTable | None = None
        self._authors: PrefixTable | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._again = False
        self.on_loaded = on_loaded
        self.seconds: float | None = None
        self.error: str | None = None

    @classmethod
    def from_counts(cls, words: dict[str, int], authors: dict[str, int] | None = None) -> Vocabulary:
        vocabulary = cls()
        vocabulary._words = PrefixTable.from_counts(words)
        vocabulary._authors = PrefixTable.from_counts(authors or {}, str.lower)
        return vocabulary

    @property
    def ready(self) -> bool:
        return self._words is not None

    @property
    def loading(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, index_path: str | Path, shared=None, fresh: bool = False) -> None:
        """Load (or reload) from the index at ``index_path`` in a daemon thread; returns at once.

        ``shared`` is an open :class:`searchkit.Index` whose word list to use
        (see :func:`read_vocabulary`); ``fresh`` makes a worker reopen the
        index (it changed). Asked again while a load runs, it loads once
        more when that one ends.
        """
        with self._lock:
            if self.loading:
                self._again = True
                return
            self._again = False
            self._thread = threading.Thread(
                target=self._load_until_current,
                args=(index_path, shared, fresh),
                name="searchkit-vocabulary",
                daemon=True,
            )
            self._thread.start()

    def _load_until_current(self, index_path: str | Path, shared, fresh: bool) -> None:
        while True:
            self.load(index_path, shared, fresh)
            shared, fresh = None, True  # a second round is for a changed index: read it afresh
            with self._lock:
                if not self._again:
                    return
                self._again = False

    def load(self, index_path: str | Path, shared=None, fresh: bool = False) -> None:
        """Load now (waiting for the worker, if any); the tables in use stay until the new ones are complete."""
        started = time.perf_counter()
        try:
            try:
                if self.worker is None or not self.worker.available:
                    raise OSError("no worker")
                packed_words, packed_authors = self.worker.call(worker_vocabulary, str(index_path), fresh)
                words, authors = PrefixTable.unpacked(packed_words), PrefixTable.unpacked(packed_authors)
            except OSError:  # no worker process: read here (a thread of the shell)
                words, authors = read_vocabulary(index_path, shared)
            self._words, self._authors = words, authors
            self.error = None
        except Exception as exc:  # completion degrades to commands and fields; the shell goes on
            self.error = f"{type(exc).__name__}: {exc}"
        self.seconds = time.perf_counter() - started
        self.on_loaded()

    def wait(self, timeout: float | None = None) -> bool:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.ready

    def words(self, prefix: str, limit: int = TOP) -> list[tuple[str, int]]:
        """(word, documents) for corpus words starting with ``prefix`` (any case), most frequent first."""
        table = self._words
        return table.lookup(prefix.lower(), limit) if table is not None else []

    def authors(self, prefix: str, limit: int = TOP) -> list[tuple[str, int]]:
        """(name, comments) for author names starting with ``prefix`` (any case), most prolific first."""
        table = self._authors
        return table.lookup(prefix.lower(), limit) if table is not None else []

    def __len__(self) -> int:
        """How many corpus words are loaded."""
        return len(self._words) if self._words is not None else 0

    @property
    def author_count(self) -> int:
        return len(self._authors) if self._authors is not None else 0


def read_vocabulary(index_path: str | Path, shared=None) -> tuple[PrefixTable, PrefixTable]:
    """Every surface word and every author name of the index, with its document count.

    Words come from :meth:`searchkit.Index.vocabulary` (the words as written,
    kept beside the index); author names from the lexicon of the
    ``author_name`` field, in one pass over each segment's term table (a
    term's document frequency comes with the term, no look-up per name).
    Whoosh is read through an index opened for this call only (its readers
    are not shared between threads). With ``shared``, an index open
    elsewhere, its word list is used: it is a file read, no Whoosh reader, and
    loading it here spares the other thread the load (``Index.suggest``
    needs it too) and the memory of a second copy (about 200 MB for 1.5
    million words).
    """
    import searchkit
    from searchkit.schema import AUTHOR_NAME

    with searchkit.open_index(index_path) as index:
        words = (shared or index).vocabulary()
        authors = index.term_counts(AUTHOR_NAME)
    return PrefixTable.from_counts(words), PrefixTable.from_counts(authors, str.lower)


# -- run in a worker process (see searchkit.shell.session.Worker) ------------------------
_WORKER_INDEXES: dict[str, object] = {}
"""In a worker process: the index kept open between calls, with its word list loaded."""


def _worker_index(index_path: str, fresh: bool = False):
    import searchkit

    index = _WORKER_INDEXES.pop(index_path, None)
    if index is not None and fresh:
        index.close()
        index = None
    if index is None:
        index = searchkit.open_index(index_path)
    _WORKER_INDEXES[index_path] = index
    return index


def worker_vocabulary(index_path: str, fresh: bool = False) -> tuple[tuple, tuple]:
    """The vocabulary tables, packed; the index stays open for :func:`worker_suggest_query`."""
    words, authors = read_vocabulary(index_path, shared=_worker_index(index_path, fresh))
    return words.packed(), authors.packed()


def worker_suggest_query(index_path: str, query: str) -> str | None:
    """``Index.suggest_query`` with the index (and its word list) opened once per worker."""
    return _worker_index(index_path).suggest_query(query)


class ShellCompleter(Completer):
    """Completions for the shell prompt; see the module docstring for what and when.

    ``commands`` is a callable returning the registry's commands (objects with
    ``name``, ``summary`` and ``complete(state, prefix)``); ``state`` is passed
    to argument completers (``:open`` completes hit numbers from the current
    results, ``:author`` names from the vocabulary).
    """

    def __init__(self, vocabulary: Vocabulary, commands: Callable[[], Iterable], state=None):
        self.vocabulary = vocabulary
        self.commands = commands
        self.state = state

    def get_completions(self, document: Document, complete_event: CompleteEvent):
        before = document.text_before_cursor
        stripped = before.lstrip()
        if stripped.startswith(":"):
            yield from self._command_completions(stripped[1:])
            return
        if not stripped:
            if complete_event.completion_requested:
                yield from self._command_completions("")
            return
        author = _AUTHOR_AT_END.search(before)
        if author:
            yield from self._author_completions(author.group(1), author.group(2))
            return
        match = _WORD_AT_END.search(before)
        if not match or not match.group(2):
            return
        field, word = match.group(1), match.group(2)
        if field is None:
            lowered = word.lower()
            for name in FIELDS:
                if name.startswith(lowered):
                    yield Completion(f"{name}:", -len(word), display_meta="field")
            if word.isupper():
                for operator in OFFERED_OPERATORS:
                    if operator.startswith(word) and operator != word:
                        yield Completion(operator, -len(word), display_meta="operator")
        elif field.lower() not in WORD_FIELDS:
            return
        for found, count in self.vocabulary.words(word):
            yield Completion(same_case(word, found), -len(word), display=found, display_meta=_documents(count))

    def _command_completions(self, typed: str):
        name, space, argument = typed.partition(" ")
        if not space:
            for command in self.commands():
                if command.name.startswith(name):
                    yield Completion(f":{command.name}", -len(name) - 1, display_meta=command.summary)
            return
        command = next((c for c in self.commands() if name in (c.name, *c.aliases)), None)
        if command is None or command.complete is None:
            return
        argument = argument.lstrip()
        for text, meta in command.complete(self.state, argument):
            yield Completion(text, -len(argument), display_meta=meta)

    def _author_completions(self, quoted: str | None, bare: str | None):
        typed = quoted if quoted is not None else bare
        replace = len(typed) + (1 if quoted is not None else 0)
        for name, count in self.vocabulary.authors(typed):
            text = f'"{name}"' if quoted is not None or any(ch.isspace() for ch in name) else name
            yield Completion(text, -replace, display=name, display_meta=_comments(count))


def _documents(count: int) -> str:
    return f"{count:,} doc" + ("" if count == 1 else "s")


def _comments(count: int) -> str:
    return f"{count:,} comment" + ("" if count == 1 else "s")
