"""`searchkit similar ID`: the articles most like one article or comment, and the key terms it used."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from searchkit import open_index
from searchkit.cli import cli

ARCTIC = "climate/arctic-icebreaker-route.txt"


@pytest.fixture
def run(corpus_index, monkeypatch):
    for name in ("SEARCHKIT_INDEX", "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args):
        return CliRunner().invoke(cli, ["similar", "--index", str(corpus_index), *args])

    return invoke


def test_text_names_the_document_and_its_key_terms_then_the_hits(run, corpus_index):
    with open_index(corpus_index) as index:
        similar = index.similar(ARCTIC, limit=3)
    result = run(ARCTIC, "--limit", "3")
    assert result.exit_code == 0
    heading, rest = result.stdout.split("\n\n", 1)
    assert heading == (
        f"articles like “Icebreaker Leads Record Convoy Through the Northwest Passage” ({ARCTIC}), "
        f"by its key terms: {', '.join(similar.terms)}"
    )
    assert "Arctic" in similar.terms and "Icebreaker" in similar.terms
    assert rest.startswith("1. Alpine Glaciers Lose Record Share of Ice in a Single Summer\n")
    assert ARCTIC not in rest  # never itself


def test_json_adds_of_title_and_terms_to_the_query_object(run):
    payload = json.loads(run(ARCTIC, "--limit", "2", "--format", "json").stdout)
    assert payload["of"] == ARCTIC and payload["title"].startswith("Icebreaker Leads Record Convoy")
    assert payload["terms"] and len(payload["hits"]) == 2
    assert {hit["kind"] for hit in payload["hits"]} == {"article"}


def test_a_comment_id_finds_articles_like_the_comment(run):
    result = run("world/putin-trump-vienna-summit.txt#c2", "--limit", "1")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "articles like comment world/putin-trump-vienna-summit.txt#c2 on "
        "“Putin and Trump Agree to Meet in Vienna as Arms Control Talks Resume”, by its key terms: "
    )


def test_an_unknown_id_is_one_line(run):
    result = run("nope.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith("searchkit: error: no article or comment with id 'nope.txt'")
    assert result.stderr.count("\n") == 1


def test_the_summary_says_best_few_of_how_many_with_no_pages(run, corpus_index):
    """`similar` has no --page: its last line must not say "page 1 of 15"."""
    with open_index(corpus_index) as index:
        total = index.similar(ARCTIC, limit=3).results.total
    assert total > 3
    last = run(ARCTIC, "--limit", "3").stdout.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(rf"best 3 of {total} similar articles, \d+ ms", last), last
