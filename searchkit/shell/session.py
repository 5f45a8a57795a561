"""The state of one shell session and the searches it runs.

:class:`ShellState` holds what the user set up (filters, sort, page size),
what they last asked (query, page) and got (results, timing), and the open
:class:`~searchkit.Index`. Its methods run searches and know nothing of
prompt_toolkit or of how results are printed: the commands print, the toolbar
reads. Output goes through :meth:`ShellState.echo` to an injectable stream.

Two things are loaded in background threads, each with its own open index so
no Whoosh reader is shared between threads: the index counts for the toolbar
(:meth:`ShellState.reload_stats`) and the completion vocabulary
(:class:`~searchkit.shell.completer.Vocabulary`). Both are loaded again when a
search finds that the index changed on disk.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import searchkit
from searchkit.term.color import Painter

from .completer import Vocabulary

SCOPES = ("all", "articles", "comments")
SORTS = ("relevance", "date")
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
MORE_LIKE_TERMS = 10
"""How many key terms of an article make its "more like this" query."""

_QUERY_WORD = re.compile(r"(?<![\w.'’*?])[^\W\d_][\w'’]*(?![\w'’]*[:*?])")
_FIELD_OR_DATE = re.compile(r"(?i)\bdate:(\[[^\]]*\]?|\S+)|\b\w+:")


@dataclass
class Filters:
    """What :meth:`searchkit.Index.search` is told besides the query."""

    scope: str = "all"
    author: str | None = None
    since: str | None = None
    until: str | None = None
    sort: str = "relevance"

    def options(self) -> dict:
        return {
            "scope": self.scope,
            "author": self.author,
            "since": self.since,
            "until": self.until,
            "sort": self.sort,
        }

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
        return parts


@dataclass
class ShellState:
    """One session: the open index, the settings, the last query and its results."""

    index: searchkit.Index
    out: TextIO = field(default_factory=lambda: sys.stdout)
    paint: Painter = field(default_factory=lambda: Painter(False))
    limit: int = 10
    pager: str = "less -R"
    vocabulary: Vocabulary | None = None
    filters: Filters = field(default_factory=Filters)
    screen_size: Callable[[], tuple[int, int]] = lambda: (24, 80)
    """(rows, columns) of the terminal, for deciding when to page."""

    query: str | None = None
    label: str | None = None
    """How the current results came about, when not from typing ``query`` (``articles like #3``)."""
    page: int = 1
    results: searchkit.Results | None = None
    last_seconds: float | None = None
    on_update: Callable[[], None] = lambda: None
    """Called (from any thread) when something the toolbar shows has changed."""

    stats: searchkit.IndexStats | None = None
    stats_error: str | None = None
    _searcher: object = None
    _stats_thread: threading.Thread | None = None

    def __post_init__(self):
        self._searcher = self.index.searcher()

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
        """Hit number ``rank`` (as shown) of the current results."""
        for hit in self.results or ():
            if hit.rank == rank:
                return hit
        return None

    def highlight_terms(self) -> set[str]:
        """Index terms of the current query, for highlighting a whole article."""
        from searchkit.analysis import terms

        if not self.results:
            return set()
        return set(terms(_FIELD_OR_DATE.sub(" ", self.results.query)))

    def more_like(self, hit: searchkit.Hit, top: int = 10) -> searchkit.Results:
        """Articles like the article of ``hit``: its key body terms (Whoosh's Bo1 model) as a query.

        The key terms are index terms (stems); the query is made of the words
        of the article that gave them, so it reads as words and ranks like
        any query. The article itself is left out.
        """
        from searchkit.analysis import words_with_terms
        from searchkit.schema import ARTICLE, BODY, ID_FIELD, KIND

        started = time.perf_counter()
        self.refresh()
        article = self.index.article(hit.article_id)
        searcher = self.index.searcher()
        docnum = searcher.document_number(**{ID_FIELD: article.id, KIND: ARTICLE})
        if docnum is None:  # deleted since the search that showed it
            raise searchkit.SearchkitError(f"article {article.id} is no longer in the index")
        key_terms = [term for term, _score in searcher.key_terms([docnum], BODY, numterms=MORE_LIKE_TERMS)]
        text = f"{article.title}\n{article.body}"
        surface: dict[str, str] = {}
        for term, start, end in words_with_terms(text):
            surface.setdefault(term, text[start:end])
        query = " ".join(surface[term] for term in key_terms if term in surface)
        options = self.filters.options() | {"scope": "articles", "author": None, "sort": "relevance"}
        found = self.index.search(query, limit=top + 1, **options) if query else None
        hits = [h for h in (found.hits if found else []) if h.article_id != article.id][:top]
        hits = [replace(h, rank=rank) for rank, h in enumerate(hits, start=1)]
        results = searchkit.Results(query, len(hits), hits, 1, max(top, 1), time.perf_counter() - started)
        self.query, self.page, self.results = query, 1, results
        self.label = f"articles like “{article.title}”"
        self.last_seconds = results.seconds
        self.on_update()
        return results

    def correction(self, query: str) -> str | None:
        """``query`` with misspelt words replaced by the closest corpus words, or None when none is."""
        changed = False

        def fix(match: re.Match) -> str:
            nonlocal changed
            word = match.group()
            if word in OPERATORS or len(word) < 3:
                return word
            better = self.index.suggest(word)
            if not better or better == word.lower():
                return word
            changed = True
            return _same_case(word, better)

        corrected = _QUERY_WORD.sub(fix, query)
        return corrected if changed else None

    # -- the index changing under us ---------------------------------------
    def refresh(self) -> bool:
        """See commits made since the last search; True (and reload counts and words) when there were."""
        self.index.refresh()
        searcher = self.index.searcher()
        if searcher is self._searcher:
            return False
        self._searcher = searcher
        self.reload_stats()
        if self.vocabulary is not None:
            self.vocabulary.start(self.index_path)
        return True

    def reload_stats(self, background: bool = True) -> None:
        """Count articles and comments again, in a thread with its own index (counting terms is slow)."""

        def work():
            try:
                with searchkit.open_index(self.index_path) as index:
                    self.stats = index.stats()
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


def _same_case(original: str, word: str) -> str:
    """``word`` written with the capitalisation of ``original`` (Putn -> Putin, NATP -> NATO)."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
