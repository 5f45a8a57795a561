"""Index.similar: the articles most like an article or a comment, judged on the sample corpus."""

from __future__ import annotations

import pytest

from searchkit import SearchkitError, open_index

ARCTIC = "climate/arctic-icebreaker-route.txt"


@pytest.fixture(scope="module")
def index(corpus_index):
    with open_index(corpus_index) as opened:
        yield opened


def text_of(index, article_id: str) -> str:
    article = index.article(article_id)
    return f"{article.title}\n{article.body}".lower()


def test_an_arctic_shipping_article_finds_ice_and_shipping(index):
    """The old "more like this" put the Erdoğan–Putin talks first: a passing mention of a sea and shipping."""
    found = index.similar(ARCTIC, limit=5)
    assert found.of == ARCTIC
    assert {"ice", "Icebreaker", "Arctic"} <= set(found.terms)
    ids = [hit.id for hit in found.results]
    assert ARCTIC not in ids
    assert ids[0] == "climate/alpine-glacier-loss.txt"  # ice
    for hit_id in ids[:3]:
        assert any(word in text_of(index, hit_id) for word in (" ice ", "shipping", " ships", "vessel"))
    scores = [hit.score for hit in found.results]
    assert scores == sorted(scores, reverse=True)


def test_a_summit_article_finds_russia_and_diplomacy(index):
    found = index.similar("world/putin-trump-vienna-summit.txt", limit=3)
    assert all(hit.kind == "article" for hit in found.results)
    for hit in found.results:
        text = text_of(index, hit.id)
        assert "russia" in text or "diplomat" in text


def test_a_comment_finds_its_own_article_first(index):
    found = index.similar(f"{ARCTIC}#c5", limit=3)
    assert found.results.hits[0].id == ARCTIC


def test_scope_all_may_return_comments_and_never_the_document(index):
    found = index.similar(ARCTIC, scope="all", limit=20)
    assert ARCTIC not in [hit.id for hit in found.results]


def test_unknown_id(index):
    with pytest.raises(SearchkitError, match="no article or comment"):
        index.similar("nowhere.txt")
