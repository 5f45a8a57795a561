"""Incremental indexing: add, change, delete, bad files, rebuild, versions, locking."""

from __future__ import annotations

import json
import multiprocessing
import os
import time

import pytest

from searchkit import IndexBusyError, IndexNotFoundError, IndexVersionError, build_index, open_index
from searchkit.index import STATE_FILE, write_lock


def article_ids(index_path):
    with open_index(index_path) as index:
        searcher = index.searcher()
        return sorted(stored["id"] for stored in searcher.documents(kind="article"))


def test_first_build_then_nothing_changed(pages_copy, tmp_path):
    index = tmp_path / "ix"
    first = build_index([pages_copy], index)
    assert (first.added, first.updated, first.removed, first.unchanged, first.skipped) == (3, 0, 0, 0, [])
    assert (first.articles, first.comments) == (3, 7)
    again = build_index([pages_copy], index)
    assert (again.added, again.updated, again.removed, again.unchanged, again.articles) == (0, 0, 0, 3, 0)
    assert article_ids(index) == ["ferry.txt", "library.txt", "section/apples.txt"]


def test_add_change_delete(pages_copy, tmp_path):
    index = tmp_path / "ix"
    build_index([pages_copy], index)
    (pages_copy / "new.txt").write_text("Tram Line Opens\n\nThe new tram line opened today.\n", encoding="utf-8")
    library = pages_copy / "library.txt"
    library.write_text(library.read_text(encoding="utf-8").replace("Sundays", "Saturdays"), encoding="utf-8")
    (pages_copy / "section" / "apples.txt").unlink()
    report = build_index([pages_copy], index)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert article_ids(index) == ["ferry.txt", "library.txt", "new.txt"]
    with open_index(index) as opened:
        assert opened.search("tram").hits[0].id == "new.txt"
        assert opened.search("saturdays").hits[0].id == "library.txt"
        assert opened.search("sundays").total == 0
        assert opened.search("apples").total == 0
        assert opened.stats().comments == 7


def test_touched_but_unchanged_file_is_not_reread(pages_copy, tmp_path):
    index = tmp_path / "ix"
    build_index([pages_copy], index)
    later = time.time() + 10
    os.utime(pages_copy / "ferry.txt", (later, later))
    report = build_index([pages_copy], index)
    assert (report.updated, report.unchanged) == (0, 3)


def test_bad_files_are_skipped_and_old_documents_kept(pages_copy, tmp_path):
    index = tmp_path / "ix"
    build_index([pages_copy], index)
    (pages_copy / "ferry.txt").write_bytes(b"\x00\x01binary now")
    (pages_copy / "empty.txt").write_text("", encoding="utf-8")
    report = build_index([pages_copy], index)
    assert sorted(report.skipped) == [
        f"{pages_copy / 'empty.txt'}: empty file, skipped",
        f"{pages_copy / 'ferry.txt'}: binary file (it contains NUL bytes), skipped",
    ]
    assert "ferry.txt" in article_ids(index)  # nothing already indexed is lost


def test_nothing_indexed_is_reported(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("", encoding="utf-8")
    report = build_index([folder], tmp_path / "ix")
    assert report.nothing_indexed and report.skipped


def test_rebuild_switches_generation_and_keeps_documents(pages_copy, tmp_path):
    index = tmp_path / "ix"
    build_index([pages_copy], index)
    before = json.loads((index / STATE_FILE).read_text())["indexname"]
    with open_index(index) as reader:  # a reader open across the rebuild keeps working
        report = build_index([pages_copy], index, rebuild=True)
        assert reader.search("ferry").total >= 1
        assert reader.search("ferry").hits[0].id == "ferry.txt"
    after = json.loads((index / STATE_FILE).read_text())["indexname"]
    assert before != after and report.added == 3
    # the previous generation stays one more run, for readers that read the old pointer
    assert [name for name in os.listdir(index) if name.startswith(f"_{before}_")]
    build_index([pages_copy], index, rebuild=True)
    assert not [name for name in os.listdir(index) if name.startswith((before + "_", f"_{before}_", f"{before}."))]
    assert article_ids(index) == ["ferry.txt", "library.txt", "section/apples.txt"]


def test_other_schema_version_is_refused(pages_copy, tmp_path):
    index = tmp_path / "ix"
    build_index([pages_copy], index)
    state = json.loads((index / STATE_FILE).read_text())
    state["schema_version"] = 0
    (index / STATE_FILE).write_text(json.dumps(state))
    with pytest.raises(IndexVersionError, match="schema version 0") as caught:
        open_index(index)
    assert "--rebuild" in caught.value.hint
    with pytest.raises(IndexVersionError):
        build_index([pages_copy], index)
    build_index([pages_copy], index, rebuild=True)
    assert len(article_ids(index)) == 3


def test_missing_index(tmp_path):
    with pytest.raises(IndexNotFoundError):
        open_index(tmp_path / "nothing")


def _hold_lock(folder, seconds, ready):
    with write_lock(folder, timeout=1):
        ready.set()
        time.sleep(seconds)


def test_second_writer_waits_then_fails_clearly(pages_copy, tmp_path):
    index = tmp_path / "ix"
    build_index([pages_copy], index)
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(index, 3, ready))
    holder.start()
    try:
        assert ready.wait(10)
        waits = []
        with pytest.raises(IndexBusyError, match="index busy"):
            build_index([pages_copy], index, lock_timeout=0.5, on_wait=waits.append)
        assert waits and "waiting up to 0.5 s" in waits[0]
    finally:
        holder.join()
    assert build_index([pages_copy], index).unchanged == 3


def test_jobs_give_the_same_index(pages_copy, tmp_path):
    build_index([pages_copy], tmp_path / "one", jobs=1)
    build_index([pages_copy], tmp_path / "two", jobs=2)
    assert article_ids(tmp_path / "one") == article_ids(tmp_path / "two")
