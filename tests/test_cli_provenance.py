"""Provenance in `searchkit query` and `show` output (issue 10 §5): url, source:LINE, byline, dates and their kind."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searchkit import build_index
from searchkit.cli import cli

RECORDS = [
    {
        "id": "harbour-1",
        "title": "Harbour Crane Contract Signed",
        "text": "The harbour authority signed a contract for two electric cranes.",
        "date": "2022-05-14",
        "url": "https://example.org/harbour-1",
        "author": "Lena Brandt",
        "comments": [
            {"author": "Ole", "text": "Electric cranes at last, the harbour needed them.", "date": "2022-05-20"},
            {"author": "Mia", "text": "Who pays for the harbour cranes?"},
        ],
    },
    {"id": "harbour-2", "title": "Harbour Dredging Starts", "text": "Dredging the harbour channel starts soon."},
]
PAGE = "MAY 2022\nHarbour Festival Draws Crowds\n\nThe harbour festival drew large crowds on Saturday.\n"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("provenance-cli")
    feeds = folder / "feeds"
    feeds.mkdir()
    (feeds / "port.jsonl").write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n", encoding="utf-8")
    (feeds / "festival.txt").write_text(PAGE, encoding="utf-8")
    build_index([str(feeds)], folder / "index")
    return folder / "index"


@pytest.fixture
def run(index, monkeypatch):
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args):
        return CliRunner().invoke(cli, [args[0], "--index", str(index), *args[1:]])

    return invoke


def test_text_hits_show_author_url_source_and_which_date(run):
    result = run("query", "harbour crane OR festival OR dredging", "--in", "articles")
    assert result.exit_code == 0
    blocks = {block.split("\n")[1].split()[0]: block for block in result.stdout.split("\n\n")[:-1]}
    crane = blocks["harbour-1"].split("\n")
    assert crane[1].startswith("   harbour-1 article · 2022-05-14 · score ")
    assert crane[2] == "   by Lena Brandt · https://example.org/harbour-1 · from port.jsonl:1"
    festival = blocks["festival.txt"].split("\n")
    assert festival[1].startswith("   festival.txt article · captured 2022-05 · score ")  # never as if published
    assert festival[2].startswith("   The harbour festival")  # the source is its id: not repeated
    dredging = blocks["harbour-2"].split("\n")
    assert dredging[1].startswith("   harbour-2 article · score ") and dredging[2] == "   from port.jsonl:2"


def test_text_comments_show_their_dates_where_known(run):
    result = run("query", "harbour cranes", "--limit", "1")
    assert "     Ole (2022-05-20): Electric cranes at last, the harbour needed them." in result.stdout
    assert "     Mia: Who pays for the harbour cranes?" in result.stdout


def test_json_hits_carry_provenance(run):
    payload = json.loads(run("query", "harbour", "--in", "articles", "--format", "json").stdout)
    hits = {hit["id"]: hit for hit in payload["hits"]}
    crane = hits["harbour-1"]
    assert (crane["author"], crane["url"], crane["source"]) == (
        "Lena Brandt",
        "https://example.org/harbour-1",
        "port.jsonl:1",
    )
    assert (crane["date"], crane["date_kind"]) == ("2022-05-14", "published")
    assert (hits["festival.txt"]["date"], hits["festival.txt"]["date_kind"]) == ("2022-05", "captured")
    assert (hits["harbour-2"]["date"], hits["harbour-2"]["date_kind"]) == (None, None)


def test_show_gives_author_url_source_and_comment_dates(run):
    result = run("show", "harbour-1")
    assert result.exit_code == 0
    assert result.stdout.split("\n")[1] == (
        "harbour-1 · published 2022-05-14 · by Lena Brandt · https://example.org/harbour-1 · from port.jsonl:1"
    )
    assert "#1 Ole 2022-05-20\nElectric cranes at last" in result.stdout
    assert "#2 Mia\nWho pays" in result.stdout
    payload = json.loads(run("show", "harbour-1", "--format", "json").stdout)
    assert (payload["author"], payload["source"], payload["url"]) == (
        "Lena Brandt",
        "port.jsonl:1",
        "https://example.org/harbour-1",
    )
    assert [comment["date"] for comment in payload["comments"]] == ["2022-05-20", None]
    captured = run("show", "festival.txt")
    assert captured.stdout.split("\n")[1] == "festival.txt · captured 2022-05"


def test_a_warc_page_whose_id_is_its_url_shows_the_url_once(corpus_index, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    url = "https://railweekly.example/night-trains-return"
    found = CliRunner().invoke(cli, ["query", "night trains northern", "--limit", "1", "--index", str(corpus_index)])
    assert found.exit_code == 0
    hit = found.stdout.split("\n\n")[0]
    assert hit.count(url) == 1 and "by Oskar Dahl · from warc/coast-crawl.warc.gz@" in hit, hit
    shown = CliRunner().invoke(cli, ["show", url, "--index", str(corpus_index)])
    assert shown.exit_code == 0
    meta = shown.stdout.splitlines()[1]
    assert meta.count(url) == 1 and "by Oskar Dahl" in meta and "from warc/coast-crawl.warc.gz@" in meta, meta


def test_a_comment_hit_without_its_own_date_shows_its_articles(corpus_index):
    args = ["query", "putin", "--in", "comments", "--sort", "date", "--limit", "3", "--index", str(corpus_index)]
    lines = CliRunner().invoke(cli, args).stdout.splitlines()
    details = [line.split(" ", 4)[-1] for line in lines if " comment · " in line]
    assert details[0].startswith("comment · article 2024-11-21 · score "), details
    found = CliRunner().invoke(cli, ["query", "turnberry", "--in", "comments", "--index", str(corpus_index)])
    assert " comment · article captured 2018-07 · score " in found.stdout  # never shown as a publication date


def test_show_of_a_comment_id_says_which_comment_it_is(corpus_index, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    comment_id = "science/reykjanes-volcano-eruption.txt#c8"
    lines = CliRunner().invoke(cli, ["show", comment_id, "--index", str(corpus_index)]).stdout.splitlines()
    assert lines[0] == "comment #8 by anonymous is below the article"
    assert lines[1].startswith("Volcano Erupts on Iceland") and "#8 anonymous" in lines
    article = CliRunner().invoke(cli, ["show", comment_id.split("#")[0], "--index", str(corpus_index)])
    assert article.stdout.splitlines() == lines[1:]
