"""What going through Dask costs per batch: a local build (``jobs`` worker processes) against
the same build sent to a LocalCluster of as many single-threaded worker processes.

    python bench/dask_overhead.py corpus /work/benchdata/small --runs 3
    python bench/dask_overhead.py corpus --batch-bytes 1      # one batch per file: the overhead shows

Each run builds a fresh index of the whole input (``rebuild``), in a temporary folder. The
cluster is started once and warmed up by one build that is not counted (its workers import
searchkit then), then the round trip of one empty task is timed 200 times; a local build
starts its worker processes every run, as ``searchkit index`` does. Prints one line per
input: median seconds of each executor, the batches, and the difference per batch, then the
median of each phase of the build (planning, reading, committing:
:attr:`searchkit.IndexReport.phases`). Needs ``pip install "searchkit[dask]"``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from searchkit import build_index, indexing


def timed_builds(paths: list[str], runs: int, **options) -> list[float]:
    return [seconds for seconds, _ in timed_reports(paths, runs, **options)]


def timed_reports(paths: list[str], runs: int, **options) -> list[tuple[float, dict]]:
    """(wall seconds, the build's phases) of each run."""
    found = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="dask-overhead-") as folder:
            started = time.perf_counter()
            report = build_index(paths, Path(folder) / "ix", rebuild=True, **options)
            found.append((time.perf_counter() - started, report.phases))
    return found


def median_phases(runs: list[tuple[float, dict]]) -> str:
    names = runs[0][1]
    return ", ".join(f"{name} {statistics.median(phases[name] for _, phases in runs):.2f} s" for name in names)


def round_trip(address: str, tasks: int = 200) -> str:
    """Median and p95 of one empty task's round trip through the scheduler (the floor of any
    request a coordinator would send to workers through Dask)."""
    from distributed import Client

    seconds = []
    with Client(address) as client:
        for number in range(tasks):
            started = time.perf_counter()
            client.submit(_nothing, number, pure=False).result()
            seconds.append(time.perf_counter() - started)
    seconds.sort()
    return f"median {1000 * statistics.median(seconds):.1f} ms, p95 {1000 * seconds[int(0.95 * len(seconds))]:.1f} ms"


def _nothing(number: int) -> int:
    return number


def batch_count(paths: list[str], jobs: int) -> int:
    files = [p for path in paths for p in ([Path(path)] if Path(path).is_file() else Path(path).rglob("*"))]
    todo = [(None, {"size": p.stat().st_size}, False) for p in files if p.is_file()]
    return len(indexing._batches(todo, jobs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="folders to index, each measured on its own")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-bytes", type=int, default=None, help="input bytes per batch (default: as shipped)")
    args = parser.parse_args()
    if args.batch_bytes is not None:
        indexing.BATCH_BYTES = args.batch_bytes
        indexing.PARALLEL_FROM_BYTES = 0
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        first = timed_builds(args.inputs[:1], 1, dask=address)[0]
        print(f"cluster warm-up build (workers import searchkit): {first:.2f} s")
        print(f"one tiny task, submitted and its result back: {round_trip(address)}")
        for path in args.inputs:
            local_runs = timed_reports([path], args.runs, jobs=args.workers)
            remote_runs = timed_reports([path], args.runs, dask=address)
            local = statistics.median(seconds for seconds, _ in local_runs)
            remote = statistics.median(seconds for seconds, _ in remote_runs)
            batches = batch_count([path], args.workers)
            print(
                f"{path}: local --jobs {args.workers} {local:.2f} s, --dask {remote:.2f} s "
                f"(medians of {args.runs}); {batches} batches; "
                f"dask - local = {remote - local:+.2f} s, {1000 * (remote - local) / batches:+.0f} ms per batch"
            )
            print(f"  local phases: {median_phases(local_runs)}")
            print(f"  dask phases:  {median_phases(remote_runs)}")


if __name__ == "__main__":
    main()
