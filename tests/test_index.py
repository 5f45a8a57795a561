"""Index: vocabulary of surface words, completion lists, spelling suggestions, author names."""

from __future__ import annotations

import pytest

from searchkit import build_index, open_index
from searchkit.index import edit_distance


@pytest.fixture(scope="module")
def index(corpus_index):
    with open_index(corpus_index) as opened:
        yield opened


def test_words_are_surface_forms_by_frequency(index):
    assert index.words("icebr") == ["icebreakers", "icebreaker"]
    assert "icebreak" not in index.vocabulary()  # never a stem
    assert index.words("erd") == ["erdoğan"]
    assert index.words("zzzz") == []


def test_suggest_the_nearest_frequent_word(index):
    assert index.suggest("putn") == "putin"
    assert index.suggest("wheet") == "wheat"
    assert index.suggest("wheat") is None  # a known word needs no suggestion
    assert index.suggest("qqqqqq") is None


def test_author_names(index):
    names = index.authors("mehmet")
    assert names == ["Mehmet Aydın"]


def test_vocabulary_grows_with_new_files(pages_copy, tmp_path):
    build_index([pages_copy], tmp_path / "ix")
    (pages_copy / "tram.txt").write_text("Tramway Opens\n\nThe tramway opened today.\n", encoding="utf-8")
    build_index([pages_copy], tmp_path / "ix")
    with open_index(tmp_path / "ix") as opened:
        assert opened.words("tramw") == ["tramway"]
        assert opened.vocabulary()["tramway"] == 1  # one document: the article (title and body)


@pytest.mark.parametrize(
    "a, b, distance", [("putn", "putin", 1), ("ab", "ba", 1), ("kitten", "sitting", 3), ("", "abc", 3)]
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(a, b, limit=1) == min(distance, 2)


def test_a_searcher_holds_its_segment_files_once_opened(pages_index, tmp_path):
    """Whoosh opens stored fields and lengths on first use; a writer may delete a merged
    segment in between. searchkit opens them with the searcher, so a search still works."""
    import shutil

    from searchkit import open_index

    copy = tmp_path / "ix"
    shutil.copytree(pages_index, copy)
    with open_index(copy) as index:
        index.searcher()
        for path in copy.iterdir():
            if path.suffix in {".col", ".trm", ".pst"}:
                path.unlink()
        index.refresh = lambda: None  # keep the searcher opened before the deletion
        results = index.search("ferry")
        assert results.total == 1 and results.hits[0].title
