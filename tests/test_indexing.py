"""Incremental indexing: add, change, delete, bad files, rebuild, versions, locking."""

from __future__ import annotations

import json
import multiprocessing
import os
import time

import pytest

from searchkit import (
    IndexBusyError,
    IndexNotFoundError,
    IndexVersionError,
    SearchkitError,
    build_index,
    indexing,
    open_index,
)
from searchkit.engine.writing import MERGE_SMALL_AT
from searchkit.index import STATE_FILE, write_lock

from .conftest import CORPUS


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


def test_batches_in_worker_processes_answer_like_one_segment(tmp_path, monkeypatch):
    build_index([CORPUS], tmp_path / "one", jobs=1)
    monkeypatch.setattr(indexing, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(indexing, "BATCH_BYTES", 40_000)
    progress = []
    report = build_index([CORPUS], tmp_path / "many", jobs=2, progress=lambda *p: progress.append(p))
    assert (report.articles, report.comments) == (56, 383)
    assert progress[-1] == (51, 51, 56)
    with open_index(tmp_path / "one") as one, open_index(tmp_path / "many") as many:
        assert len(many.searcher().reader().leaf_readers()) >= 4
        assert len(one.searcher().reader().leaf_readers()) == 1
        for query in (
            "Putin Trump",
            '"prime minister"',
            "wheat OR ports",
            "title:election",
            "putin",
            "minister~",
            'author:"Jean Marchetti"',
        ):
            expected = one.search(query, limit=20)
            got = many.search(query, limit=20)
            assert got.total == expected.total and got.total > 0, query
            assert [(h.id, round(h.score, 6)) for h in got.hits] == [(h.id, round(h.score, 6)) for h in expected.hits]


def _worker_dies(*args, **kwargs):
    os._exit(9)


def test_a_worker_that_dies_is_one_error_and_changes_nothing(pages_copy, tmp_path, monkeypatch):
    index = tmp_path / "ix"
    build_index([pages_copy], index)
    before = sorted(os.listdir(index))
    for name in ("more.txt", "again.txt"):
        (pages_copy / name).write_text((pages_copy / "ferry.txt").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(indexing, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(indexing, "_build_batch", _worker_dies)
    with pytest.raises(SearchkitError, match="worker process died"):
        build_index([pages_copy], index, jobs=2)
    assert sorted(os.listdir(index)) == before
    monkeypatch.undo()
    assert build_index([pages_copy], index).added == 2


def test_small_segments_of_incremental_runs_are_merged_and_answer_like_a_fresh_build(tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "ix"
    build_index([corpus], index, jobs=1)
    files = sorted(corpus.rglob("*.txt"))
    counts = []
    for run, path in enumerate(files[:7]):
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n\nUpdate {run}: lighthouse figures revised.\n", encoding="utf-8"
        )
        assert build_index([corpus], index, jobs=1).updated == 1
        with open_index(index) as opened:
            counts.append(len(opened.searcher().reader().leaf_readers()))
    assert max(counts) <= MERGE_SMALL_AT
    assert counts != sorted(counts), f"segments never merged: {counts}"
    build_index([corpus], tmp_path / "fresh", jobs=1)
    with open_index(index) as updated, open_index(tmp_path / "fresh") as fresh:
        assert updated.stats().articles == fresh.stats().articles == 56
        assert updated.stats().comments == fresh.stats().comments
        dated = updated.search("date:2022", limit=100), fresh.search("date:2022", limit=100)
        assert sorted(h.id for h in dated[0].hits) == sorted(h.id for h in dated[1].hits)
        for query in ("lighthouse figures", "Putin Trump", '"prime minister"', 'author:"Jean Marchetti"'):
            got, expected = updated.search(query, limit=20), fresh.search(query, limit=20)
            assert got.total == expected.total > 0, query
            # scores differ a little (the updated index's statistics still count its deleted
            # documents), which may swap hits of nearly equal scores further down
            assert [h.id for h in got.hits[:5]] == [h.id for h in expected.hits[:5]], query
            assert [h.score for h in got.hits] == pytest.approx([h.score for h in expected.hits], rel=0.01)


def test_progress_moves_while_one_large_file_is_read(tmp_path):
    """A file of many articles (a big WARC or JSONL file) shows progress as it is read,
    not only once it is done: the articles count moves every PROGRESS_ARTICLES."""
    import json

    from searchkit import build_index
    from searchkit.indexing import PROGRESS_ARTICLES

    count = 2 * PROGRESS_ARTICLES + 50
    lines = [
        json.dumps({"id": f"r{n}", "title": f"Record {n}", "text": f"Buoy {n} logged the swell."}) for n in range(count)
    ]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls = []
    build_index([tmp_path / "many.jsonl"], tmp_path / "ix", jobs=1, progress=lambda *args: calls.append(args))
    assert (0, 1, PROGRESS_ARTICLES) in calls and (0, 1, 2 * PROGRESS_ARTICLES) in calls
    assert calls[-1] == (1, 1, count)


def test_worker_progress_counts_each_article_once_with_large_files(tmp_path, monkeypatch):
    import json

    from searchkit.indexing import PROGRESS_ARTICLES

    count = 2 * PROGRESS_ARTICLES + 50
    for name in ("a", "b"):
        lines = [json.dumps({"id": f"{name}{n}", "text": f"Buoy {n} logged the swell."}) for n in range(count)]
        (tmp_path / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(indexing, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(indexing, "BATCH_BYTES", 1_000)
    progress = []
    paths = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    report = build_index(paths, tmp_path / "ix", jobs=2, progress=lambda *p: progress.append(p))
    assert report.articles == 2 * count
    assert progress[-1] == (2, 2, 2 * count)
    assert all(articles <= 2 * count for _, _, articles in progress)
