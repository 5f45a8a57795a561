"""The README's promises: the API example runs, and CI runs the README's test command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

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
