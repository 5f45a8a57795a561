"""How `searchkit query` and `show` print: wrapping, --color, provenance, --undated, did-you-mean, stdin."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from searchkit.cli import cli
from searchkit.term.color import HIGHLIGHT, should_color
from searchkit.term.wrap import wrap_line

COLOR_VARIABLES = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "SEARCHKIT_INDEX")


@pytest.fixture
def run(corpus_index, monkeypatch):
    for name in COLOR_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def invoke(*args, **options):
        return CliRunner().invoke(cli, [args[0], "--index", str(corpus_index), *args[1:]], **options)

    return invoke


# -- wrapping ------------------------------------------------------------------------------------
def test_wrap_breaks_on_spaces_with_a_hanging_indent_and_keeps_glued_words():
    line = "   world/a.txt article · 2019-06-27 · score\u00a08.97"
    assert wrap_line(line, 30) == ["   world/a.txt article ·", "   2019-06-27 · score 8.97"]
    assert wrap_line("1. A title that is long enough", 16, hang=3) == ["1. A title that", "   is long", "   enough"]
    assert wrap_line("   averyveryverylongword and more", 12) == ["   averyveryverylongword", "   and more"]
    assert wrap_line("short", None) == ["short"]


def test_text_output_wraps_at_columns_on_word_boundaries(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    result = run("query", "Putin Trump", "--limit", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 60 for line in lines), result.stdout
    assert lines[0] == "1. Putin and Trump Agree to Meet in Vienna as Arms Control"
    assert lines[1] == "   Talks Resume"
    assert lines[2] == "   world/putin-trump-vienna-summit.txt article ·"  # a break after a "·" only
    assert re.fullmatch(r"   2019-06-27 · score \d+\.\d\d", lines[3])
    assert all(line.startswith("   ") for line in lines[4:8]), result.stdout  # the hanging indent
    monkeypatch.delenv("COLUMNS")
    unwrapped = run("query", "Putin Trump", "--limit", "2").stdout
    without_footer = result.stdout.rsplit("\n\n", 1)[0]
    assert without_footer.split() == unwrapped.rsplit("\n\n", 1)[0].split()  # only spaces changed: no word cut


def test_two_digit_ranks_indent_their_lines_under_the_title(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    result = run("query", "Putin Trump", "--limit", "11")
    assert result.exit_code == 0
    hits = result.stdout.rsplit("\n\n", 1)[0].split("\n\n")
    for number, hit in zip((9, 10, 11), hits[8:11], strict=True):
        first, id_line, *rest = hit.splitlines()
        pad = " " * len(f"{number}. ")
        assert first.startswith(f"{number}. ")
        assert id_line.startswith(pad) and id_line[len(pad)] != " ", hit  # the id starts under the title
        assert all(line.startswith(pad) for line in rest), hit
        comment_lines = [line for line in rest if line.startswith(pad + "  ")]
        assert all(line[len(pad) + 2] != " " or line.startswith(pad + "    ") for line in comment_lines), hit
    assert "comment" in hits[9] and any(line.startswith("      ") for line in hits[9].splitlines())


def test_piped_output_is_not_wrapped(run):
    result = run("query", "Putin Trump", "--limit", "1")
    assert max(len(line) for line in result.stdout.splitlines()) > 100


# -- colour ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, env, coloured",
    [
        ([], {}, False),
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"CLICOLOR_FORCE": "1"}, True),
        ([], {"CLICOLOR_FORCE": "0"}, False),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["--no-color"], {"FORCE_COLOR": "1"}, False),
    ],
)
def test_color_option_and_environment(run, monkeypatch, args, env, coloured):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run("query", "wheat", *args)
    assert result.exit_code == 0
    assert (f"{HIGHLIGHT}wheat" in result.stdout.lower()) is coloured
    assert ("\033[" in result.stdout) is coloured


def test_auto_colours_a_terminal_unless_no_color(monkeypatch):
    class Terminal:
        def isatty(self):
            return True

    for name in COLOR_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert should_color(Terminal()) and not should_color(Terminal(), mode="never")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not should_color(Terminal())


def test_show_takes_color_too(run):
    result = run("show", "business/australia-wheat-harvest-exports.txt", "--color", "always")
    assert result.exit_code == 0 and "\033[1m" in result.stdout


# -- stdin -------------------------------------------------------------------------------------
def test_query_dash_reads_the_query_from_stdin(run):
    result = run("query", "-", "--format", "json", input="title:wheat\n")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["query"] == "title:wheat"
    assert [hit["id"] for hit in payload["hits"]] == ["business/australia-wheat-harvest-exports.txt"]
