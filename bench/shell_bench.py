#!/usr/bin/env python3
"""How fast `searchkit shell` feels on a large index: startup, searching, completion.

Usage::

    python bench/generate.py /tmp/medium --size medium
    searchkit index /tmp/medium --index /tmp/medium-index
    python bench/shell_bench.py --index /tmp/medium-index [--runs 5]

Measured, each as the median (and min, max) over ``--runs``:

* launch to a usable prompt: ``searchkit shell`` started in a pseudo-terminal
  (pexpect) until ``searchkit>`` is drawn;
* Enter to results on screen for a two-word query (``Putin Trump`` and other
  surname pairs of bench/queries.py): right after the prompt appears, while
  the completion vocabulary is still loading in the background, and again once
  it has loaded;
* the background load of the vocabulary (surface words and author names), in
  the worker process the shell uses and, for comparison, in a thread, with
  the longest time the shell's own process was kept from running (what typing
  would feel) and its memory; completion latency for every one-letter prefix (what the prompt
  asks while typing), and for two- and three-letter prefixes, by calling the
  completer directly after the load; ``Index.words`` for one letter (what the
  shell's precomputed lists avoid), for comparison;
* ``Index.stats()`` (the toolbar's counts, loaded in the background) and a
  zero-hit two-word query with its "did you mean" correction.

Prints a markdown table with the machine and the date. The shell runs with its
config and history in a temporary XDG directory, never the user's.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import string
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOOTER = re.compile(r"\d+ hits?, page \d+ of \d+|no hits for")


def machine() -> str:
    from run import machine as machine_facts  # bench/run.py, beside this script

    facts = machine_facts()
    return f"{facts['cpu']}, {facts['cores']} CPUs, {facts['os']}, Python {platform.python_version()}"


def two_word_queries(n: int) -> list[str]:
    """Surname pairs from bench/queries.py (``Putin Trump`` first), else fixed pairs."""
    try:
        sys.path.insert(0, str(HERE))
        from queries import make_queries

        pairs = [q["q"] for q in make_queries(42, n=7 * max(n, 2)) if q["kind"] == "names"]
    except Exception:  # the query mix is optional here
        pairs = []
    pairs = pairs or ["Putin Trump", "wheat harvest", "council vote", "prime minister", "oil prices"]
    return [pairs[i % len(pairs)] for i in range(n)]


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def longest_stall(function) -> tuple[float, float]:
    """(seconds ``function`` took, the longest a 1 ms ticker thread of this process was kept waiting).

    The stall is what typing would feel: the prompt runs in a thread of the
    same process, and a long call holding the GIL stops it.
    """
    stop, gaps = threading.Event(), [0.0]

    def tick():
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            gaps[0] = max(gaps[0], now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        seconds, _ = timed(function)
    finally:
        stop.set()
        ticker.join()
    return seconds, gaps[0]


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


def row(name: str, samples: list[float], unit: str = "ms", note: str = "") -> str:
    scale = 1000 if unit == "ms" else 1
    median, low, high = (statistics.median(samples) * scale, min(samples) * scale, max(samples) * scale)
    cells = [f"{value:,.{2 if unit == 's' or value < 10 else 0}f} {unit}" for value in (median, low, high)]
    return f"| {name} | {' | '.join(cells)} | {len(samples)} | {note} |"


# -- in-process measurements -------------------------------------------------------------
def in_process(index_path: Path, runs: int) -> tuple[list[str], dict]:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    import searchkit
    from searchkit.shell.commands import all_commands
    from searchkit.shell.completer import ShellCompleter, Vocabulary
    from searchkit.shell.session import ShellState, Worker

    rows, facts = [], {}
    loads, stalls, vocabulary, worker = [], [], None, None
    rss_before = rss_mb()
    for _ in range(runs):
        if worker is not None:
            worker.close()
        worker = Worker().start()
        vocabulary = Vocabulary(worker=worker)
        seconds, stall = longest_stall(lambda v=vocabulary: (v.start(index_path), v.wait()))
        if vocabulary.error:
            raise SystemExit(f"vocabulary load failed: {vocabulary.error}")
        loads.append(seconds)
        stalls.append(stall)
    facts["rss_mb"] = rss_mb() - rss_before
    facts["words"] = len(vocabulary)
    facts["authors"] = vocabulary.author_count
    facts["load_seconds"] = statistics.median(loads)
    note = f"{facts['words']:,} words; the shell's longest stall {statistics.median(stalls) * 1000:.0f} ms"
    rows.append(row("vocabulary ready, worker process (as the shell does it)", loads, "s", note))
    threaded, threaded_stalls = [], []
    for _ in range(max(1, runs // 2)):
        seconds, stall = longest_stall(lambda: Vocabulary().load(index_path))
        threaded.append(seconds)
        threaded_stalls.append(stall)
    note = f"the shell's longest stall {statistics.median(threaded_stalls) * 1000:,.0f} ms"
    rows.append(row("vocabulary load in a thread instead (not used)", threaded, "s", note))

    completer = ShellCompleter(vocabulary, all_commands)
    typing = CompleteEvent(text_inserted=True)

    def latency(prefixes: list[str]) -> list[float]:
        samples = []
        for _ in range(runs):
            for prefix in prefixes:
                document = Document(f"vladimir {prefix}")
                seconds, found = timed(lambda d=document: list(completer.get_completions(d, typing)))
                samples.append(seconds)
        return samples

    letters = list(string.ascii_lowercase)
    two = [word[:2] for word, _ in vocabulary.words("", 20)]
    three = sorted({word[:3] for letter in letters for word, _ in vocabulary.words(letter, 3) if len(word) >= 3})
    rows.append(row("completion, 1-letter prefix (a-z)", latency(letters), "ms"))
    rows.append(row("completion, 2-letter prefix", latency(sorted(set(two))), "ms"))
    rows.append(row("completion, 3-letter prefix", latency(three), "ms", "bisect + top 20 of the range"))

    with searchkit.open_index(index_path) as index:
        seconds, _ = timed(index.words, "s")
        rows.append(row("`Index.words('s')`, first call", [seconds], "ms", "loads the core's word list"))
        words_again = [timed(index.words, letter)[0] for letter in letters]
        rows.append(row("`Index.words(letter)`, loaded (a-z)", words_again, "ms", "sorts every match per call"))
        stats = [timed(index.stats)[0] for _ in range(max(1, runs // 2))]
        facts["stats"] = index.stats()
        rows.append(row("`Index.stats()` (toolbar counts, background)", stats, "ms"))
        state = ShellState(index, worker=worker)  # the worker has the word list loaded
        misspelt = []
        for query in two_word_queries(runs):
            wrong = " ".join(word[:2] + word[3:] if len(word) > 3 else word + "x" for word in query.split())
            seconds, _ = timed(lambda q=wrong: (state.search(q), state.correction(q)))
            misspelt.append(seconds)
        rows.append(row("2 misspelt words: search + did you mean", misspelt, "ms", "suggestions from the worker"))
    worker.close()
    return rows, facts


# -- in a pseudo-terminal --------------------------------------------------------------------
class Terminal:
    """A pexpect child read like a terminal would: cursor position requests are answered."""

    def __init__(self, child):
        self.child = child
        self.seen = ""

    def wait_for(self, pattern: re.Pattern, timeout: float = 120.0) -> None:
        import pexpect

        deadline = time.monotonic() + timeout
        while True:
            match = pattern.search(self.seen)
            if match:
                self.seen = self.seen[match.end() :]
                return
            try:
                chunk = self.child.read_nonblocking(1 << 16, timeout=0.05)
            except pexpect.TIMEOUT:
                chunk = ""
            if "\x1b[6n" in chunk:
                self.child.send("\x1b[1;1R" * chunk.count("\x1b[6n"))
            self.seen = (self.seen + chunk)[-200_000:]
            if time.monotonic() > deadline:
                raise TimeoutError(f"{pattern.pattern!r} not seen in {timeout:g} s")


PROMPT = re.compile(re.escape("searchkit>"))


def in_terminal(index_path: Path, runs: int, settle: float) -> list[str]:
    import pexpect

    home = Path(tempfile.mkdtemp(prefix="searchkit-shell-bench-"))
    env = dict(os.environ, TERM="xterm-256color", PAGER="cat")
    for variable in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[variable] = str(home / variable.lower())
    queries = two_word_queries(2 * runs)
    launch, first, loaded = [], [], []
    for run in range(runs):
        started = time.perf_counter()
        child = pexpect.spawn(
            sys.executable,
            ["-m", "searchkit", "shell", "--index", str(index_path)],
            env=env,
            encoding="utf-8",
            dimensions=(40, 120),
        )
        child.delaybeforesend = None  # pexpect sleeps 50 ms before every send by default
        terminal = Terminal(child)
        terminal.wait_for(PROMPT)
        launch.append(time.perf_counter() - started)
        for query, samples in ((queries[2 * run], first), (queries[2 * run + 1], loaded)):
            if samples is loaded:
                time.sleep(settle)  # let the background loads finish
            child.send(query)  # typed, then Enter once the line is drawn: the time is Enter's
            time.sleep(0.3)
            terminal.seen = ""
            started = time.perf_counter()
            child.send("\r")
            terminal.wait_for(FOOTER)
            samples.append(time.perf_counter() - started)
            terminal.wait_for(PROMPT)
        child.send(":quit\r")
        child.expect(pexpect.EOF, timeout=30)
        child.close()
        if child.exitstatus != 0:
            raise SystemExit(f"searchkit shell exited with {child.exitstatus}")
    return [
        row("launch to usable prompt (pexpect)", launch, "ms"),
        row("Enter to results, 2 words, right after launch", first, "ms", "vocabulary still loading"),
        row("Enter to results, 2 words, vocabulary loaded", loaded, "ms"),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="index to open (build it with searchkit index)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not (args.index / "searchkit.json").is_file():
        parser.error(f"{args.index}: no searchkit index (see the usage in this file's docstring)")
    rows, facts = in_process(args.index, args.runs)
    rows = in_terminal(args.index, args.runs, settle=facts["load_seconds"] * 1.5 + 1.0) + rows
    stats = facts["stats"]
    print(f"## searchkit shell, {date.today().isoformat()}\n")
    print(f"Machine: {machine()}  ")
    print(
        f"Index: {args.index} ({stats.articles:,} articles, {stats.comments:,} comments, "
        f"{stats.size_bytes / 2**20:,.0f} MB); vocabulary {facts['words']:,} surface words and "
        f"{facts['authors']:,} author names, about {facts['rss_mb']:,.0f} MB in memory\n"
    )
    print("| measure | median | min | max | runs | note |")
    print("|---|---:|---:|---:|---:|---|")
    for line in rows:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
