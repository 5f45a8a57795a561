"""The shell's ``:commands``, in one registry that drives dispatch, ``:help`` and completion.

A command is a function ``(state, argument)`` registered with :func:`command`;
its docstring is its help (first line: the summary ``:help`` lists), and its
optional ``complete(state, prefix)`` lists ``(text, meta)`` pairs for its
argument. :func:`dispatch` runs one line typed at the prompt: a command, a
query, or an empty line (the next page).

Library errors (:class:`searchkit.SearchkitError`, such as a date that
cannot be read) are printed as one line and the session goes on. So is any
other exception (a bug): one line, and its traceback on stderr when
``SEARCHKIT_DEBUG`` is set, as the CLI does.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import searchkit
from searchkit.options import PERIODS
from searchkit.term.color import BOLD, DIM
from searchkit.term.export import EXPORT_FORMATS, format_for, write_records
from searchkit.term.pager import page
from searchkit.term.render import article_text, results_json, results_text, similar_heading, stats_text
from searchkit.term.table import counts_text
from searchkit.term.wrap import wrap_line, wrap_text

from . import saved
from .session import SCOPES, SORTS, UNDATED_CHOICES, Filters, ShellState, SuggestionsNotReady

Completions = Iterable[tuple[str, str]]


class ExitShell(Exception):
    """Raised by ``:quit`` to end the session."""


@dataclass(frozen=True)
class Command:
    name: str
    run: Callable[[ShellState, str], None]
    usage: str
    doc: str
    complete: Callable[[ShellState, str], Completions] | None = None
    aliases: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]


COMMANDS: dict[str, Command] = {}
"""Registered commands by name, in the order ``:help`` lists them."""


def command(name: str, usage: str = "", complete=None, aliases: tuple[str, ...] = ()):
    """Register the decorated function as ``:name``; its docstring is its help."""

    def register(run):
        COMMANDS[name] = Command(
            name, run, f":{name}" + (f" {usage}" if usage else ""), inspect.getdoc(run) or "", complete, aliases
        )
        return run

    return register


def lookup(name: str) -> Command | None:
    """The command called ``name`` (without the colon) or one of its aliases."""
    name = name.lower()
    found = COMMANDS.get(name)
    if found is None:
        found = next((c for c in COMMANDS.values() if name in c.aliases), None)
    return found


def all_commands() -> list[Command]:
    return list(COMMANDS.values())


# -- running a line -----------------------------------------------------------
def dispatch(state: ShellState, line: str) -> None:
    """Run one line typed at the prompt. Raises :class:`ExitShell` to end the session."""
    text = line.strip()
    try:
        if not text:
            if state.results is not None:
                _turn(state, 1)
        elif text.startswith(":"):
            name, _, argument = text[1:].partition(" ")
            found = lookup(name)
            if found is None:
                state.echo(f"unknown command :{name} (:help lists the commands)")
                return
            found.run(state, argument.strip())
        else:
            show_results(state, state.search(text))
    except (ExitShell, KeyboardInterrupt):
        raise
    except searchkit.SearchkitError as error:
        _echo_wrapped(state, error_line(error))
    except Exception as error:  # a bug: one line, the session goes on
        _echo_wrapped(state, f"internal error: {type(error).__name__}: {error} (set SEARCHKIT_DEBUG=1 for details)")
        if os.environ.get("SEARCHKIT_DEBUG"):
            traceback.print_exc(file=sys.stderr)


def error_line(error: searchkit.SearchkitError) -> str:
    hint = getattr(error, "hint", None)
    return f"error: {error.message}" + (f" ({hint})" if hint else "")


def _echo_wrapped(state: ShellState, line: str) -> None:
    """One message, wrapped at the window's width on word boundaries with a hanging indent."""
    state.echo("\n".join(wrap_line(line, state.width(), hang=2)))


def show_results(state: ShellState, results: searchkit.Results, heading: str | None = None) -> None:
    """Print results as ``searchkit query`` does, then "did you mean" when nothing matched.

    A page taller than the screen goes through the pager (config
    ``page_results``), as pgcli does.
    """
    paint = state.paint
    lines = []
    width = state.width()
    if heading or state.label:
        lines += wrap_line(paint(heading or state.label, BOLD), width, hang=2)
    if results.notice:
        lines += wrap_line(paint(f"note: {results.notice}", DIM), width, hang=2)
    lines.append(results_text(results, paint, width, undated_hint=":undated include", similar=state.label is not None))
    text = "\n".join(lines)
    state.suggestion = None
    if state.page_results:
        page(text, state.out, command=state.pager, size=state.screen_size())
    else:
        state.echo(text)
    if not results.total and state.label is None:
        try:
            corrected = state.correction(results.query)
        except SuggestionsNotReady:
            state.echo(paint("(no spelling suggestions yet: the vocabulary is still loading)", DIM))
            return
        if corrected:
            state.suggestion = corrected
            key = paint("  (F3 puts it on the line)", DIM) if state.on_terminal() else ""
            state.echo(f"did you mean: {paint(corrected, BOLD)}{key}")


def _turn(state: ShellState, step: int) -> None:
    results = state.turn_page(step)
    if results is not None:
        show_results(state, results)
    elif state.results is None:
        state.echo("no results yet: type a query")
    elif state.label is not None:
        state.echo(f"{state.label}: one page only")
    else:
        state.echo("already on the last page" if step > 0 else "already on the first page")


def _rerun(state: ShellState) -> None:
    """After a setting changed: search the current query again, else say what is set."""
    if state.query is not None and state.label is None:
        show_results(state, state.search(state.query))
    else:
        active = state.filters.describe()
        state.echo("filters: " + (", ".join(active) if active else "none") + f"; hits per page: {state.limit}")


def _hit(state: ShellState, argument: str, usage: str) -> searchkit.Hit | None:
    if state.results is None:
        state.echo("no results yet: type a query first")
        return None
    try:
        rank = int(argument.lstrip("#"))
    except ValueError:
        state.echo(f"usage: {usage} (N is a hit number from the list)")
        return None
    hit = state.hit(rank)
    if hit is None:
        total = state.results.total if state.label is None else len(state.results.hits)
        state.echo(f"no hit {rank} here (the results have {total})" if total else "no hit here (no results)")
    return hit


# -- argument completers ---------------------------------------------------------
def _complete_choices(choices: tuple[str, ...]):
    def complete(state, prefix: str) -> Completions:
        return [(choice, "") for choice in choices if choice.startswith(prefix.lower())]

    return complete


def _complete_hits(state, prefix: str) -> Completions:
    hits = state.results.hits if state is not None and state.results is not None else []
    return [(str(hit.rank), _shorten(hit.title, 50)) for hit in hits if str(hit.rank).startswith(prefix)]


def _complete_authors(state, prefix: str) -> Completions:
    if state is None or state.vocabulary is None:
        return []
    return [(name, f"{count:,} comments") for name, count in state.vocabulary.authors(prefix)]


def _complete_commands(state, prefix: str) -> Completions:
    return [(c.name, c.summary) for c in COMMANDS.values() if c.name.startswith(prefix.lstrip(":"))]


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- the commands -------------------------------------------------------------------
@command("help", "[COMMAND]", complete=_complete_commands, aliases=("h", "?"))
def help_command(state: ShellState, argument: str) -> None:
    """This list, or one command in full.

    Type a query and Enter for ranked hits, as `searchkit query` shows them.
    """
    if argument:
        found = lookup(argument.lstrip(":"))
        if found is None:
            state.echo(f"unknown command :{argument.lstrip(':')} (:help lists the commands)")
            return
        aliases = ", ".join(f":{alias}" for alias in found.aliases)
        state.echo(state.paint(found.usage, BOLD) + (f"  (also {aliases})" if aliases else ""))
        state.echo(found.doc)
        return
    lines = [wrap_text(HELP_INTRO, state.width())]
    width = max(len(c.usage) for c in COMMANDS.values())
    for found in COMMANDS.values():
        lines += wrap_line(f"  {found.usage:<{width}}  {found.summary}", state.width(), hang=width + 2)
    lines.append(wrap_text(HELP_KEYS, state.width()))
    page("\n".join(lines), state.out, command=state.pager, size=state.screen_size())  # taller than a screen


HELP_INTRO = """\
Type a query and Enter: ranked hits, as `searchkit query` prints them.
Query syntax: "exact phrase", AND OR NOT, title: body: comment: author:,
date:2022 or date:[2020 to 2022-06], wildcards organi*, fuzzy putn~, boosts wheat^2.
Enter on an empty line shows the next page.

Commands:"""

HELP_KEYS = """
Keys: Tab completes (commands, fields, words, authors); the right arrow takes the grey
suggestion from history; F3 puts the last "did you mean" suggestion on the line;
Ctrl-R searches history; Ctrl-C clears the line or stops a search;
Ctrl-D or :quit leaves; F4 switches between emacs and vi editing."""


@command("next", aliases=("n",))
def next_command(state: ShellState, argument: str) -> None:
    """The next page of hits (also: Enter on an empty line)."""
    _turn(state, 1)


@command("prev", aliases=("p", "previous"))
def prev_command(state: ShellState, argument: str) -> None:
    """The previous page of hits."""
    _turn(state, -1)


@command("open", "N", complete=_complete_hits, aliases=("o", "show"))
def open_command(state: ShellState, argument: str) -> None:
    """The whole article of hit N with all its comments, matched words highlighted.

    N is any hit of the current results, on the page shown or not. Longer
    than the screen, it goes through the pager (the config file's `pager`,
    else $PAGER, else less -R).
    """
    hit = _hit(state, argument, ":open N")
    if hit is None:
        return
    article = state.index.article(hit.article_id)
    text = article_text(article, state.paint, state.highlight_terms(), width=state.width())
    if hit.kind == "comment":
        who = hit.author or "anonymous"
        text = state.paint(f"hit {hit.rank} is a comment by {who}, below the article", DIM) + "\n" + text
    page(text, state.out, command=state.pager, size=state.screen_size())


@command("more", "N", complete=_complete_hits, aliases=("like",))
def more_command(state: ShellState, argument: str) -> None:
    """Articles like hit N, and the key terms they were found by (as `searchkit similar`)."""
    hit = _hit(state, argument, ":more N")
    if hit is None:
        return
    similar = state.more_like(hit)
    show_results(state, similar.results, heading=similar_heading(similar, hit.title, hit.article_id))


def _choose(state: ShellState, argument: str, *, command: str, option: str, choices, shown: str) -> None:
    """Show an option that takes one of ``choices`` or, given one, set it and rerun the query."""
    if not argument:
        state.echo(f"{shown} {getattr(state.filters, option)}; :{command} {'|'.join(choices)} changes it")
        return
    if argument.lower() not in choices:
        state.echo(f"usage: :{command} {'|'.join(choices)}")
        return
    state.set_filters(**{option: argument.lower()})
    _rerun(state)


@command("in", "all|articles|comments", complete=_complete_choices(SCOPES))
def in_command(state: ShellState, argument: str) -> None:
    """Search articles, comments, or both (all)."""
    _choose(state, argument, command="in", option="scope", choices=SCOPES, shown="searching")


@command("author", "[NAME]", complete=_complete_authors)
def author_command(state: ShellState, argument: str) -> None:
    """Only comments whose author name holds these words; alone: any author."""
    state.set_filters(author=argument.strip('"') or None)
    _rerun(state)


@command("since", "[DATE]")
def since_command(state: ShellState, argument: str) -> None:
    """Only hits from DATE on (2022, 2022-05, 2022-05-14); alone: no lower bound."""
    state.set_filters(since=argument or None)
    _rerun(state)


@command("until", "[DATE]")
def until_command(state: ShellState, argument: str) -> None:
    """Only hits up to DATE, inclusive; alone: no upper bound."""
    state.set_filters(until=argument or None)
    _rerun(state)


@command("sort", "relevance|date", complete=_complete_choices(SORTS))
def sort_command(state: ShellState, argument: str) -> None:
    """Order hits by relevance, or by date (newest first)."""
    _choose(state, argument, command="sort", option="sort", choices=SORTS, shown="sorted by")


@command("undated", "include|exclude", complete=_complete_choices(UNDATED_CHOICES))
def undated_command(state: ShellState, argument: str) -> None:
    """With a date filter, keep or leave out hits that have no date."""
    _choose(state, argument, command="undated", option="undated", choices=UNDATED_CHOICES, shown="undated hits:")


@command("limit", "N")
def limit_command(state: ShellState, argument: str) -> None:
    """Show N hits per page (1 to 1000)."""
    if not argument:
        state.echo(f"hits per page: {state.limit}")
        return
    try:
        limit = int(argument)
    except ValueError:
        limit = 0
    if not 1 <= limit <= 1000:
        state.echo("usage: :limit N, with N from 1 to 1000")
        return
    state.limit = limit
    state.on_update()
    _rerun(state)


@command("json")
def json_command(state: ShellState, argument: str) -> None:
    """The current page of hits as `searchkit query --format json` prints it (indented on a terminal)."""
    if state.results is None:
        state.echo("no results yet: type a query first")
        return
    indent = 2 if state.on_terminal() else None
    state.echo(json.dumps(results_json(state.results), ensure_ascii=False, indent=indent))


def _complete_export_path(state, prefix: str) -> Completions:
    """Folders, and files with an export extension, under what is typed (``~`` expanded)."""
    start = prefix.rpartition("/")[2]
    head = prefix[: len(prefix) - len(start)]  # "", "out/" or "/abs/path/"
    where = Path(os.path.expanduser(head or "."))
    try:
        entries = sorted(os.scandir(where), key=lambda entry: entry.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
            continue
        if entry.is_dir():
            found.append((f"{head}{entry.name}/", "folder"))
        elif format_for(entry.name):
            found.append((f"{head}{entry.name}", "exists: replaced"))
    return found


@command("export", "FILE", complete=_complete_export_path)
def export_command(state: ShellState, argument: str) -> None:
    """Write every hit of the current query to FILE: .jsonl, .csv or .json by its extension.

    Every article hit and every comment hit, not just the page shown, with
    the current filters; the columns are those of `searchkit query --format csv`.
    """
    if not argument:
        state.echo(f"usage: :export FILE (FILE ends in {', '.join('.' + name for name in EXPORT_FORMATS)})")
        return
    path = Path(os.path.expanduser(argument.strip('"')))
    output_format = format_for(path)
    if output_format is None:
        state.echo(f"{path}: say the format by the extension: {', '.join('.' + name for name in EXPORT_FORMATS)}")
        return
    records = state.iter_hits()
    try:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            count = write_records(records, output_format, stream)
    except OSError as exc:
        state.echo(f"error: {path}: not written ({exc.strerror})")
        return
    noun = "hit" if count == 1 else "hits"
    state.echo(f"{count:,} {noun} written to {path}")


@command("save", "NAME")
def save_command(state: ShellState, argument: str) -> None:
    """Save the current query and its filters as NAME (see :saved, :run)."""
    if not argument:
        state.echo("usage: :save NAME")
        return
    if state.query is None or state.label is not None:
        state.echo("no query to save: type a query first")
        return
    try:
        path = saved.save(argument, saved.SavedQuery(state.query, state.filters.changed()))
    except saved.SavedQueryError as error:
        state.echo(f"error: {error}")
        return
    state.echo(f"saved {argument}: {state.query} (in {path})")


def _complete_saved(state, prefix: str) -> Completions:
    try:
        queries = saved.load()
    except saved.SavedQueryError:
        return []
    return [(name, entry.query) for name, entry in queries.items() if name.startswith(prefix)]


@command("run", "NAME", complete=_complete_saved)
def run_command(state: ShellState, argument: str) -> None:
    """Run the saved query NAME with the filters saved with it."""
    if not argument:
        state.echo("usage: :run NAME (:saved lists the names)")
        return
    try:
        entry = saved.load().get(argument)
    except saved.SavedQueryError as error:
        state.echo(f"error: {error}")
        return
    if entry is None:
        state.echo(f"no saved query {argument!r} (:saved lists them)")
        return
    known = set(Filters().options())
    state.set_filters(**(Filters().options() | {k: v for k, v in entry.filters.items() if k in known}))
    show_results(state, state.search(entry.query))


@command("saved")
def saved_command(state: ShellState, argument: str) -> None:
    """The saved queries, with their filters."""
    try:
        queries = saved.load()
    except saved.SavedQueryError as error:
        state.echo(f"error: {error}")
        return
    if not queries:
        state.echo("no saved queries yet (:save NAME saves the current one)")
        return
    width = max(len(name) for name in queries)
    for name, entry in queries.items():
        filters = replace(Filters(), **{k: v for k, v in entry.filters.items() if k in Filters().options()})
        described = ", ".join(filters.describe())
        state.echo(f"  {name:<{width}}  {entry.query}" + (state.paint(f"  ({described})", DIM) if described else ""))


@command("timeline", f"[{'|'.join(PERIODS)}]", complete=_complete_choices(PERIODS))
def timeline_command(state: ShellState, argument: str) -> None:
    """Hits of the current query per month (or year, day): a bar per row, articles and comments apart."""
    by = argument.lower() or "month"
    if by not in PERIODS:
        state.echo(f"usage: :timeline [{'|'.join(PERIODS)}]")
        return
    counts = state.count(by)
    page(counts_text(counts, state.paint, state.width()), state.out, command=state.pager, size=state.screen_size())


@command("authors", "[N]")
def authors_command(state: ShellState, argument: str) -> None:
    """The N (default 20) most frequent comment authors among the current query's hits."""
    try:
        top = int(argument) if argument else 20
    except ValueError:
        top = 0
    if top < 1:
        state.echo("usage: :authors [N], N a whole number from 1")
        return
    counts = state.count("author", scope="comments")
    shown = replace(counts, rows=counts.rows[:top])
    text = counts_text(shown, state.paint, state.width(), kinds=("comments",))
    page(text, state.out, command=state.pager, size=state.screen_size())


@command("stats")
def stats_command(state: ShellState, argument: str) -> None:
    """The index's counts: articles, comments, terms, size."""
    stats = state.current_stats(on_wait=lambda: state.echo(state.paint("counting (Ctrl-C to stop waiting)…", DIM)))
    state.echo(stats_text(stats))


@command("quit", aliases=("q", "exit"))
def quit_command(state: ShellState, argument: str) -> None:
    """Leave the shell (also Ctrl-D)."""
    raise ExitShell
