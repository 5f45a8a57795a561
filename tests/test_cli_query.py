"""`searchkit query` through click's CliRunner: output, JSON schema, exit codes, colour."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from searchkit.cli import cli
from searchkit.term.color import should_color

from .conftest import CORPUS


@pytest.fixture
def run(corpus_index, monkeypatch):
    monkeypatch.delenv("SEARCHKIT_INDEX", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def invoke(*args):
        return CliRunner().invoke(cli, ["query", "--index", str(corpus_index), *args])

    return invoke


def test_text_output_ranks_and_lists_comments(run):
    result = run("Putin Trump", "--limit", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "1. Putin and Trump Agree to Meet in Vienna as Arms Control Talks Resume"
    assert re.fullmatch(r"   world/putin-trump-vienna-summit.txt article · 2019-06-27 · score \d+\.\d\d", lines[1])
    assert lines[3] == "   12 comments match, 3 shown:"
    assert lines[4].startswith("     anonymous: ") and "Putin" in lines[4]
    assert lines[-1].startswith("1-2 of 29 hits, page 1 of 15, ")
    assert "\033[" not in result.stdout  # not a terminal: no colour
    assert result.stderr == ""


def test_json_schema(run):
    result = run("Putin Trump", "--format", "json", "--limit", "30")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert set(payload) == {"query", "total", "hits"}
    assert payload["query"] == "Putin Trump" and payload["total"] == 29
    keys = {"id", "kind", "article_id", "title", "author", "date", "date_kind", "url", "source", "score", "snippet"}
    assert all(set(hit) == keys | {"comments", "comment_count"} for hit in payload["hits"])
    first = payload["hits"][0]
    assert first["kind"] == "article" and first["comment_count"] == 12
    assert "<em>Putin</em>" in first["snippet"] and "<em>Trump</em>" in first["snippet"]
    assert all(set(comment) == {"id", "author", "date", "snippet"} for comment in first["comments"])
    comment_hits = [hit for hit in payload["hits"] if hit["kind"] == "comment"]
    assert comment_hits and all(hit["id"].startswith(hit["article_id"] + "#c") for hit in comment_hits)


def test_json_snippet_is_not_html_escaped(run):
    payload = json.loads(run("Kremlin’s", "--format", "json").stdout)
    assert any("’" in hit["snippet"] for hit in payload["hits"])
    assert not any("&#" in hit["snippet"] or "&amp;" in hit["snippet"] for hit in payload["hits"])


def test_no_hits_exit_1(run):
    result = run("zzyzzyx")
    assert result.exit_code == 1
    assert result.stdout.strip() == "no hits for 'zzyzzyx'"


def test_filters_and_paging(run):
    payload = json.loads(run("Erdoğan", "--author", "Mehmet Aydın", "--format", "json").stdout)
    assert [(hit["kind"], hit["author"]) for hit in payload["hits"]] == [("comment", "Mehmet Aydın")]
    page2 = json.loads(run("Putin", "--limit", "5", "--page", "2", "--format", "json").stdout)
    assert len(page2["hits"]) == 5
    dated = json.loads(run("Putin", "--in", "articles", "--sort", "date", "--format", "json").stdout)
    dates = [hit["date"] for hit in dated["hits"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "args, message",
    [
        (["date:someday"], "searchkit: error: date not understood: date:someday"),
        (["x", "--since", "soon"], "searchkit: error: date not understood: soon"),
    ],
)
def test_bad_input_is_one_line_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message)
    assert "Traceback" not in result.output


def test_missing_explicit_index_is_an_error(tmp_path):
    result = CliRunner().invoke(cli, ["query", "--index", str(tmp_path / "none"), "x"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"searchkit: error: {tmp_path / 'none'}: no searchkit index here (build one with `searchkit index PATH`)\n"
    )


def test_default_index_is_built_from_corpus_on_first_use(tmp_path, monkeypatch):
    monkeypatch.delenv("SEARCHKIT_INDEX", raising=False)
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["query", "wheat", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["hits"][0]["id"] == "business/australia-wheat-harvest-exports.txt"
    assert "no index yet: indexing ./corpus into index (once)" in result.stderr
    again = CliRunner().invoke(cli, ["query", "wheat"])
    assert again.exit_code == 0 and again.stderr == ""


def test_no_corpus_no_index(tmp_path, monkeypatch):
    monkeypatch.delenv("SEARCHKIT_INDEX", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["query", "wheat"])
    assert result.exit_code == 2
    assert "no searchkit index here and there is no ./corpus to build it from" in result.stderr


class FakeTerminal:
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert should_color(FakeTerminal())
    assert not should_color(FakeTerminal(), disabled=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not should_color(FakeTerminal())


def test_sort_date_works_with_undated_documents_last(run):
    result = run("ice OR glaciers OR summer", "--sort", "date", "--in", "articles", "--format", "json")
    assert result.exit_code == 0, result.stderr
    dates = [hit["date"] for hit in json.loads(result.stdout)["hits"]]
    assert len(dates) == 5 and dates[-1] is None  # one of the five has no date: it comes last
    assert dates[:4] == sorted(dates[:4], reverse=True)
    text = run("putin", "--sort", "date")
    assert text.exit_code == 0 and text.stdout.startswith("1. ")


def test_the_summary_says_how_many_undated_hits_a_date_filter_left_out(run):
    result = run("putin", "--since", "2022", "--limit", "1")
    assert result.stdout.splitlines()[-1].startswith("1-1 of 9 hits, page 1 of 9, ")
    assert result.stdout.splitlines()[-1].endswith(" ms; 2 undated hits left out (--undated include keeps them)")
    assert json.loads(run("putin", "--since", "2022", "--format", "json").stdout)["undated_left_out"] == 2
    kept = run("putin", "--since", "2022", "--limit", "1", "--undated", "include")
    assert re.fullmatch(r"1-1 of 11 hits, page 1 of 11, \d+ ms", kept.stdout.splitlines()[-1])


def test_did_you_mean_keeps_the_field_on_stderr(run):
    result = run("title:Vienaa")
    assert result.exit_code == 1
    assert result.stdout == "no hits for 'title:Vienaa'\n"
    assert result.stderr == "searchkit: did you mean: title:Vienna\n"
    assert run("title:whaet").stderr == "searchkit: did you mean: title:wheat\n"  # the example
    assert run("zzyzzyx").stderr == ""


def test_a_huge_query_is_not_repeated_whole_in_the_summary(run):
    huge = "zqxwv" * 20_000
    result = run(huge)
    assert result.exit_code == 1
    assert result.stdout == f"no hits for '{'zqxwv' * 15}zqxw…'\n"
