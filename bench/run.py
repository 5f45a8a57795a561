#!/usr/bin/env python3
"""Benchmark runner: searchkit side by side with plain Whoosh and tantivy, on one corpus per run.

Usage::

    python bench/run.py [--size small|medium|large|xl | --corpus DIR] [--work DIR] [--queries N]
                        [--runs N] [--skip-whoosh] [--skip-tantivy] [--output docs/benchmarks.md]

The corpus is made by bench/generate.py in ``--work`` (default ``bench/out/``, git-ignored) and
reused when a corpus of the same size and seed is already there. Every index is rebuilt on
every run. Measured, in this order:

1. **Full index build** of the three systems over the same parsed documents (see
   bench/baselines.py): ``searchkit index CORPUS --index DIR`` (the real command, with its
   defaults, then again with ``--jobs 1``, one process), plain Whoosh and tantivy. Each build runs in its
   own process; wall time is that process's whole life (interpreter start included), peak
   memory is the largest RSS of the process and its children summed, sampled with psutil
   every 50 ms, and the index size is the bytes of its folder.
2. **Query latency**: one process per system opens its index, runs the first query of each
   kind untimed (warm-up), then times every query of bench/queries.py's mix in process
   (``time.perf_counter``) up to the finished JSON text: searchkit is ``Index.search(q,
   limit=10)`` and ``results_json`` (what ``searchkit query --format json`` prints, snippets and
   matching comments included); the baselines produce the same content their own way.
   Queries that raise are counted and left out of the percentiles.
3. **One-shot commands**: ``searchkit query "Putin Trump" --format json --index DIR``,
   ``searchkit --version`` and ``python -c pass`` as whole processes, interleaved, after one
   untimed run each; the median of ``--runs`` runs, and the peak RSS the kernel reports for
   each process (``wait4``'s ``ru_maxrss``). searchkit's modules are compiled to bytecode
   first, as ``pip install`` does (:func:`compile_bytecode`).
4. **Incremental update** with searchkit on the index of step 1: rerun ``searchkit index``
   with nothing changed, then append a sentence to every 100th file (sorted by path, the
   first one included) and rerun. The files are restored (bytes and mtime) afterwards.

``--baselines-only`` runs only the plain Whoosh and tantivy builds of step 1 and keeps their
indexes and figures in ``WORK/baselines-<size>.json``; a later ``--reuse-baselines`` run builds
searchkit and tantivy and measures everything else, taking the plain Whoosh build from there (the
section says so, with the load it was built under). A plain Whoosh build of the large corpus takes half
an hour, so it can be made once, ahead of the runs that measure searchkit. ``--skip-single-job``
leaves out the ``searchkit --jobs 1`` build.

``--reuse-builds`` skips step 1: it keeps the indexes and build figures of the last run on the
same corpus (the section says so) and measures steps 2 to 4 again, after one untimed ``searchkit
index`` that undoes in the index the edits of the last run's step 4.

The tables go to stdout and replace this corpus's section of ``docs/benchmarks.md`` (the
sections of other sizes stay); the raw figures go to ``WORK/results-<size>.json``. A system
that cannot run (not installed, crashed, skipped) shows as ``n/a: reason``.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

DEFAULT_WORK = HERE / "out"
DEFAULT_OUTPUT = REPO / "docs" / "benchmarks.md"
SIZE_ORDER = ("small", "medium", "large", "xl")
SAMPLE_SECONDS = 0.05
EDIT = b"\n\nAn update after publication: the figures above were revised on Monday.\n"
EDIT_EVERY = 100
SYSTEMS = ("searchkit", "plain Whoosh", "tantivy")
MB = 2**20


# --------------------------------------------------------------------------- processes
@dataclass
class Run:
    """One measured process: wall seconds, peak RSS in bytes, exit code and output."""

    seconds: float
    peak_rss: int
    returncode: int
    stdout: str
    stderr: str

    def failure(self) -> str | None:
        """None when the process succeeded, else a one-line reason."""
        if self.returncode == 0:
            return None
        lines = [line.strip() for line in self.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else "no message"
        return f"exit {self.returncode}: {reason[:200]}"


def tree_rss(pid: int) -> int:
    """RSS of a process and all its descendants, in bytes (0 once it is gone; needs psutil)."""
    try:
        import psutil
    except ImportError:
        return 0
    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


def high_water(pid: int) -> int:
    """The peak RSS so far of one process (``VmHWM`` in /proc/PID/status), in bytes; 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def measure(
    command: list[str],
    *,
    sample: bool = True,
    interval: float = SAMPLE_SECONDS,
    env: dict | None = None,
    cwd: str | os.PathLike | None = None,
) -> Run:
    """Run ``command`` to completion; time it and track its peak memory.

    The wall time is measured in this thread, which blocks in ``wait4``. With ``sample``, a
    second thread reads every ``interval`` seconds the RSS of the process and its children
    summed (psutil) and the process's own high-water mark (``VmHWM``). The kernel's
    ``ru_maxrss`` of the process counts too, but only when it exceeds this process's own peak:
    Linux carries the parent's peak into a child across fork and exec, so below that it says
    nothing about the child.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd)
        peak = [0]
        done = threading.Event()
        sampler = None
        if sample:

            def watch() -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], tree_rss(process.pid), high_water(process.pid))
                    done.wait(interval)

            sampler = threading.Thread(target=watch, daemon=True)
            sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            done.set()
        seconds = time.perf_counter() - started
        if sampler is not None:
            sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        kernel = usage.ru_maxrss * 1024 if usage.ru_maxrss > floor else 0
        return Run(
            seconds=seconds,
            peak_rss=max(peak[0], kernel),
            returncode=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def searchkit_command() -> list[str]:
    """The ``searchkit`` console script of this interpreter (not a pyenv shim), else ``-m``."""
    script = Path(sys.executable).parent / "searchkit"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "searchkit"]


def worker_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", *map(str, args)]


def folder_bytes(path: Path) -> int:
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


# --------------------------------------------------------------------------- environment
def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cpu": cpu, "cores": os.cpu_count(), "physical_cores": None, "ram_bytes": None}
    info["os"] = f"{platform.system()} {platform.release()}"
    try:
        import psutil

        info["physical_cores"] = psutil.cpu_count(logical=False)
        info["ram_bytes"] = psutil.virtual_memory().total
    except ImportError:
        try:
            info["ram_bytes"] = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError):
            pass
    return info


def load_average() -> float | None:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def versions() -> dict:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    found = {"python": platform.python_version(), "whoosh": version("Whoosh-Reloaded")}
    found["tantivy"] = version("tantivy")
    found["psutil"] = version("psutil")
    try:
        import searchkit

        found["searchkit"] = searchkit.__version__
    except ImportError:
        found["searchkit"] = "not importable"
    found["git"] = git_state()
    return found


def git_state() -> str | None:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "searchkit"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not head:
        return None
    return head + (" with uncommitted changes to searchkit/" if dirty else "")


def compile_bytecode() -> None:
    """Compile searchkit's modules to bytecode, as ``pip install`` does.

    One-shot commands then measure what an installed searchkit costs. Without
    it, a machine with ``PYTHONDONTWRITEBYTECODE`` set (this one) compiles
    every searchkit module again on each run: about 0.1 s of a one-shot query.
    """
    compileall.compile_dir(str(REPO / "searchkit"), quiet=1)


# --------------------------------------------------------------------------- corpus
def prepare_corpus(work: Path, size: str, seed: int = 42, log: Callable[[str], None] = print) -> Path:
    """The generated corpus of ``size`` in ``work``: reused when its manifest matches."""
    import generate

    target = work / f"corpus-{size}"
    wanted = {"articles": generate.SIZES[size], "seed": seed, "generator_version": generate.GENERATOR_VERSION}
    manifest = read_manifest(target)
    if manifest and all(manifest.get(key) == value for key, value in wanted.items()):
        log(f"reusing the {size} corpus in {target}")
        return target
    if target.exists():
        shutil.rmtree(target)
    log(f"generating the {size} corpus ({wanted['articles']:,} articles) in {target} ...")
    generate.generate(target, wanted["articles"], seed=seed, allow_in_repo=True)
    return target


def read_manifest(corpus: Path) -> dict | None:
    try:
        return json.loads((corpus / ".corpus.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def corpus_files(corpus: Path) -> list:
    from searchkit.sources import discover

    files, _ = discover([corpus])
    return files


def corpus_facts(corpus: Path) -> dict:
    """Articles, comments, words and bytes: from generate.py's manifest, else counted here."""
    manifest = read_manifest(corpus) or {}
    files = corpus_files(corpus)
    facts = {
        "path": str(corpus),
        "files": len(files),
        "bytes": sum(source.path.stat().st_size for source in files),
        "articles": manifest.get("articles"),
        "comments": manifest.get("comments"),
        "words": manifest.get("words"),
        "seed": manifest.get("seed"),
    }
    return facts


def edited_files(corpus: Path) -> list[Path]:
    """Every 100th text file in path order (the first one included): 1% of the files."""
    return [source.path for source in corpus_files(corpus) if not source.is_jsonl][::EDIT_EVERY]


def undo_stale_edits(corpus: Path) -> int:
    """Remove the benchmark's edit from files a killed run left edited; return how many."""
    undone = 0
    for path in edited_files(corpus):
        data = path.read_bytes()
        if data.endswith(EDIT):
            path.write_bytes(data[: -len(EDIT)])
            undone += 1
    return undone


# --------------------------------------------------------------------------- the runs
class Bench:
    """One benchmark run over one corpus; :meth:`run` fills :attr:`results`."""

    def __init__(
        self,
        corpus: Path,
        work: Path,
        *,
        label: str,
        n_queries: int = 210,
        runs: int = 10,
        jobs: int = 1,
        reuse_builds: bool = False,
        reuse_baselines: bool = False,
        skip_single_job: bool = False,
        skip_whoosh: bool = False,
        skip_tantivy: bool = False,
        command: str = "",
        log: Callable[[str], None] | None = None,
    ):
        self.corpus = Path(corpus)
        self.work = Path(work)
        self.indexes = self.work / f"indexes-{section_key(label)}"
        self.dirs = {
            "searchkit": self.indexes / "searchkit",
            f"searchkit --jobs {jobs}": self.indexes / f"searchkit-jobs{jobs}",
            "plain Whoosh": self.indexes / "whoosh",
            "tantivy": self.indexes / "tantivy",
        }
        self.n_queries = n_queries
        self.runs = runs
        self.jobs = jobs
        self.reuse_builds = reuse_builds
        self.reuse_baselines = reuse_baselines
        self.skip_single_job = skip_single_job
        self.skip = {"plain Whoosh": skip_whoosh, "tantivy": skip_tantivy}
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.env = dict(
            os.environ,
            NO_COLOR="1",
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        )
        self.env.pop("SEARCHKIT_INDEX", None)
        self.searchkit = searchkit_command()
        self.results: dict = {
            "label": label,
            "command": command,
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(),
            "versions": versions(),
            "searchkit_command": " ".join(self.searchkit),
            "load_before": load_average(),
        }

    def index_dir(self, name: str) -> Path:
        return self.dirs[name]

    def run(self) -> dict:
        compile_bytecode()
        undone = undo_stale_edits(self.corpus)
        if undone:
            self.log(f"undid the benchmark edit left in {undone} files by an interrupted run")
        self.results["corpus"] = corpus_facts(self.corpus)
        if self.reuse_builds:
            self.results["builds"] = self.earlier_builds()
            if self.reuse_baselines:  # a plain Whoosh build made since, by --baselines-only
                self.results["builds"].update(self.earlier_baselines())
        else:
            keep = {self.dirs["plain Whoosh"]} if self.reuse_baselines or self.skip["plain Whoosh"] else set()
            if self.indexes.exists():
                for entry in self.indexes.iterdir():
                    if entry not in keep:
                        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            self.indexes.mkdir(parents=True, exist_ok=True)
            self.results["builds"] = self.builds()
        self.results["queries"] = self.query_latency()
        self.results["oneshot"] = self.oneshot()
        self.results["incremental"] = self.incremental()
        self.results["load_after"] = load_average()
        return self.results

    # -- 1. full builds ----------------------------------------------------------------------
    def baselines_path(self) -> Path:
        return self.work / f"baselines-{section_key(self.results['label'])}.json"

    def baselines_only(self) -> dict:
        """``--baselines-only``: build plain Whoosh and tantivy, keep their figures for a later run."""
        self.results["corpus"] = corpus_facts(self.corpus)
        self.indexes.mkdir(parents=True, exist_ok=True)
        builds = {}
        for name, command in self.plan()[2:]:
            shutil.rmtree(self.index_dir(name), ignore_errors=True)
            self.log(f"full build: {name} ...")
            builds[name] = self.build(name, [str(part) for part in command])
            self.log(f"  {describe_build(builds[name])}")
        self.results["builds"] = builds
        self.results["load_after"] = load_average()
        self.baselines_path().write_text(json.dumps(self.results, indent=1), encoding="utf-8")
        return self.results

    def plan(self) -> list[tuple[str, list]]:
        return [
            ("searchkit", self.index_command("searchkit")),
            (f"searchkit --jobs {self.jobs}", self.index_command(f"searchkit --jobs {self.jobs}", self.jobs)),
            ("plain Whoosh", worker_command("build-whoosh", self.corpus, self.index_dir("plain Whoosh"))),
            ("tantivy", worker_command("build-tantivy", self.corpus, self.index_dir("tantivy"))),
        ]

    def earlier_baselines(self) -> dict:
        """``--reuse-baselines``: the plain Whoosh build of the last ``--baselines-only`` run (tantivy
        builds in seconds: it is built again in this run, beside searchkit)."""
        path = self.baselines_path()
        try:
            earlier = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SystemExit(f"--reuse-baselines: no baseline builds in {path} ({exc})") from None
        if earlier.get("corpus", {}).get("bytes") != self.results["corpus"].get("bytes"):
            raise SystemExit(f"--reuse-baselines: {path} is about another corpus")
        self.results["baselines_from"] = {key: earlier.get(key) for key in ("date", "load_before", "load_after")}
        return {name: entry for name, entry in earlier["builds"].items() if name == "plain Whoosh"}

    def builds(self) -> dict:
        builds = {}
        earlier = self.earlier_baselines() if self.reuse_baselines else {}
        for name, command in self.plan():
            if name in earlier:
                builds[name] = earlier[name]
                continue
            if name.startswith("searchkit --jobs") and self.skip_single_job:
                builds[name] = {"error": "skipped (--skip-single-job)"}
                continue
            reason = self.unavailable(name)
            if reason:
                builds[name] = {"error": reason}
                continue
            self.log(f"full build: {name} ...")
            builds[name] = self.build(name, [str(part) for part in command])
            self.log(f"  {describe_build(builds[name])}")
        corpus = self.results["corpus"]
        for entry in builds.values():  # a corpus without a manifest: counts from the builds
            for key in ("articles", "comments"):
                if corpus.get(key) is None and entry.get(key) is not None:
                    corpus[key] = entry[key]
        return builds

    def earlier_builds(self) -> dict:
        """``--reuse-builds``: the build figures and indexes of the last run on this corpus."""
        path = self.work / f"results-{section_key(self.results['label'])}.json"
        try:
            earlier = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SystemExit(f"--reuse-builds: no earlier results in {path} ({exc})") from None
        if earlier.get("corpus", {}).get("bytes") != self.results["corpus"].get("bytes"):
            raise SystemExit(f"--reuse-builds: {path} is about another corpus")
        self.results["builds_from"] = earlier.get("builds_from") or {  # reused twice: the run that built them
            key: earlier.get(key) for key in ("date", "versions", "load_before", "command")
        }
        self.log(f"reusing the builds of {earlier.get('date')} ({path})")
        return earlier["builds"]

    def index_command(self, name: str, jobs: int | None = None) -> list[str]:
        """``searchkit index CORPUS --index DIR --format json`` (with ``--jobs N`` when given)."""
        command = [*self.searchkit, "index", str(self.corpus), "--index", str(self.index_dir(name)), "--format", "json"]
        return command + (["--jobs", str(jobs)] if jobs is not None else [])

    def unavailable(self, name: str) -> str | None:
        system = "searchkit" if name.startswith("searchkit") else name
        if self.skip.get(system):
            return f"skipped (--skip-{'whoosh' if system == 'plain Whoosh' else 'tantivy'})"
        if system == "tantivy" and importlib.util.find_spec("tantivy") is None:
            return "tantivy is not installed (pip install '.[bench]')"
        return None

    def build(self, name: str, command: list[str]) -> dict:
        run = measure(command, env=self.env)
        failure = run.failure()
        if failure:
            return {"error": failure}
        try:
            report = json.loads(run.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {"error": f"unexpected output: {run.stdout[-200:]!r}"}
        held = report.get("index") or report  # searchkit says what the index holds under "index"
        entry = {
            "seconds": run.seconds,
            "peak_rss": run.peak_rss,
            "index_bytes": folder_bytes(self.index_dir(name)),
            "copy_bytes": sum(path.stat().st_size for path in self.index_dir(name).glob("*.cols")),
            "articles": held.get("articles"),
            "comments": held.get("comments"),
            "input_bytes": report.get("bytes") or self.results["corpus"]["bytes"],
            "inner_seconds": report.get("seconds"),
            "phases": report.get("phases"),
        }
        if name.startswith("searchkit") and report.get("skipped"):
            entry["note"] = f"{len(report['skipped'])} files skipped"
        return entry

    # -- 2. query latency --------------------------------------------------------------------
    def query_latency(self) -> dict:
        from queries import make_queries

        stats = read_manifest(self.corpus) or 42
        mix = make_queries(stats, n=self.n_queries)
        path = self.indexes / "queries.json"
        path.write_text(json.dumps(mix, ensure_ascii=False), encoding="utf-8")
        out = {"n": len(mix), "kinds": sorted({item["kind"] for item in mix}, key=[i["kind"] for i in mix].index)}
        systems = {}
        for system in SYSTEMS:
            build = self.results["builds"].get(system, {})
            if "error" in build:
                systems[system] = {
                    "error": build["error"] if build["error"].startswith("skipped") else "no index (build failed)"
                }
                continue
            self.log(f"query latency: {system} ...")
            run = measure(worker_command("query", system, self.index_dir(system), path), env=self.env)
            failure = run.failure()
            if failure:
                systems[system] = {"error": failure}
                continue
            systems[system] = summarise_queries(json.loads(run.stdout), run.peak_rss)
            self.log(f"  p50 {systems[system]['p50'] * 1000:.1f} ms, p95 {systems[system]['p95'] * 1000:.1f} ms")
        out["systems"] = systems
        return out

    # -- 3. one-shot commands ------------------------------------------------------------------
    def oneshot(self) -> dict:
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "searchkit --version": [*self.searchkit, "--version"],
        }
        build = self.results["builds"].get("searchkit", {})
        query_name = 'searchkit query "Putin Trump" --format json'
        if "error" not in build:
            commands[query_name] = [
                *self.searchkit,
                "query",
                "Putin Trump",
                "--format",
                "json",
                "--index",
                str(self.index_dir("searchkit")),
            ]
        self.log(f"one-shot commands, {self.runs} runs each ...")
        samples: dict[str, list[Run]] = {}
        peaks: dict[str, int] = {}
        failures: dict[str, str] = {}
        for name, command in commands.items():  # warm the page cache; memory sampled every 5 ms
            run = measure(command, interval=0.005, env=self.env)
            if run.returncode in (0, 1):  # 1: a query that found nothing
                samples[name], peaks[name] = [], run.peak_rss
            else:
                failures[name] = run.failure()
        for _ in range(self.runs):  # interleaved, so a noisy moment hits every command alike
            for name in samples:
                samples[name].append(measure(commands[name], sample=False, env=self.env))
        out = {name: {"error": reason} for name, reason in failures.items()}
        for name, runs in samples.items():
            seconds = [run.seconds for run in runs]
            out[name] = {
                "median": statistics.median(seconds),
                "min": min(seconds),
                "max": max(seconds),
                "runs": len(seconds),
                "peak_rss": max([peaks[name]] + [run.peak_rss for run in runs]),
            }
        if "error" in build:
            out[query_name] = {"error": "no searchkit index (build failed)"}
        return out

    # -- 4. incremental update ---------------------------------------------------------------
    def incremental(self) -> dict:
        build = self.results["builds"].get("searchkit", {})
        if "error" in build:
            return {"error": "no searchkit index (build failed)"}
        command = self.index_command("searchkit")
        out = {"full": build["seconds"]}
        if self.reuse_builds:  # the last run's edits were indexed, then undone in the files
            self.log("incremental: bringing the reused index up to date with the corpus (untimed) ...")
            measure(command, env=self.env)
        self.log("incremental: rerun with nothing changed ...")
        out["unchanged"] = self.update(command, expect=("unchanged", None))
        targets = edited_files(self.corpus)
        originals = [(path, path.read_bytes(), path.stat()) for path in targets]
        self.log(f"incremental: a sentence appended to {len(targets)} of the files, rerun ...")
        try:
            for path, data, _ in originals:
                path.write_bytes(data + EDIT)
            out["changed"] = self.update(command, expect=("updated", len(targets)))
            out["changed"]["files"] = len(targets)
            out["changed"]["share"] = len(targets) / max(1, self.results["corpus"]["files"])
        finally:
            for path, data, info in originals:
                path.write_bytes(data)
                os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        return out

    def update(self, command: list[str], expect: tuple[str, int | None]) -> dict:
        run = measure(command, env=self.env)
        failure = run.failure()
        if failure:
            return {"error": failure}
        report = json.loads(run.stdout.strip().splitlines()[-1])
        entry = {"seconds": run.seconds, "peak_rss": run.peak_rss, "inner_seconds": report.get("seconds")}
        key, count = expect
        entry["report"] = {k: report.get(k) for k in ("added", "updated", "removed", "unchanged")}
        if count is not None and report.get(key) != count:
            entry["note"] = f"expected {count} {key}, the report says {report.get(key)}"
        return entry


def describe_build(entry: dict) -> str:
    if "error" in entry:
        return f"n/a: {entry['error']}"
    return f"{entry['seconds']:.2f} s, peak {entry['peak_rss'] / MB:.0f} MB, index {entry['index_bytes'] / MB:.1f} MB"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0-1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise_queries(raw: dict, peak_rss: int) -> dict:
    ok = [(kind, seconds) for kind, seconds, good in zip(raw["kinds"], raw["times"], raw["ok"], strict=True) if good]
    times = [seconds for _, seconds in ok]
    if not times:
        return {"error": f"every query failed ({raw['errors'][:1]})"}
    by_kind = {}
    for kind in dict.fromkeys(raw["kinds"]):
        samples = [seconds for k, seconds in ok if k == kind]
        if samples:
            by_kind[kind] = {"p50": percentile(samples, 0.5), "p95": percentile(samples, 0.95)}
    return {
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "mean": statistics.fmean(times),
        "max": max(times),
        "timed": len(times),
        "failed": len(raw["times"]) - len(times),
        "errors": raw["errors"],
        "lenient": raw.get("lenient", 0),
        "hits": statistics.fmean(raw["hits"]) if raw["hits"] else 0.0,
        "total_median": statistics.median(raw["totals"]) if raw["totals"] else 0,
        "peak_rss": peak_rss,
        "open_seconds": raw["open_seconds"],
        "by_kind": by_kind,
    }


# --------------------------------------------------------------------------- workers
class SearchkitSearch:
    """searchkit through its public API: what ``searchkit query --format json`` computes."""

    def __init__(self, index_dir):
        from searchkit import open_index
        from searchkit.term.render import results_json

        self.index = open_index(index_dir)
        self.render = results_json

    def close(self) -> None:
        self.index.close()

    def __call__(self, text: str) -> dict:
        return self.render(self.index.search(text, limit=10))


def time_queries(search, mix: list[dict]) -> dict:
    """Warm up with the first query of each kind, then time every query of ``mix``."""
    first = {}
    for item in mix:
        first.setdefault(item["kind"], item["q"])
    for text in first.values():
        try:
            json.dumps(search(text), ensure_ascii=False)
        except Exception:  # noqa: BLE001  (a failing query is counted below)
            pass
    out = {"kinds": [], "times": [], "ok": [], "hits": [], "totals": [], "errors": []}
    for item in mix:
        started = time.perf_counter()
        try:
            payload = search(item["q"])
            json.dumps(payload, ensure_ascii=False)
            good = True
        except Exception as exc:  # noqa: BLE001
            good = False
            if len(out["errors"]) < 5:
                out["errors"].append(f"{item['q']!r}: {type(exc).__name__}: {exc}"[:200])
        out["times"].append(time.perf_counter() - started)
        out["kinds"].append(item["kind"])
        out["ok"].append(good)
        if good:
            out["hits"].append(len(payload["hits"]))
            out["totals"].append(payload["total"])
    return out


def worker(argv: list[str]) -> int:
    """``run.py --worker NAME ARGS``: one measured step in its own process; JSON on stdout."""
    import baselines

    name, *args = argv
    if name == "build-whoosh":
        started = time.perf_counter()
        stats = baselines.build_whoosh([args[0]], args[1])
    elif name == "build-tantivy":
        started = time.perf_counter()
        stats = baselines.build_tantivy([args[0]], args[1])
    elif name == "query":
        system, index_dir, mix_path = args
        make = {
            "searchkit": SearchkitSearch,
            "plain Whoosh": baselines.WhooshSearch,
            "tantivy": baselines.TantivySearch,
        }
        opened = time.perf_counter()
        search = make[system](index_dir)
        open_seconds = time.perf_counter() - opened
        stats = time_queries(search, json.loads(Path(mix_path).read_text(encoding="utf-8")))
        stats["open_seconds"] = open_seconds
        stats["lenient"] = getattr(search, "lenient", 0)
        search.close()
        print(json.dumps(stats))
        return 0
    else:
        print(f"unknown worker {name!r}", file=sys.stderr)
        return 2
    stats["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(stats))
    return 0


# --------------------------------------------------------------------------- goals
def goals(results: dict) -> list[tuple[str, str, str]]:
    """(goal, measured, status) rows, computed from the figures; status is met/not met/n/a."""
    size = results["label"]
    builds, queries = results.get("builds", {}), results.get("queries", {}).get("systems", {})
    oneshot, incremental = results.get("oneshot", {}), results.get("incremental", {})
    rows = []

    def add(goal: str, measured: str | None, ok: bool | None, for_size: str | None = None) -> None:
        if measured is None or ok is None:
            rows.append((goal, "n/a", "n/a"))
            return
        status = "met" if ok else "**not met**"
        if for_size and size != for_size:
            status += f" (the goal is for {for_size})"
        rows.append((goal, measured, status))

    sk, wh = builds.get("searchkit", {}), builds.get("plain Whoosh", {})
    if "seconds" in sk and "seconds" in wh:
        ratio = wh["seconds"] / sk["seconds"]
        add(
            "full build ≥ 3x faster than plain Whoosh",
            f"{ratio:.2f}x ({fmt_s(wh['seconds'])} vs {fmt_s(sk['seconds'])})",
            ratio >= 3,
        )
    else:
        add("full build ≥ 3x faster than plain Whoosh", None, None)
    for key, limit, goal in (
        ("unchanged", 0.05, "rerun with nothing changed < 5% of the full build"),
        ("changed", 0.10, "rerun with 1% of files changed < 10% of the full build"),
    ):
        entry = incremental.get(key, {})
        if "seconds" in entry:
            share = entry["seconds"] / incremental["full"]
            add(goal, f"{share:.1%} ({fmt_s(entry['seconds'])})", share < limit)
        else:
            add(goal, None, None)
    qs, qw = queries.get("searchkit", {}), queries.get("plain Whoosh", {})
    if "p95" in qs and "p95" in qw:
        ratio = qw["p95"] / qs["p95"]
        add(
            "query p95 ≥ 3x lower than plain Whoosh (medium)",
            f"{ratio:.2f}x ({fmt_ms(qw['p95'])} vs {fmt_ms(qs['p95'])})",
            ratio >= 3,
            "medium",
        )
    else:
        add("query p95 ≥ 3x lower than plain Whoosh (medium)", None, None)
    if "p95" in qs:
        add("query p95 < 100 ms (medium)", fmt_ms(qs["p95"]), qs["p95"] < 0.1, "medium")
    else:
        add("query p95 < 100 ms (medium)", None, None)
    python = oneshot.get("python -c pass", {})
    version = oneshot.get("searchkit --version", {})
    query = oneshot.get('searchkit query "Putin Trump" --format json', {})
    if "median" in python and "median" in version:
        ratio = version["median"] / python["median"]
        add("`searchkit --version` within 2x `python -c pass`", f"{ratio:.2f}x", ratio <= 2)
    else:
        add("`searchkit --version` within 2x `python -c pass`", None, None)
    if "median" in python and "median" in query:
        extra = query["median"] - python["median"]
        add("one-shot query within 300 ms of `python -c pass`", f"+{extra * 1000:.0f} ms", extra <= 0.3)
    else:
        add("one-shot query within 300 ms of `python -c pass`", None, None)
    peaks = [
        entry["peak_rss"] for name, entry in builds.items() if name.startswith("searchkit") and "peak_rss" in entry
    ]
    if peaks:
        add("peak build memory < 1.5 GB (large)", fmt_mb(max(peaks)), max(peaks) < 1.5 * 1024 * MB, "large")
    else:
        add("peak build memory < 1.5 GB (large)", None, None)
    return rows


# --------------------------------------------------------------------------- rendering
def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:,.1f} s"


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:,.1f} ms"


def fmt_load(load: float | None) -> str:
    return "?" if load is None else f"{load:.2f}"


def fmt_mb(n: float) -> str:
    return f"{n / MB:,.1f} MB" if n < 100 * MB else f"{n / MB:,.0f} MB"


def na(entry: dict) -> str:
    return f"n/a: {entry.get('error', 'not measured')}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def versus(mine: float | None, theirs: float | None, better: str, worse: str) -> str:
    """searchkit's figure over the other system's, with words: ``0.31 (3.2x faster)``."""
    if not mine or not theirs:
        return "n/a"
    ratio = mine / theirs
    if ratio <= 1:
        return f"{ratio:.2f} ({1 / ratio:.1f}x {better})"
    return f"{ratio:.2f} ({ratio:.1f}x {worse})"


def heading(label: str) -> str:
    return f"{label} corpus" if label in SIZE_ORDER else label


def render(results: dict) -> str:
    """The markdown section of one run: environment, goals and every table."""
    label = results["label"]
    m, v, c = results["machine"], results["versions"], results["corpus"]
    ram = f"{m['ram_bytes'] / 2**30:.1f} GB RAM" if m.get("ram_bytes") else "RAM unknown"
    cores = f"{m['cores']} logical cores" + (f" ({m['physical_cores']} physical)" if m.get("physical_cores") else "")
    git = f" (git {v['git']})" if v.get("git") else ""
    loads = [x for x in (results.get("load_before"), results.get("load_after")) if x is not None]
    busy = bool(loads) and max(loads) > 0.5 * (m.get("cores") or 1)

    def count(key: str) -> str:
        return f"{c[key]:,}" if c.get(key) is not None else "?"

    out = [
        f"## {heading(label)}",
        "",
        f"Run {results['date']} with `{results.get('command') or 'python bench/run.py'}`.",
        "",
        f"- Machine: {m['cpu']}, {cores}, {ram}, {m['os']}",
        f"- Load average (1 min) before and after the run: {fmt_load(results.get('load_before'))}, "
        f"{fmt_load(results.get('load_after'))}" + (" (**the machine was busy: figures are noisy**)" if busy else ""),
        f"- Versions: Python {v['python']}, Whoosh-Reloaded {v['whoosh']}, tantivy {v['tantivy']}, "
        f"searchkit {v['searchkit']}{git}",
        f"- Corpus: {count('articles')} articles, {count('comments')} comments, {c['bytes'] / 1e6:,.1f} MB in "
        f"{c['files']:,} files, {count('words')} words"
        + (f" (bench/generate.py, seed {c['seed']})" if c.get("seed") is not None else f" ({c['path']})"),
    ]
    earlier = results.get("builds_from")
    if earlier:
        ev = earlier.get("versions") or {}
        out.append(
            f"- Index builds reused (`--reuse-builds`) from the run of {earlier.get('date')} "
            f"(searchkit git {ev.get('git') or '?'}, load before {fmt_load(earlier.get('load_before'))}); "
            "queries, one-shot commands and updates measured in this run"
        )
    baselines = results.get("baselines_from")
    if baselines:
        out.append(
            f"- The plain Whoosh build (`--reuse-baselines`) was made on {baselines.get('date')} "
            f"(load {fmt_load(baselines.get('load_before'))} before, {fmt_load(baselines.get('load_after'))} after): "
            "its build time is from that run, everything else is measured in this one"
        )
    out += [
        "",
        "### Goals",
        "",
        table(["goal", "measured", "status"], [list(row) for row in goals(results)]),
        "",
    ]
    out += render_builds(results) + render_incremental(results) + render_queries(results)
    out += render_oneshot(results) + render_ratios(results)
    return "\n".join(out).rstrip() + "\n"


def render_builds(results: dict) -> list[str]:
    builds = results["builds"]
    base = builds.get("searchkit", {}).get("seconds")
    rows = []
    for name, entry in builds.items():
        if "error" in entry:
            rows.append([name, na(entry), "", "", "", "", ""])
            continue
        articles = results["corpus"].get("articles") or entry.get("articles") or 0
        rows.append(
            [
                name,
                fmt_s(entry["seconds"]),
                f"{articles / entry['seconds']:,.0f}",
                f"{entry['input_bytes'] / 1e6 / entry['seconds']:.2f}",
                fmt_mb(entry["peak_rss"]),
                fmt_mb(entry["index_bytes"])
                + (f" (copy {fmt_mb(entry['copy_bytes'])})" if entry.get("copy_bytes") else ""),
                f"{entry['seconds'] / base:.2f}x" if base else "n/a",
            ]
        )
    header = ["system", "wall time", "articles/s", "MB text/s", "peak RSS (tree)", "index size", "time ÷ searchkit"]
    return [
        "### Full index build",
        "",
        "Each build is a fresh process over the same parsed documents; the wall time includes starting Python. "
        "searchkit's index size includes its columnar copy (`*.cols`, in brackets).",
        "",
        table(header, rows),
        "",
    ]


def render_incremental(results: dict) -> list[str]:
    inc = results["incremental"]
    lines = ["### Incremental update (searchkit)", ""]
    if "error" in inc:
        return lines + [na(inc), ""]
    rows = [["full build (from the table above)", fmt_s(inc["full"]), "100%", ""]]
    for key, name in (("unchanged", "rerun, nothing changed"), ("changed", "rerun, 1% of files edited")):
        entry = inc.get(key, {})
        if "error" in entry:
            rows.append([name, na(entry), "", ""])
            continue
        if key == "changed":
            noun = "file" if entry["files"] == 1 else "files"
            name = f"rerun, {entry['files']:,} {noun} edited ({entry['share']:.1%})"
        report = entry.get("report", {})
        note = ", ".join(f"{report[k]} {k}" for k in ("added", "updated", "removed", "unchanged") if report.get(k))
        if entry.get("note"):
            note += f"; {entry['note']}"
        rows.append([name, fmt_s(entry["seconds"]), f"{entry['seconds'] / inc['full']:.1%}", note])
    return lines + [table(["run", "wall time", "of the full build", "index report"], rows), ""]


def render_queries(results: dict) -> list[str]:
    q = results["queries"]
    systems = q["systems"]
    lines = [
        "### Query latency",
        "",
        f"{q['n']} queries of bench/queries.py ({', '.join(q['kinds'])}), top 10 with snippets and up to 3 "
        "matching comments per article, to JSON text; one warm process per system.",
        "",
    ]
    rows = []
    for name in SYSTEMS:
        entry = systems.get(name, {"error": "not run"})
        if "error" in entry:
            rows.append([name, na(entry), "", "", "", "", "", ""])
            continue
        failed = str(entry["failed"]) + (f" ({entry['lenient']} parsed leniently)" if entry.get("lenient") else "")
        rows.append(
            [
                name,
                fmt_ms(entry["p50"]),
                fmt_ms(entry["p95"]),
                fmt_ms(entry["mean"]),
                fmt_ms(entry["max"]),
                failed,
                f"{entry['hits']:.1f} / {entry['total_median']:,.0f}",
                fmt_mb(entry["peak_rss"]),
            ]
        )
    header = ["system", "p50", "p95", "mean", "max", "failed", "hits shown / median total", "process peak RSS"]
    lines += [table(header, rows), ""]
    measured = [name for name in SYSTEMS if "by_kind" in systems.get(name, {})]
    if measured:
        kind_rows = []
        for kind in q["kinds"]:
            cells = [kind]
            for name in measured:
                figures = systems[name]["by_kind"].get(kind)
                cells.append(f"{fmt_ms(figures['p50'])} / {fmt_ms(figures['p95'])}" if figures else "n/a")
            kind_rows.append(cells)
        lines += ["p50 / p95 by kind of query:", "", table(["kind", *measured], kind_rows), ""]
    for name in measured:
        for error in systems[name]["errors"]:
            lines.append(f"- {name} failed on {error}")
    if any(systems[name]["errors"] for name in measured):
        lines.append("")
    return lines


def render_oneshot(results: dict) -> list[str]:
    rows = []
    for name, entry in results["oneshot"].items():
        if "error" in entry:
            rows.append([f"`{name}`", na(entry), "", ""])
        else:
            rows.append(
                [
                    f"`{name}`",
                    fmt_ms(entry["median"]),
                    f"{fmt_ms(entry['min'])} – {fmt_ms(entry['max'])}",
                    fmt_mb(entry["peak_rss"]),
                ]
            )
    runs = max((entry.get("runs", 0) for entry in results["oneshot"].values()), default=0)
    return [
        "### One-shot commands",
        "",
        f"Whole-process wall time, median of {runs} runs (after one untimed run); peak RSS sampled every 5 ms.",
        "",
        table(["command", "median", "range", "peak RSS"], rows),
        "",
    ]


def render_ratios(results: dict) -> list[str]:
    builds, queries = results["builds"], results["queries"]["systems"]
    sk_build, sk_query = builds.get("searchkit", {}), queries.get("searchkit", {})
    rows = []
    for label, key, source, mine, better, worse in (
        ("full build time", "seconds", builds, sk_build, "faster", "slower"),
        ("peak build memory", "peak_rss", builds, sk_build, "less", "more"),
        ("index size", "index_bytes", builds, sk_build, "smaller", "larger"),
        ("query p50", "p50", queries, sk_query, "faster", "slower"),
        ("query p95", "p95", queries, sk_query, "faster", "slower"),
    ):
        cells = [label]
        for other in ("plain Whoosh", "tantivy"):
            theirs = source.get(other, {})
            cells.append(versus(mine.get(key), theirs.get(key), better, worse) if "error" not in theirs else na(theirs))
        rows.append(cells)
    return [
        "### searchkit against the baselines",
        "",
        "searchkit's figure divided by the other system's (below 1: searchkit is better).",
        "",
        table(["measure", "searchkit vs plain Whoosh", "searchkit vs tantivy"], rows),
        "",
    ]


# --------------------------------------------------------------------------- docs/benchmarks.md
DOC_HEAD = """# Benchmarks

searchkit against plain Whoosh (used as its tutorial shows, with searchkit's schema) and tantivy,
on synthetic corpora of scraped news pages made by `bench/generate.py`. All three index the
same documents, parsed by searchkit's readers. `make bench` measures the small corpus;
`python bench/run.py --size medium` (or `large`) the others. Each run replaces the section of
its corpus below and keeps the others. How each figure is measured is written at the top of
`bench/run.py`; the raw figures of a run are in `bench/out/results-<size>.json`. The sections
named after a judged collection (`scifact`, `cisi`) compare the three on real text, and on it
written out as scraped pages: `python bench/realtext.py [--collection DIR]`, described at the top
of `bench/realtext.py`. What the profiles showed and what each change bought is in
`docs/performance.md`.
"""
SECTION = "<!-- bench:{key} -->"
SECTION_END = "<!-- /bench:{key} -->"


def section_key(label: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label)


def update_doc(path: Path, label: str, text: str) -> None:
    """Replace (or add) the section of ``label`` in the markdown file; keep the others.

    The head is rewritten (:data:`DOC_HEAD`); the other sections and any text written by hand
    between or after them stay where they are. A new section goes before the first section
    that sorts after it (sizes in :data:`SIZE_ORDER` first, then other names alphabetically),
    else at the end.
    """
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    key = section_key(label)
    parts = doc_parts(old)
    found = [i for i, (kind, name, _) in enumerate(parts) if kind == "section" and name == key]
    if found:
        parts[found[0]] = ("section", key, text.strip("\n"))
    else:
        later = [
            i
            for i, (kind, name, _) in enumerate(parts)
            if kind == "section" and section_order(name) > section_order(key)
        ]
        parts.insert(later[0] if later else len(parts), ("section", key, text.strip("\n")))
    lines = [DOC_HEAD]
    for kind, name, body in parts:
        if kind == "section":
            lines += [SECTION.format(key=name), body, SECTION_END.format(key=name), ""]
        elif body.strip():
            lines += [body.strip("\n"), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def section_order(key: str) -> tuple[int, str]:
    return (SIZE_ORDER.index(key) if key in SIZE_ORDER else len(SIZE_ORDER), key)


def doc_parts(text: str) -> list[tuple[str, str, str]]:
    """What follows the head of benchmarks.md, in order: ``("section", key, body)`` and ``("text", "", text)``."""
    opening = "<!-- bench:"
    start = text.find(opening)
    parts: list[tuple[str, str, str]] = []
    rest = text[start:] if start >= 0 else ""
    while rest:
        key, marker, after = rest[len(opening) :].partition(" -->")
        body, closed, tail = after.partition(SECTION_END.format(key=key))
        if rest.startswith(opening) and marker and closed:
            parts.append(("section", key, body.strip("\n")))
            rest = tail
            continue
        following = rest.find(opening, 1)
        parts.append(("text", "", rest if following < 0 else rest[:following]))
        rest = "" if following < 0 else rest[following:]
    return parts


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--size", choices=SIZE_ORDER, help="generate (or reuse) a corpus of this size [small]")
    where.add_argument("--corpus", type=Path, help="benchmark this folder instead of a generated corpus")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="corpora, indexes and results [bench/out]")
    parser.add_argument("--seed", type=int, default=42, help="corpus seed [42]")
    parser.add_argument("--queries", type=int, default=210, help="queries of the mix to time (>= 7) [210]")
    parser.add_argument("--runs", type=int, default=10, help="runs of each one-shot command [10]")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of the second searchkit build [1]")
    parser.add_argument(
        "--reuse-builds",
        action="store_true",
        help="keep the indexes and build figures of the last run on this corpus; measure the rest again",
    )
    parser.add_argument(
        "--baselines-only", action="store_true", help="only build plain Whoosh and tantivy, for --reuse-baselines"
    )
    parser.add_argument(
        "--reuse-baselines",
        action="store_true",
        help="take the plain Whoosh build from the last --baselines-only run; build searchkit and tantivy",
    )
    parser.add_argument("--skip-single-job", action="store_true", help="leave out the searchkit --jobs 1 build")
    parser.add_argument("--skip-whoosh", action="store_true", help="do not measure plain Whoosh")
    parser.add_argument("--skip-tantivy", action="store_true", help="do not measure tantivy")
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="markdown file to update [docs/benchmarks.md]"
    )
    args = parser.parse_args(argv)
    if args.queries < 7:
        parser.error("--queries must be at least 7 (one per kind)")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.corpus:
        if not args.corpus.is_dir():
            parser.error(f"--corpus {args.corpus}: not a folder")
        corpus, label = args.corpus.resolve(), f"corpus {args.corpus.resolve().name}"
    else:
        label = args.size or "small"
        corpus = prepare_corpus(work, label, args.seed, log)
    command = "python bench/run.py " + " ".join(argv) if argv else "python bench/run.py"
    bench = Bench(
        corpus,
        work,
        label=label,
        n_queries=args.queries,
        runs=args.runs,
        jobs=args.jobs,
        reuse_builds=args.reuse_builds,
        reuse_baselines=args.reuse_baselines,
        skip_single_job=args.skip_single_job,
        skip_whoosh=args.skip_whoosh,
        skip_tantivy=args.skip_tantivy,
        command=command.strip(),
        log=log,
    )
    if args.baselines_only:
        bench.baselines_only()
        log(f"baseline builds kept in {bench.baselines_path()}")
        return 0
    results = bench.run()
    text = render(results)
    (work / f"results-{section_key(label)}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    update_doc(args.output, label, text)
    print(text)
    log(f"updated {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
