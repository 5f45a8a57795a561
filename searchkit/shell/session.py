"""The state of one shell session and the searches it runs.

:class:`ShellState` holds what the user set up (filters, sort, page size),
what they last asked (query, page) and got (results, timing), and the open
:class:`~searchkit.Index`. Its methods run searches and know nothing of
prompt_toolkit or of how results are printed: the commands print, the toolbar
reads. Output goes through :meth:`ShellState.echo` to an injectable stream.

Two things are loaded in the background and loaded again when a search finds
that the index changed on disk: the index counts for the toolbar
(:meth:`ShellState.reload_stats`) and the completion vocabulary
(:class:`~searchkit.shell.completer.Vocabulary`). On a large index both take
seconds of work that holds the GIL in long stretches (a JSON parse, sorts,
a walk over the lexicon), which would freeze typing in a thread of the
shell's process; so the shell gives each a :class:`Worker`, a process of its
own, and the threads here only wait for it. The vocabulary's worker also
answers "did you mean" (``Index.suggest_query`` needs the same word list). Without
workers (tests) the same work runs in threads, each with its own open index
so that no Whoosh reader is shared between threads.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import searchkit
from searchkit.options import SCOPES, SORTS, UNDATED_CHOICES
from searchkit.term.color import Painter
from searchkit.term.wrap import output_width

from .completer import Vocabulary, worker_suggest_query

__all__ = ["SCOPES", "SORTS", "UNDATED_CHOICES", "Filters", "ShellState", "Worker"]

SUGGEST_TIMEOUT = 5.0
"""Seconds "did you mean" waits for the vocabulary's worker (busy loading just after launch)."""

_FIELD_OR_DATE = re.compile(r"(?i)\bdate:(\[[^\]]*\]?|\S+)|\b\w+:")


class SuggestionsNotReady(Exception):
    """The vocabulary is still loading: no "did you mean" for this query."""


class WorkerUnavailable(OSError):
    """The worker process could not be started or has died: do the work here."""


class WorkerClosed(Exception):
    """The shell closed the worker (it is leaving): nobody needs the answer."""


class Worker:
    """A process of its own for slow reads of the index, called one request at a time.

    A plain child process (``python -c``, not multiprocessing, which would
    re-import the program's ``__main__`` and respawn a worker that fails to
    start for ever), in its own session so that Ctrl-C at the terminal never
    reaches it. Requests and answers are pickles over its stdin and stdout;
    it serves the functions of this package named in the request. It ends
    when the shell closes it (:meth:`close` kills it mid-task, so leaving
    never waits), when its stdin closes, or, mid-task, when the shell dies. When it cannot be started or
    dies, :attr:`available` turns False and :meth:`call` raises
    :class:`WorkerUnavailable`: callers then do the work themselves.
    """

    def __init__(self):
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self.available = True
        self.closed = False

    def start(self) -> Worker:
        """Start the process now (it takes a moment to import searchkit); returns self."""
        with self._lock:
            try:
                self._ensure()
            except WorkerUnavailable:
                pass  # available is False: callers do the work themselves
        return self

    def _ensure(self) -> subprocess.Popen:
        if self.closed:
            raise WorkerClosed
        if not self.available:
            raise WorkerUnavailable("the worker process is not running")
        if self._process is None:
            package_root = str(Path(searchkit.__file__).resolve().parent.parent)
            path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
            env = dict(os.environ, PYTHONPATH=path)
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", "from searchkit.shell.session import serve; serve()"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,
                )
            except OSError as exc:
                self.available = False
                raise WorkerUnavailable(f"cannot start a worker process: {exc}") from None
        return self._process

    def call(self, function: Callable, *args, timeout: float | None = None):
        """``function(*args)`` in the worker; ``TimeoutError`` when it is still busy after ``timeout`` s."""
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            raise TimeoutError(f"the worker is busy ({timeout:g} s)")
        try:
            process = self._ensure()
            try:
                pickle.dump((function.__module__, function.__qualname__, args), process.stdin, pickle.HIGHEST_PROTOCOL)
                process.stdin.flush()
                ok, value = pickle.load(process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError) as exc:
                if self.closed:
                    raise WorkerClosed from None
                self._stop()
                self.available = False
                raise WorkerUnavailable(f"the worker process ended ({type(exc).__name__})") from None
        finally:
            self._lock.release()
        if not ok:
            raise searchkit.SearchkitError(value)
        return value

    def close(self) -> None:
        """Kill the worker, busy or not (without waiting for a call in progress to return)."""
        self.closed = True
        self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


def serve() -> None:
    """The worker's loop: read a request, call, answer; until stdin closes."""
    import importlib

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the answers
    while True:
        try:
            module, name, args = pickle.load(requests)
        except EOFError:
            return
        if not module.startswith("searchkit."):
            answer = (False, f"{module}.{name}: not a searchkit function")
        else:
            try:
                answer = (True, getattr(importlib.import_module(module), name)(*args))
            except Exception as exc:  # reported to the shell as one line
                answer = (False, f"{type(exc).__name__}: {exc}")
        pickle.dump(answer, answers, pickle.HIGHEST_PROTOCOL)
        answers.flush()


def _exit_with_parent(parent: int) -> None:
    """In the worker: end mid-task when the shell is gone (killed, its terminal closed)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def count_index(index_path: str) -> searchkit.IndexStats:
    """``Index.stats()`` of a freshly opened index (run in a worker or a thread)."""
    with searchkit.open_index(index_path) as index:
        return index.stats()


@dataclass
class Filters:
    """What :meth:`searchkit.Index.search` is told besides the query."""

    scope: str = "all"
    author: str | None = None
    since: str | None = None
    until: str | None = None
    sort: str = "relevance"
    undated: str = "exclude"

    def options(self) -> dict:
        return {
            "scope": self.scope,
            "author": self.author,
            "since": self.since,
            "until": self.until,
            "sort": self.sort,
            "undated": self.undated,
        }

    def selection(self) -> dict:
        """The options that choose documents (what ``Index.count`` and ``iter_hits`` take too), not the order."""
        return {key: value for key, value in self.options().items() if key != "sort"}

    def changed(self) -> dict:
        """The options that differ from the defaults (what a saved query keeps)."""
        default = Filters().options()
        return {key: value for key, value in self.options().items() if value != default[key]}

    def describe(self) -> list[str]:
        """The filters that differ from the defaults, as short phrases for the toolbar."""
        parts = []
        if self.scope != "all":
            parts.append(f"in {self.scope}")
        if self.author:
            parts.append(f"author {self.author}")
        if self.since:
            parts.append(f"since {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        if self.sort != "relevance":
            parts.append(f"by {self.sort}")
        if self.undated != "exclude":
            parts.append(f"undated {self.undated}d")
        return parts


@dataclass
class ShellState:
    """One session: the open index, the settings, the last query and its results."""

    index: searchkit.Index
    out: TextIO = field(default_factory=lambda: sys.stdout)
    paint: Painter = field(default_factory=lambda: Painter(False))
    limit: int = 10
    pager: str = "less -R"
    page_results: bool = True
    """Send a result page taller than the screen through the pager."""
    vocabulary: Vocabulary | None = None
    worker: Worker | None = None
    """The vocabulary's worker, asked for "did you mean"; None: ``Index.suggest_query`` here."""
    stats_worker: Worker | None = None
    filters: Filters = field(default_factory=Filters)
    screen_size: Callable[[], tuple[int, int]] = lambda: (24, 80)
    """(rows, columns) of the terminal, for deciding when to page."""

    query: str | None = None
    label: str | None = None
    """How the current results came about, when not from typing ``query`` (``articles like #3``)."""
    page: int = 1
    results: searchkit.Results | None = None
    last_seconds: float | None = None
    suggestion: str | None = None
    """The last "did you mean" query offered (F3 puts it on the line)."""
    on_update: Callable[[], None] = lambda: None
    """Called (from any thread) when something the toolbar shows has changed."""

    stats: searchkit.IndexStats | None = None
    stats_error: str | None = None
    _searcher_state: object = None
    _stats_thread: threading.Thread | None = None

    def __post_init__(self):
        self._searcher_state = self.index.searcher_state()

    @property
    def index_path(self) -> Path:
        return Path(self.index.path)

    def echo(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # -- searching -------------------------------------------------------
    def search(self, query: str, page: int = 1) -> searchkit.Results:
        """Run ``query`` with the current filters and remember it as the current results."""
        self.refresh()
        results = self.index.search(query, limit=self.limit, page=page, **self.filters.options())
        self.query, self.label, self.page, self.results = query, None, page, results
        self.last_seconds = results.seconds
        self.on_update()
        return results

    def turn_page(self, step: int) -> searchkit.Results | None:
        """The next (``step=1``) or previous page of the current query, or None past either end."""
        if self.results is None or self.query is None or self.label is not None:
            return None
        page = self.page + step
        if page < 1 or page > self.results.pages:
            return None
        return self.search(self.query, page)

    def check_filters(self, filters: Filters) -> None:
        """Raise :class:`searchkit.QuerySyntaxError` when ``filters`` hold a value search would refuse.

        An empty query with filters costs nothing: the search parses the
        filters and returns before touching the index.
        """
        self.index.search("", limit=1, **filters.options())

    def set_filters(self, **changes) -> None:
        new = replace(self.filters, **changes)
        self.check_filters(new)
        self.filters = new
        self.on_update()

    def hit(self, rank: int) -> searchkit.Hit | None:
        """Hit number ``rank`` of the current results, on the page shown or any other (fetched, not shown)."""
        for hit in self.results or ():
            if hit.rank == rank:
                return hit
        if self.results is None or self.query is None or self.label is not None:
            return None
        if not 1 <= rank <= self.results.total:
            return None
        page = (rank - 1) // self.limit + 1
        found = self.index.search(self.query, limit=self.limit, page=page, **self.filters.options())
        return next((hit for hit in found if hit.rank == rank), None)

    def width(self) -> int | None:
        """Columns to wrap text at: the screen's on a terminal, else ``$COLUMNS`` or none."""
        isatty = getattr(self.out, "isatty", None)
        if isatty and isatty():
            return self.screen_size()[1]
        return output_width(self.out)

    def on_terminal(self) -> bool:
        isatty = getattr(self.out, "isatty", None)
        return bool(isatty and isatty())

    def _need_query(self, action: str) -> None:
        """Raise SearchkitError when there is no query to ``action`` (none typed, or a :more list)."""
        if self.query is None:
            raise searchkit.SearchkitError(f"no query to {action}", hint="type a query first")
        if self.label is not None:
            raise searchkit.SearchkitError(
                f"nothing to {action}: the hits shown are {self.label} (:more), not a query's",
                hint="type a query first",
            )

    def count(self, by: str, **overrides) -> searchkit.Counts:
        """``Index.count`` of the current query with the current filters (``overrides`` win)."""
        self._need_query("count")
        self.refresh()
        return self.index.count(self.query, by=by, **(self.filters.selection() | overrides))

    def iter_hits(self):
        """Every hit of the current query (articles and comments), for export."""
        self._need_query("export")
        self.refresh()
        return self.index.iter_hits(self.query, **self.filters.options())

    def highlight_terms(self) -> set[str]:
        """Index terms of the current query, for highlighting a whole article."""
        from searchkit.analysis import terms

        if not self.results:
            return set()
        return set(terms(_FIELD_OR_DATE.sub(" ", self.results.query)))

    def more_like(self, hit: searchkit.Hit, top: int = 10):
        """Articles like the article or comment of ``hit`` (``Index.similar``); becomes the current results.

        Returns the :class:`searchkit.Similar` (its ``terms`` are the key terms used).
        """
        self.refresh()
        similar = self.index.similar(hit.id, limit=top)
        results = similar.results
        self.query, self.page, self.results = " ".join(similar.terms), 1, results
        self.label = f"articles like “{hit.title}”"
        self.last_seconds = results.seconds
        self.on_update()
        return similar

    def correction(self, query: str) -> str | None:
        """``Index.suggest_query``: the query with its misspelt words fixed (fields kept), when that has hits.

        Asked of the vocabulary's worker when there is one; raises
        :class:`SuggestionsNotReady` when the worker is still busy loading.
        """
        if self.worker is not None and self.worker.available:
            try:
                return self.worker.call(worker_suggest_query, str(self.index_path), query, timeout=SUGGEST_TIMEOUT)
            except TimeoutError:
                raise SuggestionsNotReady from None
            except WorkerUnavailable:
                pass  # no worker process after all: ask here
        return self.index.suggest_query(query)

    # -- the index changing under us ---------------------------------------
    def refresh(self) -> bool:
        """See commits made since the last search; True (and reload counts and words) when there were."""
        self.index.refresh()
        state = self.index.searcher_state()
        if state is self._searcher_state:
            return False
        self._searcher_state = state
        self.reload_stats()
        if self.vocabulary is not None:
            self.vocabulary.start(self.index_path, fresh=True)
        return True

    def current_stats(self, on_wait: Callable[[], None] = lambda: None) -> searchkit.IndexStats:
        """The counts of the index as it is now: the cached ones unless it changed (then counted again).

        ``on_wait`` is called first when the counting is still going on.
        """
        self.refresh()
        if self._stats_thread is not None and self._stats_thread.is_alive():
            on_wait()
            self._stats_thread.join()
        if self.stats is None:
            self.reload_stats(background=False)
        if self.stats is None:
            raise searchkit.SearchkitError(f"{self.index_path}: cannot count the index ({self.stats_error})")
        return self.stats

    def reload_stats(self, background: bool = True) -> None:
        """Count the index again: in the stats worker when there is one, else in a thread with its own index."""

        def work():
            try:
                worker = self.stats_worker if background else None
                try:
                    if worker is None or not worker.available:
                        raise OSError("no worker")
                    self.stats = worker.call(count_index, str(self.index_path))
                except OSError:
                    self.stats = count_index(str(self.index_path))
                self.stats_error = None
            except Exception as exc:  # the toolbar says so; the session goes on
                self.stats_error = f"{type(exc).__name__}: {exc}"
            self.on_update()

        if not background:
            work()
            return
        self._stats_thread = threading.Thread(target=work, name="searchkit-stats", daemon=True)
        self._stats_thread.start()

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for the background loads (for tests and benchmarks)."""
        if self._stats_thread is not None:
            self._stats_thread.join(timeout)
        if self.vocabulary is not None:
            self.vocabulary.wait(timeout)
