"""Property-based tests (hypothesis) for the two paths that take arbitrary text: the page parser and queries.

* ``parse_scraped(text, id)`` on any text returns an Article or raises ValueError("no title..."),
  never anything else; the same text gives the same article twice; comment ids are
  ``<id>#c1..n`` in order, with positions 1..n.
* ``Index.search(text)`` on any text returns Results or raises a SearchkitError with a one-line
  message, never anything else (each example under a time limit).

Texts come from two strategies: any unicode, and lines assembled from the format's own
pieces (widget lines, donation amounts, month lines, datelines, author-like lines, blank runs,
CRLF, BOM, query operators and fields), which reach the parser's and query's branches far
more often than random text does. ``max_examples`` is modest: the file runs in a few seconds.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import Results, SearchkitError, open_index, parse_scraped

from .conftest import WIDGET, time_limit

PAGE_PIECES = [
    "",
    "",
    " ",
    "\t",
    *WIDGET,
    "notify of",
    "410 $",
    "2,500 $",
    "$ 10",
    "MAY 2022",
    "December 1999",
    "March 14, 2023",
    "14 March 2023",
    "Published: 2023-03-14",
    "Posted on 2023-02-30",
    "Support SouthFront",
    "chris chuba",
    "888mladen .",
    "Anonymous",
    "“Quoted start",
    "A sentence that ends properly.",
    "Would love your thoughts, please comment.x",
    "\ufeffBOM title",
    "line with\r\ncrlf",
    "\r",
    "\x00",
    "\x85next line",
    "\u2028",
    "🌾 emoji line",
    "قمح",
]

page_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(PAGE_PIECES), st.text(max_size=30)), max_size=40).map("\n".join),
)
article_ids = st.one_of(st.just("a.txt"), st.text(min_size=1, max_size=20))

QUERY_PIECES = [
    "ferry",
    "wheat",
    "harbour",
    '"',
    '"night ferry"',
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    "ANDNOT",
    "ANDMAYBE",
    "title:",
    "body:",
    "comment:",
    "author:",
    "text:",
    "comments:",
    "id:",
    "kind:",
    "date:",
    "date:2022",
    "date:[2020 to 2022-06]",
    "date:>2021",
    "date:<=",
    "foo:",
    ":",
    "*",
    "?",
    "~",
    "~2",
    "^",
    "^2",
    "[",
    "]",
    "{",
    "}",
    "TO",
    "+",
    "-",
    "\\",
    "/",
    "'",
    "\x00",
    "\x1b",
    "\u202e",
    "🌾",
]

query_texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(QUERY_PIECES), st.text(max_size=6)), max_size=12).map(
        lambda parts: "".join(parts)
    ),
    st.lists(st.sampled_from(QUERY_PIECES), max_size=12).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(text=page_texts, article_id=article_ids)
def test_parse_scraped_any_text(text, article_id):
    try:
        article = parse_scraped(text, article_id)
    except ValueError as error:
        assert str(error).startswith("no title"), repr(error)
        with pytest.raises(ValueError):
            parse_scraped(text, article_id)
        return
    assert article == parse_scraped(text, article_id)  # deterministic
    assert article.id == article_id
    assert article.title and article.title == " ".join(article.title.split())
    assert [comment.id for comment in article.comments] == [
        f"{article_id}#c{n}" for n in range(1, len(article.comments) + 1)
    ]
    assert [comment.position for comment in article.comments] == list(range(1, len(article.comments) + 1))
    assert all(comment.text.strip() for comment in article.comments)


@pytest.fixture(scope="module")
def opened(small_index):
    with open_index(small_index) as index:
        yield index


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=query_texts, scope=st.sampled_from(["all", "articles", "comments"]))
def test_any_query_gives_results_or_a_searchkit_error(opened, text, scope):
    with time_limit(10):
        try:
            results = opened.search(text, scope=scope, limit=5)
        except SearchkitError as error:
            assert str(error) and "\n" not in str(error), repr(error)
            return
    assert isinstance(results, Results)
    assert results.total >= len(results.hits)
    assert all(hit.kind in ("article", "comment") for hit in results.hits)
    if scope != "all":
        assert all(hit.kind == scope[:-1] for hit in results.hits)
