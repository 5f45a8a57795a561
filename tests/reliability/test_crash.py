"""Crash safety: SIGKILL ``searchkit index`` at any moment, then read, rerun and compare.

Each run of ``searchkit index`` commits once, so after a kill readers must see exactly the
last committed documents (the state before the run) or, if the kill came after the commit,
exactly the new ones; and rerunning the command must end with the same documents as a clean
build. Kill points are chosen two ways: by time (delays spread over a measured run: startup,
parsing, writing, the commit, the state file), and by name (a child process patches one step
of the core to SIGKILL itself there: see ``RUNNER`` in conftest). The many-points campaign is
``bench/crash_points.py`` and :func:`test_many_crash_points` (``-m slow``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess

import pytest

from searchkit import open_index

from .conftest import (
    CrashScene,
    PointResult,
    check_after_kill,
    crash_point,
    describe_difference,
    generation_files,
    index_args,
    live_name,
    make_scene,
    record,
    run_cli,
    snapshot,
    spread,
    start_paused,
    vocabulary_difference,
)


def _summarise(name: str, results: list[PointResult]) -> None:
    failed = [r for r in results if r.failures]
    seen = {what: sum(r.seen == what and not r.finished for r in results) for what in ("before", "after")}
    finished = sum(r.finished for r in results)
    record(
        "crash points",
        f"{name}: {len(results)} points, {len(failed)} failures "
        f"(killed and saw the old commit: {seen['before']}, the new one: {seen['after']}; finished first: {finished})",
    )


def test_kill_at_timed_points(scene: CrashScene, tmp_path):
    """Four kills spread over an incremental run (startup, parsing and writing, the commit) and one
    halfway through a rebuild."""
    delays = [0.05] + [round(scene.update_seconds * fraction, 3) for fraction in (0.35, 0.65, 0.95)]
    results = [crash_point(scene, tmp_path, delay, "update", cli_reader=i == 2) for i, delay in enumerate(delays)]
    results.append(crash_point(scene, tmp_path, round(scene.rebuild_seconds * 0.5, 3), "rebuild", cli_reader=True))
    _summarise(
        f"fast ({scene.pages} pages, update {scene.update_seconds:.2f} s, rebuild {scene.rebuild_seconds:.2f} s)",
        results,
    )
    problems = [result.line() for result in results if result.failures]
    assert not problems, "\n".join(problems)


def _query_ids(index, query="wheat"):
    proc = run_cli(
        "query", query, "--index", index, "--format", "json", "--limit", "1000", "--in", "articles", timeout=60
    )
    assert proc.returncode in (0, 1), proc.stderr
    return sorted(hit["id"] for hit in json.loads(proc.stdout)["hits"])


def test_kill_rebuild_midway_old_index_keeps_serving(scene: CrashScene, runner, tmp_path):
    """A rebuild is written beside the live index: until it is swapped in, readers get the old answers.

    The rebuild is held just before its swap (its new generation complete), queried, then killed.
    """
    old_answer, new_answer = _query_ids(scene.base), _query_ids(scene.reference)
    assert old_answer != new_answer  # the scene's change shows in this query
    index = tmp_path / "index"
    shutil.copytree(scene.base, index)
    args = index_args(scene, index, "rebuild")
    proc = start_paused(runner, "state", args)
    try:
        assert set(generation_files(index)) >= {"g1", "g2"}  # the new generation is on disk
        assert _query_ids(index) == old_answer
        with open_index(index) as opened:
            assert sorted(h.id for h in opened.search("wheat", scope="articles", limit=1000)) == old_answer
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    result = PointResult("rebuild", 0.0)
    check_after_kill(scene, index, result, cli_reader=True)
    assert not result.failures, result.failures
    assert result.seen == "before" and live_name(index) == "g1"
    assert _query_ids(index) == old_answer
    rerun = run_cli(*args, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    got = snapshot(index)
    assert got == scene.after, describe_difference(got, ("clean build", scene.after))
    assert _query_ids(index) == new_answer
    record("crash points", "named: rebuild held before its swap: old answers served, killed, rerun = clean build")


# (mode, point, what readers must see after the kill); the rarer points run with -m slow
SLOW = pytest.mark.slow
NAMED = [
    ("update", "read", "before"),
    pytest.param("update", "commit", "before", marks=SLOW),
    ("update", "toc", "before"),
    pytest.param("update", "toc-rename", "before", marks=SLOW),
    ("update", "clean", "after"),
    ("update", "state", "after"),
    ("update", "words", "after"),
    ("update", "pointer", "after"),
    pytest.param("rebuild", "read", "before", marks=SLOW),
    ("rebuild", "commit", "before"),
    pytest.param("rebuild", "toc", "before", marks=SLOW),
    pytest.param("rebuild", "toc-rename", "before", marks=SLOW),
    pytest.param("rebuild", "clean", "before", marks=SLOW),
    ("rebuild", "state", "before"),
    pytest.param("rebuild", "words", "before", marks=SLOW),
    ("rebuild", "pointer", "before"),
    ("rebuild", "cleanup", "after"),
]


def _named_id(case) -> str:
    values = case.values if hasattr(case, "values") else case
    return f"{values[0]}-{values[1]}"


@pytest.mark.parametrize(("mode", "point", "expected"), NAMED, ids=[_named_id(case) for case in NAMED])
def test_kill_at_named_step(tiny_scene: CrashScene, runner, tmp_path, mode, point, expected):
    """SIGKILL exactly at one step of the run: the last commit (or the new one) is what readers see."""
    index = tmp_path / "index"
    shutil.copytree(tiny_scene.base, index)
    args = index_args(tiny_scene, index, mode)
    killed = subprocess.run([*runner, "kill", point, "--", *args], capture_output=True, text=True, timeout=120)
    if killed.returncode == 0 and point == "words":
        pytest.skip("this core writes no separate vocabulary file: there is no step between it and the file list")
    assert killed.returncode == -9, f"the run was not killed at {point}: exit {killed.returncode} {killed.stderr}"
    result = PointResult(mode, 0.0)
    check_after_kill(tiny_scene, index, result)
    assert not result.failures, result.failures
    assert result.seen == expected
    rerun = run_cli(*args, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    got = snapshot(index)
    assert got == tiny_scene.after, describe_difference(got, ("clean build", tiny_scene.after))
    record("crash points", f"named: {mode} killed at {point}: readers saw {result.seen}; rerun = clean build")
    difference = vocabulary_difference(index, tiny_scene.words[mode])
    assert difference is None, f"killed at {point}, then rerun: {difference}"


@pytest.mark.parametrize(
    ("point", "rerun_mode"),
    [("commit", "update"), ("state", "update"), ("cleanup", "rebuild")],
    ids=["rebuild-killed-in-commit-then-update", "rebuild-killed-before-swap-then-update", "rebuild-killed-after-swap"],
)
def test_killed_rebuild_leaves_no_stale_generation(tiny_scene: CrashScene, runner, tmp_path, point, rerun_mode):
    """Once a later run under the write lock completes, no files of a dead generation remain.

    A rebuild killed before its swap leaves a partial generation (up to the size of the index,
    plus Whoosh's ``gN.tmp`` pool folder); killed after the swap, it leaves the old one. Both are
    garbage only the writer can remove. The generation that was live when the rerun started may
    stay (README: "the previous generation stays until the next run, for readers that were
    opening it"); anything else is a leak.
    """
    index = tmp_path / "index"
    shutil.copytree(tiny_scene.base, index)
    killed = subprocess.run(
        [*runner, "kill", point, "--", *index_args(tiny_scene, index, "rebuild")], capture_output=True, timeout=120
    )
    assert killed.returncode == -9
    previous = live_name(index)
    rerun = run_cli(*index_args(tiny_scene, index, rerun_mode), timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(index) == tiny_scene.after
    live = live_name(index)
    stale = {name: files for name, files in generation_files(index).items() if name not in ("", live, previous)}
    assert not stale, f"live generation {live} (before the rerun {previous}); dead generations left: {stale}"


@pytest.mark.slow
def test_many_crash_points(tmp_path):
    """The campaign: 1,500 pages, 30 timed kills of an update, 10 with --jobs 2, 10 of a rebuild."""
    scene = make_scene(tmp_path / "scene", pages=1500)
    results = []
    for mode, jobs, count, offset in (("update", 1, 30, 0.0), ("update", 2, 10, 0.5), ("rebuild", 1, 10, 0.25)):
        duration = scene.update_seconds if mode == "update" else scene.rebuild_seconds
        run = [crash_point(scene, tmp_path, delay, mode, jobs) for delay in spread(count, duration, offset=offset)]
        _summarise(f"slow, {mode} --jobs {jobs} ({scene.pages} pages, run {duration:.2f} s)", run)
        results += run
    problems = [result.line() for result in results if result.failures]
    assert not problems, "\n".join(problems)
