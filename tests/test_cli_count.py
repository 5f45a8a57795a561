"""`searchkit count`: the bar table, JSON and CSV, filters, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from searchkit.cli import cli
from searchkit.term.table import bar


@pytest.fixture
def run(corpus_index, monkeypatch):
    for name in ("SEARCHKIT_INDEX", "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args):
        return CliRunner().invoke(cli, ["count", "--index", str(corpus_index), *args])

    return invoke


def test_bars_are_drawn_in_eighths_and_never_vanish():
    assert bar(4, 4, 10) == "█" * 10
    assert bar(1, 4, 10) == "██▌"
    assert bar(1, 1000, 10) == "▏"
    assert bar(0, 4, 10) == ""


def test_count_by_year_is_a_bar_table(run):
    result = run("Putin", "--by", "year")
    assert result.exit_code == 0
    assert result.stdout == (
        "year     articles                            comments\n"
        "2018            1 ████████▍                         2 ████▌\n"
        "2019            1 ████████▍                         9 ████████████████████▌\n"
        "2021            1 ████████▍                         3 ██████▉\n"
        "2022            3 █████████████████████████        11 █████████████████████████\n"
        "2024            1 ████████▍                         5 ███████████▍\n"
        "undated         0                                   2 ████▌\n"
        "7 articles and 32 comments match 'Putin'\n"
    )


def test_the_table_fits_the_width(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    lines = run("Putin", "--by", "month").stdout.splitlines()
    assert max(len(line) for line in lines[:-1]) <= 50
    assert lines[0].split() == ["month", "articles", "comments"]


def test_count_json_and_csv_agree(run):
    payload = json.loads(run("Erdogan", "--by", "month", "--format", "json").stdout)
    assert payload == {
        "query": "Erdogan",
        "by": "month",
        "rows": [
            {"key": "2022-10", "articles": 1, "comments": 1},
            {"key": "2023-07", "articles": 1, "comments": 1},
        ],
        "total_articles": 2,
        "total_comments": 2,
    }
    rows = list(csv.reader(io.StringIO(run("Erdogan", "--by", "month", "--format", "csv").stdout)))
    assert rows == [["month", "articles", "comments"], ["2022-10", "1", "1"], ["2023-07", "1", "1"]]


def test_count_takes_the_query_filters(run):
    options = ["--by", "kind", "--in", "comments", "--since", "2022", "--format", "json"]
    by_kind = json.loads(run("Putin", *options).stdout)  # 11 in 2022, 5 in 2024, and 2 undated: included by default
    assert by_kind["total_articles"] == 0 and by_kind["rows"] == [{"key": "comment", "articles": 0, "comments": 18}]
    dated = json.loads(run("Putin", *options, "--undated", "exclude").stdout)
    assert dated["rows"] == [{"key": "comment", "articles": 0, "comments": 16}]
    authors = run("wheat", "--by", "author", "--in", "comments")
    assert authors.stdout.splitlines()[1].startswith("Greg Whitfield ")
    assert authors.stdout.splitlines()[-1] == "0 articles and 1 comment match 'wheat'"


def test_count_without_hits_is_exit_1(run):
    result = run("zzyzzyx")
    assert (result.exit_code, result.stdout) == (1, "no hits for 'zzyzzyx'\n")


def test_a_huge_query_is_not_repeated_whole(run):
    assert run("zqxwv" * 20_000).stdout == f"no hits for '{'zqxwv' * 15}zqxw…'\n"
    found = run(" ".join(["putin"] + ["zqxwv"] * 100))
    assert found.exit_code == 0
    assert found.stdout.splitlines()[-1].endswith(f"match 'putin {'zqxwv ' * 12}z…'")
