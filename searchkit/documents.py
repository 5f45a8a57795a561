"""Articles and comments as plain data, their stable ids, and date handling.

Every reader in :mod:`searchkit.sources` produces :class:`Article` objects; the
indexer stores them and :func:`searchkit.Index.article` gives them back.

Ids are stable across runs: an article read from a file is identified by the
file's path relative to the folder given to ``index`` (``news/putin-call.txt``),
a JSON Lines record by its own ``id``; the n-th comment under an article (page
order, from 1) is ``<article id>#c<n>`` (:func:`comment_id`). The indexer makes
sure no article id ends in ``#c`` and a number, so :func:`parse_comment_id`
reads any id back without ambiguity (see ``searchkit.indexing``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


@dataclass
class Comment:
    """One reader comment under an article."""

    id: str
    text: str
    author: str | None = None
    date: date | None = None
    position: int = 0


@dataclass
class Article:
    """One article with its comments, as read from a source file.

    ``date`` is the publication date when the source gives one; ``captured`` is
    the month the page was captured (the donation banner's month), kept apart
    because it says nothing about when the article was written. ``author`` is
    the article's byline. ``source`` is the id of the file it was read from;
    ``line`` (JSON Lines) or ``offset`` (the byte offset of a WARC record) says
    where in that file, for files that hold many articles.
    """

    id: str
    title: str
    body: str
    date: date | None = None
    captured: date | None = None
    url: str | None = None
    author: str | None = None
    source: str = ""
    line: int | None = None
    offset: int | None = None
    comments: list[Comment] = field(default_factory=list)

    @property
    def effective_date(self) -> date | None:
        """The date filters and sorting use: publication date, else capture month."""
        return self.date or self.captured


def comment_id(article_id: str, position: int) -> str:
    """The id of the ``position``-th comment (from 1) under ``article_id``: ``<article id>#c<n>``."""
    return f"{article_id}#c{position}"


_COMMENT_ID = re.compile(r"(.+)#c([1-9][0-9]*)", re.S)


def parse_comment_id(value: str) -> tuple[str, int] | None:
    """The inverse of :func:`comment_id`: ``(article id, position)``, or None when ``value``
    is not a comment id. The last ``#c<n>`` counts, so ``note#c1#c2`` is comment 2 of
    ``note#c1`` (an article id itself never ends in ``#c<n>``)."""
    match = _COMMENT_ID.fullmatch(value)
    return (match.group(1), int(match.group(2))) if match else None


_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?")
_MONTH_DAY_YEAR = re.compile(rf"({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", re.I)
_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAMES})\.?,?\s+(\d{{4}})", re.I)
_MONTH_YEAR = re.compile(rf"({_MONTH_NAMES})\.?,?\s+(\d{{4}})", re.I)


def parse_date(text: str) -> date | None:
    """Read a date written as ``2023-03-14``, ``2023-03``, ``2023``,
    ``March 14, 2023``, ``14 March 2023`` or ``March 2023``.

    Returns None when the whole text is not one of these forms (or names an
    impossible day). A month or a year alone gives its first day.
    """
    text = text.strip()
    try:
        if m := _ISO.fullmatch(text):
            year, month, day = m.group(1), m.group(2) or 1, m.group(3) or 1
            return date(int(year), int(month), int(day))
        if m := _MONTH_DAY_YEAR.fullmatch(text):
            return date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if m := _DAY_MONTH_YEAR.fullmatch(text):
            return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if m := _MONTH_YEAR.fullmatch(text):
            return date(int(m.group(2)), MONTHS[m.group(1).lower()], 1)
    except ValueError:
        return None
    return None


def parse_period(text: str) -> tuple[date, date] | None:
    """The first and last day a date written at some precision covers.

    ``2022`` -> (2022-01-01, 2022-12-31); ``2022-05`` or ``May 2022`` -> May;
    a full date -> that day. None when ``text`` is not a date.
    """
    first = parse_date(text)
    if first is None:
        return None
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return first, date(first.year, 12, 31)
    if re.fullmatch(r"\d{4}-\d{1,2}", text) or _MONTH_YEAR.fullmatch(text):
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    return first, first


def to_datetime(value: date | None) -> datetime | None:
    """Whoosh's DATETIME fields want datetimes; dates become midnight."""
    if value is None:
        return None
    return datetime(value.year, value.month, value.day)
