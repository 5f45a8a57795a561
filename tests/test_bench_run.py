"""Fast smoke tests for the benchmark runner (bench/run.py) and its baselines (bench/baselines.py).

The whole run is done once, on a 30-article generated corpus with a handful of queries and
one run of each one-shot command. bench/ is not a package: its directory is put on sys.path.
"""

import copy
import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import run  # noqa: E402

HAS_TANTIVY = importlib.util.find_spec("tantivy") is not None
BUILDS = ["searchkit", "searchkit --jobs 1", "plain Whoosh", "tantivy"]
ONESHOT = ["python -c pass", "searchkit --version", 'searchkit query "Putin Trump" --format json']
GOALS = [
    "full build ≥ 3x faster than plain Whoosh",
    "rerun with nothing changed < 5% of the full build",
    "rerun with 1% of files changed < 10% of the full build",
    "query p95 ≥ 3x lower than plain Whoosh (medium)",
    "query p95 < 100 ms (medium)",
    "`searchkit --version` within 2x `python -c pass`",
    "one-shot query within 300 ms of `python -c pass`",
    "peak build memory < 1.5 GB (large)",
]


def digest(folder: Path) -> str:
    h = hashlib.blake2b()
    for path in sorted(folder.rglob("*.txt")):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(path.read_bytes())
        h.update(str(path.stat().st_mtime_ns).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    corpus = root / "corpus"
    generate.generate(corpus, 30, seed=42, workers=1)
    before = digest(corpus)
    results = run.Bench(
        corpus, root / "work", label="small", n_queries=7, runs=1, skip_tantivy=False, log=lambda _: None
    ).run()
    return results, run.render(results), before, digest(corpus)


def rows(text: str, section: str) -> dict[str, str]:
    """First cell -> whole row, for the markdown table under ``### section``."""
    part = text.split(f"### {section}", 1)[1].split("\n### ", 1)[0]
    found = {}
    for line in part.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            found[line.split(" | ")[0][2:].strip()] = line
    return found


def test_every_table_has_every_row(bench):
    _, text, _, _ = bench
    assert text.startswith("## small corpus\n")
    assert list(rows(text, "Goals"))[1:] == GOALS
    assert list(rows(text, "Full index build"))[1:] == BUILDS
    incremental = list(rows(text, "Incremental update (searchkit)"))[1:]
    assert incremental[:2] == ["full build (from the table above)", "rerun, nothing changed"]
    assert incremental[2] == "rerun, 1 file edited (3.3%)"
    assert list(rows(text, "Query latency"))[1:4] == ["searchkit", "plain Whoosh", "tantivy"]
    assert list(rows(text, "One-shot commands"))[1:] == [f"`{name}`" for name in ONESHOT]
    assert list(rows(text, "searchkit against the baselines"))[1:] == [
        "full build time",
        "peak build memory",
        "index size",
        "query p50",
        "query p95",
    ]
    for line in rows(text, "Goals").values():
        assert line.endswith(("| met |", "| **not met** |", "is for medium) |", "is for large) |", "| status |"))


def test_figures_are_positive(bench):
    results, text, _, _ = bench
    measured = BUILDS if HAS_TANTIVY else BUILDS[:3]
    for name in measured:
        entry = results["builds"][name]
        assert entry["seconds"] > 0 and entry["peak_rss"] > 1e6 and entry["index_bytes"] > 0, (name, entry)
        assert entry["articles"] == 30
    for name in run.SYSTEMS if HAS_TANTIVY else run.SYSTEMS[:2]:
        entry = results["queries"]["systems"][name]
        assert 0 < entry["p50"] <= entry["p95"] <= entry["max"], (name, entry)
        assert entry["timed"] + entry["failed"] == 7 and entry["peak_rss"] > 1e6
    for name in ONESHOT:
        entry = results["oneshot"][name]
        assert entry["median"] > 0 and entry["peak_rss"] > 1e6, (name, entry)
    incremental = results["incremental"]
    assert incremental["unchanged"]["seconds"] > 0 and incremental["unchanged"]["report"]["unchanged"] == 30
    assert incremental["changed"]["report"]["updated"] == 1 and "note" not in incremental["changed"]
    assert "n/a" not in text.split("### Full index build", 1)[1].split("| tantivy")[0]


def test_tantivy_is_measured_or_reported_missing(bench):
    results, text, _, _ = bench
    build = rows(text, "Full index build")["tantivy"]
    if HAS_TANTIVY:
        assert results["builds"]["tantivy"]["seconds"] > 0
        assert "n/a" not in build
    else:
        assert "n/a: tantivy is not installed" in build


def test_corpus_is_restored_after_the_edits(bench):
    _, _, before, after = bench
    assert before == after


def test_a_failing_system_is_reported_not_raised(bench):
    results = copy.deepcopy(bench[0])
    results["builds"]["plain Whoosh"] = {"error": "exit 1: ModuleNotFoundError: No module named 'whoosh'"}
    results["queries"]["systems"]["plain Whoosh"] = {"error": "no index (build failed)"}
    results["oneshot"]['searchkit query "Putin Trump" --format json'] = {"error": "exit 2: boom"}
    text = run.render(results)
    assert "| plain Whoosh | n/a: exit 1: ModuleNotFoundError" in text
    assert "| plain Whoosh | n/a: no index (build failed)" in text
    assert rows(text, "Goals")[GOALS[0]] == f"| {GOALS[0]} | n/a | n/a |"
    assert rows(text, "Goals")[GOALS[6]] == f"| {GOALS[6]} | n/a | n/a |"


def test_goals_are_computed_from_the_figures(bench):
    results = copy.deepcopy(bench[0])
    results["builds"]["searchkit"]["seconds"] = 1.0
    results["builds"]["plain Whoosh"]["seconds"] = 3.5
    results["incremental"].update(full=1.0, unchanged={"seconds": 0.2}, changed={"seconds": 0.05})
    results["label"] = "medium"
    found = {goal: status for goal, _, status in run.goals(results)}
    assert found[GOALS[0]] == "met"
    assert found[GOALS[1]] == "**not met**"
    assert found[GOALS[2]] == "met"


def test_measure_times_and_samples_memory():
    allocate = "import time; x = bytearray(80_000_000); x[::4096] = b'1' * len(x[::4096]); time.sleep(0.3)"
    done = run.measure([sys.executable, "-c", allocate])
    assert done.returncode == 0 and done.failure() is None
    assert done.seconds >= 0.3 and done.peak_rss >= 80_000_000
    failed = run.measure([sys.executable, "-c", "import sys; sys.exit('it broke')"], sample=False)
    assert failed.failure() == "exit 1: it broke"


def test_update_doc_replaces_only_its_own_section(tmp_path):
    doc = tmp_path / "benchmarks.md"
    run.update_doc(doc, "medium", "## medium corpus\n\nfirst medium\n")
    run.update_doc(doc, "small", "## small corpus\n\nfirst small\n")
    run.update_doc(doc, "small", "## small corpus\n\nsecond small\n")
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n")
    assert "second small" in text and "first small" not in text and "first medium" in text
    assert text.index("## small corpus") < text.index("## medium corpus")
    assert text.count("<!-- bench:small -->") == 1


def test_update_doc_keeps_text_written_by_hand(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# Benchmarks\n\nold head\n\n<!-- bench:small -->\nfirst small\n<!-- /bench:small -->\n\n"
        "## Measured by hand\n\nkept as written\n\n<!-- bench:large -->\nfirst large\n<!-- /bench:large -->\n\n"
        "## After the sections\n\nalso kept\n",
        encoding="utf-8",
    )
    run.update_doc(doc, "small", "second small")
    run.update_doc(doc, "medium", "first medium")
    run.update_doc(doc, "scifact", "first scifact")
    text = doc.read_text()
    assert text.startswith(run.DOC_HEAD) and "old head" not in text
    order = ["second small", "## Measured by hand", "kept as written", "first medium", "first large"]
    order += ["## After the sections", "also kept", "first scifact"]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)
    assert "first small" not in text and text.count("<!-- bench:") == 4
    run.update_doc(doc, "scifact", "second scifact")
    assert doc.read_text() == text.replace("first scifact", "second scifact")


def test_stale_edits_are_undone(tmp_path):
    corpus = tmp_path / "corpus"
    generate.generate(corpus, 3, seed=1, workers=1)
    first = run.edited_files(corpus)
    assert [p.name for p in first] == ["a000000.txt"]
    original = first[0].read_bytes()
    first[0].write_bytes(original + run.EDIT)
    assert run.undo_stale_edits(corpus) == 1
    assert first[0].read_bytes() == original


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert run.percentile(values, 0.5) == 10.0
    assert run.percentile(values, 0.95) == 19.0
    assert run.percentile([3.0], 0.95) == 3.0


def test_reuse_builds_measures_again_on_the_last_indexes(bench):
    results = bench[0]
    corpus = Path(results["corpus"]["path"])
    work = corpus.parent / "work"
    (work / "results-small.json").write_text(run.json.dumps(results), encoding="utf-8")
    again = run.Bench(corpus, work, label="small", n_queries=7, runs=1, reuse_builds=True, log=lambda _: None).run()
    assert again["builds"] == results["builds"]
    assert again["builds_from"]["date"] == results["date"]
    assert again["queries"]["systems"]["searchkit"]["timed"] == 7
    assert again["incremental"]["unchanged"]["report"]["unchanged"] == 30
    assert "Index builds reused (`--reuse-builds`) from the run of" in run.render(again)


def test_scaling_reads_the_runs_results_and_shows_the_build_phases(bench, tmp_path):
    import json

    import scaling

    results = bench[0]
    (tmp_path / "results-small.json").write_text(json.dumps(results), encoding="utf-8")
    text = scaling.tables(scaling.load(tmp_path))
    curve = rows(text, "The curve")
    assert (
        curve["documents (articles + comments)"]
        == f"| documents (articles + comments) | {30 + results['corpus']['comments']:,} |"
    )
    for phase in ("planning", "reading", "committing"):
        assert "n/a" not in curve[f"build: {phase} s"]
    assert "n/a" not in curve["query p95 ms"] and "n/a" not in curve["one-shot minus `python -c pass` ms"]


def test_scaling_finds_where_p95_crosses_the_target_on_the_log_log_line():
    import scaling

    # p95 quadruples while documents grow tenfold: k = log 4 / log 10; 100 ms is reached at 10 ** (1 / k) M.
    assert scaling.crossing([(1_000_000, 0.05), (10_000_000, 0.2)], 0.1) == "3.2 M documents (between measured sizes)"
    assert scaling.crossing([(1_000_000, 0.02), (2_000_000, 0.04)], 0.1).startswith("about 5 M documents")
    assert scaling.crossing([(1_000_000, 0.02), (2_000_000, 0.021)], 0.1).startswith("beyond 20 M documents")
    assert scaling.crossing([(1_000_000, 0.2)], 0.1).startswith("already at the smallest size")
    assert scaling.crossing([(1_000_000, 0.03), (2_000_000, 0.02)], 0.1).startswith("not reached")
