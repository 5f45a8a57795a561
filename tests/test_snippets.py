"""Snippets: exact fragments and highlight spans."""

from __future__ import annotations

from searchkit.analysis import terms
from searchkit.snippets import Snippet, highlight_all, make_snippet

TEXT = (
    "The council met on Monday. Nothing was decided about the budget.\n\n"
    "Much later in the meeting, the mayor said the harbour ferry would run at night. "
    "Residents organized a petition for the ferry last year."
)


def test_marked_wraps_spans():
    assert Snippet("a cat sat", ((2, 5),)).marked() == "a <em>cat</em> sat"


def test_snippet_picks_the_window_with_the_matches_and_shows_original_words():
    snippet = make_snippet(TEXT, set(terms("ferries organizing")), width=90, fragments=1)
    assert snippet.marked("[", "]") == (
        "…mayor said the harbour [ferry] would run at night. Residents [organized] a petition for the [ferry]…"
    )


def test_two_fragments_joined_by_ellipsis():
    snippet = make_snippet(TEXT, set(terms("council petition")), width=40, fragments=2)
    assert snippet.marked("[", "]") == (
        "The [council] met on Monday. Nothing was decided … organized a [petition] for the ferry last year."
    )


def test_no_match_gives_the_start_of_the_text():
    snippet = make_snippet(TEXT, {"zebra"}, width=30)
    assert snippet == Snippet("The council met on Monday. Nothing…")


def test_highlight_all_keeps_whole_text():
    assert (
        highlight_all("Erdoğan met Erdogan", set(terms("erdogan"))).marked() == "<em>Erdoğan</em> met <em>Erdogan</em>"
    )
