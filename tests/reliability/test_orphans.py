"""A killed ``searchkit index`` leaves no worker process behind, whenever it is killed.

Workers die with their parent through PR_SET_PDEATHSIG, which covers only a parent that dies
after the worker set it. A parent killed while its workers are still starting (the first few
hundred milliseconds of a spawned worker: interpreter start, imports) used to leave them alive,
asleep on their queue. Here ``searchkit index --jobs 2`` runs in a session of its own; only the
parent is SIGKILLed, at many moments from its first milliseconds on, and the session must be
empty of processes soon after.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import CLI, record

KILL_DELAYS = [0.05, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0, 1.3]
"""The default run; the slow one tries every 25 ms up to 2 s."""


@pytest.fixture(scope="module")
def big_input(tmp_path_factory):
    """Two JSON Lines files of about 1.5 MB each: enough for two worker processes."""
    folder = tmp_path_factory.mktemp("orphans") / "records"
    folder.mkdir()
    for part in range(2):
        with open(folder / f"part-{part}.jsonl", "w", encoding="utf-8") as handle:
            for n in range(6000):
                text = f"record {part} {n} about the river ferry, the council budget and the wheat harvest " * 3
                handle.write(json.dumps({"id": f"p{part}-{n}", "title": f"Record {n}", "text": text}) + "\n")
    return folder


def _session_alive(session: int) -> bool:
    try:
        os.killpg(session, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user took the group id: not ours
        return False
    return True


def kill_and_count(folder, index, delay: float, settle: float = 10.0) -> int:
    """Start ``index --jobs 2``, SIGKILL the parent alone after ``delay`` s; return how many
    processes of its session are still alive ``settle`` s later (then kill them)."""
    proc = subprocess.Popen(
        [*CLI, "index", str(folder), "--index", str(index), "--jobs", "2", "--rebuild"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + settle
    while _session_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = 0
    if _session_alive(proc.pid):
        listing = subprocess.run(["ps", "-o", "pid=", "-g", str(proc.pid)], capture_output=True, text=True)
        survivors = len(listing.stdout.split()) or 1
        os.killpg(proc.pid, signal.SIGKILL)
    return survivors


def _run(big_input, tmp_path, delays) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux only")
    left = {delay: kill_and_count(big_input, tmp_path / "index", delay) for delay in delays}
    orphans = {delay: count for delay, count in left.items() if count}
    record(
        "orphan workers",
        f"{len(delays)} kills from {min(delays):.3f} to {max(delays):.3f} s: "
        f"{sum(orphans.values())} worker processes left alive",
    )
    assert not orphans, f"worker processes outlived a killed `searchkit index` (delay: count): {orphans}"


def test_killed_index_leaves_no_workers(big_input, tmp_path):
    _run(big_input, tmp_path, KILL_DELAYS)


@pytest.mark.slow
def test_killed_index_leaves_no_workers_at_any_moment(big_input, tmp_path):
    _run(big_input, tmp_path, [round(0.025 * n, 3) for n in range(1, 81)])
