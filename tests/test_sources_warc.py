"""The WARC reader: which records become articles, ids, offsets, duplicates and the skip counts."""

from __future__ import annotations

import json
import shutil

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
    ]
    assert dict(read.not_pages) == {
        "error": 1,
        "metadata": 1,
        "non-HTML": 1,
        "redirect": 1,
        "request": 1,
        "revisit": 1,
    }


def test_a_warc_without_pages_gives_no_article_and_says_why(tmp_path):
    path = tmp_path / "requests.warc.gz"
    write_warc(path, [("request", "https://a.example/"), ("metadata", "https://a.example/")])
    read = read_source(SourceFile(path, "requests.warc.gz"))
    assert list(read.articles) == []
    assert (read.problems, dict(read.not_pages)) == ([], {"metadata": 1, "request": 1})


def test_records_that_are_not_pages_are_counted_in_the_summary_never_a_problem(tmp_path):
    """Issue 10: request, non-HTML... records are skipped without an error and counted in the
    summary; a normal WARC gives no warning line and no problem, in text and in JSON."""
    from click.testing import CliRunner

    from searchkit.cli import cli

    from .conftest import CORPUS

    index = str(tmp_path / "ix")
    result = CliRunner().invoke(cli, ["index", str(CORPUS), "--index", index, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    assert result.stderr.rstrip().endswith("; 3 WARC records not pages (1 non-HTML, 2 request)")
    payload = json.loads(result.stdout)
    assert (payload["problems"], payload["not_pages"]) == ([], {"non-HTML": 1, "request": 2})


def test_empty_warc_is_a_skipped_file(tmp_path):
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read_source(SourceFile(path, "empty.warc.gz"))


def test_cli_indexes_a_folder_mixing_text_jsonl_html_and_warc(tmp_path):
    """One `searchkit index` run over all four formats; each article is found by a query."""
    from click.testing import CliRunner

    from searchkit.cli import cli

    from .conftest import DATA

    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(DATA / "pages" / "ferry.txt", mixed / "ferry.txt")
    shutil.copy(DATA / "records.jsonl", mixed / "records.jsonl")
    shutil.copy(DATA / "html" / "drupal.html", mixed / "school.html")
    write_warc(mixed / "crawl.warc.gz", RECORDS[:2])
    index = str(tmp_path / "ix")
    result = CliRunner().invoke(cli, ["index", str(mixed), "--index", index])
    assert result.exit_code == 0, result.stderr
    assert "4 added, 0 updated, 0 removed, 0 unchanged, 0 skipped" in result.stderr
    for query, expected in [
        ("keeper", "https://a.example/one"),
        ("pavement", "school.html"),
        ("bridge repairs", "r1"),
        ("lethal", "school.html#c1"),
    ]:
        found = CliRunner().invoke(cli, ["query", query, "--index", index, "--format", "json"])
        assert found.exit_code == 0, (query, found.stderr)
        hits = json.loads(found.stdout)["hits"]
        ids = [hit["id"] for hit in hits] + [comment["id"] for hit in hits for comment in hit["comments"]]
        assert expected in ids, (query, found.stdout)


def test_one_huge_file_is_cut_into_several_segments(tmp_path, monkeypatch):
    """A WARC's pages are streamed: a segment is finished every SEGMENT_TEXT_BYTES of text,
    so one worker never holds a whole huge file's postings; every page stays searchable."""
    from searchkit import build_index, indexing, open_index

    monkeypatch.setattr(indexing, "SEGMENT_TEXT_BYTES", 1_000)  # two pages of about 660 characters
    records = [
        (
            "response",
            f"https://big.example/{n}",
            "200 OK",
            "text/html",
            page(f"Report {n}", f"Tide gauge number{n} reads high. " * 20),
        )
        for n in range(12)
    ]
    write_warc(tmp_path / "big.warc.gz", records)
    report = build_index([tmp_path / "big.warc.gz"], tmp_path / "ix", jobs=1)
    assert report.articles == 12
    with open_index(tmp_path / "ix") as index:
        assert len(index.searcher().reader().leaf_readers()) == 6
        assert [hit.id for hit in index.search("number7").hits] == ["https://big.example/7"]
        assert index.stats().articles == 12


def test_a_url_captured_in_two_warc_files_is_renamed_and_named_by_path_at_offset(tmp_path):
    """Across files the ids rule applies (the later capture gets ``~2``), reported as
    ``path@offset`` like every other WARC record message."""
    from searchkit import build_index, open_index

    record = ("response", "https://a.example/one", "200 OK", "text/html", ONE)
    write_warc(tmp_path / "a.warc.gz", [record])
    offsets = write_warc(tmp_path / "b.warc.gz", [("request", "https://a.example/one"), record])
    report = build_index([tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"], tmp_path / "ix", jobs=1)
    assert report.problems == [
        f"{tmp_path / 'b.warc.gz'}@{offsets[1]}: id 'https://a.example/one' is already used by a.warc.gz; "
        "indexed as 'https://a.example/one~2'"
    ]
    with open_index(tmp_path / "ix") as index:
        renamed = index.article("https://a.example/one~2")
        assert (renamed.source, renamed.offset) == ("b.warc.gz", offsets[1])


def test_the_summary_counts_in_the_singular_too():
    from searchkit.indexing import IndexReport

    report = IndexReport("ix", added=1, articles=1, comments=1, problems=["p"])
    report.not_pages["request"] = 1
    assert report.summary() == (
        "1 added, 0 updated, 0 removed, 0 unchanged, 0 skipped; 1 article and 1 comment written in 0.00 s; "
        "1 WARC record not a page (1 request); 1 problem"
    )


@pytest.mark.parametrize("damage", ["truncated", "wrong length"])
def test_a_url_whose_last_capture_is_damaged_keeps_its_earlier_capture(tmp_path, damage):
    """The earlier capture is dropped only for a later one that is read: a recrawl cut short
    (or with a wrong Content-Length) must not lose a page the archive holds intact."""
    path = tmp_path / "recrawl.warc"
    offsets = write_warc(
        path,
        [
            ("response", "https://a.example/one", "200 OK", "text/html", ONE),
            ("response", "https://a.example/one", "200 OK", "text/html", ONE_AGAIN),
        ],
    )
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: offsets[1] + 300])
    else:
        at = data.index(b"Content-Length: ", offsets[1]) + 16
        end = data.index(b"\r\n", at)
        path.write_bytes(data[:at] + str(int(data[at:end]) - 40).encode() + data[end:])
    read = read_source(SourceFile(path, "recrawl.warc"))
    articles = list(read.articles)
    assert [(a.id, a.offset) for a in articles] == [("https://a.example/one", offsets[0])]
    assert articles[0].title == "Lighthouse Keeper Retires"
    assert len(read.problems) == 1 and read.problems[0].startswith(f"{path}@{offsets[1]}: "), read.problems
