"""Fast tests for the real-text benchmark (bench/realtext.py) on a tiny hand-made BEIR folder.

The whole run (three builds, three query processes, the pages and their three builds) is done
once, on eight short abstracts and four queries (three of them judged). bench/ is not a
package: its directory is put on sys.path.
"""

import copy
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from searchkit import parse_scraped

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import realtext  # noqa: E402

HAS_TANTIVY = importlib.util.find_spec("tantivy") is not None
needs_tantivy = pytest.mark.skipif(not HAS_TANTIVY, reason="tantivy is not installed (pip install '.[bench]')")

DOCS = [
    (
        "101",
        "Honey bee colonies and neonicotinoid pesticides",
        "Hives exposed to neonicotinoid pesticides lost foragers "
        "faster than control hives. Colony collapse followed within two seasons in most exposed apiaries.",
    ),
    (
        "102",
        "Iron supplements during pregnancy",
        "Daily iron supplements lowered the rate of anaemia among pregnant "
        "women in a randomised trial of 900 mothers; ferritin levels rose by the third trimester.",
    ),
    (
        "103",
        "Glacier retreat in the Alps",
        "Alpine glaciers lost a fifth of their volume in ten years. Meltwater from "
        "retreating ice adds to rising sea levels downstream.",
    ),
    (
        "104",
        "Sleep and memory consolidation",
        "Students who slept after learning word lists recalled more words the next morning than students kept awake.",
    ),
    (
        "105",
        "Antibiotic resistance in hospital wards",
        "Carbapenem resistant bacteria spread between wards through "
        "shared equipment; cleaning routines halved new cases.",
    ),
    (
        "106",
        "Coral bleaching. A survey of reefs.",
        "Warm water bleached half of the surveyed coral reefs; recovery took years where fishing pressure stayed high.",
    ),
    ("107", "", "Urban trees cooled street temperatures by two degrees on summer afternoons."),
    (
        "108",
        "Exercise and blood pressure",
        "Brisk walking for thirty minutes a day lowered systolic blood pressure in older adults within eight weeks.",
    ),
]
QUERIES = [
    ("1", "Neonicotinoid pesticides cause bee colony collapse."),
    ("2", "Iron supplements (ferrous salts reduce anaemia in pregnant women."),
    ("3", "Glacier melt raises sea levels."),
    ("4", "Coffee improves attention."),  # no judgement: not run
]
QRELS = [("1", "101", 1), ("2", "102", 1), ("3", "103", 1)]


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("beir") / "tinyfact"
    (folder / "qrels").mkdir(parents=True)
    lines = [json.dumps({"_id": i, "title": t, "text": x}) for i, t, x in DOCS]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = [json.dumps({"_id": i, "text": x}) for i, x in QUERIES]
    (folder / "queries.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["query-id\tcorpus-id\tscore", *(f"{q}\t{d}\t{s}" for q, d, s in QRELS)]
    (folder / "qrels" / "test.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bench(collection, tmp_path_factory):
    root = tmp_path_factory.mktemp("realtext")
    output = root / "benchmarks.md"
    output.write_text("# Benchmarks\n\n<!-- bench:small -->\nthe small run\n<!-- /bench:small -->\n", encoding="utf-8")
    code = realtext.main(
        ["--collection", str(collection), "--work", str(root / "work"), "--repeats", "2", "--output", str(output)]
    )
    results = json.loads((root / "work" / "results-tinyfact.json").read_text(encoding="utf-8"))
    return code, results, output.read_text(encoding="utf-8"), root / "work"


def test_every_document_becomes_a_page_searchkit_reads_back(collection, tmp_path):
    manifest = realtext.write_pages(collection, tmp_path / "pages", seed=7, log=lambda _: None)
    assert (manifest["pages"], manifest["read_back"]) == (8, 6)
    comments = 0
    for number, (_, title, text) in enumerate(DOCS):
        article = parse_scraped(realtext.page_path(tmp_path / "pages", number).read_text(encoding="utf-8"), "p")
        if number == 5:  # two sentences: the title reads as the first paragraph
            assert article.body == f"{title}\n\n{text}"
        elif number == 6:  # no title: the text alone, read as the title of a bodiless page
            assert article.title == text and article.body == ""
        else:
            assert (article.title, article.body) == (title, text)
        assert text in article.body or text == article.title
        comments += len(article.comments)
        assert all(comment.text for comment in article.comments)
    assert comments == manifest["comments"] > 0


def test_pages_are_deterministic_and_reused(collection, tmp_path):
    first = realtext.write_pages(collection, tmp_path / "a", seed=7, log=lambda _: None)
    second = realtext.write_pages(collection, tmp_path / "b", seed=7, log=lambda _: None)
    other = realtext.write_pages(collection, tmp_path / "c", seed=8, log=lambda _: None)
    pages = [sorted(p.read_bytes() for p in (tmp_path / name).rglob("*.txt")) for name in "abc"]
    assert pages[0] == pages[1] != pages[2]
    assert first["comments"] == second["comments"] and other["seed"] == 8
    said = []
    assert realtext.write_pages(collection, tmp_path / "a", seed=7, log=said.append) == first
    assert said == [f"reusing the pages in {tmp_path / 'a'}"]


def test_a_missing_collection_is_one_line_and_exit_2(tmp_path, capsys):
    code = realtext.main(["--collection", str(tmp_path / "nowhere"), "--work", str(tmp_path / "work")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith(f"realtext: {tmp_path / 'nowhere' / 'corpus.jsonl'}: missing")


@needs_tantivy
def test_the_three_systems_answer_every_judged_query(bench):
    code, results, _, _ = bench
    assert code == 0
    systems = results["queries"]["systems"]
    assert results["queries"]["n"] == 3
    for name in realtext.SYSTEMS:
        entry = systems[name]
        assert entry["timed"] == 3 and entry["failed"] == 0, (name, entry)
        assert 0 < entry["search_p50"] <= entry["p50"] <= entry["p95"] <= entry["max"], (name, entry)
        assert entry["ndcg10"] == 1.0, (name, entry)  # each query's one relevant abstract ranks first
        assert entry["hits_mean"] >= 1 and entry["peak_rss"] > 1e6
    assert systems["tantivy"]["lenient"] == 1  # the unbalanced parenthesis


@needs_tantivy
def test_builds_index_every_document(bench):
    _, results, _, _ = bench
    for name in realtext.SYSTEMS:
        entry = results["builds"][name]
        assert entry["seconds"] > 0 and entry["peak_rss"] > 1e6 and entry["index_bytes"] > 0, (name, entry)
        assert entry["report"]["documents"] == 8
        pages = results["pages"]["builds"][name]
        assert pages["seconds"] > 0 and pages["index_bytes"] > 0, (name, pages)
        assert pages["articles"] == 8 and pages["comments"] == results["pages"]["manifest"]["comments"], name


@needs_tantivy
def test_the_section_is_written_and_the_others_kept(bench):
    _, results, text, work = bench
    assert "<!-- bench:small -->\nthe small run\n<!-- /bench:small -->" in text
    section = text.split("<!-- bench:tinyfact -->\n", 1)[1].split("<!-- /bench:tinyfact -->", 1)[0]
    assert section == realtext.render(results)
    assert section.startswith("## tinyfact (real text, BEIR)\n")
    for heading in ("### Goals (issue 11)", "### Query latency, top 100", "### Build of the collection's corpus"):
        assert heading in section
    assert "8 pages (one per document, seed 42)" in section
    assert "n/a" not in section.split("### Query latency", 1)[1]
    assert (work / "indexes-tinyfact" / "searchkit").is_dir()


def test_a_query_process_that_cannot_start_is_one_line(tmp_path):
    with pytest.raises(realtext.WorkerGone, match=r"^exit 1: .*"):
        realtext.Served("plain Whoosh", tmp_path / "no-index", env=None)


@needs_tantivy
def test_a_missing_system_shows_as_na_in_every_table(bench):
    results = copy.deepcopy(bench[1])
    missing = {"error": "tantivy is not installed (pip install '.[bench]')"}
    results["builds"]["tantivy"] = results["pages"]["builds"]["tantivy"] = results["queries"]["systems"]["tantivy"] = (
        missing
    )
    text = realtext.render(results)
    assert text.count("| tantivy | n/a: tantivy is not installed") == 3
    assert "| query p95 within 5x tantivy's | n/a | n/a |" in text
    assert "| p95 | n/a |" in text
