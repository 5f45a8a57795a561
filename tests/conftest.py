"""Shared fixtures: paths to the test data, and indexes built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from searchkit import build_index

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
EXAMPLE_PAGE = SHARED / "corpus-format" / "example-article.txt"
SCIFACT = SHARED / "eval" / "scifact"


def needs_shared(path: Path):
    """Skip cleanly when ../shared (present on the team's machines only) is absent."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present (team data, not in a user's clone)")


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """The bundled sample corpus, indexed once for the whole session."""
    path = tmp_path_factory.mktemp("corpus-index")
    build_index([str(CORPUS)], path)
    return path


@pytest.fixture(scope="session")
def pages_index(tmp_path_factory) -> Path:
    """The hand-made pages and records of tests/data, indexed once."""
    path = tmp_path_factory.mktemp("pages-index")
    build_index([str(DATA / "pages"), str(DATA / "records.jsonl")], path)
    return path


@pytest.fixture
def pages_copy(tmp_path) -> Path:
    """A writable copy of tests/data/pages, for tests that change files."""
    target = tmp_path / "pages"
    shutil.copytree(DATA / "pages", target)
    return target
