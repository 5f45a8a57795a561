"""A damaged index, or one whose first build is running: one line from every command, never a raw error."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from searchkit.cli import cli
from searchkit.index import write_lock

COMMANDS = [
    ["query", "putin trump"],
    ["query", "putin", "--sort", "date"],
    ["query", "putin", "--format", "csv"],
    ["count", "putin"],
    ["similar", "climate/arctic-icebreaker-route.txt"],
]


@pytest.fixture
def damaged(corpus_index, tmp_path):
    target = tmp_path / "index"
    shutil.copytree(corpus_index, target)
    live = json.loads((target / "searchkit.json").read_text(encoding="utf-8"))["indexname"]
    (postings,) = [p for p in target.iterdir() if p.name.startswith(f"{live}_") and p.name.endswith(".pst")]
    with open(postings, "r+b") as handle:
        handle.truncate(postings.stat().st_size // 3)
    return target


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args))
def test_a_damaged_index_is_one_line_with_the_rebuild_hint(damaged, args):
    result = CliRunner().invoke(cli, [args[0], "--index", str(damaged), *args[1:]])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"searchkit: error: {damaged}") and "damaged" in result.stderr
    assert "--rebuild" in result.stderr and "internal error" not in result.stderr


def test_the_shell_says_the_index_is_damaged_and_goes_on(damaged):
    result = CliRunner().invoke(cli, ["shell", "--index", str(damaged)], input="putin trump\n:stats\n")
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"error: {damaged}") and "--rebuild" in first
    assert "articles" in result.stdout  # :stats still answers


@pytest.mark.parametrize("args", [["query", "putin"], ["count", "putin"], ["shell"]], ids=lambda a: a[0])
def test_an_index_being_built_says_so(tmp_path, args):
    folder = tmp_path / "index"
    with write_lock(folder, timeout=1):  # what the first `searchkit index` holds until its first commit
        result = CliRunner().invoke(cli, [args[0], "--index", str(folder), *args[1:]])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("searchkit: error: ") and "being built" in result.stderr
