"""Reader for JSON Lines: one article per line.

Each line is an object with ``id`` (or ``_id``), ``title``, ``text`` (or
``body``), and optionally ``date``, ``url`` and ``comments`` (a list of
``{"author", "text", "date"}``). A BEIR ``corpus.jsonl`` is valid input.

A line that is not valid JSON, or lacks an id or a text, is skipped and
reported as ``path:LINE: reason``; the other lines of the file are read. Each
article knows its ``line``. Records are yielded with the ids they carry, even
one already seen: the indexer gives the later of two records with one id
another id (``<id>~2``) and reports it as ``path:LINE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ..documents import Article, Comment, comment_id, parse_date


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
        article.line = number
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
    article = Article(id=article_id, title=title, body=body, date=published, url=url, source=path)
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
        article.comments.append(
            Comment(
                id=comment_id(article_id, position),
                text=text.strip(),
                author=author.strip() or None if isinstance(author, str) else None,
                date=_date(raw.get("date"), path, number, problems),
                position=position,
            )
        )
    return article


def _date(value, path: str, number: int, problems: list[str]):
    if value in (None, ""):
        return None
    parsed = (parse_date(value) or parse_date(value[:10])) if isinstance(value, str) else None
    if parsed is None:
        problems.append(f"{path}:{number}: date {value!r} not understood, ignored")
    return parsed
