"""The columnar copy beside each segment: what it holds, and that a missing, stale or damaged
copy is rebuilt from its segment with a notice, never answered from."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import numpy as np
import pytest
from whoosh import index as whoosh_index

from searchkit import build_index, open_index
from searchkit import schema as f
from searchkit.engine.columnar import SUFFIX, CopyUnusable, copy_from_segment, open_copy
from searchkit.index import IndexState
from tests.conftest import CORPUS

QUERIES = ["putin trump", '"vladimir putin"', "title:summit OR comment:wheat", "grain -russia", "organi*", "putn~1"]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The sample corpus indexed in two runs (two segments), one file deleted (deletions)."""
    tmp_path = tmp_path_factory.mktemp("columnar")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    moved = tmp_path / "later"
    moved.mkdir()
    for path in sorted(corpus.rglob("*.txt"))[:10]:
        shutil.move(path, moved / path.name)
    build_index([str(corpus)], tmp_path / "index")
    for path in moved.iterdir():
        shutil.move(path, corpus / path.name)
    next(iter(sorted(corpus.rglob("*.html")))).unlink()
    build_index([str(corpus)], tmp_path / "index")
    return tmp_path / "index"


@pytest.fixture
def built(built_once, tmp_path):
    """A copy of :func:`built_once` of the test's own, to damage."""
    shutil.copytree(built_once, tmp_path / "index")
    return tmp_path / "index"


def _whoosh(folder):
    return whoosh_index.open_dir(str(folder), indexname=IndexState.load(folder).indexname)


def _copies(folder) -> list:
    return sorted(folder.glob(f"*{SUFFIX}"))


def _answers(folder) -> dict:
    with open_index(folder) as index:
        return {query: [(hit.id, round(hit.score, 9)) for hit in index.search(query, limit=50)] for query in QUERIES}


def test_every_segment_has_a_copy_equal_to_one_rebuilt_from_the_segment(built, tmp_path):
    reader = _whoosh(built).reader()
    leaves = reader.leaf_readers()
    assert len(leaves) >= 2 and reader.doc_count() < reader.doc_count_all()  # several segments, deletions
    assert len(_copies(built)) == len(leaves)
    for leaf, _ in leaves:
        segment_id = leaf.segment().segment_id()
        written = open_copy(str(built), segment_id, leaf.doc_count_all())
        scratch = tmp_path / segment_id
        scratch.mkdir()
        copy_from_segment(leaf, str(scratch))
        rebuilt = open_copy(str(scratch), segment_id, leaf.doc_count_all())
        assert written._arrays.keys() == rebuilt._arrays.keys()
        for name, values in written._arrays.items():
            assert np.array_equal(values, rebuilt._arrays[name]), name
        dates = leaf.column_reader(f.DATE, translate=False)
        assert written.column("date").tolist() == list(dates)
        kinds = [leaf.stored_fields(d)[f.KIND] == f.ARTICLE for d in range(leaf.doc_count_all())]
        assert (written.column("kind") == 1).tolist() == kinds
        assert [written.document_id(d) for d in range(leaf.doc_count_all())] == [
            leaf.stored_fields(d)[f.ID_FIELD] for d in range(leaf.doc_count_all())
        ]


def test_postings_in_the_copy_are_whooshs(built):
    reader = _whoosh(built).reader()
    for leaf, _ in reader.leaf_readers():
        copy = open_copy(str(built), leaf.segment().segment_id(), leaf.doc_count_all())
        for field_name in (f.TITLE, f.BODY, f.COMMENT, f.AUTHOR):
            for count, (text, _) in enumerate(leaf.iter_field(field_name)):
                if count % 7:
                    continue
                term = text.decode("utf-8")
                docs, frequencies = copy.postings(field_name, term)
                matcher = leaf.postings(field_name, term)
                if hasattr(matcher, "child"):  # under the deletion filter: every document, deleted ones too
                    matcher = matcher.child
                    matcher.reset()
                expected = list(matcher.items_as("weight"))
                assert list(zip(docs.tolist(), frequencies.tolist(), strict=True)) == expected, term
        assert copy.postings(f.BODY, "zzzznotaword")[0].size == 0


@pytest.mark.parametrize(
    "damage",
    ["missing", "truncated", "garbled header", "stale", "object dtype"],
)
def test_a_bad_copy_is_rebuilt_with_a_notice_and_answers_stay_the_same(built, damage):
    expected = _answers(built)
    copies = _copies(built)
    target = copies[0]
    if damage == "missing":
        target.unlink()
    elif damage == "truncated":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif damage == "garbled header":
        data = bytearray(target.read_bytes())
        data[20:40] = b"#" * 20
        target.write_bytes(bytes(data))
    elif damage == "stale":
        shutil.copyfile(copies[1], target)  # another segment's copy under this name
    else:  # an array claiming Python objects would need pickle: refused, never loaded
        data = target.read_bytes()
        size = int.from_bytes(data[8:16], "little")
        header = json.loads(data[16 : 16 + size])
        name = next(iter(header["arrays"]))
        header["arrays"][name][1] = "|O"
        encoded = json.dumps(header, sort_keys=True).encode("utf-8")
        target.write_bytes(data[:8] + len(encoded).to_bytes(8, "little") + encoded + data[16 + size :])
    with pytest.raises(CopyUnusable):
        segment_id = target.name[: -len(SUFFIX)]
        leaf = next(
            leaf for leaf, _ in _whoosh(built).reader().leaf_readers() if leaf.segment().segment_id() == segment_id
        )
        open_copy(str(built), segment_id, leaf.doc_count_all())
    done = subprocess.run(
        [sys.executable, "-m", "searchkit", "query", "putin trump", "--index", str(built), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("\n") == 1 and "columnar copy" in done.stderr and "rebuilt" in done.stderr
    assert _answers(built) == expected  # and the copy on disk is whole again: no notice now
    again = subprocess.run(
        [sys.executable, "-m", "searchkit", "query", "putin trump", "--index", str(built)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0 and again.stderr == ""


def test_a_read_only_index_without_copies_still_answers(built):
    expected = _answers(built)
    for path in _copies(built):
        path.unlink()
    mode = built.stat().st_mode
    os.chmod(built, stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(built, os.W_OK):  # root ignores the mode: nothing to test here
            pytest.skip("the index folder stays writable for this user")
        with open_index(built) as index:
            results = index.search("putin trump")
            assert "rebuilt in memory" in (results.notice or "")
        assert _answers(built) == expected
    finally:
        os.chmod(built, mode)


def test_an_index_made_before_the_copy_existed_gets_one(built):
    """An index written before this version holds no copies: they are made on first search."""
    expected = _answers(built)
    for path in _copies(built):
        path.unlink()
    with open_index(built) as index:
        results = index.search("putin trump")
    assert results.notice and results.notice.count("rebuilt from its segment") == len(_copies(built))
    assert _answers(built) == expected


def test_commands_that_do_not_search_do_not_import_numpy(built):
    probe = (
        "import sys, searchkit\n"
        f"index = searchkit.open_index({str(built)!r})\n"
        "index.stats()\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
        "index.search('putin')\n"
        "assert 'numpy' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for args in (["--version"], ["--help"], ["query", "--help"]):
        check = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "searchkit", *args], capture_output=True, text=True, timeout=60
        )
        assert check.returncode == 0 and "numpy" not in check.stderr, args


def test_an_index_with_no_live_articles_answers_every_query_with_no_hits(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(json.dumps({"id": "a", "title": "Putin", "text": "Putin met Trump."}) + "\n")
    build_index([str(corpus)], tmp_path / "index")
    (corpus / "a.jsonl").unlink()
    build_index([str(corpus)], tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        for query in [*QUERIES, "date:2020", "*", "NOT putin"]:
            assert index.search(query).total == 0, query
            assert index.ranking(query) == []
