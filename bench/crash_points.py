#!/usr/bin/env python3
"""Crash-point campaign: SIGKILL ``searchkit index`` at many moments and check every outcome.

Usage::

    python bench/crash_points.py [--pages 1500] [--points 30] [--runs update,update-j2,rebuild]
                                 [--seed 1] [--work DIR]

The scene (see ``make_scene`` in tests/reliability/conftest.py): a corpus of PAGES generated
scraped-format pages, an index of its earlier state (3/4 of the pages, before some were edited
and some deleted), and a clean build of its final state. Each run is timed once, then started
POINTS times on a fresh copy of the earlier index and killed (SIGKILL, whole process group)
after delays spread evenly from 0.05 s to the run's duration; each run is shifted by a fraction
of a step, so runs try different moments. Runs: ``update`` (incremental), ``update-j2`` (the
same with ``--jobs 2``), ``rebuild`` (``--rebuild``).

After every kill, readers must see exactly the last commit or the new one (a run commits once),
and rerunning the same command must end with exactly the documents of a clean build (ids,
kinds and every stored field). One line per point, then the counts; exit 1 if any point failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from tests.reliability.conftest import crash_point, make_scene, spread  # noqa: E402

RUNS = {"update": ("update", 1), "update-j2": ("update", 2), "rebuild": ("rebuild", 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1500, help="pages in the final corpus (default 1500)")
    parser.add_argument("--points", type=int, default=30, help="kill points per run (default 30)")
    parser.add_argument("--runs", default="update,update-j2,rebuild", help="comma-separated: " + ", ".join(RUNS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    runs = [name.strip() for name in args.runs.split(",") if name.strip()]
    unknown = [name for name in runs if name not in RUNS]
    if unknown:
        parser.error(f"unknown runs {unknown}; choose from {', '.join(RUNS)}")

    with tempfile.TemporaryDirectory(prefix="searchkit-crash-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        scene = make_scene(work / "scene", args.pages, seed=args.seed)
        print(
            f"scene: {args.pages} pages, {len(scene.before)} documents before, {len(scene.after)} after; "
            f"update run {scene.update_seconds:.2f} s, rebuild run {scene.rebuild_seconds:.2f} s "
            f"(prepared in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        totals = {"points": 0, "failures": 0, "before": 0, "after": 0, "finished": 0}
        for number, name in enumerate(runs):
            mode, jobs = RUNS[name]
            duration = scene.update_seconds if mode == "update" else scene.rebuild_seconds
            delays = spread(args.points, duration, offset=number / max(1, len(runs)))
            failed = 0
            for delay in delays:
                result = crash_point(scene, work, delay, mode, jobs, cli_reader=True)
                print(f"  {result.line()}", flush=True)
                totals["points"] += 1
                totals["finished"] += result.finished
                if not result.finished and result.seen in ("before", "after"):
                    totals[result.seen] += 1
                failed += bool(result.failures)
            totals["failures"] += failed
            print(f"run {name}: {len(delays)} points, {failed} failures", flush=True)
    print(
        f"total: {totals['points']} points tried, {totals['failures']} failures; killed with the old commit "
        f"visible: {totals['before']}, the new one: {totals['after']}; finished before the kill: {totals['finished']}; "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 1 if totals["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
