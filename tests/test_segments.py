"""SegmentBuilder writes what Whoosh's own writer writes for the same documents."""

from __future__ import annotations

import hashlib

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from searchkit import schema as f
from searchkit.analysis import term_positions
from searchkit.engine import segments
from searchkit.indexing import article_documents
from searchkit.sources import discover, read_source

from .conftest import CORPUS, DATA


def _documents() -> list[dict]:
    files, _ = discover([str(CORPUS), str(DATA / "pages"), str(DATA / "records.jsonl")])
    documents = []
    for source in files:
        for article in read_source(source).articles:
            documents.extend(article_documents(article))
    return documents


@pytest.fixture(scope="module")
def documents():
    return _documents()


def _whoosh_index(folder, documents):
    ix = whoosh_index.create_in(str(folder), f.build_schema())
    writer = ix.writer(compound=False)
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return ix


def _builder_index(folder, documents):
    ix = whoosh_index.create_in(str(folder), f.build_schema())
    builder = segments.SegmentBuilder(FileStorage(str(folder)), ix.indexname, ix.schema)
    for document in documents:
        builder.add(document)
    segment = builder.finish()
    writer = ix.writer()
    writer._close_segment()
    writer._commit_toc([segment])
    writer._finish()
    return ix


def _segment_files(folder) -> dict[str, str]:
    """Each segment file by its kind (``pst``, ``_body_len.col``...), with a digest of its bytes."""
    found = {}
    for path in folder.iterdir():
        if path.name.startswith("MAIN_") and "." in path.name:
            kind = path.name.split(".", 1)[1]
            found[kind] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_stored_fields_lengths_and_columns_are_byte_for_byte_whooshs(tmp_path, documents):
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "builder").mkdir()
    expected = _whoosh_index(tmp_path / "whoosh", documents)
    built = _builder_index(tmp_path / "builder", documents)
    want, got = _segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "builder")
    assert set(got) == set(want) | {"cols"}  # Whoosh's files, and searchkit's columnar copy beside them
    columns = {kind for kind in want if kind.endswith(".col")}
    assert {"_stored.col", "_body_len.col", "_comment_len.col", "date.col", "article_id.col"} <= columns
    assert {kind: got[kind] for kind in columns} == {kind: want[kind] for kind in columns}
    [want_segment] = expected._segments()
    [got_segment] = built._segments()
    assert got_segment.doc_count_all() == want_segment.doc_count_all() == len(documents)
    assert got_segment._fieldlengths == want_segment._fieldlengths


def test_terms_and_postings_read_back_the_same(tmp_path, documents):
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "builder").mkdir()
    expected = _whoosh_index(tmp_path / "whoosh", documents).reader()
    built = _builder_index(tmp_path / "builder", documents).reader()
    try:
        assert list(built.all_terms()) == list(expected.all_terms())
        compared = 0
        for field_name, term in expected.all_terms():
            got, want = built.postings(field_name, term), expected.postings(field_name, term)
            assert _items(got) == _items(want), (field_name, term)
            assert _statistics(built.term_info(field_name, term)) == _statistics(expected.term_info(field_name, term))
            compared += 1
        assert compared > 5_000
        for docnum in range(expected.doc_count_all()):
            assert built.stored_fields(docnum) == expected.stored_fields(docnum)
            for field_name in f.TEXT_FIELDS:
                assert built.doc_field_length(docnum, field_name) == expected.doc_field_length(docnum, field_name)
    finally:
        expected.close()
        built.close()


def _statistics(info) -> tuple:
    return (
        info.weight(),
        info.doc_frequency(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
        info.min_id(),
        info.max_id(),
    )


def _items(matcher) -> list[tuple]:
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value(), matcher.block_max_length()))
        matcher.next()
    return found


def test_term_positions_counts_positions_without_stop_words():
    found, words = term_positions("The Kremlin's leaders met the leaders of NGOs")
    assert words == ["The", "Kremlin's", "leaders", "met", "the", "leaders", "of", "NGOs"]
    assert found == {
        "kremlin": [0],
        "leader": [1, 3],
        "met": [2],
        "ngo": [4],
    }
