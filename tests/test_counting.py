"""Index.count: hits per month, year, day, author or kind, articles and comments apart, with search's filters."""

from __future__ import annotations

import json

import pytest

from searchkit import OptionError, build_index, open_index


@pytest.fixture(scope="module")
def index(corpus_index):
    with open_index(corpus_index) as opened:
        yield opened


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """Records dated to the day, to the month, to the year, and not at all."""
    folder = tmp_path_factory.mktemp("dated")
    records = [
        {"id": "a", "title": "Ferry strike", "text": "The ferry crews strike.", "date": "2022-05-14", "author": "Ana"},
        {"id": "b", "title": "Ferry fares", "text": "Ferry fares rise.", "date": "2022-05", "author": "Ana"},
        {"id": "c", "title": "Ferry history", "text": "A ferry book.", "date": "2022"},
        {"id": "d", "title": "Ferry timetable", "text": "The ferry timetable changes.", "author": "Bo"},
        {
            "id": "e",
            "title": "Harbour news",
            "text": "The harbour opens.",
            "date": "2022-06-01",
            "comments": [
                {"author": "Cy", "text": "Will the ferry stop here?", "date": "2022-06-03"},
                {"author": "Cy", "text": "And the ferry back?"},
            ],
        },
    ]
    path = folder / "feed.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")
    build_index([str(path)], folder / "index")
    with open_index(folder / "index") as opened:
        yield opened


def rows(counts):
    return [(row.key, row.articles, row.comments) for row in counts.rows]


def test_counts_add_up_to_the_hits_of_each_scope(index):
    counts = index.count("putin", by="month")
    articles = index.search("putin", scope="articles").total
    comments = index.search("putin", scope="comments").total
    assert (counts.total_articles, counts.total_comments) == (articles, comments)
    assert sum(row.articles for row in counts.rows) == articles
    keys = [row.key for row in counts.rows]
    dated_keys = [key for key in keys if key != "undated"]
    assert dated_keys == sorted(dated_keys) and all(len(key) == 7 for key in dated_keys)
    assert keys[-1] == "undated"  # comments under undated articles


def test_by_year_and_kind(index):
    by_year = index.count("putin", by="year")
    assert all(len(row.key) == 4 for row in by_year.rows if row.key != "undated")
    by_kind = index.count("putin", by="kind")
    assert rows(by_kind) == [
        ("article", by_year.total_articles, 0),
        ("comment", 0, by_year.total_comments),
    ]


def test_filters_apply_as_in_search(index):
    since = index.count("putin", by="year", since="2022", undated="exclude")
    assert since.total_articles == index.search("putin", scope="articles", since="2022").total
    assert all(row.key >= "2022" and row.key != "undated" for row in since.rows)
    included = index.count("putin", by="year", since="2022")  # undated="include" is the default here
    assert included.rows[-1].key == "undated"
    only_comments = index.count("putin", scope="comments", by="kind")
    assert [row.key for row in only_comments.rows] == ["comment"]


def test_dates_count_at_their_precision(dated):
    assert rows(dated.count("ferry", by="month")) == [
        ("2022", 1, 0),  # known only to the year
        ("2022-05", 2, 0),
        ("2022-06", 0, 2),
        ("undated", 1, 0),
    ]
    assert rows(dated.count("ferry", by="day")) == [
        ("2022", 1, 0),
        ("2022-05", 1, 0),  # a month-precision date stays in its month
        ("2022-05-14", 1, 0),
        ("2022-06-01", 0, 1),  # a comment without a date of its own: its article's date
        ("2022-06-03", 0, 1),
        ("undated", 1, 0),
    ]
    assert rows(dated.count("ferry", by="year")) == [("2022", 3, 2), ("undated", 1, 0)]


def test_by_author_counts_bylines_and_commenters(dated):
    assert rows(dated.count("ferry", by="author")) == [("Ana", 2, 0), ("Cy", 0, 2), ("Bo", 1, 0), ("unknown", 1, 0)]


def test_unknown_by_is_an_option_error(index):
    with pytest.raises(OptionError) as raised:
        index.count("putin", by="week")
    assert "month" in raised.value.hint
