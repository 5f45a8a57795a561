"""Reader for JSON Lines: one article per line.

Each line is an object with ``id`` (or ``_id``), ``title``, ``text`` (or
``body``), and optionally ``date``, ``url``, ``author`` (the byline: a name,
or a list of names) and ``comments`` (a list of ``{"author", "text", "date"}``).
A BEIR ``corpus.jsonl`` is valid input. A date keeps the precision written:
``"2022-05"`` is May 2022, not May 1st. Each article knows its ``line``
(the hit's ``source`` is ``path:LINE``).

A line that is not valid JSON, or lacks an id or a text, is skipped and
reported as ``path:LINE: reason``; the other lines of the file are read.
Records are yielded with the ids they carry, even one already seen: the
indexer gives the later of two records with one id another id (``<id>~2``)
and reports it as ``path:LINE``.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..documents import Article, Comment, DocDate, comment_id, parse_date
from ..errors import SourceError
from .raw import MAX_PAGE_BYTES
from .report import ReadReport


def read(path: Path, source_id: str, report: ReadReport) -> Iterator[Article]:
    """Yield the articles of a JSON Lines file, line by line (the file is never read whole).

    Raises SourceError for an empty or binary file; a line that is too large,
    not UTF-8 or not a valid record is a problem, and the other lines are read.
    """
    where = str(path)
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(where, "binary file (it contains NUL bytes), skipped")
    if not head.strip():
        raise SourceError(where, "empty file, skipped")
    for article in read_jsonl(_lines(path, report.problems), where, report.problems):
        article.source = source_id
        yield article


def _lines(path: Path, problems: list[str]) -> Iterator[str]:
    where = str(path)
    with open(path, "rb") as handle:
        number = 0
        while raw := handle.readline(MAX_PAGE_BYTES + 1):
            number += 1
            if len(raw) > MAX_PAGE_BYTES:
                size = len(raw)
                while not raw.endswith(b"\n") and (raw := handle.readline(1 << 20)):
                    size += len(raw)
                problems.append(
                    f"{where}:{number}: a record of {size / 2**20:.0f} MB is too large for one article "
                    f"(limit {MAX_PAGE_BYTES // 2**20} MB), line skipped"
                )
                yield "\n"  # keeps the line numbers of read_jsonl right
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"{where}:{number}: not valid UTF-8, read as cp1252")
                yield raw.decode("cp1252", errors="replace")


def read_jsonl(lines: Iterable[str], path: str, problems: list[str]) -> Iterator[Article]:
    """Yield the articles of a JSON Lines stream, appending problems as ``path:LINE: reason``."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            problems.append(f"{path}:{number}: not valid JSON ({exc.msg}), line skipped")
            continue
        if not isinstance(record, dict):
            problems.append(f"{path}:{number}: expected a JSON object, got {type(record).__name__}, line skipped")
            continue
        try:
            article = _article(record, path, number, problems)
        except ValueError as exc:
            problems.append(f"{path}:{number}: {exc}, line skipped")
            continue
        yield article


def _text(value, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} is a {type(value).__name__}, not a string")
    return value.strip()


def _article(record: dict, path: str, number: int, problems: list[str]) -> Article:
    raw_id = record.get("id", record.get("_id"))
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        raise ValueError('record has no id (expected "id" or "_id")')
    if not isinstance(raw_id, (str, int)):
        raise ValueError(f"id is a {type(raw_id).__name__}, not a string or number")
    article_id = str(raw_id).strip()
    title = _text(record.get("title"), "title")
    body = _text(record.get("text", record.get("body")), "text")
    if not body:
        raise ValueError(f'record {article_id!r} has no text (expected "text" or "body")')
    published = _date(record.get("date"), path, number, problems)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    article = Article(
        id=article_id,
        title=title,
        body=body,
        date=published.value if published else None,
        date_precision=published.precision if published else "day",
        url=url,
        author=_byline(record.get("author")),
        source=path,
        line=number,
    )
    raw_comments = record.get("comments") or []
    if not isinstance(raw_comments, list):
        problems.append(f"{path}:{number}: comments is not a list, comments ignored")
        raw_comments = []
    for raw in raw_comments:
        text = raw.get("text") if isinstance(raw, dict) else None
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{path}:{number}: a comment without text was skipped")
            continue
        author = raw.get("author")
        position = len(article.comments) + 1
        posted = _date(raw.get("date"), path, number, problems)
        article.comments.append(
            Comment(
                id=comment_id(article_id, position),
                text=text.strip(),
                author=author.strip() or None if isinstance(author, str) else None,
                date=posted.value if posted else None,
                position=position,
                date_precision=posted.precision if posted else "day",
            )
        )
    return article


def _byline(value) -> str | None:
    """An ``author`` given as a name or a list of names (joined with commas)."""
    if isinstance(value, list):
        value = ", ".join(name.strip() for name in value if isinstance(name, str) and name.strip())
    return value.strip() or None if isinstance(value, str) else None


def _date(value, path: str, number: int, problems: list[str]) -> DocDate | None:
    """A record's date at the precision written; a timestamp is read as its day."""
    if value in (None, ""):
        return None
    parsed = None
    if isinstance(value, str):
        parsed = DocDate.parse(value)
        if parsed is None and parse_date(value[:10]):
            parsed = DocDate.parse(value[:10])
    if parsed is None:
        problems.append(f"{path}:{number}: date {value!r} not understood, ignored")
    return parsed
