"""An index that is damaged, still being built, or emptied: precise errors or plain answers, never a raw one."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from searchkit import (
    IndexBuildingError,
    IndexDamagedError,
    IndexNotFoundError,
    SearchkitError,
    build_index,
    open_index,
)
from searchkit.index import write_lock

from .conftest import CORPUS


@pytest.fixture
def fresh_index(corpus_index, tmp_path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(corpus_index, target)
    return target


def live_file(index: Path, suffix: str) -> Path:
    live = json.loads((index / "searchkit.json").read_text(encoding="utf-8"))["indexname"]
    (found,) = [path for path in index.iterdir() if path.name.startswith(f"{live}_") and path.name.endswith(suffix)]
    return found


def truncate(path: Path, fraction: float = 1 / 3) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(int(path.stat().st_size * fraction))


READS = {
    "search": lambda index: index.search("putin trump"),
    "search with syntax": lambda index: index.search("title:putin OR wheat"),
    "sort by date": lambda index: index.search("putin", sort="date"),
    "count": lambda index: index.count("putin"),
    "iter_hits": lambda index: list(index.iter_hits("putin")),
    "similar": lambda index: index.similar("climate/arctic-icebreaker-route.txt"),
}


@pytest.mark.parametrize("read", sorted(READS))
def test_a_truncated_postings_file_is_reported_as_damage(fresh_index, read):
    """Used to raise ``Exception: Block tag error b''`` from Whoosh. Ranking reads the columnar
    copy, not the postings file: the damage is found because the segment's files no longer
    have the sizes its copy recorded."""
    truncate(live_file(fresh_index, ".pst"))
    with open_index(fresh_index) as index, pytest.raises(IndexDamagedError) as raised:
        READS[read](index)
    assert str(fresh_index) in str(raised.value) and "damaged" in str(raised.value)
    assert "--rebuild" in raised.value.hint


@pytest.mark.parametrize("column", ["_body_len.col", "_comment_len.col"])
def test_a_truncated_length_column_is_reported_as_damage(fresh_index, column):
    """Whoosh reads the missing lengths as zeros; ranking then failed with a raw IndexError."""
    truncate(live_file(fresh_index, column))
    with open_index(fresh_index) as index, pytest.raises(IndexDamagedError, match=f"{column} is .* bytes"):
        index.search("putin trump")


@pytest.mark.parametrize("suffix", [".trm", "_stored.col"])
def test_damaged_files_found_at_open_are_index_damaged_errors(fresh_index, suffix):
    truncate(live_file(fresh_index, suffix))
    with pytest.raises(IndexDamagedError) as raised:
        open_index(fresh_index)
    assert "--rebuild" in raised.value.hint


def test_a_healthy_index_is_not_called_damaged(corpus_index):
    with open_index(corpus_index) as index:
        from searchkit.engine.reading import truncated_lengths

        assert truncated_lengths(index.searcher()) is None


def test_opening_an_index_whose_first_build_is_running(tmp_path, corpus_index):
    folder = tmp_path / "index"
    with write_lock(folder, timeout=1):  # what the first `searchkit index` holds until its commit
        with pytest.raises(IndexBuildingError) as raised:
            open_index(folder)
        assert "being built" in str(raised.value) and raised.value.hint
    with pytest.raises(IndexNotFoundError):  # lock released, nothing committed: no index
        open_index(folder)


def test_open_can_wait_for_the_first_commit(tmp_path, corpus_index):
    folder = tmp_path / "index"
    held = threading.Event()

    def first_build():
        with write_lock(folder, timeout=1):
            held.set()
            time.sleep(0.5)
            for path in sorted(corpus_index.iterdir(), key=lambda path: path.name == "searchkit.json"):
                shutil.copy2(path, folder / path.name)  # the state file, the commit, comes last

    builder = threading.Thread(target=first_build)
    builder.start()
    held.wait(5)
    try:
        with open_index(folder, wait=20) as index:
            assert index.search("wheat").total
    finally:
        builder.join()


def test_an_index_whose_articles_were_all_removed_answers_no_hits(tmp_path):
    """Used to fail with ValueError from searching.py (issue 11)."""
    source = tmp_path / "pages"
    shutil.copytree(CORPUS / "climate", source)
    build_index([str(source)], tmp_path / "index")
    for path in source.iterdir():
        path.unlink()
    build_index([str(source)], tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        assert index.stats().articles == 0
        for query in ("ice", "title:ice", "ice OR glacier", '"sea ice"', "date:2022", "ic*"):
            assert index.search(query).total == 0
        assert list(index.iter_hits("ice")) == []
        assert index.count("ice").rows == []
        with pytest.raises(SearchkitError):
            index.similar("arctic-icebreaker-route.txt")
