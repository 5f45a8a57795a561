"""Each shell command through dispatch(), on the tiny index; output asserted exactly where it is stable."""

from __future__ import annotations

import json
import re

import pytest

from searchkit.shell.commands import COMMANDS, ExitShell, all_commands, dispatch, lookup
from searchkit.term.color import HIGHLIGHT, RESET, Painter
from searchkit.term.render import results_json

from .conftest import printed


def run(state, *lines: str) -> str:
    for line in lines:
        dispatch(state, line)
    return printed(state)


def without_time(text: str) -> str:
    """Timings and scores blanked out (scores are the ranking's business, tested with it)."""
    return re.sub(r"score \d+\.\d+", "score S", re.sub(r", \d+ ms", ", N ms", text))


def ranks_and_ids(state) -> list[tuple[int, str]]:
    return [(hit.rank, hit.id) for hit in state.results]


# -- the registry ------------------------------------------------------------------
def test_every_command_is_documented_and_listed_by_help(state):
    listing = run(state, ":help")
    for command in all_commands():
        assert command.summary, f":{command.name} has no docstring"
        assert f"  {command.usage} " in listing
    assert listing.startswith("Type a query and Enter")
    assert "Ctrl-R searches history" in listing


def test_help_for_one_command_shows_its_whole_docstring(state):
    assert run(state, ":help open") == (
        ":open N  (also :o, :show)\n"
        "The whole article of hit N with all its comments, matched words highlighted.\n\n"
        "N is any hit of the current results, on the page shown or not. Longer\n"
        "than the screen, it goes through the pager (the config file's `pager`,\n"
        "else $PAGER, else less -R).\n"
    )
    assert run(state, ":help :nosuch") == "unknown command :nosuch (:help lists the commands)\n"


def test_aliases_and_case_reach_the_same_command():
    assert lookup("q") is lookup("exit") is lookup("QUIT") is COMMANDS["quit"]
    assert lookup("n") is COMMANDS["next"]
    assert lookup("nosuch") is None


def test_unknown_command_is_one_line_and_the_session_goes_on(state):
    assert run(state, ":frobnicate now") == "unknown command :frobnicate (:help lists the commands)\n"


def test_quit_raises_exit_shell(state):
    for line in (":quit", ":q", ":exit"):
        with pytest.raises(ExitShell):
            dispatch(state, line)


# -- queries and pages -------------------------------------------------------------
def test_a_query_prints_results_as_searchkit_query_does(state):
    out = run(state, "wheat")
    assert without_time(out) == (
        "1. Wheat Harvest Breaks Records in Kansas\n"
        "   farm/wheat-harvest.txt article · 2022-06-03 · score S\n"
        "   Farmers across Kansas brought in the largest wheat harvest in a decade, despite a dry spring. "
        "Grain elevators in Salina ran out of space by Friday, and prices fell for the first time…\n"
        "   1 comment matches:\n"
        "     Chris Chuba: Wheat prices will fall further once the exports resume.\n"
        "\n"
        "2. Grain Exports Resume Through the Black Sea\n"
        "   farm/grain-exports.txt article · 2023-07-22 · score S\n"
        "   Ships loaded with wheat and maize left Odesa on Saturday under a new corridor agreement. "
        "Insurers had refused to cover the voyages until the navy promised escorts.\n"
        "   1 comment matches:\n"
        "     Mila Novak: Maize is the real story here, not wheat.\n"
        "\n"
        "1-2 of 2 hits, page 1 of 1, N ms\n"
    )
    assert state.query == "wheat" and state.last_seconds is not None


def test_pages_with_next_prev_and_enter_on_an_empty_line(state):
    run(state, ":limit 1", "wheat")
    assert ranks_and_ids(state) == [(1, "farm/wheat-harvest.txt")]
    out = run(state, "")
    assert "2. Grain Exports Resume" in out and "2-2 of 2 hits, page 2 of 2" in out
    assert run(state, ":next") == "already on the last page\n"
    assert "1. Wheat Harvest" in run(state, ":prev")
    assert run(state, ":p") == "already on the first page\n"


def test_enter_on_an_empty_line_before_any_query_prints_nothing(state):
    assert run(state, "", "   ") == ""
    assert run(state, ":next") == "no results yet: type a query\n"


def test_zero_hits_suggest_a_corrected_query_keeping_its_syntax(state):
    assert run(state, "wheet harvset") == "no hits for 'wheet harvset'\ndid you mean: wheat harvest\n"
    out = run(state, 'title:Wheet AND "harvset"')
    assert out.endswith('did you mean: title:Wheat AND "harvest"\n')


def test_zero_hits_without_a_close_word_suggest_nothing(state):
    assert run(state, "xylophone") == "no hits for 'xylophone'\n"


def test_a_bad_date_in_the_query_is_one_line(state):
    assert run(state, "wheat date:2022-13") == (
        "error: date not understood: date:2022-13 (write dates as 2022, 2022-05, 2022-05-14 or "
        "May 14, 2022; ranges as date:[2020 to 2022])\n"
    )


# -- :open and :more ----------------------------------------------------------------
def test_open_prints_the_whole_article_with_its_comments(state):
    run(state, "maize")
    assert run(state, ":open 1") == (
        "Grain Exports Resume Through the Black Sea\n"
        "farm/grain-exports.txt · published 2023-07-22\n"
        "\n"
        "Ships loaded with wheat and maize left Odesa on Saturday under a new corridor agreement.\n"
        "\n"
        "Insurers had refused to cover the voyages until the navy promised escorts.\n"
        "\n"
        "2 comments\n"
        "\n"
        "#1 Chris Chuba\n"
        "Exports matter more than any summit. Watch the insurers.\n"
        "\n"
        "#2 Mila Novak\n"
        "Maize is the real story here, not wheat.\n"
    )


def test_open_highlights_the_query_words(state):
    state.paint = Painter(True)
    run(state, "insurers")
    out = run(state, ":open 1")
    assert f"{HIGHLIGHT}Insurers{RESET}" in out and f"the {HIGHLIGHT}insurers{RESET}" in out


def test_open_a_comment_hit_shows_its_article(state):
    run(state, ":in comments", "crew")
    out = run(state, ":open 1")
    assert out.startswith(
        "hit 1 is a comment by Chris Chuba, below the article\nHarbour Council Approves Night Ferry\n"
    )


def test_open_needs_a_hit_number_that_is_shown(state):
    assert run(state, ":open 1") == "no results yet: type a query first\n"
    run(state, "wheat")
    assert run(state, ":open 7") == "no hit 7 here (the results have 2)\n"
    assert run(state, ":open first") == "usage: :open N (N is a hit number from the list)\n"


def test_open_goes_through_the_pager_on_a_terminal_when_longer_than_the_screen(state, tmp_path):
    class Terminal:
        def __init__(self):
            self.file = open(tmp_path / "screen", "w+")

        def __getattr__(self, name):
            return getattr(self.file, name)

        def isatty(self):
            return True

    state.out = Terminal()
    state.pager = f"sed 's/^/paged: /' > {tmp_path / 'pager-saw'}"
    state.screen_size = lambda: (5, 80)
    dispatch(state, "maize")
    dispatch(state, ":open 1")
    assert (tmp_path / "pager-saw").read_text().startswith("paged: Grain Exports Resume Through the Black Sea\n")
    state.screen_size = lambda: (100, 80)
    (tmp_path / "pager-saw").unlink()
    dispatch(state, ":open 1")
    assert not (tmp_path / "pager-saw").exists()


def test_more_shows_articles_like_a_hit_without_the_hit_itself(state):
    run(state, "wheat")
    out = run(state, ":more 1")
    terms = state.index.similar("farm/wheat-harvest.txt").terms  # the shell shows what the library used
    assert "Kansas" in terms
    assert out.startswith(
        "articles like “Wheat Harvest Breaks Records in Kansas” (farm/wheat-harvest.txt), "
        f"by its key terms: {', '.join(terms)}\n1. "
    )
    assert state.results.hits and "farm/wheat-harvest.txt" not in {hit.id for hit in state.results}
    assert [hit.rank for hit in state.results] == list(range(1, len(state.results.hits) + 1))


def test_more_wraps_its_heading_on_word_boundaries(state, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    run(state, "wheat")
    out = run(state, ":more 1")
    heading = out.split("\n1. ", 1)[0].splitlines()
    assert len(heading) > 1 and all(len(line) <= 50 for line in heading), heading
    assert all(line.startswith("  ") for line in heading[1:]), heading  # a hanging indent
    terms = state.index.similar("farm/wheat-harvest.txt").terms
    assert (
        " ".join(heading).split()
        == (
            f"articles like “Wheat Harvest Breaks Records in Kansas” (farm/wheat-harvest.txt), "
            f"by its key terms: {', '.join(terms)}"
        ).split()
    )  # no word cut in two
    assert all(hit.kind == "article" for hit in state.results)
    assert run(state, ":next") == "articles like “Wheat Harvest Breaks Records in Kansas”: one page only\n"


# -- filters ---------------------------------------------------------------------
def test_in_reruns_the_query_in_comments_or_articles(state):
    run(state, "wheat")
    run(state, ":in comments")
    assert {hit.kind for hit in state.results} == {"comment"}
    run(state, ":in articles")
    assert ranks_and_ids(state) == [(1, "farm/wheat-harvest.txt"), (2, "farm/grain-exports.txt")]
    assert run(state, ":in") == "searching articles; :in all|articles|comments changes it\n"
    assert run(state, ":in everything") == "usage: :in all|articles|comments\n"
    assert state.filters.scope == "articles"


def test_filters_without_a_query_just_say_what_is_set(state):
    assert run(state, ":in comments") == "filters: in comments; hits per page: 10\n"
    assert run(state, ":since 2022") == "filters: in comments, since 2022; hits per page: 10\n"


def test_author_keeps_that_authors_comments_and_alone_clears(state):
    run(state, ":author chris", "exports OR crew OR wheat")
    assert {(hit.kind, hit.author) for hit in state.results} == {("comment", "Chris Chuba")}
    run(state, ":author")
    assert state.filters.author is None
    assert {hit.kind for hit in state.results} == {"article", "comment"}


def test_since_and_until_and_a_bad_date_keeps_the_filter(state):
    run(state, ":since 2023", "wheat")
    assert ranks_and_ids(state) == [(1, "farm/grain-exports.txt")]
    assert run(state, ":since 2023-13").startswith("error: date not understood: 2023-13")
    assert state.filters.since == "2023"
    run(state, ":since", ":until 2022-12")
    assert ranks_and_ids(state) == [(1, "farm/wheat-harvest.txt")]
    run(state, ":until")
    assert len(state.results.hits) == 2


def test_sort_by_date_puts_the_newest_first(state):
    run(state, ":sort date", "wheat")
    assert ranks_and_ids(state) == [(1, "farm/grain-exports.txt"), (2, "farm/wheat-harvest.txt")]
    assert run(state, ":sort") == "sorted by date; :sort relevance|date changes it\n"
    assert run(state, ":sort newest") == "usage: :sort relevance|date\n"


def test_limit(state):
    assert run(state, ":limit") == "hits per page: 10\n"
    assert run(state, ":limit 0") == "usage: :limit N, with N from 1 to 1000\n"
    assert run(state, ":limit lots") == "usage: :limit N, with N from 1 to 1000\n"
    run(state, ":limit 1", "wheat")
    assert len(state.results.hits) == 1 and state.results.pages == 2


# -- :json and :stats -----------------------------------------------------------------
def test_json_is_what_searchkit_query_format_json_prints(state):
    assert run(state, ":json") == "no results yet: type a query first\n"
    run(state, "maize")
    payload = json.loads(run(state, ":json"))
    assert payload == results_json(state.results)
    assert payload["total"] == 1 and payload["hits"][0]["snippet"].count("<em>maize</em>") == 1
    assert payload["hits"][0]["comments"][0]["snippet"] == "<em>Maize</em> is the real story here, not wheat."


def test_stats(state):
    out = run(state, ":stats")
    assert "articles        5\ncomments        7\n" in out
    assert state.stats.articles == 5


def test_an_error_wraps_on_word_boundaries_at_the_window_width(state, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    lines = run(state, ":since foo").splitlines()
    assert lines[0].startswith("error: date not understood: foo")
    assert len(lines) > 1 and all(len(line) <= 50 for line in lines), lines
    assert all(line.startswith("  ") for line in lines[1:]), lines
    monkeypatch.delenv("COLUMNS")
    assert " ".join(lines).split() == run(state, ":since foo").split()  # the same words, none cut
