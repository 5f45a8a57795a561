"""`searchkit query --format jsonl|csv`: every hit, articles and comments, read back as a spreadsheet would."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from searchkit import open_index
from searchkit.cli import cli
from searchkit.searching import EXPORT_COLUMNS


@pytest.fixture
def run(corpus_index, monkeypatch):
    monkeypatch.delenv("SEARCHKIT_INDEX", raising=False)

    def invoke(*args, **options):
        return CliRunner().invoke(cli, ["query", "--index", str(corpus_index), *args], **options)

    return invoke


def expected_ids(corpus_index, query: str, **options) -> list[str]:
    with open_index(corpus_index) as index:
        return [record.id for record in index.iter_hits(query, **options)]


def test_csv_has_a_header_and_a_row_per_article_and_per_comment_hit(run, corpus_index):
    result = run("Putin", "--format", "csv")
    assert result.exit_code == 0 and result.stderr == ""
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [row["id"] for row in rows] == expected_ids(corpus_index, "Putin")
    # not folded, not one page: the 7 articles and every one of the 32 matching comments
    assert sum(row["kind"] == "article" for row in rows) == 7
    assert sum(row["kind"] == "comment" for row in rows) == 32
    comment = next(row for row in rows if row["kind"] == "comment")
    assert comment["id"].startswith(comment["article_id"] + "#c")
    assert all("<em>" not in row["snippet"] for row in rows)  # plain text
    assert {row["date_kind"] for row in rows} <= {"published", "captured", ""}


def test_jsonl_is_one_object_per_line_with_the_same_records(run, corpus_index):
    result = run("Putin", "--format", "jsonl", "--in", "comments", "--sort", "date")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["id"] for record in records] == expected_ids(corpus_index, "Putin", scope="comments", sort="date")
    assert len(records) == 32 and {record["kind"] for record in records} == {"comment"}
    assert all(tuple(record) == EXPORT_COLUMNS for record in records)


def test_export_is_not_one_page_nor_folded(run, corpus_index):
    query = "would OR people OR time OR just OR like"
    folded = json.loads(run(query, "--format", "json").stdout)["total"]
    lines = run(query, "--format", "jsonl", "--limit", "1").stdout.splitlines()
    assert folded == 54 and len(lines) == len(expected_ids(corpus_index, query)) == 123
    everything = run("*", "--format", "csv").stdout.splitlines()
    assert len(everything) == 1 + 56 + 383  # every document of the sample corpus, with the header


def test_export_without_hits_is_exit_1_with_only_the_csv_header(run):
    result = run("zzyzzyx", "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout == ",".join(EXPORT_COLUMNS) + "\n"
    result = run("zzyzzyx", "--format", "jsonl")
    assert (result.exit_code, result.stdout) == (1, "")


def test_csv_with_commas_quotes_and_newlines_reads_back(tmp_path):
    from searchkit import build_index

    record = {
        "id": "tricky",
        "title": 'Quotes "here", commas, and\na newline',
        "text": 'The harbour said "no", then yes, again.',
        "url": "https://example.org/a,b",
    }
    (tmp_path / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    build_index([str(tmp_path / "feed.jsonl")], tmp_path / "index")
    result = CliRunner().invoke(cli, ["query", "harbour", "--index", str(tmp_path / "index"), "--format", "csv"])
    (row,) = csv.DictReader(io.StringIO(result.stdout, newline=""))
    assert row["title"] == record["title"]
    assert row["url"] == "https://example.org/a,b" and row["snippet"] == 'The harbour said "no", then yes, again.'


def test_a_reader_that_stops_early_ends_the_export_quietly(corpus_index):
    import subprocess
    import sys

    command = [sys.executable, "-m", "searchkit", "query", "*", "--index", str(corpus_index), "--format", "jsonl"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=60) == 0
    assert json.loads(first)["kind"] in ("article", "comment")
    assert process.stderr.read() == b""
    process.stderr.close()
