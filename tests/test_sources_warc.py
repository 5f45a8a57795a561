"""The WARC reader: which records become articles, ids, offsets, duplicates and the skip counts."""

from __future__ import annotations

import pytest

from searchkit.errors import SourceError
from searchkit.sources import SourceFile, read_source

from .warcs import page, write_warc

ONE = page(
    "Lighthouse Keeper Retires",
    "After forty years the keeper of the north light hands the keys to an automatic system.",
)
TWO = page(
    "Harbour Crane Collapses", "A crane fell across the quay on Sunday night. Nobody was hurt, but the berth is closed."
)
ONE_AGAIN = page(
    "Lighthouse Keeper Retires Today", "After forty years the keeper of the north light leaves, and a museum opens."
)
RECORDS = [
    ("request", "https://a.example/one"),
    ("response", "https://a.example/one", "200 OK", "text/html; charset=utf-8", ONE),
    ("response", "https://a.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n"),
    ("response", "https://a.example/old", "301 Moved Permanently", "text/html", b"moved"),
    ("response", "https://a.example/missing", "404 Not Found", "text/html", ONE),
    ("revisit", "https://a.example/one"),
    ("metadata", "https://a.example/one"),
    ("response", "https://a.example/two", "200 OK", "application/xhtml+xml", TWO),
    ("response", "https://a.example/one", "200 OK", "text/html", ONE_AGAIN),
]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_html_responses_become_articles_the_rest_is_counted(tmp_path, name):
    path = tmp_path / name
    offsets = write_warc(path, RECORDS)
    read = read_source(SourceFile(path, name))
    articles = list(read.articles)
    assert [(a.id, a.url, a.offset, a.source, a.title) for a in articles] == [
        ("https://a.example/two", "https://a.example/two", offsets[7], name, "Harbour Crane Collapses"),
        ("https://a.example/one", "https://a.example/one", offsets[8], name, "Lighthouse Keeper Retires Today"),
    ]
    assert articles[1].body == "After forty years the keeper of the north light leaves, and a museum opens."
    assert read.problems == [
        f"{path}@{offsets[1]}: https://a.example/one is captured again at @{offsets[8]}; the last capture is kept",
        f"{path}: 7 records are not pages to index, skipped: 1 earlier capture, 1 error, 1 metadata, "
        "1 non-HTML, 1 redirect, 1 request, 1 revisit",
    ]


def test_a_warc_without_pages_gives_no_article_and_says_why(tmp_path):
    path = tmp_path / "requests.warc.gz"
    write_warc(path, [("request", "https://a.example/"), ("metadata", "https://a.example/")])
    read = read_source(SourceFile(path, "requests.warc.gz"))
    assert list(read.articles) == []
    assert read.problems == [f"{path}: 2 records are not pages to index, skipped: 1 metadata, 1 request"]


def test_empty_warc_is_a_skipped_file(tmp_path):
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read_source(SourceFile(path, "empty.warc.gz"))
