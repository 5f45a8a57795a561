#!/usr/bin/env python3
"""The scaling curve: bench/run.py's results for each corpus size, side by side.

Usage::

    python bench/scaling.py [--work /work/benchdata/out] [--output docs/scaling.md]

Reads ``WORK/results-<size>.json`` for the sizes of :data:`run.SIZE_ORDER` that
have one (each written by ``python bench/run.py --size SIZE``) and prints, as
markdown: the corpus, the build, the index and its columnar copy, query
latency for the benchmark's mix (overall and by kind of query), the query
process's memory and the one-shot query; then how each grows from one size to
the next (the exponent ``k`` in ``cost ~ documents ** k``), and where query
p95 crosses :data:`TARGET_MS`, interpolated on the log-log line between the
two sizes around the crossing (or extrapolated from the last two sizes,
which the table says). With ``--output`` the tables replace the text between
``<!-- scaling:begin -->`` and ``<!-- scaling:end -->`` in that file.
Nothing here is measured: it only reads what run.py measured.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from run import DEFAULT_WORK, MB, SIZE_ORDER

TARGET_MS = 100.0
"""The query p95 one machine should stay under."""
EXTRAPOLATE_UP_TO = 10
"""Extrapolate the last two sizes' growth at most this many times past the largest size."""
BEGIN, END = "<!-- scaling:begin -->", "<!-- scaling:end -->"


def load(work: Path) -> dict[str, dict]:
    found = {}
    for size in SIZE_ORDER:
        path = work / f"results-{size}.json"
        if path.exists():
            found[size] = json.loads(path.read_text(encoding="utf-8"))
    return found


def documents(result: dict) -> int:
    corpus = result["corpus"]
    return (corpus.get("articles") or 0) + (corpus.get("comments") or 0)


def searchkit_queries(result: dict) -> dict:
    return result.get("queries", {}).get("systems", {}).get("searchkit", {})


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:,.1f}"


def exponent(small: float | None, large: float | None, docs_small: int, docs_large: int) -> str:
    if not small or not large or docs_small <= 0 or docs_large <= docs_small:
        return "n/a"
    return f"{math.log(large / small) / math.log(docs_large / docs_small):.2f}"


def crossing(points: list[tuple[int, float]], target: float) -> str:
    """Where the line through ``(documents, p95 seconds)`` points crosses ``target``."""
    points = [(docs, p95) for docs, p95 in points if p95]
    for (d0, p0), (d1, p1) in zip(points, points[1:], strict=False):
        if p0 <= target < p1:
            return f"{_interpolate(d0, p0, d1, p1, target) / 1e6:,.1f} M documents (between measured sizes)"
    if points and points[0][1] >= target:
        return f"already at the smallest size ({points[0][0] / 1e6:,.2f} M documents)"
    if len(points) >= 2 and points[-1][1] > points[-2][1]:
        (d0, p0), (d1, p1) = points[-2], points[-1]
        at = _interpolate(d0, p0, d1, p1, target)
        if at <= EXTRAPOLATE_UP_TO * d1:
            return f"about {at / 1e6:,.0f} M documents (extrapolated from the last two sizes)"
        limit = EXTRAPOLATE_UP_TO * d1 / 1e6
        return f"beyond {limit:,.0f} M documents ({EXTRAPOLATE_UP_TO}x the largest size, at the last two sizes' growth)"
    return "not reached, and not growing between the last two sizes"


def _interpolate(d0: int, p0: float, d1: int, p1: float, target: float) -> float:
    slope = math.log(p1 / p0) / math.log(d1 / d0)
    return d0 * math.exp(math.log(target / p0) / slope)


def tables(results: dict[str, dict]) -> str:
    sizes = list(results)
    lines = ["| | " + " | ".join(sizes) + " |", "|---|" + "---:|" * len(sizes)]

    def row(name: str, values) -> None:
        lines.append(f"| {name} | " + " | ".join(values) + " |")

    builds = {size: results[size].get("builds", {}).get("searchkit", {}) for size in sizes}
    queries = {size: searchkit_queries(results[size]) for size in sizes}
    oneshot = {size: results[size].get("oneshot", {}) for size in sizes}
    row("measured on", [results[size]["date"][:16].replace("T", " ") for size in sizes])
    row("articles", [f"{results[size]['corpus'].get('articles') or 0:,}" for size in sizes])
    row("comments", [f"{results[size]['corpus'].get('comments') or 0:,}" for size in sizes])
    row("documents (articles + comments)", [f"{documents(results[size]):,}" for size in sizes])
    row("input MB", [f"{results[size]['corpus']['bytes'] / MB:,.0f}" for size in sizes])
    row("build s (2 worker processes)", [_number(builds[size].get("seconds"), "{:,.0f}") for size in sizes])
    row("build: input MB/s", [_rate(builds[size], results[size]) for size in sizes])
    for phase in ("planning", "reading", "committing"):
        row(
            f"build: {phase} s",
            [_number((builds[size].get("phases") or {}).get(phase), "{:,.1f}") for size in sizes],
        )
    row("build peak RSS MB", [_number(_mb(builds[size].get("peak_rss")), "{:,.0f}") for size in sizes])
    row("index MB", [_number(_mb(builds[size].get("index_bytes")), "{:,.0f}") for size in sizes])
    row("columnar copy MB", [_number(_mb(builds[size].get("copy_bytes")), "{:,.0f}") for size in sizes])
    row("query p50 ms", [ms(queries[size].get("p50")) for size in sizes])
    row("query p95 ms", [ms(queries[size].get("p95")) for size in sizes])
    row("query mean ms", [ms(queries[size].get("mean")) for size in sizes])
    row("query max ms", [ms(queries[size].get("max")) for size in sizes])
    kinds = results[sizes[-1]].get("queries", {}).get("kinds", [])
    for kind in kinds:
        row(f"p95 ms, {kind}", [ms(queries[size].get("by_kind", {}).get(kind, {}).get("p95")) for size in sizes])
    row("query process peak RSS MB", [_number(_mb(queries[size].get("peak_rss")), "{:,.0f}") for size in sizes])
    row("opening the index s", [_number(queries[size].get("open_seconds"), "{:.2f}") for size in sizes])
    name = 'searchkit query "Putin Trump" --format json'
    row("one-shot query ms (median)", [ms(oneshot[size].get(name, {}).get("median")) for size in sizes])
    row(
        "one-shot minus `python -c pass` ms",
        [_minus(oneshot[size].get(name, {}), oneshot[size].get("python -c pass", {})) for size in sizes],
    )
    peaks = [_mb(oneshot[size].get(name, {}).get("peak_rss")) for size in sizes]
    row("one-shot peak RSS MB", [_number(peak, "{:,.0f}") for peak in peaks])
    row("load average before / after", [_load(results[size]) for size in sizes])

    out = ["### The curve", "", *lines, ""]
    growth = ["| from → to | documents × | p50 k | p95 k | query RSS k | copy k |", "|---|---:|---:|---:|---:|---:|"]
    for a, b in zip(sizes, sizes[1:], strict=False):
        da, db = documents(results[a]), documents(results[b])
        growth.append(
            f"| {a} → {b} | {db / da:.1f} | "
            + " | ".join(
                exponent(value(a), value(b), da, db)
                for value in (
                    lambda s: queries[s].get("p50"),
                    lambda s: queries[s].get("p95"),
                    lambda s: queries[s].get("peak_rss"),
                    lambda s: builds[s].get("copy_bytes"),
                )
            )
            + " |"
        )
    out += ["### Growth: cost ~ documents ** k", "", *growth, ""]
    cross = ["| queries | p95 crosses 100 ms at |", "|---|---|"]
    points = [(documents(results[size]), queries[size].get("p95")) for size in sizes]
    cross.append(f"| the whole mix | {crossing(points, TARGET_MS / 1000)} |")
    for kind in kinds:
        kind_points = [
            (documents(results[size]), queries[size].get("by_kind", {}).get(kind, {}).get("p95")) for size in sizes
        ]
        cross.append(f"| {kind} | {crossing(kind_points, TARGET_MS / 1000)} |")
    out += [f"### Where p95 crosses {TARGET_MS:.0f} ms", "", *cross, ""]
    return "\n".join(out)


def _mb(value: float | None) -> float | None:
    return None if value is None else value / MB


def _number(value: float | None, pattern: str) -> str:
    return "n/a" if value is None else pattern.format(value)


def _rate(build: dict, result: dict) -> str:
    seconds = build.get("seconds")
    return "n/a" if not seconds else f"{result['corpus']['bytes'] / MB / seconds:.2f}"


def _minus(run: dict, base: dict) -> str:
    if "median" not in run or "median" not in base:
        return "n/a"
    return f"+{(run['median'] - base['median']) * 1000:,.0f}"


def _load(result: dict) -> str:
    before, after = result.get("load_before"), result.get("load_after")
    return f"{before:.1f} / {after:.1f}" if before is not None and after is not None else "n/a"


def replace_section(path: Path, text: str) -> None:
    document = path.read_text(encoding="utf-8")
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no {BEGIN} ... {END} section to replace")
    path.write_text(document[: start + len(BEGIN)] + "\n" + text + "\n" + document[end:], encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where run.py wrote results-<size>.json")
    parser.add_argument("--output", type=Path, help="markdown file whose scaling section to replace")
    args = parser.parse_args(argv)
    results = load(args.work)
    if not results:
        print(f"no results-<size>.json in {args.work}: run bench/run.py first", file=sys.stderr)
        return 1
    text = tables(results)
    print(text)
    if args.output:
        replace_section(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
