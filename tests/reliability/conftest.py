"""The reliability suite's shared tools: a page generator, CLI runners, snapshots, the crash harness.

Everything here is plain functions usable outside pytest too: ``bench/crash_points.py``
imports :func:`make_scene`, :func:`crash_point` and :func:`spread` to run the many-points
crash campaign as a script.

* :func:`make_page` / :func:`write_pages` generate small pages in the scraped format (a title
  line, a blank line, a few paragraphs, sometimes the four comment-widget lines and comments).
* :func:`run_cli` runs the real ``searchkit`` command in a subprocess, always with a timeout;
  :func:`assert_error_line` checks the CLI's error contract (exit 2, one ``searchkit: error:``
  line, never a traceback).
* :func:`snapshot` reads every stored document of an index, keyed by ``(id, kind)``.
* :func:`make_scene` prepares a crash scene: a corpus, the index of its earlier state (a template
  to copy, never written), and a clean build of its final state (the reference);
  :func:`crash_point` copies the template, starts ``searchkit index`` on it, SIGKILLs it after a
  delay, checks what readers see, reruns the command and compares with the reference.
* :data:`RUNNER` is a tiny script that runs the CLI with one named step of the core made to
  SIGKILL the process or to pause (there is no hook in the core; the step is patched in the
  child only), for crash and concurrency points that timing cannot hit reliably.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from searchkit import build_index, open_index

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
CLI = [sys.executable, "-m", "searchkit"]
WIDGET = ("Notify of", "Newest Most Voted", "Inline Feedbacks", "View all comments")
PAGES_PER_FOLDER = 250
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROOT_REASON = "running as root: chmod does not stop root from reading (the simulated variant of this test runs)"

# ----------------------------------------------------------------------------- the page generator
_SYLLABLES = (
    "ka lo mi ne ru sa ti vo ba de fi gu ha je ko lu ma no pi qu re se to vu wa xe yo zu an el in or un".split()
)
_COMMON = (
    "the government said minister police report people year week market water city river harvest ferry "
    "library school council budget election court village bridge train storm farmers wheat energy"
).split()


def _word(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(_COMMON)
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def _sentence(rng: random.Random) -> str:
    return " ".join(_word(rng) for _ in range(rng.randint(6, 16))).capitalize() + rng.choice(".!?")


def make_page(number: int, seed: int = 1, revision: int = 0) -> str:
    """One scraped-format page; a pure function of its arguments.

    ``revision`` > 0 gives the same page edited: another paragraph and one comment more.
    """
    rng = random.Random(f"{seed}:{number}")
    title = " ".join(_word(rng).capitalize() for _ in range(rng.randint(3, 8))) + f" {number}"
    lines = [title, ""]
    for _ in range(rng.randint(2, 5)):
        lines += [" ".join(_sentence(rng) for _ in range(rng.randint(1, 4))), ""]
    comments = rng.choice([0, 0, 1, 2, 3, 5])
    edit = random.Random(f"{seed}:{number}:r{revision}")
    if revision:
        lines += [f"Update {revision}: " + _sentence(edit), ""]
        comments += 1
    if comments:
        lines += ["", *WIDGET, ""]
        for _ in range(comments):
            author = " ".join(_word(rng).capitalize() for _ in range(rng.randint(1, 2)))
            lines += [author, "", _sentence(rng), ""]
    return "\n".join(lines)


def page_path(folder: Path, number: int) -> Path:
    return Path(folder) / f"s{number // PAGES_PER_FOLDER:02d}" / f"page-{number:05d}.txt"


def write_pages(folder: Path, numbers, seed: int = 1, revision: int = 0) -> list[Path]:
    """Write pages ``numbers`` under ``folder`` (250 per subfolder); returns their paths."""
    written = []
    for number in numbers:
        path = page_path(folder, number)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make_page(number, seed, revision), encoding="utf-8")
        written.append(path)
    return written


# ----------------------------------------------------------------------------- the CLI
def run_cli(*args, timeout: float = 60, env: dict | None = None, cwd=None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``python -m searchkit ARGS``; fail the test (not hang) after ``timeout`` seconds."""
    full_env = dict(os.environ, NO_COLOR="1", **(env or {}))
    full_env.pop("SEARCHKIT_DEBUG", None)
    try:
        return subprocess.run(
            [*CLI, *map(str, args)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env=full_env,
            cwd=cwd,
            **kwargs,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`searchkit {' '.join(map(str, args))[:200]}` did not finish in {timeout:g} s (a hang)")


class TimeLimit(Exception):
    """Raised by :func:`time_limit` when the guarded code runs too long."""


@contextmanager
def time_limit(seconds: float):
    """Raise TimeLimit in this (main) thread after ``seconds``: Whoosh's loops are Python code."""

    def expire(signum, frame):
        raise TimeLimit(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cli(*args, env: dict | None = None, cwd=None, timeout: float = 30) -> subprocess.CompletedProcess:
    """``searchkit.cli.main(ARGS)`` in this process: the real entry point without the start-up cost.

    stdout and stderr are strict UTF-8 streams (as on a UTF-8 terminal); ``env`` and ``cwd`` apply
    for the call only; SEARCHKIT_DEBUG is unset. Use :func:`run_cli` where the process matters.
    """
    from searchkit.cli import main

    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict") for _ in range(2))
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.pop("SEARCHKIT_DEBUG", None)
    os.environ.update(env or {})
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with time_limit(timeout), redirect_stdout(out), redirect_stderr(err):
            try:
                main([str(arg) for arg in args])
            except SystemExit as exit_info:
                code = exit_info.code if isinstance(exit_info.code, int) else (0 if exit_info.code is None else 2)
    except TimeLimit:
        pytest.fail(f"`searchkit {' '.join(map(str, args))[:200]}` did not finish in {timeout:g} s (a hang)")
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8"))
    return subprocess.CompletedProcess(list(args), code, texts[0], texts[1])


def stderr_lines(proc) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.strip()]


def assert_no_traceback(proc) -> None:
    """Every stderr line is the CLI's own (``searchkit: ...``): no traceback, no click 'Aborted!'."""
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "internal error" not in proc.stderr, proc.stderr[-2000:]
    strays = [line for line in stderr_lines(proc) if not line.startswith("searchkit: ")]
    assert not strays, f"stderr lines not from searchkit: {strays[:5]} (exit {proc.returncode})"


def assert_error_line(proc, *needles: str) -> str:
    """Exit 2 with one ``searchkit: error: ...`` line holding every needle; returns the line."""
    assert_no_traceback(proc)
    errors = [line for line in stderr_lines(proc) if line.startswith("searchkit: error: ")]
    assert proc.returncode == 2, f"exit {proc.returncode}, expected 2; stderr: {proc.stderr[-1500:]}"
    assert len(errors) == 1, f"expected one error line, got {errors or proc.stderr[-1500:]}"
    for needle in needles:
        assert needle.lower() in errors[0].lower(), f"{needle!r} not in {errors[0]!r}"
    return errors[0]


# ----------------------------------------------------------------------------- snapshots
def snapshot(index_path: Path) -> dict[tuple[str, str], dict]:
    """Every stored document of the index, keyed by (id, kind); fails on a duplicate key."""
    found: dict[tuple[str, str], dict] = {}
    with open_index(index_path) as index:
        for stored in index.searcher().documents():
            key = (stored["id"], stored["kind"])
            if key in found:
                raise AssertionError(f"{index_path}: document {key} is in the index twice")
            found[key] = stored
    return found


def describe_difference(got: dict, *expected: tuple[str, dict]) -> str:
    parts = []
    for name, wanted in expected:
        missing, extra = wanted.keys() - got.keys(), got.keys() - wanted.keys()
        changed = [key for key in wanted.keys() & got.keys() if wanted[key] != got[key]]
        parts.append(
            f"vs {name}: {len(missing)} missing (e.g. {sorted(missing)[:2]}), {len(extra)} extra "
            f"(e.g. {sorted(extra)[:2]}), {len(changed)} changed (e.g. {sorted(changed)[:2]})"
        )
    return f"{len(got)} documents; " + "; ".join(parts)


def generation_files(folder: Path) -> dict[str, list[str]]:
    """Index folder entries grouped by the Whoosh generation they belong to (``g1``, ``g2``...)."""
    import re

    groups: dict[str, list[str]] = {}
    for entry in sorted(os.listdir(folder)):
        match = re.match(r"_?(g\d+)[._]", entry)
        groups.setdefault(match.group(1) if match else "", []).append(entry)
    return groups


def live_name(folder: Path) -> str:
    return json.loads((Path(folder) / "searchkit.json").read_text(encoding="utf-8"))["indexname"]


def vocabulary(folder: Path) -> dict | None:
    """The live generation's word counts (``"words"`` of ``<name>.files.json``, or a separate
    ``<name>.words.json`` in older cores), or None if the core keeps none."""
    state = Path(folder) / f"{live_name(folder)}.files.json"
    if state.exists():
        saved = json.loads(state.read_text(encoding="utf-8"))
        if isinstance(saved, dict) and "words" in saved:
            return saved["words"]
    path = Path(folder) / f"{live_name(folder)}.words.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def vocabulary_difference(folder: Path, expected: dict | None) -> str | None:
    """None when the vocabulary equals ``expected`` (or there is none to compare), else what differs."""
    got = vocabulary(folder)
    if expected is None or got == expected:
        return None
    got = got or {}
    missing = sorted(expected.keys() - got.keys())
    counts = sorted(word for word in expected.keys() & got.keys() if expected[word] != got[word])
    extra = sorted(got.keys() - expected.keys())
    return (
        f"the vocabulary differs from an uninterrupted run's: {len(missing)} words missing (e.g. {missing[:3]}), "
        f"{len(extra)} extra, {len(counts)} with other counts (e.g. {counts[:3]})"
    )


# ----------------------------------------------------------------------------- the crash harness
@dataclass
class CrashScene:
    """A corpus in its final state, the index of its earlier state, and a clean build of the final one."""

    root: Path
    corpus: Path
    base: Path
    reference: Path
    before: dict
    after: dict
    pages: int
    update_seconds: float = 0.0
    rebuild_seconds: float = 0.0
    words: dict = field(default_factory=dict)  # mode -> vocabulary after an uninterrupted run


def make_scene(root: Path, pages: int, seed: int = 1, measure: bool = True) -> CrashScene:
    """Build a crash scene under ``root``.

    The earlier state holds the first 3/4 of the pages. The final state adds the last quarter,
    edits every 10th page and deletes every 15th (that is not edited): an incremental run from
    one to the other adds, updates and removes. ``measure`` runs the update and the rebuild once
    through the CLI (timed: the kill delays are fractions of these) and checks that each ends
    with exactly the reference's documents.
    """
    root = Path(root)
    corpus, base, reference = root / "corpus", root / "base-index", root / "reference-index"
    earlier = int(pages * 0.75)
    write_pages(corpus, range(earlier), seed)
    build_index([str(corpus)], base)
    time.sleep(0.01)  # make sure edited files get a new mtime even on coarse clocks
    write_pages(corpus, range(earlier, pages), seed)
    edited = [n for n in range(0, earlier, 10)]
    write_pages(corpus, edited, seed, revision=1)
    for number in range(7, earlier, 15):
        if number not in edited:
            page_path(corpus, number).unlink()
    build_index([str(corpus)], reference)
    scene = CrashScene(root, corpus, base, reference, snapshot(base), snapshot(reference), pages)
    assert scene.before != scene.after
    if measure:
        for mode in ("update", "rebuild"):
            work = root / f"measure-{mode}"
            shutil.copytree(base, work)
            started = time.perf_counter()
            proc = run_cli(*index_args(scene, work, mode), timeout=600)
            seconds = time.perf_counter() - started
            assert proc.returncode == 0, proc.stderr[-2000:]
            got = snapshot(work)
            assert got == scene.after, f"{mode} run differs from a clean build: " + describe_difference(
                got, ("clean build", scene.after)
            )
            setattr(scene, f"{mode}_seconds", seconds)
            scene.words[mode] = vocabulary(work)
            shutil.rmtree(work)
    return scene


def index_args(scene: CrashScene, index: Path, mode: str, jobs: int = 1) -> list[str]:
    args = ["index", str(scene.corpus), "--index", str(index), "--jobs", str(jobs)]
    return args + (["--rebuild"] if mode == "rebuild" else [])


@dataclass
class PointResult:
    """What happened at one crash point."""

    mode: str
    delay: float
    jobs: int = 1
    finished: bool = False  # the run had ended before the kill
    seen: str = ""  # what readers saw after the kill: before, after or none (no index yet)
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        what = "finished before the kill" if self.finished else f"killed, readers saw {self.seen or '?'}"
        status = "FAIL: " + " | ".join(self.failures) if self.failures else "ok"
        return f"{self.mode:8} jobs={self.jobs} at {self.delay:6.2f} s: {what}; {status}"


def kill_after(command: list[str], delay: float, env: dict | None = None) -> tuple[bool, int]:
    """Start ``command``, SIGKILL its whole process group after ``delay`` s; (finished, exit code)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
            env=dict(os.environ, NO_COLOR="1", **(env or {})),
        )
        try:
            return True, proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            return False, proc.wait()


def crash_point(
    scene: CrashScene,
    work: Path,
    delay: float,
    mode: str = "update",
    jobs: int = 1,
    cli_reader: bool = False,
) -> PointResult:
    """Kill ``searchkit index`` (``mode`` update or rebuild) after ``delay`` s, then check and rerun it."""
    result = PointResult(mode, delay, jobs)
    index = Path(work) / f"point-{mode}-{jobs}-{delay:.3f}"
    if index.exists():
        shutil.rmtree(index)
    shutil.copytree(scene.base, index)
    args = index_args(scene, index, mode, jobs)
    result.finished, code = kill_after([*CLI, *args], delay)
    if result.finished and code != 0:
        result.failures.append(f"the run exited {code} without being killed")
    check_after_kill(scene, index, result, cli_reader)
    rerun = subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=600, env=dict(os.environ, NO_COLOR="1")
    )
    if rerun.returncode != 0 or "Traceback" in rerun.stderr:
        result.failures.append(f"rerun exited {rerun.returncode}: {rerun.stderr.strip()[-300:]}")
    try:
        got = snapshot(index)
    except Exception as exc:  # noqa: BLE001 - any failure to read is the finding
        result.failures.append(f"after the rerun the index does not open: {type(exc).__name__}: {exc}")
    else:
        if got != scene.after:
            result.failures.append(
                "after the rerun the documents differ from a clean build: "
                + describe_difference(got, ("clean build", scene.after))
            )
        if difference := vocabulary_difference(index, scene.words.get(mode)):
            result.failures.append(f"after the rerun {difference}")
    shutil.rmtree(index, ignore_errors=True)
    return result


def check_after_kill(scene: CrashScene, index: Path, result: PointResult, cli_reader: bool = False) -> None:
    """Readers must see exactly the state before or after the run (one commit per run)."""
    if not (index / "searchkit.json").exists():
        result.failures.append("searchkit.json is gone after the kill")
        return
    try:
        got = snapshot(index)
    except Exception as exc:  # noqa: BLE001
        result.failures.append(f"after the kill the index does not open: {type(exc).__name__}: {exc}")
        return
    if got == scene.before:
        result.seen = "before"
    elif got == scene.after:
        result.seen = "after"
    else:
        result.failures.append(
            "after the kill readers see a state that is neither the last commit nor the new one: "
            + describe_difference(got, ("before", scene.before), ("after", scene.after))
        )
    if cli_reader:
        stats = subprocess.run(
            [*CLI, "stats", "--index", str(index), "--format", "json"], capture_output=True, text=True, timeout=60
        )
        if stats.returncode != 0:
            result.failures.append(f"`searchkit stats` after the kill exited {stats.returncode}: {stats.stderr[-300:]}")


def spread(count: int, duration: float, start: float = 0.05, offset: float = 0.0) -> list[float]:
    """``count`` delays from ``start`` to ``duration`` s, evenly spaced; ``offset`` (0..1) shifts them
    by that fraction of a step, so that several runs try different moments."""
    if count == 1:
        return [start]
    step = (duration - start) / (count - 1)
    return [round(min(duration, start + (i + offset) * step), 3) for i in range(count)]


# ----------------------------------------------------------------------------- named points (child-side patches)
RUNNER = r'''
"""Run the searchkit CLI with one step of the core made to SIGKILL the process, or to pause.

Usage: runner.py ACTION POINT -- ARGS...   ACTION is kill, pause:SECONDS or hold:PATH (wait until
PATH exists, at most two minutes).
"""
import os, signal, sys, time

action, point = sys.argv[1], sys.argv[2]
argv = sys.argv[sys.argv.index("--") + 1:]

import whoosh.filedb.filestore
import whoosh.index
import searchkit.index as sk_index
import searchkit.engine.writing as sk_writing
import searchkit.indexing as sk_indexing

in_commit = [False]


def act():
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stderr.write("runner: paused at " + point + "\n")
    sys.stderr.flush()
    kind, value = action.split(":", 1)
    if kind == "pause":
        time.sleep(float(value))
        return
    deadline = time.monotonic() + 120
    while not os.path.exists(value) and time.monotonic() < deadline:
        time.sleep(0.02)


def hook(owner, name, nth=1, when="before", only_in_commit=False, match=None):
    original = getattr(owner, name)
    calls = [0]

    def wrapper(*args, **kwargs):
        if (only_in_commit and not in_commit[0]) or (match and not match(*args)):
            return original(*args, **kwargs)
        calls[0] += 1
        if when == "before" and calls[0] == nth:
            act()
        result = original(*args, **kwargs)
        if when == "after" and calls[0] == nth:
            act()
        return result

    setattr(owner, name, wrapper)


original_commit = sk_writing.commit


def commit(*args, **kwargs):
    in_commit[0] = True
    return original_commit(*args, **kwargs)


sk_writing.commit = commit

POINTS = {
    # while reading and adding files: before the 3rd file is read
    "read": lambda: hook(sk_indexing, "_read_one", nth=3),
    # every document added, nothing committed
    "commit": lambda: hook(sk_writing, "commit"),
    # segment files written, no new TOC
    "toc": lambda: hook(whoosh.index.TOC, "write", only_in_commit=True),
    # new TOC written to its temporary name, not renamed
    "toc-rename": lambda: hook(whoosh.filedb.filestore.FileStorage, "rename_file", only_in_commit=True),
    # new TOC in place, old segment files not cleaned
    "clean": lambda: hook(whoosh.index, "clean_files"),
    # Whoosh committed, searchkit's state (file list, pointer) not saved
    "state": lambda: hook(sk_index.IndexState, "save"),
    # file list saved, vocabulary (<name>.words.json) and pointer not
    "words": lambda: hook(sk_index, "_write_json", match=lambda target, payload: target.name.endswith(".words.json")),
    # file list and vocabulary saved, pointer (searchkit.json) not
    "pointer": lambda: hook(sk_index, "_write_json", match=lambda target, payload: target.name == "searchkit.json"),
    # pointer switched, the old generation not removed yet (rebuild)
    "cleanup": lambda: hook(sk_index.IndexState, "save", when="after"),
}
POINTS[point]()

from searchkit.cli import main

main(argv)
'''


def start_paused(runner: list[str], point: str, args: list[str], release: Path | None = None, timeout: float = 60):
    """Start the CLI through :data:`RUNNER`, held at ``point`` until the file ``release`` exists
    (or for a minute); return the process once it is there."""
    import select

    action = f"hold:{release}" if release is not None else "pause:60"
    proc = subprocess.Popen(
        [*runner, action, point, "--", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.1)
        if ready:
            line = proc.stderr.readline()
            seen.append(line)
            if line.startswith("runner: paused at"):
                return proc
            if not line and proc.poll() is not None:
                break
    proc.kill()
    proc.wait()
    raise AssertionError(f"the run never reached {point}: {''.join(seen)[-1500:]}")


@pytest.fixture(scope="session")
def runner(tmp_path_factory) -> list[str]:
    """The command prefix of :data:`RUNNER`: ``[*runner, ACTION, POINT, "--", *cli_args]``."""
    path = tmp_path_factory.mktemp("runner") / "runner.py"
    path.write_text(RUNNER, encoding="utf-8")
    return [sys.executable, str(path)]


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def scene(tmp_path_factory) -> CrashScene:
    """The crash scene of the normal suite: 200 pages, updated runs of about two seconds."""
    return make_scene(tmp_path_factory.mktemp("scene"), pages=200)


@pytest.fixture(scope="session")
def tiny_scene(tmp_path_factory) -> CrashScene:
    """A 40-page scene for the named crash points (each run takes well under a second)."""
    return make_scene(tmp_path_factory.mktemp("tiny-scene"), pages=40)


@pytest.fixture(scope="session")
def small_index(tmp_path_factory) -> Path:
    """tests/data (pages and records) plus 60 generated pages, indexed once; never written."""
    root = tmp_path_factory.mktemp("small")
    corpus = root / "corpus"
    shutil.copytree(DATA / "pages", corpus / "pages")
    shutil.copy(DATA / "records.jsonl", corpus / "records.jsonl")
    write_pages(corpus / "generated", range(60))
    build_index([str(corpus)], root / "index")
    return root / "index"


@pytest.fixture
def index_copy(small_index, tmp_path) -> Path:
    """A writable copy of :func:`small_index`."""
    target = tmp_path / "index"
    shutil.copytree(small_index, target)
    return target


# ----------------------------------------------------------------------------- slow tests and the summary
RECORD: dict[str, list[str]] = {}
"""Lines for the terminal summary: crash points tried, query timings (tests append here)."""


def record(section: str, line: str) -> None:
    RECORD.setdefault(section, []).append(line)


def pytest_collection_modifyitems(config, items):
    markexpr = config.getoption("markexpr", "") or ""
    wanted = os.environ.get("SEARCHKIT_SLOW") == "1" or ("slow" in markexpr and "not slow" not in markexpr)
    if wanted:
        return
    skip = pytest.mark.skip(reason="slow: run with `-m slow` or SEARCHKIT_SLOW=1")
    here = Path(__file__).parent
    for item in items:
        if "slow" in item.keywords and here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    for section, lines in RECORD.items():
        terminalreporter.write_sep("-", f"reliability: {section}")
        for line in lines:
            terminalreporter.write_line(line)
