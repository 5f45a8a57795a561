"""The bottom toolbar: index, its counts, active filters, and the last query's hits and time.

Everything shown is read from the :class:`~searchkit.shell.session.ShellState`;
nothing here touches the index (the counts are cached by the state and
loaded in the background), so drawing the toolbar never waits.

In a narrow window the toolbar keeps to one line: the index path shrinks to
its folder name, then the parts that matter least go first (the keys hint,
the index, the counts, the filters); the last query's hits stay.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .session import ShellState

SEPARATOR = ("class:bottom-toolbar", "  │  ")


def toolbar_fragments(
    state: ShellState, editing_mode: str = "emacs", width: int | None = None
) -> list[tuple[str, str]]:
    """The toolbar as prompt_toolkit (style, text) fragments, fitted to ``width`` columns when given."""
    for short_path in (False, True):
        parts = _parts(state, editing_mode, short_path)
        if width is None or _length(parts) <= width:
            break
    # Least needed first: the keys hint, the index and its counts, the filters.
    for drop in (len(parts) - 1, 0, 0):
        if width is None or _length(parts) <= width or len(parts) == 1:
            break
        del parts[drop]
    fragments: list[tuple[str, str]] = []
    for index, part in enumerate(parts):
        if index:
            fragments.append(SEPARATOR)
        fragments.extend(part)
    if width is not None and _length(parts) > width:  # one part still too long: cut it
        fragments = _cut(fragments, width)
    return fragments


def _length(parts: list[list[tuple[str, str]]]) -> int:
    return sum(len(text) for part in parts for _, text in part) + len(SEPARATOR[1]) * (len(parts) - 1)


def _cut(fragments: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    kept, room = [], width
    for style, text in fragments:
        if room <= 0:
            break
        kept.append((style, text[:room]))
        room -= len(text)
    return kept


def _parts(state: ShellState, editing_mode: str, short_path: bool) -> list[list[tuple[str, str]]]:
    plain, key, busy = "class:bottom-toolbar", "class:bottom-toolbar.key", "class:bottom-toolbar.busy"
    where = Path(state.index_path).name if short_path else str(state.index_path)
    parts: list[list[tuple[str, str]]] = []
    if state.stats is not None:
        counts = f"{state.stats.articles:,} articles · {state.stats.comments:,} comments"
        parts.append([(plain, f" {where}  "), (key, counts)])
    elif state.stats_error:
        parts.append([(plain, f" {where}  "), (busy, "counts unavailable")])
    else:
        parts.append([(plain, f" {where}  "), (busy, "counting…")])
    filters = state.filters.describe()
    if state.limit != 10:
        filters.append(f"{state.limit} per page")
    parts.append([(plain, " · ".join(filters) if filters else "no filters")])
    if state.results is not None:
        results = state.results
        if state.label is not None:  # a :more list: the best few of the related articles, no pages
            noun = "article" if results.total == 1 else "articles"
            text = f"best {len(results.hits)} of {results.total:,} similar {noun}"
        else:
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
    return parts


def make_toolbar(
    state: ShellState, editing_mode: Callable[[], str], columns: Callable[[], int] | None = None
) -> Callable[[], list[tuple[str, str]]]:
    """The ``bottom_toolbar`` callable for a PromptSession, fitted to ``columns()`` when given."""
    return lambda: toolbar_fragments(state, editing_mode(), columns() if columns else None)
