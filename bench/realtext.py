#!/usr/bin/env python3
"""Real text side by side: searchkit, plain Whoosh and tantivy on a judged BEIR collection.

Usage::

    python bench/realtext.py [--collection ../shared/eval/scifact] [--work bench/out] [--repeats 3]
                             [--build-runs 1] [--seed 42] [--skip-pages-build] [--output docs/benchmarks.md]

Measured in one run, each system in processes of its own (``--worker`` below):

1. **Build of the collection's corpus** (``corpus.jsonl``): searchkit the way ``searchkit eval``
   builds it (:func:`searchkit.evaluation.load_collection`, then ``build_index([corpus], DIR)``
   with its defaults); plain Whoosh as its tutorial shows (``Schema(id=ID(stored=True),
   title=TEXT, body=TEXT)``: StandardAnalyzer, no stemming; ``create_in``, one ``writer()``,
   ``add_document`` per record, ``commit()``); tantivy (tantivy-py) with ``en_stem`` title and
   body and a stored raw id, one default writer, ``commit``, ``wait_merging_threads``. The
   baselines read each JSON line's ``_id``, ``title`` and ``text`` themselves. Wall time is the
   whole process (interpreter start included), the median of ``--build-runs`` fresh builds;
   peak RSS is the largest of the process tree (psutil, sampled every 50 ms, as bench/run.py).
2. **Query latency, top 100**, for every query that has judgements in ``qrels/test.tsv`` (the
   queries ``searchkit eval`` runs, in its order). One warm process per system opens the index
   of step 1 and answers queries sent one at a time through a pipe; the systems take turns on
   each query (the order rotated from query to query), so that the machine's noisy moments fall
   on the three alike. The first 10 queries run once untimed; then every query runs
   ``--repeats`` times, round after round. Timed in the system's process, with
   ``time.perf_counter``: from the query text to the ranked list of the 100 best document ids.
   searchkit: ``Index.ranking(text, limit=100)`` (what ``searchkit eval`` calls: the order of
   ``Index.search``, ids and scores, no stored field read); plain Whoosh:
   ``MultifieldParser(["title", "body"], schema, group=OrGroup)``, ``searcher.search(q,
   limit=100)`` and each hit's stored id; tantivy: ``Index.parse_query(text, ["title", "body"])``
   (``parse_query_lenient`` when it rejects the text), ``searcher.search(q, 100)`` and each hit's
   stored id. The time up to the search call's return, before the ids are read, is kept too
   ("search only"). Per system: p50, p95 (linear interpolation, as ``searchkit eval``), mean and
   max of the per-query median over the repeats, nDCG@10 and Recall@100 of the first round's
   rankings (:mod:`searchkit.evaluation`'s metric functions), and the process's peak RSS.
3. **The collection as scraped pages** (skipped with ``--skip-pages-build``): every document
   becomes one page of searchkit's scraped-text format (title line, the text as one paragraph,
   then a comment section drawn by bench/generate.py's ``comment_count`` and
   ``comment_section``: pseudo-English comments, 5% of their words drawn from the document's
   own words), in ``WORK/<name>-pages`` (reused while the collection, the seed and this writer
   are the same). Then, as whole processes: ``searchkit index PAGES --index DIR`` (its
   defaults: one worker per core) against bench/run.py's ``build-whoosh`` and ``build-tantivy``
   workers, which index the same pages parsed by searchkit's readers (searchkit's schema for
   plain Whoosh; see bench/baselines.py).

Tables go to stdout and replace the section ``<!-- bench:NAME -->`` of ``docs/benchmarks.md``
(NAME: the collection's folder name, e.g. ``scifact``); the raw figures go to
``WORK/results-NAME.json``. A missing collection stops the run with one line (exit 2); a system
that cannot run (tantivy not installed, a crash) shows as ``n/a: reason``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import run  # noqa: E402  (bench/ is not a package)

DEFAULT_COLLECTION = REPO.parent / "shared" / "eval" / "scifact"
SYSTEMS = run.SYSTEMS  # ("searchkit", "plain Whoosh", "tantivy")
WARMUP = 10
TOP = 100
PAGES_VERSION = 1
"""Bump when the pages written change, so a reused pages folder is rewritten."""
WORD = re.compile(r"[a-z][a-z-]{3,}")


# --------------------------------------------------------------------------- the collection's own corpus
def beir_records(corpus: Path) -> Iterator[tuple[str, str, str]]:
    """``(id, title, text)`` of each line of a BEIR ``corpus.jsonl`` (what the baselines index)."""
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                yield str(record.get("_id", record.get("id"))), record.get("title") or "", record.get("text") or ""


def build_searchkit(collection: Path, index_dir: Path) -> dict:
    """The index ``searchkit eval`` builds: the collection's corpus through ``build_index``'s defaults."""
    from searchkit import build_index
    from searchkit.evaluation import load_collection

    report = build_index([str(load_collection(collection).corpus)], index_dir)
    return {"documents": report.articles}


def build_whoosh_beir(collection: Path, index_dir: Path) -> dict:
    """Whoosh's tutorial: a TEXT field per text (StandardAnalyzer), one writer, one commit."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), Schema(id=ID(stored=True), title=TEXT, body=TEXT))
    writer = ix.writer()
    documents = 0
    for doc_id, title, text in beir_records(collection / "corpus.jsonl"):
        writer.add_document(id=doc_id, title=title, body=text)
        documents += 1
    writer.commit()
    ix.close()
    return {"documents": documents}


def tantivy_beir_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")
    return builder.build()


def build_tantivy_beir(collection: Path, index_dir: Path) -> dict:
    """tantivy-py: ``en_stem`` title and body, one default writer, commit, wait for merges."""
    import tantivy

    index_dir.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(tantivy_beir_schema(), path=str(index_dir))
    writer = index.writer()
    documents = 0
    for doc_id, title, text in beir_records(collection / "corpus.jsonl"):
        writer.add_document(tantivy.Document(id=doc_id, title=title, body=text))
        documents += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"documents": documents}


# --------------------------------------------------------------------------- searching, top 100
class SearchkitRanker:
    """searchkit's public API, as ``searchkit eval`` calls it."""

    lenient = 0

    def __init__(self, index_dir: Path):
        from searchkit import open_index

        self.index = open_index(index_dir)

    def search(self, text: str):
        return self.index.ranking(text, limit=TOP)

    def ids(self, results) -> list[str]:
        return [found for found, _ in results]

    def close(self) -> None:
        self.index.close()


class WhooshRanker:
    """Plain Whoosh: MultifieldParser over title and body, OR between words, top 100."""

    lenient = 0

    def __init__(self, index_dir: Path):
        from whoosh import index as whoosh_index
        from whoosh.qparser import MultifieldParser, OrGroup

        self.ix = whoosh_index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema, group=OrGroup)

    def search(self, text: str):
        return self.searcher.search(self.parser.parse(text), limit=TOP)

    def ids(self, results) -> list[str]:
        return [hit["id"] for hit in results]

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


class TantivyRanker:
    """tantivy: parse_query over title and body (lenient when it rejects the text), top 100."""

    def __init__(self, index_dir: Path):
        import tantivy

        self.index = tantivy.Index.open(str(index_dir))
        self.index.reload()
        self.searcher = self.index.searcher()
        self.lenient = 0

    def search(self, text: str):
        try:
            query = self.index.parse_query(text, ["title", "body"])
        except ValueError:
            self.lenient += 1
            query, _errors = self.index.parse_query_lenient(text, ["title", "body"])
        return self.searcher.search(query, TOP)

    def ids(self, results) -> list[str]:
        return [self.searcher.doc(address).get_first("id") for _score, address in results.hits]

    def close(self) -> None:
        pass


RANKERS = {"searchkit": SearchkitRanker, "plain Whoosh": WhooshRanker, "tantivy": TantivyRanker}


def serve(system: str, index_dir: Path, requests=None, replies=None) -> int:
    """A warm query process: open the index, then answer one JSON request a line until end of input.

    A request is ``{"q": text, "ids": bool}``; the reply holds the seconds from the text to the
    ranked ids of the top 100 (``seconds``) and to the search call's return (``search_seconds``),
    the ids when asked for, and how many queries were parsed leniently so far; or ``error``.
    The last line, after end of input, gives the process's peak RSS (``VmHWM``).
    """
    requests = sys.stdin if requests is None else requests
    replies = sys.stdout if replies is None else replies

    def reply(payload: dict) -> None:
        replies.write(json.dumps(payload) + "\n")
        replies.flush()

    opened = time.perf_counter()
    ranker = RANKERS[system](index_dir)
    reply({"open_seconds": time.perf_counter() - opened})
    for line in requests:
        request = json.loads(line)
        started = time.perf_counter()
        try:
            results = ranker.search(request["q"])
            searched = time.perf_counter()
            ranked = ranker.ids(results)
        except Exception as exc:  # noqa: BLE001  (reported, the other queries go on)
            reply({"error": f"{type(exc).__name__}: {exc}"[:200], "lenient": ranker.lenient})
            continue
        done = time.perf_counter()
        reply(
            {
                "seconds": done - started,
                "search_seconds": searched - started,
                "ids": ranked if request.get("ids") else None,
                "lenient": ranker.lenient,
            }
        )
    ranker.close()
    reply({"peak_rss": run.high_water(os.getpid())})
    return 0


class WorkerGone(Exception):
    """A query process ended (or answered nonsense) before its work was done."""


class Served:
    """The parent's end of one system's warm query process, driven one query at a time."""

    def __init__(self, system: str, index_dir: Path, env: dict):
        self.errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.process = subprocess.Popen(
            worker_command("serve", system, index_dir),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.open_seconds = self.receive()["open_seconds"]
        self.lenient = 0

    def ask(self, text: str, ids: bool = False) -> dict:
        try:
            self.process.stdin.write(json.dumps({"q": text, "ids": ids}) + "\n")
            self.process.stdin.flush()
        except OSError:
            raise WorkerGone(self.reason()) from None
        return self.receive()

    def receive(self) -> dict:
        line = self.process.stdout.readline()
        try:
            return json.loads(line)
        except ValueError:
            raise WorkerGone(self.reason()) from None

    def finish(self) -> dict:
        """End of input: the process's last word (its peak RSS), then its exit."""
        self.process.stdin.close()
        try:
            final = self.receive()
        finally:
            self.process.wait()
            self.errors.close()
        return final

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.errors.close()

    def reason(self) -> str:
        code = self.process.wait()
        self.errors.seek(0)
        lines = [line.strip() for line in self.errors.read().splitlines() if line.strip()]
        return f"exit {code}: {(lines[-1] if lines else 'no message')[:200]}"


def interleaved_rankings(served: dict, queries: list[tuple[str, str]], repeats: int, warmup: int = WARMUP) -> dict:
    """Run every query on every served system, the systems in turn, ``repeats`` rounds.

    The first ``warmup`` queries run once untimed on each system. Then, round after round,
    each query goes to each system in turn (the order rotated from query to query), so that a
    noisy moment of the machine falls on the three alike. Returns per system the raw figures
    :func:`summarise` reads, or ``{"error": ...}`` for a process that ended early.
    """
    raws = {
        system: {
            "times": {q: [] for q, _ in queries},
            "search_times": {q: [] for q, _ in queries},
            "rankings": {},
            "errors": {},
            "lenient": 0,
            "open_seconds": process.open_seconds,
        }
        for system, process in served.items()
    }
    gone: dict[str, dict] = {}

    def ask(system: str, query_id: str, text: str, timed: bool, first: bool) -> None:
        process, raw = served[system], raws[system]
        try:
            answer = process.ask(text, ids=first)
        except WorkerGone as exc:
            gone[system] = {"error": str(exc)}
            return
        lenient, process.lenient = answer["lenient"] > process.lenient, answer["lenient"]
        if not timed:
            return
        if "error" in answer:
            raw["errors"][query_id] = f"{text[:80]!r}: {answer['error']}"
        elif query_id not in raw["errors"]:
            raw["times"][query_id].append(answer["seconds"])
            raw["search_times"][query_id].append(answer["search_seconds"])
            if first:
                raw["rankings"][query_id] = answer["ids"]
                raw["lenient"] += lenient

    for query_id, text in queries[:warmup]:
        for system in [s for s in served if s not in gone]:
            ask(system, query_id, text, timed=False, first=False)
    for round_number in range(repeats):
        for number, (query_id, text) in enumerate(queries):
            order = [s for s in served if s not in gone]
            for system in order[number % len(order) :] + order[: number % len(order)] if order else []:
                ask(system, query_id, text, timed=True, first=round_number == 0)
    for system, process in served.items():
        if system in gone:
            continue
        try:
            raws[system]["peak_rss"] = process.finish()["peak_rss"]
        except WorkerGone as exc:
            gone[system] = {"error": str(exc)}
    return {system: gone.get(system, raws[system]) for system in served}


def summarise(raw: dict, collection) -> dict:
    """p50, p95, mean and max of the per-query medians; nDCG@10 and Recall@100 of the rankings.

    A query that failed in any round is left out of the times (and counts as an empty ranking).
    """
    from searchkit.evaluation import ndcg_at_k, percentile, recall_at_k

    timed = [q for q, samples in raw["times"].items() if samples and q not in raw["errors"]]
    medians = [statistics.median(raw["times"][q]) for q in timed]
    search_only = [statistics.median(raw["search_times"][q]) for q in timed]
    if not medians:
        first = next(iter(raw["errors"].values()), "no query timed")
        return {"error": f"every query failed ({first})"}
    rankings = {q: ids for q, ids in raw["rankings"].items() if q not in raw["errors"]}
    judged = collection.qrels
    ndcg = [ndcg_at_k(rankings.get(q, []), judged[q], 10) for q in collection.queries]
    recall = [recall_at_k(rankings.get(q, []), judged[q], TOP) for q in collection.queries]
    return {
        "p50": percentile(medians, 0.5),
        "p95": percentile(medians, 0.95),
        "mean": statistics.fmean(medians),
        "max": max(medians),
        "search_p50": percentile(search_only, 0.5),
        "search_p95": percentile(search_only, 0.95),
        "timed": len(medians),
        "failed": len(raw["errors"]),
        "errors": list(raw["errors"].values())[:5],
        "lenient": raw["lenient"],
        "ndcg10": statistics.fmean(ndcg) if ndcg else 0.0,
        "recall100": statistics.fmean(recall) if recall else 0.0,
        "hits_mean": statistics.fmean(len(r) for r in rankings.values()) if rankings else 0.0,
        "peak_rss": raw["peak_rss"],
        "open_seconds": raw["open_seconds"],
    }


# --------------------------------------------------------------------------- scraped pages
def page_text(title: str, text: str, rng: random.Random, tables, used: set, tail_bits: bytearray) -> tuple[str, int]:
    """One document as a scraped page: title, the text as one paragraph, generated comments.

    Returns the page and its number of comments. The comments are bench/generate.py's, with the
    document's own words (most frequent first) as the topic 5% of their words are drawn from.
    """
    import generate

    title, text = " ".join(title.split()), " ".join(text.split())
    lines = [title, ""] if title else []
    lines += [text, ""]
    comments = generate.comment_count(rng)
    if comments:
        words = [w for w, _ in Counter(WORD.findall(f"{title} {text}".lower())).most_common()]
        words = [w for w in words if w not in generate.STOP_WORDS] or ["paper"]
        lines += generate.comment_section(
            rng, tables, comments, words, generate._zipf_cum(len(words), 0.9), [], used, tail_bits
        )
    return "\n".join(lines), comments


def pages_manifest(collection: Path, seed: int) -> dict:
    corpus = collection / "corpus.jsonl"
    info = corpus.stat()
    return {
        "collection": str(collection.resolve()),
        "corpus_bytes": info.st_size,
        "corpus_mtime_ns": info.st_mtime_ns,
        "seed": seed,
        "version": PAGES_VERSION,
    }


def write_pages(collection: Path, target: Path, seed: int = 42, log: Callable[[str], None] = print) -> dict:
    """Write (or reuse) one page per document of the collection under ``target``; return its manifest.

    Pages go to ``target/0000/d000000.txt`` ... in corpus order (1,000 per folder) and depend only
    on the document and the seed (each page draws from its own ``random.Random``). The manifest,
    ``target/.pages.json`` (hidden, so ``searchkit index`` skips it), says what was written.
    """
    import generate

    wanted = pages_manifest(collection, seed)
    try:
        found = json.loads((target / ".pages.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    if found and all(found.get(key) == value for key, value in wanted.items()):
        log(f"reusing the pages in {target}")
        return found
    if target.exists():
        shutil.rmtree(target)
    log(f"writing the collection as scraped pages in {target} ...")
    started = time.perf_counter()
    tables = generate.tables()
    used: set = set()
    tail_bits = bytearray(tables.n_ranks // 8 + 1)
    pages = comments = size = same = 0
    for number, (doc_id, title, text) in enumerate(beir_records(collection / "corpus.jsonl")):
        rng = random.Random(f"searchkit-realtext:{seed}:{doc_id}")
        page, count = page_text(title, text, rng, tables, used, tail_bits)
        path = page_path(target, number)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = page.encode("utf-8")
        path.write_bytes(data)
        pages += 1
        comments += count
        size += len(data)
        same += reads_back(page, title, text)
    manifest = {
        **wanted,
        "pages": pages,
        "comments": comments,
        "bytes": size,
        "read_back": same,
        "write_seconds": round(time.perf_counter() - started, 2),
    }
    (target / ".pages.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def page_path(target: Path, number: int) -> Path:
    """Where the page of the ``number``-th document (0-based, corpus order) goes."""
    return target / f"{number // 1000:04d}" / f"d{number:06d}.txt"


def reads_back(page: str, title: str, text: str) -> bool:
    """True when searchkit's reader gets the document's title and text back from its page.

    Not always so: a title of two sentences or more than 30 words reads as the first paragraph
    (the page then has a derived title and the text follows that paragraph in the body).
    """
    from searchkit import parse_scraped

    article = parse_scraped(page, "page")
    return article.title == " ".join(title.split()) and article.body == " ".join(text.split())


# --------------------------------------------------------------------------- the run
class RealText:
    """One benchmark run over one collection; :meth:`run` returns the results."""

    def __init__(
        self,
        collection: Path,
        work: Path,
        *,
        repeats: int = 3,
        build_runs: int = 1,
        seed: int = 42,
        pages: bool = True,
        command: str = "",
        log: Callable[[str], None] | None = None,
    ):
        from searchkit.evaluation import load_collection

        self.collection = Path(collection).resolve()
        self.judged = load_collection(self.collection)  # raises SearchkitError when files are missing
        self.name = run.section_key(self.collection.name)
        self.work = Path(work).resolve()
        self.indexes = self.work / f"indexes-{self.name}"
        self.repeats = repeats
        self.build_runs = build_runs
        self.seed = seed
        self.pages = pages
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.env = {**os.environ, "NO_COLOR": "1"}  # as bench/run.py's Bench runs its processes
        self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), self.env.get("PYTHONPATH")]))
        self.env.pop("SEARCHKIT_INDEX", None)
        self.results: dict = {
            "label": self.name,
            "command": command,
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": run.machine(),
            "versions": run.versions(),
            "collection": {
                "path": str(self.collection),
                "documents": sum(1 for _ in beir_records(self.judged.corpus)),
                "queries": len(self.judged.queries),
                "judgements": sum(len(j) for j in self.judged.qrels.values()),
            },
            "repeats": repeats,
            "build_runs": build_runs,
            "load_before": run.load_average(),
        }

    def run(self) -> dict:
        if self.indexes.exists():
            shutil.rmtree(self.indexes)
        self.indexes.mkdir(parents=True)
        self.results["builds"] = self.corpus_builds()
        self.results["queries"] = self.query_latency()
        self.results["load_after_queries"] = run.load_average()
        self.results["pages"] = self.pages_builds() if self.pages else {"skipped": "--skip-pages-build"}
        self.results["load_after"] = run.load_average()
        return self.results

    def unavailable(self, system: str) -> str | None:
        if system == "tantivy" and importlib.util.find_spec("tantivy") is None:
            return "tantivy is not installed (pip install '.[bench]')"
        return None

    def timed_build(self, command: list[str], index_dir: Path) -> dict:
        """``--build-runs`` fresh builds: median wall time, largest peak RSS, the last index's size."""
        runs = []
        for _ in range(self.build_runs):
            if index_dir.exists():
                shutil.rmtree(index_dir)
            measured = run.measure([str(part) for part in command], env=self.env)
            failure = measured.failure()
            if failure:
                return {"error": failure}
            runs.append(measured)
        try:
            report = json.loads(runs[-1].stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {"error": f"unexpected output: {runs[-1].stdout[-200:]!r}"}
        return {
            "seconds": statistics.median(r.seconds for r in runs),
            "runs": [round(r.seconds, 3) for r in runs],
            "peak_rss": max(r.peak_rss for r in runs),
            "index_bytes": run.folder_bytes(index_dir),
            "report": report,
        }

    # -- 1. the collection's corpus -----------------------------------------------------------
    def corpus_builds(self) -> dict:
        builds = {}
        for system, worker in (
            ("searchkit", "build-searchkit"),
            ("plain Whoosh", "build-whoosh-beir"),
            ("tantivy", "build-tantivy-beir"),
        ):
            reason = self.unavailable(system)
            if reason:
                builds[system] = {"error": reason}
                continue
            self.log(f"corpus build: {system} ...")
            index_dir = self.indexes / section(system)
            builds[system] = self.timed_build(worker_command(worker, self.collection, index_dir), index_dir)
            self.log(f"  {run.describe_build(builds[system])}")
        return builds

    # -- 2. query latency -----------------------------------------------------------------------
    def query_latency(self) -> dict:
        systems, served = {}, {}
        for system in SYSTEMS:
            build = self.results["builds"].get(system, {})
            if "error" in build:
                systems[system] = {"error": build["error"] if "not installed" in build["error"] else "no index"}
                continue
            try:
                served[system] = Served(system, self.indexes / section(system), self.env)
            except WorkerGone as exc:
                systems[system] = {"error": str(exc)}
        queries = list(self.judged.queries.items())
        self.log(f"query latency: {', '.join(served)} in turn, {len(queries)} queries x {self.repeats} ...")
        try:
            raws = interleaved_rankings(served, queries, self.repeats)
        except BaseException:
            for process in served.values():
                process.kill()
            raise
        for system in SYSTEMS:
            if system in raws:
                systems[system] = raws[system] if "error" in raws[system] else summarise(raws[system], self.judged)
            entry = systems[system]
            if "error" not in entry:
                self.log(
                    f"  {system}: p50 {run.fmt_ms(entry['p50'])}, p95 {run.fmt_ms(entry['p95'])}, "
                    f"nDCG@10 {entry['ndcg10']:.4f}"
                )
        return {"n": len(queries), "warmup": min(WARMUP, len(queries)), "systems": systems}

    # -- 3. the collection as scraped pages --------------------------------------------------------
    def pages_builds(self) -> dict:
        target = self.work / f"{self.name}-pages"
        manifest = write_pages(self.collection, target, self.seed, self.log)
        out = {"manifest": manifest, "builds": {}}
        for system in SYSTEMS:
            reason = self.unavailable(system)
            if reason:
                out["builds"][system] = {"error": reason}
                continue
            index_dir = self.indexes / f"pages-{section(system)}"
            self.log(f"pages build: {system} ...")
            entry = self.timed_build(pages_command(system, target, index_dir), index_dir)
            if "error" not in entry:
                report = entry.pop("report")
                held = report.get("index") or report
                entry["articles"] = held.get("articles")
                entry["comments"] = held.get("comments")
            out["builds"][system] = entry
            self.log(f"  {run.describe_build(entry)}")
        return out


def pages_command(system: str, pages: Path, index_dir: Path) -> list:
    """The whole-process build of the pages: searchkit's own command, bench/run.py's baseline workers."""
    if system == "searchkit":
        return [*run.searchkit_command(), "index", pages, "--index", index_dir, "--format", "json"]
    return run.worker_command("build-whoosh" if system == "plain Whoosh" else "build-tantivy", pages, index_dir)


def section(system: str) -> str:
    return {"searchkit": "searchkit", "plain Whoosh": "whoosh", "tantivy": "tantivy"}[system]


def worker_command(*args) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", *map(str, args)]


def worker(argv: list[str]) -> int:
    """``realtext.py --worker NAME ARGS``: one measured step in its own process; JSON on stdout."""
    name, *args = argv
    builders = {
        "build-searchkit": build_searchkit,
        "build-whoosh-beir": build_whoosh_beir,
        "build-tantivy-beir": build_tantivy_beir,
    }
    if name in builders:
        started = time.perf_counter()
        stats = builders[name](Path(args[0]), Path(args[1]))
        stats["seconds"] = round(time.perf_counter() - started, 3)
    elif name == "serve":
        return serve(args[0], Path(args[1]))
    else:
        print(f"unknown worker {name!r}", file=sys.stderr)
        return 2
    print(json.dumps(stats))
    return 0


# --------------------------------------------------------------------------- rendering
def ratio(numerator: float | None, denominator: float | None) -> str:
    return f"{numerator / denominator:.2f}x" if numerator and denominator else "n/a"


def goal_rows(results: dict) -> list[list[str]]:
    """Issue 11's SciFact goals, measured: searchkit against tantivy and plain Whoosh."""
    systems = results["queries"]["systems"]
    mine, slow, fast = (systems.get(name, {}) for name in SYSTEMS)  # searchkit, plain Whoosh, tantivy
    rows = []

    def add(goal: str, value: float | None, limit: float, detail: str) -> None:
        if value is None:
            rows.append([goal, "n/a", "n/a"])
        else:
            rows.append([goal, f"{value:.2f}x ({detail})", "met" if value <= limit else "**not met**"])

    ok = "error" not in mine
    if ok and "error" not in fast:
        detail = f"{run.fmt_ms(mine['p95'])} vs {run.fmt_ms(fast['p95'])}"
        add("query p95 within 5x tantivy's", mine["p95"] / fast["p95"], 5, detail)
        add("query p95 within 2x tantivy's (moonshot)", mine["p95"] / fast["p95"], 2, detail)
    else:
        rows += [
            ["query p95 within 5x tantivy's", "n/a", "n/a"],
            ["query p95 within 2x tantivy's (moonshot)", "n/a", "n/a"],
        ]
    if ok and "error" not in slow:
        value = slow["p95"] / mine["p95"]
        detail = f"{run.fmt_ms(slow['p95'])} vs {run.fmt_ms(mine['p95'])}"
        rows.append(
            [
                "query p95 ≥ 10x lower than plain Whoosh",
                f"{value:.2f}x ({detail})",
                "met" if value >= 10 else "**not met**",
            ]
        )
    else:
        rows.append(["query p95 ≥ 10x lower than plain Whoosh", "n/a", "n/a"])
    pages = results.get("pages", {}).get("builds", {})
    sk, wh = pages.get("searchkit", {}), pages.get("plain Whoosh", {})
    if "seconds" in sk and "seconds" in wh:
        value = wh["seconds"] / sk["seconds"]
        detail = f"{run.fmt_s(wh['seconds'])} vs {run.fmt_s(sk['seconds'])}"
        rows.append(
            [
                "pages build ≥ 5x faster than plain Whoosh",
                f"{value:.2f}x ({detail})",
                "met" if value >= 5 else "**not met**",
            ]
        )
    else:
        rows.append(["pages build ≥ 5x faster than plain Whoosh", "n/a", "n/a"])
    return rows


def render(results: dict) -> str:
    """The markdown section of one run."""
    m, v, c = results["machine"], results["versions"], results["collection"]
    ram = f"{m['ram_bytes'] / 2**30:.1f} GB RAM" if m.get("ram_bytes") else "RAM unknown"
    cores = f"{m['cores']} logical cores" + (f" ({m['physical_cores']} physical)" if m.get("physical_cores") else "")
    git = f" (git {v['git']})" if v.get("git") else ""
    loads = [results.get(key) for key in ("load_before", "load_after_queries", "load_after")]
    busy = any(x is not None and x > 0.5 * (m.get("cores") or 1) for x in loads)
    out = [
        f"## {results['label']} (real text, BEIR)",
        "",
        f"Run {results['date']} with `{results.get('command') or 'python bench/realtext.py'}`; how each figure "
        "is measured is written at the top of `bench/realtext.py`.",
        "",
        f"- Machine: {m['cpu']}, {cores}, {ram}, {m['os']}",
        "- Load average (1 min) before the run, after the queries, after the run: "
        + ", ".join(run.fmt_load(x) for x in loads)
        + (" (**the machine was busy: figures are noisy**)" if busy else ""),
        f"- Versions: Python {v['python']}, Whoosh-Reloaded {v['whoosh']}, tantivy {v['tantivy']}, "
        f"searchkit {v['searchkit']}{git}",
        f"- Collection: `{shown(c['path'])}`: {c['documents']:,} documents, {c['queries']:,} judged queries, "
        f"{c['judgements']:,} judgements",
        "",
        "### Goals (issue 11)",
        "",
        run.table(["goal", "measured", "status"], goal_rows(results)),
        "",
    ]
    out += render_queries(results) + render_builds(results) + render_pages(results)
    return "\n".join(out).rstrip() + "\n"


def shown(path: str) -> str:
    """A path as the docs show it: relative to the repository (``../shared/eval/scifact``)."""
    return os.path.relpath(path, REPO) if Path(path).is_absolute() else path


def render_queries(results: dict) -> list[str]:
    q = results["queries"]
    systems = q["systems"]
    rows = []
    for name in SYSTEMS:
        entry = systems.get(name, {"error": "not run"})
        if "error" in entry:
            rows.append([name, run.na(entry), "", "", "", "", "", "", ""])
            continue
        failed = str(entry["failed"]) + (f" ({entry['lenient']} parsed leniently)" if entry.get("lenient") else "")
        rows.append(
            [
                name,
                run.fmt_ms(entry["p50"]),
                run.fmt_ms(entry["p95"]),
                run.fmt_ms(entry["mean"]),
                run.fmt_ms(entry["max"]),
                f"{run.fmt_ms(entry['search_p50'])} / {run.fmt_ms(entry['search_p95'])}",
                failed,
                f"{entry['ndcg10']:.4f} / {entry['recall100']:.4f}",
                run.fmt_mb(entry["peak_rss"]),
            ]
        )
    header = ["system", "p50", "p95", "mean", "max", "search only p50 / p95", "failed", "nDCG@10 / R@100", "peak RSS"]
    sk, wh, ta = (systems.get(name, {}) for name in SYSTEMS)  # searchkit, plain Whoosh, tantivy
    ratio_rows = []
    for key, label in (("p50", "p50"), ("p95", "p95"), ("mean", "mean")):
        ratio_rows.append(
            [label, ratio(sk.get(key), ta.get(key)), ratio(wh.get(key), sk.get(key)), ratio(wh.get(key), ta.get(key))]
        )
    lines = [
        "### Query latency, top 100",
        "",
        f"{q['n']} judged queries, each timed {results['repeats']}x in one warm process per system, the systems "
        f"taking turns on each query (the first {q['warmup']} run once untimed before); figures over the per-query "
        "medians, from the query text to the ranked ids of the top 100 (search only: up to the search call's "
        "return, before the ids are read).",
        "",
        run.table(header, rows),
        "",
        run.table(["ratio", "searchkit / tantivy", "plain Whoosh / searchkit", "plain Whoosh / tantivy"], ratio_rows),
        "",
    ]
    for name in SYSTEMS:
        for error in systems.get(name, {}).get("errors", []):
            lines.append(f"- {name} failed on {error}")
    return lines


def build_rows(builds: dict, *counts: str) -> list[list[str]]:
    base = builds.get("searchkit", {}).get("seconds")
    rows = []
    for name in SYSTEMS:
        entry = builds.get(name, {"error": "not run"})
        if "error" in entry:
            rows.append([name, run.na(entry), *[""] * (3 + len(counts))])
            continue
        rows.append(
            [
                name,
                run.fmt_s(entry["seconds"]),
                run.fmt_mb(entry["peak_rss"]),
                run.fmt_mb(entry["index_bytes"]),
                *[f"{entry[key]:,}" if entry.get(key) is not None else "?" for key in counts],
                f"{entry['seconds'] / base:.2f}x" if base else "n/a",
            ]
        )
    return rows


def render_builds(results: dict) -> list[str]:
    builds = {
        name: {**entry, "documents": (entry.get("report") or {}).get("documents")}
        for name, entry in results["builds"].items()
    }
    runs = results["build_runs"]
    return [
        "### Build of the collection's corpus",
        "",
        f"corpus.jsonl indexed by each system in a fresh process; wall time (interpreter start included) is the "
        f"median of {runs} run{'s' if runs != 1 else ''}, peak RSS the largest of the process tree.",
        "",
        run.table(
            ["system", "wall time", "peak RSS (tree)", "index size", "documents", "time ÷ searchkit"],
            build_rows(builds, "documents"),
        ),
        "",
    ]


def render_pages(results: dict) -> list[str]:
    pages = results["pages"]
    lines = ["### Build of the collection as scraped pages", ""]
    if "skipped" in pages:
        return lines + [f"Not measured ({pages['skipped']}).", ""]
    manifest = pages["manifest"]
    runs = results["build_runs"]
    lines += [
        f"{manifest['pages']:,} pages (one per document, seed {manifest['seed']}) with {manifest['comments']:,} "
        f"generated comments, {manifest['bytes'] / 1e6:,.1f} MB: `searchkit index PAGES --index DIR` against "
        "plain Whoosh (searchkit's schema) and tantivy fed the same pages parsed by searchkit's readers "
        f"(bench/baselines.py). Whole processes, median of {runs} run{'s' if runs != 1 else ''}. "
        f"{manifest['read_back']:,} of the pages read back with their document's exact title and text; in the "
        "others the title reads as a paragraph (two sentences, or over 30 words) and opens the body.",
        "",
        run.table(
            ["system", "wall time", "peak RSS (tree)", "index size", "articles", "comments", "time ÷ searchkit"],
            build_rows(pages["builds"], "articles", "comments"),
        ),
        "",
    ]
    return lines


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--collection", type=Path, default=DEFAULT_COLLECTION, help="a BEIR folder [../shared/eval/scifact]"
    )
    parser.add_argument("--work", type=Path, default=run.DEFAULT_WORK, help="indexes, pages and results [bench/out]")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of every query [3]")
    parser.add_argument("--build-runs", type=int, default=1, help="fresh builds per system, median reported [1]")
    parser.add_argument("--seed", type=int, default=42, help="seed of the pages' generated comments [42]")
    parser.add_argument("--skip-pages-build", action="store_true", help="do not write and index the pages")
    parser.add_argument(
        "--output", type=Path, default=run.DEFAULT_OUTPUT, help="markdown file to update [docs/benchmarks.md]"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.build_runs < 1:
        parser.error("--repeats and --build-runs must be at least 1")
    from searchkit.errors import SearchkitError

    command = ("python bench/realtext.py " + " ".join(argv)).strip()
    try:
        bench = RealText(
            args.collection,
            args.work,
            repeats=args.repeats,
            build_runs=args.build_runs,
            seed=args.seed,
            pages=not args.skip_pages_build,
            command=command,
        )
    except SearchkitError as exc:
        print(f"realtext: {exc} (no benchmark run)", file=sys.stderr)
        return 2
    bench.work.mkdir(parents=True, exist_ok=True)
    results = bench.run()
    text = render(results)
    (bench.work / f"results-{bench.name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    run.update_doc(args.output, bench.name, text)
    print(text)
    bench.log(f"updated {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
