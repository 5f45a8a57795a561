"""Commits are flushed to disk in order: new segment files, then the table of contents that
makes them live, then the folder; the state file's rename is flushed too."""

from __future__ import annotations

import json
import os

from searchkit import build_index

from .conftest import DATA


def _record_fsyncs(monkeypatch) -> list[str]:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(descriptor):
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        return real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    return synced


def test_a_commit_flushes_segments_before_the_toc_that_makes_them_live(tmp_path, monkeypatch):
    synced = _record_fsyncs(monkeypatch)
    index = tmp_path / "ix"
    build_index([DATA / "pages"], index, jobs=1)
    live = json.loads((index / "searchkit.json").read_text())["indexname"]
    files = sorted(os.listdir(index))
    segment_files = [str(index / name) for name in files if name.startswith(f"{live}_") and name != f"{live}_WRITELOCK"]
    tocs = [str(index / name) for name in files if name.startswith(f"_{live}_") and name.endswith(".toc")]
    assert segment_files and len(tocs) == 1
    temporary_toc = next(
        at for at, path in enumerate(synced) if os.path.basename(path).startswith(os.path.basename(tocs[0]) + ".")
    )
    toc_at = synced.index(tocs[0])
    assert temporary_toc < toc_at  # the TOC's bytes are on disk before its name makes it live
    for name in segment_files:
        assert name in synced[:toc_at], f"{name} was not flushed before the TOC"
    assert str(index) in synced[toc_at:], "the folder was not flushed after the TOC"
    state_at = synced.index(str(index / "searchkit.json")) if str(index / "searchkit.json") in synced else None
    assert state_at is None or str(index) in synced[state_at:]


def test_an_incremental_commit_flushes_its_new_segment(tmp_path, monkeypatch):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("First Title\n\nThe first body.\n", encoding="utf-8")
    index = tmp_path / "ix"
    build_index([pages], index, jobs=1)
    before = set(os.listdir(index))
    synced = _record_fsyncs(monkeypatch)
    (pages / "b.txt").write_text("Second Title\n\nThe second body.\n", encoding="utf-8")
    report = build_index([pages], index, jobs=1)
    assert report.added == 1
    new_files = {name for name in set(os.listdir(index)) - before if not name.endswith((".toc", ".json"))}
    assert any(name.endswith(".pst") for name in new_files), new_files
    toc_at = next(at for at, path in enumerate(synced) if path.endswith(".toc"))
    assert {str(index / name) for name in new_files} <= set(synced[:toc_at])
