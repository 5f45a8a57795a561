"""Index.suggest_query: did-you-mean for a whole query, fields kept, only corrections that find something."""

from __future__ import annotations

import pytest

from searchkit import open_index


@pytest.fixture(scope="module")
def index(corpus_index):
    with open_index(corpus_index) as opened:
        yield opened


@pytest.mark.parametrize(
    "query, expected",
    [
        ("title:whaet", "title:wheat"),  # "what" is nearer and more frequent, but no title has it
        ("Putn Trump", "Putin Trump"),  # capitals kept
        ('"vladmir putin"', '"vladimir putin"'),  # quotes kept
        ("title:glacer", "title:glacier"),
        ("comment:glacer", "comment:glacier"),
    ],
)
def test_corrections_keep_the_query_around_the_word(index, query, expected):
    assert index.suggest_query(query) == expected
    assert index.search(expected).total


@pytest.mark.parametrize("query", ["wheat", "Putin Trump", "qqqqqq", "icebreakr*", "author:mehmett", "date:2022"])
def test_nothing_to_correct(index, query):
    assert index.suggest_query(query) is None


def test_no_correction_without_hits(index):
    assert index.suggestions("whaet")[:2] == ["what", "wheat"]
    # no spelling of the misspelt word finds a title that also has this one
    assert index.suggest_query("title:vienna AND title:glacer") is None
