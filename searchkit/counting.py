"""Counting a query's hits over time, by author or by kind: what ``searchkit count`` prints.

:func:`count` matches exactly as :func:`searchkit.searching.search` does (same
query syntax, scope, author and date filters) but ranks nothing: it counts
every matching article and every matching comment, separately, per row.

Rows by date hold each document at the precision its date is known:

* ``by="month"``: ``2022-05``; a date known only to the year counts in a row
  ``2022``, placed before that year's months.
* ``by="day"``: ``2022-05-14``; a date known only to the month (a capture
  month, a JSON Lines ``"date": "2022-05"``) counts in a row ``2022-05``,
  placed before that month's days; a year alone in a row ``2022``.
* ``by="year"``: ``2022``.

Documents without any date are counted in a last row ``undated`` (with a
date filter, only when ``undated="include"``, the default here: a count
should not hide them). A comment is dated by its own date, else its
article's, as filters see it.

``by="author"`` counts articles by byline and comments by commenter, the
most frequent first, those without a name in a last row ``unknown``;
``by="kind"`` gives the rows ``article`` and ``comment``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from whoosh.util.times import long_to_datetime

from . import schema as f
from .engine.columnar import UNDATED_RAW
from .options import BY_CHOICES, check_choice
from .searching import Matches, check_options

UNDATED_ROW = "undated"
UNKNOWN_AUTHOR_ROW = "unknown"


@dataclass
class CountRow:
    """One row of counts: its key (a period, an author, or a kind) and the hits in it."""

    key: str
    articles: int = 0
    comments: int = 0

    @property
    def total(self) -> int:
        return self.articles + self.comments

    def as_dict(self) -> dict:
        return {"key": self.key, "articles": self.articles, "comments": self.comments}


@dataclass
class Counts:
    """The rows of :func:`count`, with the totals over every row."""

    query: str
    by: str
    rows: list[CountRow] = field(default_factory=list)
    total_articles: int = 0
    total_comments: int = 0

    def as_dict(self) -> dict:
        return {
            "query": self.query,
            "by": self.by,
            "rows": [row.as_dict() for row in self.rows],
            "total_articles": self.total_articles,
            "total_comments": self.total_comments,
        }


def count(
    index,
    query: str,
    *,
    by: str = "month",
    scope: str = "all",
    author: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    undated: str = "include",
) -> Counts:
    """Count the article hits and comment hits of ``query`` per ``by`` row (see the module docstring).

    Options as in :func:`searchkit.searching.search`; ``undated`` defaults to
    ``include`` here, so that a date filter does not hide undated documents
    from a count without saying so (they stay in the ``undated`` row).
    """
    check_choice("by", by, BY_CHOICES)
    check_options(scope=scope, undated=undated)
    found = Matches(index, query, scope=scope, author=author, since=since, until=until, undated=undated)
    result = Counts(query, by)
    if found.scored is None or not len(found.candidates):
        return result
    candidates = found.candidates.tolist()
    articles = frozenset(found.candidates[found.state.arrays.is_article[found.candidates]].tolist())
    keys = _keys(found.state, by, articles)
    rows: dict[str, CountRow] = {}
    for docnum in candidates:
        key = keys(docnum)
        row = rows.get(key)
        if row is None:
            row = rows[key] = CountRow(key)
        if docnum in articles:
            row.articles += 1
        else:
            row.comments += 1
    result.rows = _ordered(rows, by)
    result.total_articles = sum(row.articles for row in result.rows)
    result.total_comments = sum(row.comments for row in result.rows)
    return result


def _keys(state, by: str, articles: frozenset[int]):
    """A function from document number to row key for ``by``."""
    searcher = state.searcher
    if by == "kind":
        return lambda docnum: f.ARTICLE if docnum in articles else f.COMMENT_KIND
    if by == "author":

        def author_of(docnum: int) -> str:
            stored = searcher.stored_fields(docnum)
            name = stored.get(f.AUTHOR) if stored.get(f.KIND) == f.COMMENT_KIND else stored.get(f.BYLINE)
            return name or UNKNOWN_AUTHOR_ROW

        return author_of
    dates = state.dates
    precisions = searcher.reader().column_reader(f.PRECISION)
    finest = {"year": 2, "month": 1, "day": 0}[by]
    formats = ("%Y-%m-%d", "%Y-%m", "%Y")

    def period_of(docnum: int) -> str:
        raw = int(dates[docnum])
        if raw == UNDATED_RAW:
            return UNDATED_ROW
        known = max(finest, precisions[docnum] or 0)
        return long_to_datetime(raw).strftime(formats[min(known, 2)])

    return period_of


def _ordered(rows: dict[str, CountRow], by: str) -> list[CountRow]:
    if by == "kind":
        return [rows[key] for key in (f.ARTICLE, f.COMMENT_KIND) if key in rows]
    if by == "author":
        named = sorted(
            (row for key, row in rows.items() if key != UNKNOWN_AUTHOR_ROW), key=lambda row: (-row.total, row.key)
        )
        return named + ([rows[UNKNOWN_AUTHOR_ROW]] if UNKNOWN_AUTHOR_ROW in rows else [])
    dated = sorted((row for key, row in rows.items() if key != UNDATED_ROW), key=lambda row: row.key)
    return dated + ([rows[UNDATED_ROW]] if UNDATED_ROW in rows else [])


__all__ = ["count", "Counts", "CountRow"]
