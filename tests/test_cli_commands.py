"""`searchkit index`, `show`, `stats`, `--version`, --help, and the last line of defence."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from searchkit import __version__
from searchkit.cli import cli, main


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_index_summary_and_incremental_rerun(pages_copy, tmp_path):
    index = str(tmp_path / "ix")
    first = invoke("index", str(pages_copy), "--index", index)
    assert first.exit_code == 0 and first.stdout == ""
    assert "3 added, 0 updated, 0 removed, 0 unchanged, 0 skipped; 3 articles and 7 comments" in first.stderr
    second = invoke("index", str(pages_copy), "--index", index, "--format", "json")
    report = json.loads(second.stdout)
    assert (report["added"], report["unchanged"]) == (0, 3)
    # A run that changed nothing wrote nothing, and says so under names that cannot be
    # read as the index's size; what the index holds after the run is under "index".
    assert "articles" not in report and "comments" not in report and "files" not in report
    assert (report["articles_written"], report["comments_written"]) == (0, 0)
    assert report["index"] == {"articles": 3, "comments": 7, "files": 3}
    # Where the time went: the three steps, none negative, adding up to no more than the run.
    assert set(report["phases"]) == {"planning", "reading", "committing"}
    assert all(seconds >= 0 for seconds in report["phases"].values())
    assert sum(report["phases"].values()) <= report["seconds"] + 0.003  # each rounded to 1 ms


def test_index_skips_bad_files_and_strict_fails(pages_copy, tmp_path):
    (pages_copy / "broken.txt").write_bytes(b"\x00\x00\x00")
    index = str(tmp_path / "ix")
    result = invoke("index", str(pages_copy), "--index", index)
    assert result.exit_code == 0
    assert f"searchkit: skipped {pages_copy / 'broken.txt'}: binary file (it contains NUL bytes)\n" in result.stderr
    strict = invoke("index", str(pages_copy), "--index", index, "--strict")
    assert strict.exit_code == 2 and "files skipped (--strict)" in strict.stderr


def test_index_json_lists_skipped_files_as_path_and_reason_like_the_text(pages_copy, tmp_path):
    """The list is "skipped": its entries do not end in ", skipped" again (nor say it mid-line)."""
    (pages_copy / "broken.txt").write_bytes(b"\x00\x00\x00")
    (pages_copy / "blank.txt").write_text("", encoding="utf-8")
    (pages_copy / os.fsdecode(b"caf\xe9.txt")).write_text("Cafe Opens\n\nA cafe opened today.\n", encoding="utf-8")
    result = invoke("index", str(pages_copy), "--index", str(tmp_path / "ix"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    skipped = json.loads(result.stdout)["skipped"]
    assert f"{pages_copy / 'broken.txt'}: binary file (it contains NUL bytes)" in skipped
    assert f"{pages_copy / 'blank.txt'}: empty file" in skipped
    assert len(skipped) == 3 and not any("skipped" in entry.split(": ", 1)[1] for entry in skipped), skipped
    text = [line for line in result.stderr.splitlines() if line.startswith("searchkit: skipped ")]
    assert sorted(text) == sorted(f"searchkit: skipped {entry}" for entry in skipped)


def test_index_nothing_readable_is_exit_2(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("  \n", encoding="utf-8")
    result = invoke("index", str(folder), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 2 and "nothing could be indexed" in result.stderr


def test_show_text_and_json(pages_index):
    text = invoke("show", "ferry.txt", "--index", str(pages_index))
    assert text.exit_code == 0
    assert text.stdout.startswith(
        "Harbour Council Approves Night Ferry After ‘Long Overdue’ Vote\nferry.txt · captured 2021-03\n"
    )
    payload = json.loads(invoke("show", "ferry.txt#c3", "--index", str(pages_index), "--format", "json").stdout)
    assert set(payload) == {"id", "title", "date", "captured", "author", "url", "source", "body", "comments"}
    assert payload["captured"] == "2021-03" and payload["date"] is None
    assert payload["comments"][2] == {
        "id": "ferry.txt#c3",
        "author": "Maëlle Ørsted",
        "date": None,
        "text": "Thank you all for the support. We will publish the timetable next week.",
    }


def test_show_unknown_id(pages_index):
    result = invoke("show", "nope.txt", "--index", str(pages_index))
    assert result.exit_code == 2
    assert result.stderr == (
        f"searchkit: error: no article with id 'nope.txt' in {pages_index} (ids are shown by `searchkit query`)\n"
    )


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_show_of_a_comment_id_that_is_not_there_is_an_error_not_its_article(pages_index, output_format):
    ferry = invoke("show", "ferry.txt", "--index", str(pages_index), "--format", "json")
    comments = len(json.loads(ferry.stdout)["comments"])
    result = invoke("show", "ferry.txt#c99", "--index", str(pages_index), "--format", output_format)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"searchkit: error: no comment with id 'ferry.txt#c99' in {pages_index} "
        f"(ferry.txt has {comments} comments, `searchkit show ferry.txt` lists them)\n"
    )
    result = invoke("show", "nope.txt#c3", "--index", str(pages_index), "--format", output_format)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"searchkit: error: no article or comment with id 'nope.txt#c3' in {pages_index} "
        "(ids are shown by `searchkit query`)\n"
    )


def test_stats(pages_index):
    payload = json.loads(invoke("stats", "--index", str(pages_index), "--format", "json").stdout)
    assert {"articles", "comments", "terms", "size_bytes", "schema_version"} <= set(payload)
    assert (payload["articles"], payload["comments"], payload["files"]) == (6, 9, 4)
    assert payload["terms"] > 100 and payload["size_bytes"] > 0
    text = invoke("stats", "--index", str(pages_index)).stdout
    assert "articles        6\ncomments        9\n" in text


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout == f"searchkit {__version__}\n"


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_the_command_answers_version_without_loading_the_cli(flag):
    check = (
        "import sys; from searchkit.launch import main; main([sys.argv[1]]); "
        "assert not {'click', 'searchkit.cli', 'whoosh'} & set(sys.modules), 'CLI loaded'"
    )
    done = subprocess.run([sys.executable, "-c", check, flag], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"searchkit {__version__}\n"
    through_module = subprocess.run([sys.executable, "-m", "searchkit", "--help"], capture_output=True, text=True)
    assert through_module.returncode == 0 and "Usage: searchkit" in through_module.stdout


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"searchkit {command}" in result.stdout


def test_unexpected_errors_are_one_line(monkeypatch, capsys, pages_index):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("searchkit.index.Index.search", explode)
    monkeypatch.delenv("SEARCHKIT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "x", "--index", str(pages_index)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == "searchkit: internal error: RuntimeError: disk on fire (set SEARCHKIT_DEBUG=1 for details)\n"


def test_usage_errors_exit_2():
    assert invoke("query").exit_code == 2
    assert invoke("query", "x", "--limit", "0").exit_code == 2


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch, capsys):
    import searchkit

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(searchkit, "build_index", interrupted)
    with pytest.raises(SystemExit) as stopped:
        main(["index", "--index", "/nonexistent/ix"])
    assert stopped.value.code == 130
    assert capsys.readouterr().err.strip() == "searchkit: interrupted"  # after the newline that ends ^C


def test_index_help_names_every_input_format():
    from searchkit.sources import FORMATS

    text = " ".join(invoke("index", "--help").stdout.split())
    for fmt in FORMATS:
        assert next(suffix for suffix in fmt.suffixes if suffix) in text, fmt.name


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_option_says_what_it_does(command):
    undocumented = [
        param.opts[0]
        for param in cli.commands[command].params
        if isinstance(param, click.Option) and not param.help and param.name != "help"
    ]
    assert not undocumented, f"{command}: {undocumented} have no help text"


def test_the_quick_start_in_the_top_help_is_aligned():
    lines = [line for line in invoke("--help").stdout.splitlines() if line.startswith("    searchkit ")]
    assert len(lines) == 3
    assert len({re.search(r"\S {2,}(\S)", line).start(1) for line in lines}) == 1, lines
