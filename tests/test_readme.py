"""The README's promises: the API example runs, and CI runs the README's test command."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_python_api_example_runs(tmp_path):
    section = README.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 12
    shutil.copytree(CORPUS, tmp_path / "corpus")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Putin and Trump Agree to Meet in Vienna" in result.stdout
    assert "[Putin]" in result.stdout


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, re.S)
    assert len(commands) == 2
    assert 'searchkit query "Putin Trump"' in commands[0]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
    assert os.access(REPO / ".ci" / "run", os.X_OK)


# -- every example of the README's Usage section and of every --help runs and finds something -------------
# As sqlite-utils tests its docs: the examples are read from the text, not copied into the test.
# `searchkit eval` is left out: its examples need judged collections outside the sample corpus.
USAGE = README.split("## Usage", 1)[1].split("\n## ", 1)[0]
NOT_RUN = ("searchkit eval",)
NEEDS_A_CLUSTER = "--dask"
"""Examples that build on a Dask cluster are left out too: tests/test_dask_build.py runs that path."""
ERROR_LINE = re.compile(r"^(searchkit: )?(internal )?error", re.M)


def _command_lines(block: str) -> list[str]:
    lines = []
    for line in block.splitlines():
        line = re.split(r"\s{3,}|\s+# ", line.strip())[0]  # a trailing "   # comment" or "   comment"
        if "searchkit " in line and not line.startswith(NOT_RUN) and NEEDS_A_CLUSTER not in line:
            lines.append(line)
    return lines


def readme_examples() -> list[str]:
    return [line for block in re.findall(r"```sh\n(.*?)```", USAGE, re.S) for line in _command_lines(block)]


def readme_table_queries() -> list[str]:
    table = USAGE.split("| you type | it finds |", 1)[1].split("\n\n", 1)[0]
    return [query for row in table.splitlines()[2:] for query in re.findall(r"`([^`]+)`", row.split(" | ")[0])]


def help_examples() -> list[str]:
    from click.testing import CliRunner

    from searchkit.cli import cli

    top = CliRunner().invoke(cli, ["--help"]).stdout
    examples = _command_lines(top.split("Quick start, in a folder holding ./corpus:\n", 1)[1].split("\n\n", 1)[0])
    for name in sorted(cli.commands):
        text = CliRunner().invoke(cli, [name, "--help"]).stdout
        block = re.split(r"\n\s*Examples?:\n", text, maxsplit=1)
        assert len(block) == 2, f"searchkit {name} --help has no example"
        examples += _command_lines(block[1].split("\n\n", 1)[0])
    return examples


def readme_shell_session() -> list[str]:
    block = re.search(r"```text\n(searchkit> .*?)```", USAGE, re.S).group(1)
    return [line.removeprefix("searchkit> ") for line in block.splitlines()]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A folder holding ./corpus and its ./index, and a HOME with ~/scrapes and ~/scrapes.idx (copies of it)."""
    root = tmp_path_factory.mktemp("examples")
    home = root / "home"
    home.mkdir()
    shutil.copytree(CORPUS, root / "corpus")
    shutil.copytree(CORPUS, home / "scrapes")
    env = dict(os.environ, HOME=str(home), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for name in ("SEARCHKIT_INDEX", "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "SEARCHKIT_DEBUG"):
        env.pop(name, None)
    env["XDG_DATA_HOME"] = env["XDG_STATE_HOME"] = env["XDG_CONFIG_HOME"] = str(root / "xdg")
    for command in ("searchkit index", "searchkit index ~/scrapes --index ~/scrapes.idx"):
        subprocess.run(["bash", "-c", command], cwd=root, env=env, check=True, capture_output=True, timeout=120)
    return root, env


def run_example(sandbox, command: str, stdin: str = "") -> subprocess.CompletedProcess:
    root, env = sandbox
    return subprocess.run(
        ["bash", "-c", "set -o pipefail; " + command],
        cwd=root,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_examples_are_found():
    assert len(readme_examples()) >= 15 and len(help_examples()) >= 15
    assert len(readme_table_queries()) == 16
    assert "searchkit query Erdogan --format csv > erdogan.csv" in readme_examples()


@pytest.mark.parametrize("command", sorted(set(readme_examples() + help_examples())))
def test_example_runs_and_finds_something(sandbox, command):
    result = run_example(sandbox, command, stdin=":stats\n")  # what `searchkit shell` reads without a terminal
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert not ERROR_LINE.search(result.stderr + result.stdout), result.stderr + result.stdout
    if ">" not in command.replace("->", "") and not command.startswith("searchkit index"):
        assert result.stdout.strip(), f"{command} printed nothing"


@pytest.mark.parametrize("query", readme_table_queries())
def test_query_syntax_table_examples_find_something(sandbox, query):
    result = run_example(sandbox, f"searchkit query {shlex.quote(query)} --format json")
    assert result.returncode == 0, f"{query}: {result.stderr}"
    assert json.loads(result.stdout)["total"] > 0


def test_readme_shell_session_runs_on_the_sample_corpus(sandbox):
    root, _ = sandbox
    result = run_example(sandbox, "searchkit shell", stdin="\n".join(readme_shell_session()) + "\n")
    assert result.returncode == 0, result.stderr
    assert not ERROR_LINE.search(result.stderr + result.stdout), result.stderr + result.stdout
    assert "hits written to erdogan.csv" in result.stdout
    assert "saved turkey: Erdogan" in result.stdout
    assert (root / "erdogan.csv").read_text(encoding="utf-8").startswith("id,kind,article_id,title,")
