"""Ranking, filters and result shape on the bundled sample corpus (exact expectations)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from searchkit import QuerySyntaxError, open_index

BOTH_NAMES = [
    "world/putin-trump-vienna-summit.txt",
    "politics/ohio-house-debate-russia.txt",
    "tech/fake-summit-video-spreads.txt",
    "culture/diplomat-memoir-review.txt",
    "business/oil-prices-russia-sanctions-talks.txt",
]


@pytest.fixture(scope="module")
def index(corpus_index):
    with open_index(corpus_index) as opened:
        yield opened


def ids(results):
    return [hit.id for hit in results]


def test_putin_trump_ranks_articles_with_both_names_first(index):
    results = index.search("Putin Trump", limit=7)
    assert ids(results)[:5] == BOTH_NAMES
    # then articles naming only one of them, still returned
    assert set(ids(results)[5:7]) == {
        "politics/trump-rally-tariffs-pennsylvania.txt",
        "world/erdogan-putin-sochi-talks.txt",
    }
    assert results.total == 29
    top = results.hits[0]
    assert top.kind == "article" and top.title.startswith("Putin and Trump Agree to Meet in Vienna")
    assert top.comment_count == 12 and len(top.comments) == 3
    for comment in top.comments:  # comments with both names come first
        assert {"Putin", "Trump"} <= set(comment.snippet.text.replace(".", " ").replace(",", " ").split())


def test_comments_of_matching_articles_are_folded_under_them(index):
    results = index.search("Putin Trump", limit=100)
    article_hits = {hit.id for hit in results if hit.kind == "article"}
    comment_hits = [hit for hit in results if hit.kind == "comment"]
    assert comment_hits, "comments under unrelated articles are hits of their own"
    assert all(hit.article_id not in article_hits for hit in comment_hits)
    assert len(results.hits) == results.total


@pytest.mark.parametrize(
    "query, first",
    [
        ("wheat", "business/australia-wheat-harvest-exports.txt"),
        ("icebreaker", "climate/arctic-icebreaker-route.txt"),
        ("volcano eruption", "science/reykjanes-volcano-eruption.txt"),
        ("chess", "sport/chess-championship-final-game.txt"),
        ("measles vaccination", "local/measles-outbreak-vaccination-clinics.txt"),
        ("data breach", "tech/telecom-data-breach.txt"),
        ("Zurich", "business/swiss-central-bank-raises-rates.txt"),
        ("Sao Paulo", "sport/cup-final-sao-paulo.txt"),
        ("Erdogan", "world/erdogan-putin-sochi-talks.txt"),
        ("title:wheat", "business/australia-wheat-harvest-exports.txt"),
    ],
)
def test_clear_winners(index, query, first):
    assert ids(index.search(query))[0] == first


def test_stemming_finds_every_inflection(index):
    expected = {
        "world/congo-ceasefire-monitors.txt",
        "business/battery-plant-union-drive.txt",
        "local/library-branch-closure-protest.txt",
    }
    for query in ("organized", "organizing", "organization"):
        assert set(ids(index.search(query, scope="articles"))) == expected


def test_accents_fold_both_ways(index):
    assert ids(index.search("Erdoğan")) == ids(index.search("erdogan"))


def test_phrase_and_boolean_syntax(index):
    phrase = index.search('"Vladimir Putin"', limit=50)
    assert phrase.total == 7
    assert set(ids(index.search("Putin NOT Trump", scope="articles", limit=50))) == {
        "world/erdogan-putin-sochi-talks.txt",
        "world/moscow-beijing-pipeline-price.txt",
    }


def test_highlights_show_original_words(index):
    hit = index.search("organizing", scope="articles").hits[0]
    assert "<em>" in hit.snippet.marked()
    marked_words = {hit.snippet.text[s:e] for s, e in hit.snippet.spans}
    assert marked_words & {"organized", "organizing", "organizations"}


def test_scope_author_and_dates(index):
    comments = index.search("Erdoğan", scope="comments")
    assert comments.hits and all(hit.kind == "comment" for hit in comments)
    by_author = index.search("Erdoğan", author="mehmet aydin")
    assert [(hit.kind, hit.author) for hit in by_author] == [("comment", "Mehmet Aydın")]
    recent = index.search("Putin", since="2023", scope="articles", limit=50)
    assert recent.hits and all(hit.date.value >= date(2023, 1, 1) for hit in recent)
    older = index.search("Putin", until="2019-12", scope="articles", limit=50)
    assert older.hits and all(hit.date.value <= date(2019, 12, 31) for hit in older)
    assert set(ids(recent)).isdisjoint(ids(older))


def test_sort_by_date_is_newest_first(index):
    results = index.search("Putin Trump", sort="date", scope="articles", limit=50)
    dates = [hit.date.value for hit in results]
    assert dates == sorted(dates, reverse=True)
    assert set(ids(results)) == set(BOTH_NAMES)  # with every word, when any has them all


def test_paging(index):
    first = index.search("Putin", limit=5)
    second = index.search("Putin", limit=5, page=2)
    assert len(first.hits) == 5 and second.hits
    assert [hit.rank for hit in second] == list(range(6, 6 + len(second.hits)))
    assert set(ids(first)).isdisjoint(ids(second))
    assert ids(index.search("Putin", limit=10))[:10] == ids(first) + ids(second)[:5]


@pytest.mark.parametrize(
    "text",
    [
        "U.S.",
        "http://example.org/report",
        'stray " quote',
        "a : b",
        "(open",
        "title:",
        "foo:bar",
        "AND",
        "NOT",
        "x" * 10_000,
        "\x00\x01 control",
        "🙂 emoji",
        "שלום עולם",
        "*",
        "pu*",
        "Putn~",
    ],
)
def test_odd_queries_never_raise(index, text):
    results = index.search(text)
    assert results.total >= 0


def test_bad_date_is_a_clear_error(index):
    with pytest.raises(QuerySyntaxError, match="date not understood"):
        index.search("date:tomorrowish putin")
    with pytest.raises(QuerySyntaxError, match="date not understood"):
        index.search("putin", since="last week")


def test_url_query_finds_the_page(index):
    assert ids(index.search("http://example.org/report"))[0] == "science/exoplanet-water-vapour.txt"


def test_a_question_mark_ends_a_question_not_a_wildcard(index):
    question = index.search("Who grows the wheat?")
    assert question.notice is None
    assert ids(question)[0] == "business/australia-wheat-harvest-exports.txt"
    assert ids(index.search("wh?at", scope="articles"))[0] == "business/australia-wheat-harvest-exports.txt"


def test_wildcards_that_stand_for_too_many_words_are_refused(index, monkeypatch):
    from searchkit import QueryTimeoutError

    monkeypatch.setattr("searchkit.matching.MAX_EXPANSIONS", 20)
    with pytest.raises(QueryTimeoutError, match="matches more than 20 different words"):
        index.search("*a*")
    assert index.search("organi*").total > 0


def test_phrases_match_the_documents_whoosh_phrase_queries_match(index):
    """The phrase path reads positions itself; Whoosh's Phrase query is the reference."""
    from whoosh.query import Or, Phrase

    from searchkit import schema as f
    from searchkit.analysis import terms
    from searchkit.searching import matcher_of

    searcher = index.searcher()
    matcher = matcher_of(index.searcher_state())
    texts = [stored.get(f.BODY) or stored.get(f.COMMENT) or "" for stored in searcher.documents()]
    phrases = set()
    for text in texts[::7]:
        words = terms(text)
        phrases.update(tuple(words[i : i + n]) for n in (2, 3) for i in range(0, max(0, len(words) - n), 23))
    phrases |= {("vladimir", "putin"), ("putin", "vladimir"), ("grain", "grain"), ("no", "such")}
    checked = 0
    for words in sorted(phrases):
        whoosh_query = Or([Phrase(name, list(words)) for name in f.TEXT_FIELDS])
        expected = set(searcher.docs_for_query(whoosh_query))
        assert set(matcher.documents(whoosh_query).tolist()) == expected, words
        checked += bool(expected)
    assert checked > 100


def test_phrase_results_rank_by_their_words_and_keep_whooshs_matches(index):
    results = index.search('"Vladimir Putin"', limit=50)
    assert results.total == 7
    assert [hit.score for hit in results.hits] == sorted((hit.score for hit in results.hits), reverse=True)
    title_only = index.search('title:"Vladimir Putin"', limit=50)
    assert {hit.id for hit in title_only.hits} <= {hit.id for hit in results.hits}


def test_sort_by_date_puts_undated_documents_last(index):
    """Used to raise OverflowError: undated documents have no date in the column."""
    assert index.search("putin", sort="date", limit=100).total == index.search("putin", limit=100).total
    results = index.search("said", sort="date", scope="articles", limit=100)
    dates = [hit.date for hit in results]
    assert None in dates and dates[0] is not None
    first_undated = dates.index(None)
    assert all(when is None for when in dates[first_undated:])
    dated = [when.value for when in dates[:first_undated]]
    assert dated == sorted(dated, reverse=True)


def test_empty_date_range_is_an_error(index):
    with pytest.raises(QuerySyntaxError) as raised:
        index.search("putin", since="2024", until="2020")
    assert "empty date range" in str(raised.value) and raised.value.hint
    assert index.search("putin", since="2022", until="2022").total  # a one-year range is fine
    with pytest.raises(QuerySyntaxError, match="empty date range"):
        index.search("putin date:[2024 to 2020]")
    assert index.search("putin date:[2020 to 2024]").total


@pytest.mark.parametrize(
    "options", [{"scope": "everything"}, {"sort": "oldest"}, {"undated": "maybe"}, {"limit": 0}, {"page": 0}]
)
def test_bad_option_values_raise_option_error(index, options):
    from searchkit import OptionError

    with pytest.raises(OptionError) as raised:
        index.search("putin", **options)
    assert raised.value.hint


def test_undated_documents_are_counted_when_a_date_filter_leaves_them_out(index):
    everything = index.search("putin", limit=100)
    undated_hits = sum(1 for hit in everything if hit.date is None and hit.kind == "article")
    since = index.search("putin", since="1900", limit=100)
    included = index.search("putin", since="1900", undated="include", limit=100)
    assert since.undated_left_out > 0
    assert included.undated_left_out == 0 and included.total == since.total + since.undated_left_out
    assert included.total == everything.total and undated_hits >= 0
    assert all(hit.date is not None or hit.kind == "comment" for hit in since)


def test_a_comment_hit_carries_its_articles_date_beside_its_own(tmp_path):
    from searchkit import build_index

    record = {
        "id": "crane-1",
        "title": "Harbour Crane Contract Signed",
        "text": "The harbour authority signed a contract for two electric cranes.",
        "date": "2022-05-14",
        "comments": [
            {"author": "Ole", "text": "Electric cranes at last.", "date": "2022-05-20"},
            {"author": "Mia", "text": "Who pays for the cranes?"},
        ],
    }
    (tmp_path / "crane.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    build_index([str(tmp_path / "crane.jsonl")], tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        hits = {hit.id: hit for hit in index.search("cranes", scope="comments").hits}
    dated, undated = hits["crane-1#c1"], hits["crane-1#c2"]
    assert (str(dated.date), str(dated.article_date)) == ("2022-05-20", "2022-05-14")
    assert undated.date is None
    assert (str(undated.article_date), undated.article_date.kind) == ("2022-05-14", "published")


def test_an_id_field_takes_a_renamed_id_literally(tmp_path):
    from searchkit import build_index

    records = [{"id": "r1", "title": "Ferry One", "text": "The ferry sailed at dawn."}] * 3
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    build_index([str(tmp_path / "a.jsonl")], tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        assert [hit.id for hit in index.search("id:r1~2").hits] == ["r1~2"]  # not r1 within two edits
        assert {hit.id for hit in index.search("id:r1~3 OR id:r1").hits} == {"r1", "r1~3"}
        assert {hit.id for hit in index.search("ferr~1", scope="articles").hits} == {"r1", "r1~2", "r1~3"}


@pytest.mark.parametrize(
    "query, units",
    [
        ("putin trump title:vienna", ["putin", "trump", "title:vienna"]),
        ('"vladimir putin" OR trump OR sanctions', ['"vladimir putin"', "trump", "sanctions"]),
        ("(grain OR wheat) AND harvest", None),
    ],
)
def test_syntax_queries_keep_the_all_words_tier(index, query, units):
    """One ranking for every query: an OR of two to five parts ranks the documents matching
    every part first, as plain words do; adding a field restriction no longer loses that tier."""
    hits = list(index.iter_hits(query))
    assert hits
    if units is None:  # an AND: every hit matches every part already
        return
    holding = [{hit.id for hit in index.iter_hits(unit)} for unit in units]
    every = [all(hit.id in held for held in holding) for hit in hits]
    assert any(every) and not all(every)  # some hits match every part, some do not
    first_miss = every.index(False) if False in every else len(every)
    assert all(every[:first_miss]) and not any(every[first_miss:])  # the tier, then the rest
    scores = [hit.score for hit in hits[:first_miss]]
    assert scores == sorted(scores, reverse=True)


def test_a_field_restriction_ranks_with_the_same_bm25f_as_plain_words(index):
    """``putin trump`` and ``putin trump title:vienna`` give the same score to a document
    that does not have vienna in its title: the added part adds nothing to it."""
    plain = {hit.id: hit.score for hit in index.iter_hits("putin trump")}
    restricted = {hit.id: hit.score for hit in index.iter_hits("putin trump title:vienna")}
    vienna = {hit.id for hit in index.iter_hits("title:vienna")}
    shared = [doc for doc in plain if doc not in vienna]
    assert shared
    for doc in shared:
        assert restricted[doc] == pytest.approx(plain[doc], rel=1e-9)
    assert all(restricted[doc] > plain.get(doc, 0.0) for doc in vienna)
