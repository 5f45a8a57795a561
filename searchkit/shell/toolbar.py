"""The bottom toolbar: index, its counts, active filters, and the last query's hits and time.

Everything shown is read from the :class:`~searchkit.shell.session.ShellState`;
nothing here touches the index (the counts are cached by the state and
loaded in the background), so drawing the toolbar never waits.
"""

from __future__ import annotations

from collections.abc import Callable

from .session import ShellState

SEPARATOR = ("class:bottom-toolbar", "  │  ")


def toolbar_fragments(state: ShellState, editing_mode: str = "emacs") -> list[tuple[str, str]]:
    """The toolbar as prompt_toolkit (style, text) fragments."""
    plain, key, busy = "class:bottom-toolbar", "class:bottom-toolbar.key", "class:bottom-toolbar.busy"
    parts: list[list[tuple[str, str]]] = []
    if state.stats is not None:
        counts = f"{state.stats.articles:,} articles · {state.stats.comments:,} comments"
        parts.append([(plain, f" {state.index_path}  "), (key, counts)])
    elif state.stats_error:
        parts.append([(plain, f" {state.index_path}  "), (busy, "counts unavailable")])
    else:
        parts.append([(plain, f" {state.index_path}  "), (busy, "counting…")])
    filters = state.filters.describe()
    if state.limit != 10:
        filters.append(f"{state.limit} per page")
    parts.append([(plain, " · ".join(filters) if filters else "no filters")])
    if state.results is not None:
        results = state.results
        noun = "hit" if results.total == 1 else "hits"
        text = f"{results.total:,} {noun}"
        if results.pages > 1:
            text += f" · page {results.page}/{results.pages}"
        if state.last_seconds is not None:
            text += f" · {state.last_seconds * 1000:.0f} ms"
        parts.append([(key, text)])
    vocabulary = state.vocabulary
    if vocabulary is not None and not vocabulary.ready and vocabulary.loading:
        parts.append([(busy, "loading words…")])
    parts.append([(plain, f"F4 {editing_mode}  :help ")])
    fragments: list[tuple[str, str]] = []
    for index, part in enumerate(parts):
        if index:
            fragments.append(SEPARATOR)
        fragments.extend(part)
    return fragments


def make_toolbar(state: ShellState, editing_mode: Callable[[], str]) -> Callable[[], list[tuple[str, str]]]:
    """The ``bottom_toolbar`` callable for a PromptSession."""
    return lambda: toolbar_fragments(state, editing_mode())
