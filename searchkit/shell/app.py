"""Wiring: the PromptSession of ``searchkit shell`` and its read-run loop.

Each concern lives in its own module (completer, lexer, style, key bindings,
toolbar, commands, config); this one only puts them together. Input and
output are injectable, so tests drive a whole session with
``create_pipe_input()`` and ``DummyOutput()`` and read what was printed from
``stdout``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import ThreadedCompleter
from prompt_toolkit.enums import EditingMode
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.lexers import PygmentsLexer

import searchkit
from searchkit.term.color import DIM, Painter, should_color

from .commands import ExitShell, all_commands, dispatch
from .completer import ShellCompleter, Vocabulary
from .config import Config, history_path, load_config
from .key_bindings import shell_key_bindings
from .lexer import QueryLexer
from .session import ShellState, Worker
from .style import make_style
from .toolbar import make_toolbar

PROMPT = "searchkit> "


def run_shell(
    index_path: str | Path,
    *,
    editing_mode: str | None = None,
    page_size: int | None = None,
    config: Config | None = None,
    input=None,
    output=None,
    stdout: TextIO | None = None,
    color: bool | None = None,
    workers: bool = True,
) -> int:
    """Run the interactive shell on the index at ``index_path`` until :quit or Ctrl-D; returns 0.

    ``editing_mode`` ("emacs"/"vi") and ``page_size`` override the config
    file (read from the XDG config dir unless ``config`` is given).
    ``input``/``output`` are prompt_toolkit's (default: the terminal);
    results are written to ``stdout`` (default ``sys.stdout``), coloured
    when it is a terminal unless ``color`` says otherwise. ``workers=False``
    loads the vocabulary and counts in threads instead of worker processes
    (see :mod:`searchkit.shell.session`).
    """
    config = config if config is not None else load_config()
    stdout = stdout if stdout is not None else sys.stdout
    paint = Painter(should_color(stdout) if color is None else color)
    index = searchkit.open_index(index_path)
    lines_only = input is None and not sys.stdin.isatty()
    worker, stats_worker = (Worker().start(), Worker().start()) if workers and not lines_only else (None, None)
    try:
        vocabulary = Vocabulary(worker=worker)
        state = ShellState(
            index,
            out=stdout,
            paint=paint,
            limit=page_size or config.page_size,
            pager=config.pager_command(),
            page_results=config.page_results,
            vocabulary=vocabulary,
            worker=worker,
            stats_worker=stats_worker,
        )
        if lines_only:  # no prompt: no completion, no toolbar
            return _run_lines(state, sys.stdin)
        # Without a worker, the thread shares the index's word list: Index.suggest needs it too.
        vocabulary.start(state.index_path, shared=index)
        state.reload_stats()
        style, style_warnings = make_style(config.colors)
        for warning in config.warnings + style_warnings:
            state.echo(paint(f"config: {warning}", DIM))
        history = _history(state)
        mode = EditingMode.VI if (editing_mode or config.editing_mode) == "vi" else EditingMode.EMACS
        session: PromptSession = PromptSession(
            message=[("class:prompt", PROMPT)],
            lexer=PygmentsLexer(QueryLexer),
            completer=ThreadedCompleter(ShellCompleter(vocabulary, all_commands, state)),
            complete_while_typing=config.complete_while_typing,
            auto_suggest=AutoSuggestFromHistory(),
            history=history,
            style=style,
            key_bindings=shell_key_bindings(state),
            editing_mode=mode,
            enable_history_search=False,
            input=input,
            output=output,
        )
        session.bottom_toolbar = make_toolbar(
            state, lambda: session.app.editing_mode.value.lower(), lambda: session.output.get_size().columns
        )
        state.on_update = vocabulary.on_loaded = session.app.invalidate

        def screen_size() -> tuple[int, int]:
            size = session.output.get_size()
            return size.rows, size.columns

        state.screen_size = screen_size
        state.echo(paint(f"searchkit {searchkit.__version__} on {state.index_path}: :help lists the commands", DIM))
        return _loop(session, state)
    finally:
        for each in (worker, stats_worker):
            if each is not None:
                each.close()
        index.close()


def _loop(session: PromptSession, state: ShellState) -> int:
    while True:
        try:
            line = session.prompt()
        except KeyboardInterrupt:  # Ctrl-C at the prompt: a fresh line
            continue
        except EOFError:  # Ctrl-D
            return 0
        try:
            dispatch(state, line)
        except ExitShell:
            return 0
        except KeyboardInterrupt:  # Ctrl-C during a search or a listing
            state.echo("interrupted")


def _run_lines(state: ShellState, lines) -> int:
    """Without a terminal (``searchkit shell < queries.txt``): run each line, no prompt."""
    for line in lines:
        try:
            dispatch(state, line)
        except ExitShell:
            break
    return 0


def _history(state: ShellState) -> History:
    """The history file shared by all sessions; in memory only when it cannot be written."""
    path = history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError as exc:
        state.echo(state.paint(f"history not saved: {path}: {exc.strerror}", DIM))
        return InMemoryHistory()
    return FileHistory(str(path))
