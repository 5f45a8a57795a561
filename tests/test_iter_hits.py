"""Index.iter_hits: every article hit and every comment hit of a query as export rows, made lazily."""

from __future__ import annotations

import pytest

from searchkit import EXPORT_COLUMNS, open_index, searching


@pytest.fixture(scope="module")
def index(corpus_index):
    with open_index(corpus_index) as opened:
        yield opened


def test_every_article_and_comment_hit_once(index):
    rows = list(index.iter_hits("putin"))
    ids = [row.id for row in rows]
    assert len(ids) == len(set(ids))
    counts = index.count("putin", by="kind")
    assert sum(row.kind == "article" for row in rows) == counts.total_articles
    assert sum(row.kind == "comment" for row in rows) == counts.total_comments
    articles = {hit.id for hit in index.search("putin", scope="articles", limit=100)}
    assert {row.id for row in rows if row.kind == "article"} == articles
    # comments are rows of their own even when their article is a hit (search folds them)
    folded = {row.id for row in rows if row.kind == "comment" and row.article_id in articles}
    assert folded


def test_rows_follow_the_ranking_and_carry_the_export_columns(index):
    rows = list(index.iter_hits("wheat"))
    scores = [row.score for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0].id == index.search("wheat").hits[0].id
    record = rows[0].as_dict()
    assert tuple(record) == EXPORT_COLUMNS
    assert record["date_kind"] in ("published", "captured", None)
    assert "<em>" not in record["snippet"] and "wheat" in record["snippet"].lower()


def test_a_long_question_is_exported_in_the_order_query_shows_it(index):
    # long questions are ranked with feedback terms; the export must rank them the same way
    question = "what are the effects of sanctions on russian energy companies and oil prices"
    page = [hit.id for hit in index.search(question, scope="articles", limit=10)]
    assert [row.id for row in index.iter_hits(question, scope="articles")][:10] == page


def test_sort_by_date_newest_first_and_undated_last(index):
    rows = list(index.iter_hits("said", scope="articles", sort="date"))
    dates = [row.date for row in rows]
    first_undated = dates.index(None)
    assert all(when is None for when in dates[first_undated:])
    values = [when.value for when in dates[:first_undated]]
    assert values == sorted(values, reverse=True)


def test_filters_as_in_search(index):
    rows = list(index.iter_hits("putin", since="2022", scope="articles"))
    assert {row.id for row in rows} == {hit.id for hit in index.search("putin", since="2022", scope="articles")}
    assert list(index.iter_hits("zzzzqqq")) == []


def test_rows_are_made_one_at_a_time(index, monkeypatch):
    made = []
    real = searching.make_snippet

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(searching, "make_snippet", counting)
    rows = index.iter_hits("putin")
    next(rows)
    next(rows)
    assert len(made) == 2  # the other rows' snippets are not made until they are read
