#!/usr/bin/env python3
"""Reading speed per input format: pages per second through each reader of searchkit.sources.

Usage::

    python bench/read_speed.py [--pages N] [--work DIR]

Inputs are made from the sample corpus and tests/data in ``--work`` (default: a temporary
folder): N scraped-text pages (the corpus's .txt pages, copied round), a JSON Lines file of N
records (the same pages as records), N HTML pages (the look-alike pages of tests/data/html,
copied round) and one WARC of N pages (the same HTML pages, each with its request record, as a
crawler writes them). Each format is read by ``read_source`` (the same call the indexer makes)
in one process, after one untimed warm-up file; the time covers reading, decoding and parsing,
not indexing. The formats are read in turn ``--runs`` times (default 3) and the fastest run of
each is kept: the machine is shared, and the fastest run is the one least disturbed. Prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchkit.sources import SourceFile, read_source  # noqa: E402
from searchkit.sources.scraped import parse_scraped  # noqa: E402


def make_inputs(work: Path, pages: int) -> dict[str, list[Path]]:
    texts = sorted((ROOT / "corpus").rglob("*.txt"))
    htmls = sorted((ROOT / "tests" / "data" / "html").glob("*.html"))
    made: dict[str, list[Path]] = {}
    folder = work / "text"
    folder.mkdir(parents=True)
    made["text"] = []
    for n in range(pages):
        target = folder / f"page-{n:05}.txt"
        shutil.copy(texts[n % len(texts)], target)
        made["text"].append(target)
    records = work / "records.jsonl"
    with open(records, "w", encoding="utf-8") as handle:
        for n in range(pages):
            article = parse_scraped(texts[n % len(texts)].read_text(encoding="utf-8"), str(n))
            record = {"id": str(n), "title": article.title, "text": article.body}
            record["comments"] = [{"author": c.author, "text": c.text} for c in article.comments]
            handle.write(json.dumps(record) + "\n")
    made["JSONL"] = [records]
    folder = work / "html"
    folder.mkdir()
    made["HTML"] = []
    for n in range(pages):
        target = folder / f"page-{n:05}.html"
        shutil.copy(htmls[n % len(htmls)], target)
        made["HTML"].append(target)
    made["WARC"] = [_write_warc(work / "crawl.warc.gz", [htmls[n % len(htmls)] for n in range(pages)])]
    return made


def _write_warc(target: Path, pages: list[Path]) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(target, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n, page in enumerate(pages):
            url = f"https://crawl.example/{n}/{page.stem}"
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "crawl.example")], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
            )
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            body = io.BytesIO(page.read_bytes())
            writer.write_record(writer.create_warc_record(url, "response", payload=body, http_headers=headers))
    return target


def measure(files: list[Path]) -> tuple[int, float]:
    """(articles read, seconds) for reading every file, after one untimed warm-up read."""
    list(read_source(SourceFile(files[0], files[0].name)).articles)
    started = time.perf_counter()
    count = 0
    for path in files:
        count += sum(1 for _ in read_source(SourceFile(path, path.name)).articles)
    return count, time.perf_counter() - started


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="read-speed-"))
    try:
        inputs = make_inputs(work, args.pages)
        best: dict[str, tuple[int, float]] = {}
        for _ in range(args.runs):
            for name, files in inputs.items():
                count, seconds = measure(files)
                if name not in best or seconds < best[name][1]:
                    best[name] = (count, seconds)
        print(f"{platform.machine()}, Python {platform.python_version()}, {args.pages} pages, best of {args.runs}")
        print("| format | pages | input MB | seconds | pages/s |")
        print("|---|---:|---:|---:|---:|")
        for name, files in inputs.items():
            size = sum(path.stat().st_size for path in files) / 2**20
            count, seconds = best[name]
            print(f"| {name} | {count} | {size:.1f} | {seconds:.2f} | {count / seconds:,.0f} |")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
