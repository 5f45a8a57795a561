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


PRECISIONS = ("day", "month", "year")
DATE_KINDS = ("published", "captured")


@dataclass(frozen=True)
class DocDate:
    """A document's date, with how precise it is and what it dates.

    ``value`` is the first day of the period (``2022-05-01`` for May 2022);
    ``precision`` is ``day``, ``month`` or ``year``; ``kind`` is ``published``
    (when it was written or posted) or ``captured`` (the month a page was
    captured: never a publication date). ``str()`` writes it at its precision:
    ``2022-05-14``, ``2022-05``, ``2022``.
    """

    value: date
    precision: str = "day"
    kind: str = "published"

    def __post_init__(self):
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")
        if self.kind not in DATE_KINDS:
            raise ValueError(f"kind must be one of {DATE_KINDS}, not {self.kind!r}")

    def __str__(self) -> str:
        if self.precision == "year":
            return f"{self.value.year:04d}"
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    @classmethod
    def parse(cls, text: str, kind: str = "published") -> DocDate | None:
        """A date as :func:`parse_date` reads it, at the precision written (``2022-05`` is a month)."""
        period = parse_period(text)
        if period is None:
            return None
        first, last = period
        if first == last:
            precision = "day"
        elif (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
            precision = "year"
        else:
            precision = "month"
        return cls(first, precision, kind)


@dataclass
class Comment:
    """One reader comment under an article; ``date`` is when it was posted, at ``date_precision``."""

    id: str
    text: str
    author: str | None = None
    date: date | None = None
    position: int = 0
    date_precision: str = "day"

    @property
    def doc_date(self) -> DocDate | None:
        """The comment's own date as a :class:`DocDate` (kind ``published``), or None."""
        return DocDate(self.date, self.date_precision) if self.date else None


@dataclass
class Article:
    """One article with its comments, as read from a source file.

    ``date`` is the publication date when the source gives one; ``captured`` is
    the month the page was captured (the donation banner's month), kept apart
    because it says nothing about when the article was written.
    ``date_precision`` says how much of ``date`` the source gave (``day``,
    ``month`` or ``year``; a capture month is always month precision). ``author`` is
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
    date_precision: str = "day"

    @property
    def doc_date(self) -> DocDate | None:
        """The date to show: the publication date, else the capture month (kind ``captured``)."""
        if self.date:
            return DocDate(self.date, self.date_precision, "published")
        if self.captured:
            return DocDate(self.captured.replace(day=1), "month", "captured")
        return None

    @property
    def location(self) -> str:
        """Where the article was read: ``source``, plus ``:LINE`` (JSON Lines) or ``@OFFSET`` (WARC)."""
        return source_location(self.source, self.line, self.offset)

    @property
    def effective_date(self) -> date | None:
        """The date filters and sorting use: publication date, else capture month."""
        return self.date or self.captured


def source_location(source: str, line: int | None = None, offset: int | None = None) -> str:
    """``feeds/a.jsonl:12`` for a line, ``crawl.warc.gz@52311`` for a record offset, else the file."""
    if line is not None:
        return f"{source}:{line}"
    if offset is not None:
        return f"{source}@{offset}"
    return source


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
_WEEKDAY = re.compile(r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?\s+", re.I)


def parse_date(text: str) -> date | None:
    """Read a date written as ``2023-03-14``, ``2023-03``, ``2023``,
    ``March 14, 2023``, ``14 March 2023`` or ``March 2023``; a day may follow
    its weekday (``Monday, October 10, 2022``, ``Tue 4 December, 2007``).

    Returns None when the whole text is not one of these forms (or names an
    impossible day). A month or a year alone gives its first day.
    """
    text = text.strip()
    if weekday := _WEEKDAY.match(text):
        rest = text[weekday.end() :]
        if _MONTH_DAY_YEAR.fullmatch(rest) or _DAY_MONTH_YEAR.fullmatch(rest):
            text = rest
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
