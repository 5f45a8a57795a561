"""What flushing commits to disk costs: builds and incremental runs with fsync as
searchkit does it, and with fsync made a no-op, alternated in one process.

    python bench/fsync_cost.py CORPUS_DIR [--runs 5]

Prints the median of each, and the ratio. The corpus is copied once to a temporary
folder so that the incremental runs can touch 1% of its files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from searchkit import build_index


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    real_fsync = os.fsync
    timings: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch, "corpus")
        shutil.copytree(args.corpus, corpus)
        files = sorted(path for path in corpus.rglob("*") if path.is_file())
        touched = files[:: max(1, len(files) // max(1, len(files) // 100))][: max(1, len(files) // 100)]
        for run in range(args.runs):
            for mode in ("fsync", "no fsync") if run % 2 == 0 else ("no fsync", "fsync"):
                os.fsync = real_fsync if mode == "fsync" else (lambda descriptor: None)
                index = Path(scratch, f"ix-{run}-{mode.replace(' ', '-')}")
                try:
                    timings.setdefault(("full build", mode), []).append(
                        _timed(lambda index=index: build_index([corpus], index, jobs=args.jobs))
                    )
                    for path in touched:
                        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
                    timings.setdefault(("1% changed", mode), []).append(
                        _timed(lambda index=index: build_index([corpus], index, jobs=args.jobs))
                    )
                finally:
                    os.fsync = real_fsync
                shutil.rmtree(index)
    print(f"{len(files)} files, {args.runs} runs each, jobs {args.jobs}, medians:")
    for what in ("full build", "1% changed"):
        with_sync = statistics.median(timings[(what, "fsync")])
        without = statistics.median(timings[(what, "no fsync")])
        print(f"  {what:<10}  fsync {with_sync:6.3f} s   no fsync {without:6.3f} s   ratio {with_sync / without:.3f}")


if __name__ == "__main__":
    main()
