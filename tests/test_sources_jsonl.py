"""JSON Lines input: good records, and bad lines reported as path:LINE without losing the rest."""

from __future__ import annotations

from datetime import date

from searchkit.sources import SourceFile, discover, read_source

from .conftest import DATA, SCIFACT, needs_shared


def test_records_and_problems():
    source = SourceFile(DATA / "records.jsonl", "records.jsonl")
    read = read_source(source)
    articles = list(read.articles)
    assert [a.id for a in articles] == ["r1", "r2", "r5"]
    first = articles[0]
    assert (first.title, first.date, first.url, first.source) == (
        "Bridge repairs delayed again",
        date(2022, 11, 4),
        "https://example.org/r1",
        "records.jsonl",
    )
    assert [(c.id, c.author, c.date) for c in first.comments] == [
        ("r1#c1", "Ines Duarte", date(2022, 11, 5)),
        ("r1#c2", None, None),
    ]
    assert articles[1].body.startswith("Volunteers planted")  # "_id" and "body" accepted
    path = DATA / "records.jsonl"
    assert read.problems == [
        f"{path}:3: not valid JSON (Expecting ',' delimiter), line skipped",
        f'{path}:4: record has no id (expected "id" or "_id"), line skipped',
        f'{path}:5: record \'r4\' has no text (expected "text" or "body"), line skipped',
        f"{path}:6: date 'not a date' not understood, ignored",
    ]


def test_duplicate_ids_are_read_with_their_lines(tmp_path):
    """The reader keeps both records; the indexer renames the later one (tests/test_ids.py)."""
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "a", "text": "one"}\n\n{"id": "a", "text": "two"}\n', encoding="utf-8")
    read = read_source(SourceFile(path, "dup.jsonl"))
    assert [(a.id, a.body, a.line) for a in read.articles] == [("a", "one", 1), ("a", "two", 3)]
    assert read.problems == []


def test_discover_reports_unsupported_files(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    files, errors = discover([tmp_path])
    assert [f.source_id for f in files] == ["a.txt"]
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'notes.pdf'}: not a supported file type (.pdf); "
        "supported: .txt, .text, no suffix, .jsonl, .ndjson, .html, .htm, .html.gz, .htm.gz, .warc, .warc.gz"
    ]


@needs_shared(SCIFACT)
def test_beir_corpus_is_valid_input():
    read = read_source(SourceFile(SCIFACT / "corpus.jsonl", "corpus.jsonl"))
    articles = list(read.articles)
    assert len(articles) == 5183 and read.problems == []
    assert articles[0].id == "4983"
