"""Provenance in every hit (issue 10 §5): url, source with :LINE, byline, and a date with its precision and kind."""

from __future__ import annotations

import json
from datetime import date

import pytest

from searchkit import DocDate, build_index, open_index

RECORDS = [
    {
        "id": "harbour-1",
        "title": "Harbour Crane Contract Signed",
        "text": "The harbour authority signed a contract for two electric cranes.",
        "date": "2022-05",
        "url": "https://example.org/harbour-1",
        "author": "Lena Brandt",
        "comments": [
            {"author": "Ole", "text": "Electric cranes at last, the harbour needed them.", "date": "2022-05-20"},
            {"author": "Mia", "text": "Who pays for the harbour cranes?"},
        ],
    },
    {
        "id": "harbour-2",
        "title": "Harbour Dredging Starts",
        "text": "Dredging of the harbour channel starts in spring.",
        "date": "2021-03-09T10:30:00Z",
        "author": ["Lena Brandt", "Per Holm"],
    },
    {"id": "harbour-3", "title": "Harbour Museum Opens", "text": "A museum about the old harbour opened."},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("provenance")
    feeds = folder / "feeds"
    feeds.mkdir()
    (feeds / "port.jsonl").write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n", encoding="utf-8")
    (feeds / "page.txt").write_text(
        "MAY 2022\nHarbour Festival Draws Crowds\n\nThe harbour festival drew large crowds on Saturday.\n",
        encoding="utf-8",
    )
    build_index([str(feeds)], folder / "index")
    with open_index(folder / "index") as opened:
        yield opened


def by_id(results):
    return {hit.id: hit for hit in results}


def test_docdate_keeps_precision_and_kind():
    assert str(DocDate.parse("2022-05")) == "2022-05" and DocDate.parse("2022-05").precision == "month"
    assert DocDate.parse("2022") == DocDate(date(2022, 1, 1), "year", "published")
    assert DocDate.parse("March 14, 2023") == DocDate(date(2023, 3, 14), "day", "published")
    assert DocDate.parse("May 2022", kind="captured") == DocDate(date(2022, 5, 1), "month", "captured")
    assert DocDate.parse("not a date") is None
    with pytest.raises(ValueError):
        DocDate(date(2022, 1, 1), "week")


def test_hits_carry_url_source_line_byline_and_date(index):
    hits = by_id(index.search("harbour", scope="articles", limit=10))
    first = hits["harbour-1"]
    assert first.url == "https://example.org/harbour-1"
    assert first.source == "port.jsonl:1"
    assert first.author == "Lena Brandt"
    assert first.date == DocDate(date(2022, 5, 1), "month", "published") and str(first.date) == "2022-05"
    second = hits["harbour-2"]
    assert second.source == "port.jsonl:2" and second.author == "Lena Brandt, Per Holm"
    assert second.date == DocDate(date(2021, 3, 9), "day", "published")
    assert hits["harbour-3"].date is None and hits["harbour-3"].url is None


def test_a_capture_month_is_never_a_publication_date(index):
    hit = by_id(index.search("festival", scope="articles"))["page.txt"]
    assert hit.date == DocDate(date(2022, 5, 1), "month", "captured")
    assert hit.source == "page.txt"
    article = index.article("page.txt")
    assert article.date is None and article.captured == date(2022, 5, 1)
    assert article.doc_date.kind == "captured"


def test_comment_dates_are_kept(index):
    article_hit = by_id(index.search("harbour cranes", limit=10))["harbour-1"]
    dates = {comment.id: comment.date for comment in article_hit.comments}
    assert dates == {"harbour-1#c1": DocDate(date(2022, 5, 20)), "harbour-1#c2": None}
    comment_hit = by_id(index.search("cranes", scope="comments"))["harbour-1#c1"]
    assert comment_hit.author == "Ole" and comment_hit.date == DocDate(date(2022, 5, 20))
    assert comment_hit.source == "port.jsonl:1" and comment_hit.url == "https://example.org/harbour-1"


def test_article_carries_provenance(index):
    article = index.article("harbour-1")
    assert (article.url, article.author, article.source, article.line) == (
        "https://example.org/harbour-1",
        "Lena Brandt",
        "port.jsonl",
        1,
    )
    assert article.location == "port.jsonl:1"
    assert article.doc_date == DocDate(date(2022, 5, 1), "month", "published")
    assert [(c.author, c.doc_date) for c in article.comments] == [("Ole", DocDate(date(2022, 5, 20))), ("Mia", None)]


def test_readers_keep_the_precision_the_source_gave():
    from searchkit import parse_scraped

    month = parse_scraped("Ferry Timetable Changes\n\nMarch 2023\n\nThe winter timetable starts.\n", "a.txt")
    assert month.doc_date == DocDate(date(2023, 3, 1), "month", "published")
    day = parse_scraped("Ferry Timetable Changes\n\nMarch 14, 2023\n\nThe winter timetable starts.\n", "b.txt")
    assert day.doc_date == DocDate(date(2023, 3, 14), "day", "published")


def test_a_month_date_is_found_by_a_filter_on_its_month(index):
    found = {hit.id for hit in index.search("harbour", since="2022-05", until="2022-05", scope="articles")}
    assert found == {"harbour-1", "page.txt"}  # filters use the capture month when there is no date
