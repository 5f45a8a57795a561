"""The shell's issue-12 commands and behaviours through dispatch() on the tiny index.

Export, named queries, :timeline, :authors, :open beyond the page shown,
indented :json on a terminal, wrapping, paging a long result page, a narrow
toolbar, and surviving any error.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from searchkit import open_index
from searchkit.shell import saved
from searchkit.shell.commands import dispatch
from searchkit.shell.session import ShellState
from searchkit.shell.toolbar import toolbar_fragments
from searchkit.term.pager import page

from .conftest import printed


def run(state, *lines: str) -> str:
    for line in lines:
        dispatch(state, line)
    return printed(state)


class Terminal(io.StringIO):
    def isatty(self):
        return True


# -- any error keeps the shell ---------------------------------------------------------------
def test_an_unexpected_error_is_one_line_and_the_shell_goes_on(state, monkeypatch, capsys):
    monkeypatch.delenv("SEARCHKIT_DEBUG", raising=False)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    real = state.index.search
    monkeypatch.setattr(state.index, "search", broken)
    assert run(state, "wheat") == "internal error: ZeroDivisionError: a bug (set SEARCHKIT_DEBUG=1 for details)\n"
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("SEARCHKIT_DEBUG", "1")
    run(state, "wheat")
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and err.endswith("ZeroDivisionError: a bug\n")
    monkeypatch.setattr(state.index, "search", real)
    assert run(state, "maize").startswith("1. Grain Exports Resume Through the Black Sea\n")


def test_sort_by_date_then_a_query_keeps_the_shell_and_puts_undated_last(state):
    out = run(state, ":sort date", "wheat OR library OR ferry")
    assert "internal error" not in out
    dates = [hit.date.value for hit in state.results]
    assert dates == sorted(dates, reverse=True)


# -- :open any hit ---------------------------------------------------------------------------
def test_open_reaches_a_hit_on_another_page(state):
    run(state, ":limit 1", "wheat")
    assert [hit.rank for hit in state.results] == [1]
    out = run(state, ":open 2")
    assert out.startswith("Grain Exports Resume Through the Black Sea\nfarm/grain-exports.txt")
    assert [hit.rank for hit in state.results] == [1]  # the page shown stays
    assert run(state, ":open 3") == "no hit 3 here (the results have 2)\n"


# -- :json ----------------------------------------------------------------------------------
def test_json_is_indented_on_a_terminal_only(state):
    run(state, "maize")
    assert run(state, ":json").count("\n") == 1
    state.out = Terminal()
    dispatch(state, ":json")
    text = state.out.getvalue()
    assert text.startswith('{\n  "query": "maize",\n  "total": 1,\n')
    assert json.loads(text)["hits"][0]["id"] == "farm/grain-exports.txt"


# -- wrapping and paging -------------------------------------------------------------------------
def test_results_wrap_at_the_width_with_a_hanging_indent(state, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    out = run(state, "maize")
    lines = out.splitlines()
    assert all(len(line) <= 40 for line in lines), out
    assert lines[:2] == ["1. Grain Exports Resume Through the", "   Black Sea"]
    snippet = [line for line in lines if line.startswith("   Ships")][0]
    following = lines[lines.index(snippet) + 1]
    assert following.startswith("   ") and not following.startswith("    ")


def test_a_result_page_taller_than_the_screen_goes_through_the_pager(state, tmp_path):
    class FileTerminal:
        def __init__(self):
            self.file = open(tmp_path / "screen", "w+")

        def __getattr__(self, name):
            return getattr(self.file, name)

        def isatty(self):
            return True

    state.out = FileTerminal()
    state.pager = f"sed 's/^/paged: /' > {tmp_path / 'pager-saw'}"
    state.screen_size = lambda: (5, 80)
    dispatch(state, "wheat")
    assert (tmp_path / "pager-saw").read_text().startswith("paged: 1. Wheat Harvest Breaks Records in Kansas\n")
    (tmp_path / "pager-saw").unlink()
    state.page_results = False
    dispatch(state, "wheat")
    assert not (tmp_path / "pager-saw").exists()


def test_help_taller_than_the_screen_goes_through_the_pager(state, tmp_path):
    with open(tmp_path / "screen", "w") as screen:
        screen.isatty = lambda: True
        state.out = screen
        state.pager = f"cat > {tmp_path / 'pager-saw'}"
        state.screen_size = lambda: (20, 80)
        dispatch(state, ":help")
    shown = (tmp_path / "pager-saw").read_text()
    assert shown.startswith("Type a query and Enter") and ":quit" in shown and "Ctrl-D" in shown
    assert (tmp_path / "screen").read_text() == ""  # nothing scrolled past the top of the window


def test_less_keeps_the_last_screen_of_a_page_after_it_quits(state, tmp_path, monkeypatch):
    monkeypatch.delenv("LESS", raising=False)
    screen = tmp_path / "screen"
    with open(screen, "w") as stream:
        stream.isatty = lambda: True
        page("one\ntwo\nthree", stream, f'printf %s "$LESS" > {tmp_path / "less-options"}', size=(2, 80))
    assert (tmp_path / "less-options").read_text() == "RX"  # R: colours; X: no screen clearing on quit
    monkeypatch.setenv("LESS", "S")
    with open(screen, "w") as stream:
        stream.isatty = lambda: True
        page("one\ntwo\nthree", stream, f'printf %s "$LESS" > {tmp_path / "less-options"}', size=(2, 80))
    assert (tmp_path / "less-options").read_text() == "S"  # the user's own LESS wins


# -- toolbar --------------------------------------------------------------------------------
@pytest.mark.parametrize("width", [30, 45, 60, 80, 120])
def test_the_toolbar_fits_a_narrow_window(state, width):
    state.search("wheat")
    text = "".join(fragment for _style, fragment in toolbar_fragments(state, width=width))
    assert len(text) <= width
    assert "2 hits" in text


def test_the_toolbar_drops_the_least_useful_parts_first(state):
    state.search("wheat")
    ms = f"{state.last_seconds * 1000:.0f} ms"
    name = state.index_path.name
    assert "".join(f for _s, f in toolbar_fragments(state, width=75)) == (
        f" {name}  5 articles · 7 comments  │  no filters  │  2 hits · {ms}"
    )
    assert "".join(f for _s, f in toolbar_fragments(state, width=40)) == f"no filters  │  2 hits · {ms}"


def test_the_toolbar_after_more_tells_how_many_of_how_many_and_no_page(corpus_index):
    """A :more list is one list of the best few (no pages): the toolbar says so, not "page 1/5"."""
    with open_index(corpus_index) as index:
        state = ShellState(index, out=io.StringIO(), pager="cat")
        run(state, "cup")
        listed = run(state, ":more 1")
        results = state.results
        assert results.total > len(results.hits) == 10  # more related articles than the list shows
        ms = f"{state.last_seconds * 1000:.0f} ms"
        assert listed.endswith(f"\nbest 10 of {results.total} similar articles, {ms}\n")  # the list's own last line
        text = "".join(f for _s, f in toolbar_fragments(state))
        assert f"│  best 10 of {results.total} similar articles · {ms}  │" in text
        assert "page" not in text and "hits" not in text


# -- :export -----------------------------------------------------------------------------------
def test_export_writes_every_hit_by_the_extension(state, tmp_path):
    assert run(state, f":export {tmp_path / 'x.csv'}") == "error: no query to export (type a query first)\n"
    run(state, ":limit 1", "wheat")
    assert run(state, f":export {tmp_path / 'wheat.csv'}") == f"4 hits written to {tmp_path / 'wheat.csv'}\n"
    with open(tmp_path / "wheat.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [(row["kind"], row["id"]) for row in rows][:2] == [
        ("article", "farm/wheat-harvest.txt"),
        ("article", "farm/grain-exports.txt"),
    ]
    assert {row["kind"] for row in rows} == {"article", "comment"}
    run(state, f":export {tmp_path / 'wheat.jsonl'}", f":export {tmp_path / 'wheat.json'}")
    lines = (tmp_path / "wheat.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [row["id"] for row in rows]
    assert json.loads((tmp_path / "wheat.json").read_text(encoding="utf-8")) == [json.loads(x) for x in lines]
    assert run(state, f":export {tmp_path / 'wheat.txt'}") == (
        f"{tmp_path / 'wheat.txt'}: say the format by the extension: .jsonl, .csv, .json\n"
    )
    assert run(state, ":export") == "usage: :export FILE (FILE ends in .jsonl, .csv, .json)\n"
    assert run(state, f":export {tmp_path / 'none' / 'x.csv'}").startswith(f"error: {tmp_path / 'none' / 'x.csv'}:")


# -- named queries ---------------------------------------------------------------------------
def test_save_run_and_list_named_queries_in_the_data_dir(state, sandbox):
    assert run(state, ":saved") == "no saved queries yet (:save NAME saves the current one)\n"
    assert run(state, ":save harvest") == "no query to save: type a query first\n"
    run(state, ":in articles", ":since 2023", "wheat")
    path = sandbox / "data" / "searchkit" / "saved-queries.json"
    assert run(state, ":save harvest") == f"saved harvest: wheat (in {path})\n"
    assert json.loads(path.read_text()) == {
        "harvest": {"query": "wheat", "filters": {"scope": "articles", "since": "2023"}}
    }
    run(state, ":in all", ":since", "maize")
    out = run(state, ":run harvest")
    assert out.startswith("1. Grain Exports Resume Through the Black Sea\n")
    assert (state.filters.scope, state.filters.since, state.query) == ("articles", "2023", "wheat")
    assert run(state, ":saved") == "  harvest  wheat  (in articles, since 2023)\n"
    assert run(state, ":run nosuch") == "no saved query 'nosuch' (:saved lists them)\n"
    assert run(state, ":save a/b").startswith("error: 'a/b': a name is letters")
    path.write_text("{not json")
    assert run(state, ":saved").startswith(f"error: {path}: not read (")


def test_run_completes_saved_names(state):
    from searchkit.shell.commands import COMMANDS

    saved.save("harvest", saved.SavedQuery("wheat"))
    saved.save("ferry", saved.SavedQuery("ferry", {"scope": "comments"}))
    assert COMMANDS["run"].complete(state, "h") == [("harvest", "wheat")]


# -- :timeline and :authors --------------------------------------------------------------------
def test_timeline_counts_the_current_query_by_month(state):
    assert run(state, ":timeline") == "error: no query to count (type a query first)\n"
    run(state, "wheat")
    out = run(state, ":timeline")
    lines = out.splitlines()
    assert lines[0].split() == ["month", "articles", "comments"]
    full = "█" * 25  # each column's largest count fills its bar
    assert [line.split() for line in lines[1:-1]] == [
        ["2022-06", "1", full, "1", full],
        ["2023-07", "1", full, "1", full],
    ]
    assert lines[-1] == "2 articles and 2 comments match 'wheat'"
    assert run(state, ":timeline week") == "usage: :timeline [month|year|day]\n"


def test_authors_lists_the_most_frequent_comment_authors(state):
    run(state, "wheat OR exports OR crew OR call")
    lines = run(state, ":authors 2").splitlines()
    assert [line.split() for line in lines[:-1]] == [
        ["author", "comments"],
        ["Chris", "Chuba", "3", "█" * 30],
        ["Anna", "Lee", "1", "██████████"],
    ]
    assert lines[-1] == "5 comments match 'wheat OR exports OR crew OR call'"


def test_undated_keeps_or_leaves_out_hits_without_a_date(corpus_index):
    from searchkit import open_index
    from searchkit.shell.session import ShellState

    with open_index(corpus_index) as index:
        state = ShellState(index, out=io.StringIO(), pager="cat")
        out = run(state, ":since 2022", "putin")
        assert state.results.total == 9
        assert out.splitlines()[-1].endswith(" ms; 2 undated hits left out (:undated include keeps them)")
        assert run(state, ":undated") == "undated hits: exclude; :undated include|exclude changes it\n"
        assert run(state, ":undated sometimes") == "usage: :undated include|exclude\n"
        out = run(state, ":undated include")
        assert state.results.total == 11 and "undated" not in out.splitlines()[-1]


def test_help_wraps_with_the_summaries_aligned(state, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    lines = run(state, ":help").splitlines()
    assert all(len(line) <= 60 for line in lines)
    start = lines.index("Commands:") + 1
    column = lines[start].index("This list")
    assert lines[start].startswith("  :help [COMMAND]  ")
    listing = lines[start : lines.index("", start)]
    continued = [line for line in listing if not line.startswith("  :")]
    assert continued and all(line[:column].isspace() and line[column] != " " for line in continued)


def test_export_completes_folders_and_export_files(state, tmp_path, monkeypatch):
    from searchkit.shell.commands import COMMANDS

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.csv").write_text("")
    (tmp_path / "out" / "notes.txt").write_text("")
    (tmp_path / ".hidden").mkdir()
    monkeypatch.chdir(tmp_path)
    complete = COMMANDS["export"].complete
    assert ("out/", "folder") in complete(state, "")
    assert not any(text.startswith(".") for text, _ in complete(state, ""))
    assert complete(state, "out/") == [("out/old.csv", "exists: replaced")]
    assert complete(state, f"{tmp_path}/ou") == [(f"{tmp_path}/out/", "folder")]
    assert complete(state, "nowhere/x") == []


def test_export_and_timeline_after_more_say_why_there_is_nothing(state, tmp_path):
    run(state, "wheat", ":more 1")
    assert state.results.hits
    reason = "the hits shown are articles like “Wheat Harvest Breaks Records in Kansas” (:more), not a query's"
    expected = f"error: nothing to export: {reason} (type a query first)\n"
    assert run(state, f":export {tmp_path / 'like.csv'}") == expected
    assert run(state, ":timeline") == f"error: nothing to count: {reason} (type a query first)\n"
    assert not (tmp_path / "like.csv").exists()
