"""The README's second Python API example (export, counts, similar, did-you-mean) runs on the sample corpus."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from searchkit import build_index

from .conftest import CORPUS, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_beyond_one_page_example_runs(tmp_path):
    section = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    shutil.copytree(CORPUS, tmp_path / "corpus")
    build_index([str(tmp_path / "corpus")], tmp_path / "index")
    result = subprocess.run(
        [sys.executable, "-c", blocks[1]], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("{'id': ") for line in lines) > 10  # every hit, not one page
    assert "climate/alpine-glacier-loss.txt" in result.stdout
    assert lines[-1] == "title:wheat"
