"""Concurrency: one writer at a time, readers never blocked or broken by a writer, no handle leaks.

* A second ``searchkit index`` waits for the write lock up to ``--lock-timeout``, saying so,
  then fails with one line and exit 2; neither run damages the index.
* ``searchkit query`` answers from the last commit while an index run is in progress, and an
  open :class:`~searchkit.Index` sees later commits (and rebuilds) without being reopened.
* A reader that loses a race with a rebuild's swap (the old generation is deleted under it)
  must still answer: the deterministic tests put the rebuild exactly in the window.
* File descriptors stay flat over many queries and many open/close cycles.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from searchkit import build_index, open_index
from searchkit.index import Index, IndexState, write_lock

from .conftest import (
    DATA,
    CrashScene,
    assert_error_line,
    describe_difference,
    index_args,
    record,
    run_cli,
    snapshot,
    start_paused,
)


@pytest.fixture
def pages(tmp_path) -> tuple[Path, Path]:
    """A copy of tests/data/pages and its index: (corpus, index)."""
    corpus = tmp_path / "pages"
    shutil.copytree(DATA / "pages", corpus)
    build_index([str(corpus)], tmp_path / "index")
    return corpus, tmp_path / "index"


def _ids(results) -> list[str]:
    return sorted(hit.id for hit in results)


# ----------------------------------------------------------------------------- one writer at a time
def test_second_writer_waits_then_fails_with_one_line(pages):
    corpus, index = pages
    (corpus / "new.txt").write_text("Tram Line Opens\n\nThe new tram line opened today.\n", encoding="utf-8")
    before = snapshot(index)
    with write_lock(index, timeout=0):
        started = time.monotonic()
        proc = run_cli("index", corpus, "--index", index, "--lock-timeout", "1", timeout=30)
        waited = time.monotonic() - started
    assert_error_line(proc, "busy", str(index))
    notices = [line for line in proc.stderr.splitlines() if "waiting" in line]
    assert notices and "index busy" in notices[0], proc.stderr  # said so while waiting
    assert proc.stderr.index(notices[0]) < proc.stderr.index("searchkit: error:")
    assert 1.0 <= waited < 10, waited
    assert snapshot(index) == before
    assert run_cli("index", corpus, "--index", index, timeout=60).returncode == 0  # the lock is free again


def test_two_index_runs_on_one_index(tiny_scene: CrashScene, runner, tmp_path):
    """Run A holds the lock (held before its commit); B gives up after 1 s; C waits and succeeds.

    Meanwhile queries answer from the last commit; afterwards everything equals a clean build.
    """
    index = tmp_path / "index"
    shutil.copytree(tiny_scene.base, index)
    args = index_args(tiny_scene, index, "update")
    release = tmp_path / "release"
    first = start_paused(runner, "commit", args, release=release)
    try:
        patient = subprocess.Popen(
            [sys.executable, "-m", "searchkit", *args, "--lock-timeout", "30"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        impatient = run_cli(*args, "--lock-timeout", "1", timeout=30)
        assert_error_line(impatient, "busy")
        assert "waiting up to 1 s" in impatient.stderr
        assert snapshot(index) == tiny_scene.before  # readers see the last commit meanwhile
        time.sleep(0.5)  # C is waiting for the lock by now
        assert patient.poll() is None, "C did not wait for the lock"
        release.touch()
        assert first.wait(timeout=60) == 0, first.stderr.read()
        _, patient_err = patient.communicate(timeout=60)
        assert patient.returncode == 0, patient_err
        assert "index busy" in patient_err and "waiting up to 30 s" in patient_err
    finally:
        for proc in (first, patient):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    got = snapshot(index)
    assert got == tiny_scene.after, describe_difference(got, ("clean build", tiny_scene.after))


# ----------------------------------------------------------------------------- readers during a write
def test_queries_answer_while_an_index_run_is_in_progress(scene: CrashScene, tmp_path):
    """CLI queries and an open Index answer all along an index run: the old answer, then the new."""
    with open_index(scene.base) as base, open_index(scene.reference) as reference:
        old = _ids(base.search("wheat", scope="articles", limit=1000))
        new = _ids(reference.search("wheat", scope="articles", limit=1000))
    assert old != new
    index = tmp_path / "index"
    shutil.copytree(scene.base, index)
    answers = []
    with open_index(index) as opened:
        proc = subprocess.Popen(
            [sys.executable, "-m", "searchkit", *index_args(scene, index, "update")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            while proc.poll() is None:
                answers.append(_ids(opened.search("wheat", scope="articles", limit=1000)))
                with open_index(index) as fresh:
                    answers.append(_ids(fresh.search("wheat", scope="articles", limit=1000)))
                cli = run_cli(
                    "query", "wheat", "--index", index, "--in", "articles", "--limit", "1000", "--format", "json"
                )
                assert cli.returncode == 0, cli.stderr
                answers.append(sorted(hit["id"] for hit in json.loads(cli.stdout)["hits"]))
        finally:
            proc.wait(timeout=120)
        assert proc.returncode == 0
        assert _ids(opened.search("wheat", scope="articles", limit=1000)) == new  # no reopening needed
    assert len(answers) >= 3
    assert all(answer in (old, new) for answer in answers), "a query during the run saw a half-written state"
    assert answers[0] == old


def test_open_index_sees_new_commits_without_reopening(pages):
    """Adds, edits, deletions and a rebuild made after the Index was opened all show in its searches."""
    corpus, index = pages
    with open_index(index) as opened:
        assert opened.search("tram").total == 0
        (corpus / "new.txt").write_text("Tram Line Opens\n\nThe new tram line opened today.\n", encoding="utf-8")
        build_index([str(corpus)], index)
        assert _ids(opened.search("tram")) == ["new.txt"]

        (corpus / "new.txt").write_text("Cable Car Opens\n\nThe cable car opened today.\n", encoding="utf-8")
        build_index([str(corpus)], index)
        assert _ids(opened.search("cable")) == ["new.txt"]
        assert opened.search("tram").total == 0, "the edited file's old text is still found"

        (corpus / "ferry.txt").unlink()
        build_index([str(corpus)], index)
        assert opened.search("ferry").total == 0, "a deleted file's documents are still found"

        build_index([str(corpus)], index, rebuild=True)
        assert _ids(opened.search("cable")) == ["new.txt"]
        with open_index(index) as fresh:
            assert opened.stats().as_dict() == fresh.stats().as_dict()
            assert sorted(d["id"] for d in opened.searcher().documents()) == sorted(
                d["id"] for d in fresh.searcher().documents()
            )


def test_search_survives_a_rebuild_swapped_in_just_before_it(pages, monkeypatch):
    """The rebuild completes (and deletes the old generation) between the Index's refresh and the
    opening of its searcher: the search must still answer."""
    corpus, index = pages
    original = Index.refresh
    fired = []

    def refresh_then_rebuild(self):
        original(self)
        if not fired:
            fired.append(True)
            build_index([str(corpus)], index, rebuild=True)

    with open_index(index) as opened:
        monkeypatch.setattr(Index, "refresh", refresh_then_rebuild)
        results = opened.search("ferry")
    assert fired and _ids(results) == ["ferry.txt"]


def test_search_survives_a_rebuild_completed_while_it_runs(pages, monkeypatch):
    """The rebuild completes (and deletes the old generation) right after the search got its
    searcher: the files that searcher needs must already be open, or the search must retry."""
    corpus, index = pages
    original = Index.searcher_state  # what search() asks for its searcher
    fired = []

    def searcher_then_rebuild(self):
        state = original(self)
        if not fired:
            fired.append(True)
            build_index([str(corpus)], index, rebuild=True)
        return state

    with open_index(index) as opened:
        monkeypatch.setattr(Index, "searcher_state", searcher_then_rebuild)
        results = opened.search("ferry")
    assert fired and _ids(results) == ["ferry.txt"]
    assert [hit.title for hit in results][0].startswith("Harbour Council")


def test_open_index_survives_a_rebuild_swapped_in_while_opening(pages, monkeypatch):
    """The rebuild completes between reading searchkit.json and opening the generation it names."""
    corpus, index = pages
    original = IndexState.check_version
    fired = []

    def check_then_rebuild(self, folder):
        original(self, folder)
        if not fired:
            fired.append(True)
            build_index([str(corpus)], index, rebuild=True)

    monkeypatch.setattr(IndexState, "check_version", check_then_rebuild)
    with open_index(index) as opened:
        assert _ids(opened.search("ferry")) == ["ferry.txt"]
    assert fired


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from searchkit import build_index
    corpus, index, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
        Path(corpus, "extra.txt").write_text(f"Extra page {n}\\n\\nLighthouse keeper number {n}.\\n")
        build_index([corpus], index, rebuild=n % 3 != 0)
    print(n)
    """
)


def test_readers_never_fail_while_a_writer_commits_and_rebuilds(pages):
    """2.5 seconds of back-to-back updates and rebuilds in another process; meanwhile this one
    opens, searches and closes the index in a loop, and searches one long-lived Index."""
    corpus, index = pages
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(corpus), str(index), "2.5"], stdout=subprocess.PIPE, text=True
    )
    errors: dict[str, int] = {}
    wrong = 0
    loops = 0
    with open_index(index) as long_lived:
        while writer.poll() is None:
            loops += 1
            for which in ("fresh", "long-lived"):
                try:
                    if which == "fresh":
                        with open_index(index) as fresh:
                            totals = fresh.search("ferry").total, fresh.search("lighthouse").total
                    else:
                        totals = long_lived.search("ferry").total, long_lived.search("lighthouse").total
                except Exception as exc:  # noqa: BLE001 - every failure is the finding
                    key = f"{which}: {type(exc).__name__}: {str(exc)[:100]}"
                    errors[key] = errors.get(key, 0) + 1
                else:
                    wrong += totals[0] != 1 or totals[1] > 1
    rounds = int(writer.stdout.read() or 0)
    record(
        "concurrency", f"stress: {rounds} writer commits, {loops} reader loops, errors {errors}, wrong totals {wrong}"
    )
    assert writer.returncode == 0
    assert not errors, f"{sum(errors.values())} failed reads in {loops} loops: {errors}"
    assert not wrong, f"{wrong} reads found the ferry page or the one extra page more than once (or not at all)"


# ----------------------------------------------------------------------------- file handles
def _open_fds() -> int:
    """Open descriptors of this process, after a garbage collection (Whoosh's writers leave
    reference cycles holding files; those are freed by the collector, they are not leaks)."""
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd (Linux)")


@needs_proc
def test_no_fd_leak_over_1000_queries(small_index):
    queries = ["ferry", "wheat harvest", '"night ferry"', "title:library", "organi*", "Putn~", "date:2022", "zzz"]
    with open_index(small_index) as opened:
        for query in queries:
            opened.search(query)
        baseline = _open_fds()
        for n in range(1000):
            opened.search(queries[n % len(queries)], scope=("all", "articles", "comments")[n % 3])
        assert _open_fds() <= baseline + 3, (baseline, _open_fds())


@needs_proc
def test_no_fd_leak_over_200_open_close_cycles(small_index):
    with open_index(small_index) as opened:
        opened.search("ferry")
    baseline = _open_fds()
    for _ in range(200):
        with open_index(small_index) as opened:
            opened.search("ferry")
            opened.stats()
    assert _open_fds() <= baseline + 3, (baseline, _open_fds())


@needs_proc
def test_no_fd_leak_when_an_open_index_follows_commits(pages):
    """Refreshing onto 30 new commits must close what the older searchers held: afterwards the
    long-lived Index holds no more descriptors than a fresh one, and none once closed."""
    corpus, index = pages
    before = _open_fds()
    with open_index(index) as opened:
        opened.search("ferry")
        for n in range(30):
            (corpus / "extra.txt").write_text(f"Extra {n}\n\nLighthouse {n} keeper.\n", encoding="utf-8")
            build_index([str(corpus)], index)
            opened.search("lighthouse")
        held = _open_fds() - before
        with open_index(index) as fresh:
            fresh.search("lighthouse")
            fresh_holds = _open_fds() - before - held
        assert held <= fresh_holds + 3, (
            f"after 30 refreshes the Index holds {held} descriptors, a fresh one {fresh_holds}"
        )
    assert _open_fds() <= before + 3, f"{_open_fds() - before} descriptors still open after close()"
