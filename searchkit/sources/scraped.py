"""Reader for the scraped-text format: one news page per file, article then comments.

A page looks like this (every part but the title is optional)::

    0 $                         donation widget: amount lines ...
    2,500 $
    MAY 2022                    ... then the banner's month = capture month
    <title>
    March 14, 2023              dateline paragraph = publication date
    Support SouthFront          page chrome, dropped
    <body paragraphs>           the title repeated here is dropped, captions kept
    Notify of                   comment widget: starts the comment section
    Newest Most Voted
    Inline Feedbacks
    View all comments
    <comments>
    Would love your thoughts, please comment.x   trailer, dropped

Heuristics, in the order they are applied:

* The widget is a run of lines such as ``410 $`` at the very top, optionally
  followed by a month line (``MAY 2022``). The month is kept as ``captured``,
  never as the article's date: it is the fundraising banner at capture time.
* The title is the first non-blank line after the widget.
* The body is everything up to the first comment-widget line (``Notify of``,
  ``Newest Most Voted``, ``Inline Feedbacks``, ``View all comments``); without
  those lines the file has no comment section and everything is body.
* In the body, paragraphs equal to the title and short ``Support <Site>``
  lines are chrome. A first paragraph that is only a date (``March 14, 2023``,
  ``14 March 2023``, ``Published: 2023-03-14``, ``Posted on ...``) is the
  dateline: it gives ``date`` and is not body text.
* Comments are blank-line separated blocks. A block that is one short line
  (at most 4 words and 40 characters, not starting with a quote, not ending
  in punctuation, though a handle may end in `` .`` as in ``888mladen .``)
  and is followed by another block is an author line: it starts a new comment
  by that author. Otherwise a block after a single blank line continues the
  current comment (a multi-paragraph comment) and a block after two or more
  blank lines starts a new comment without an author.
* A short comment with no final punctuation directly after an author line is
  taken as that comment's text, not as a second author.
"""

from __future__ import annotations

import re
from datetime import date

from ..documents import Article, Comment, DocDate, comment_id, parse_date

_AMOUNT = re.compile(r"\$?\s*\d[\d,.\s]*\s*\$\s*|\$\s*\d[\d,.\s]*")
_MONTH_LINE = re.compile(
    r"(JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\s+(\d{4})",
    re.I,
)
_SUPPORT = re.compile(r"Support\s+\S.{0,40}")
_WIDGET = {"notify of", "newest most voted", "inline feedbacks", "view all comments"}
_TRAILER = re.compile(r"Would love your thoughts, please comment\.?x?", re.I)
_DATELINE = re.compile(r"(?:(?:Published|Posted|Updated)(?:\s+on)?\s*:?\s*)?(?P<date>.{4,40})", re.I)
_AUTHOR_END_OK = re.compile(r"\s\.$")
_PUNCT_END = tuple(".!?,;:…\"”’')]")
_QUOTE_START = tuple("\"“‘'«(")


def parse_scraped(text: str, article_id: str, source: str = "") -> Article:
    """Parse one page of the scraped-text format into an :class:`Article`.

    Raises ValueError when the text holds no title at all.
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if not _TRAILER.fullmatch(line.strip())]
    pos, captured = _skip_widget(lines)
    while pos < len(lines) and not lines[pos].strip():
        pos += 1
    if pos >= len(lines):
        raise ValueError("no title found (the file holds only blank or widget lines)")
    title = " ".join(lines[pos].split())
    rest = lines[pos + 1 :]

    widget_at = next((i for i, line in enumerate(rest) if line.strip().lower() in _WIDGET), None)
    body_lines = rest if widget_at is None else rest[:widget_at]
    comment_lines = [] if widget_at is None else rest[widget_at:]
    while comment_lines and (not comment_lines[0].strip() or comment_lines[0].strip().lower() in _WIDGET):
        comment_lines.pop(0)

    paragraphs = [text for _, text in _blocks(body_lines)]
    paragraphs = [p for p in paragraphs if not _is_chrome(p, title)]
    published = None
    if paragraphs and (m := _DATELINE.fullmatch(paragraphs[0])):
        published = DocDate.parse(m.group("date"))  # "March 2023" is month precision
        if published:
            paragraphs.pop(0)

    article = Article(
        id=article_id,
        title=title,
        body="\n\n".join(paragraphs),
        date=published.value if published else None,
        date_precision=published.precision if published else "day",
        captured=captured,
        source=source,
    )
    article.comments = _comments(comment_lines, article_id)
    return article


def _skip_widget(lines: list[str]) -> tuple[int, date | None]:
    """Step over the donation widget; return the next line's index and the capture month."""
    pos = 0
    while pos < len(lines) and not lines[pos].strip():
        pos += 1
    start = pos
    while pos < len(lines) and _AMOUNT.fullmatch(lines[pos].strip()):
        pos += 1
    captured = None
    if pos < len(lines) and (m := _MONTH_LINE.fullmatch(lines[pos].strip())):
        has_more = any(line.strip() for line in lines[pos + 1 :])
        if has_more:
            captured = parse_date(f"{m.group(1)} {m.group(2)}")
            pos += 1
    if captured is None and pos == start:
        return start, None
    return pos, captured


def _blocks(lines: list[str]) -> list[tuple[int, str]]:
    """Group lines into blank-separated blocks: (blank lines before it, text)."""
    blocks: list[tuple[int, str]] = []
    blanks, current = 0, []
    for line in lines:
        if line.strip():
            current.append(line.strip())
            continue
        if current:
            blocks.append((blanks, "\n".join(current)))
            current, blanks = [], 0
        blanks += 1
    if current:
        blocks.append((blanks, "\n".join(current)))
    return blocks


def _is_chrome(paragraph: str, title: str) -> bool:
    if " ".join(paragraph.split()).casefold() == title.casefold():
        return True
    return bool(_SUPPORT.fullmatch(paragraph)) and len(paragraph.split()) <= 4 and not paragraph.endswith(_PUNCT_END)


def looks_like_author(block: str) -> bool:
    """True for a block that reads as a commenter's name or handle."""
    if "\n" in block or len(block) > 40 or len(block.split()) > 4:
        return False
    if block.startswith(_QUOTE_START) or not any(ch.isalnum() for ch in block):
        return False
    return not block.endswith(_PUNCT_END) or bool(_AUTHOR_END_OK.search(block))


def _clean_author(line: str) -> str:
    return _AUTHOR_END_OK.sub("", line).strip()


def _comments(lines: list[str], article_id: str) -> list[Comment]:
    blocks = _blocks(lines)
    found: list[tuple[str | None, list[str]]] = []
    pending_author: str | None = None
    current: tuple[str | None, list[str]] | None = None
    for index, (blanks, text) in enumerate(blocks):
        is_last = index == len(blocks) - 1
        if pending_author is None and not is_last and looks_like_author(text):
            pending_author = _clean_author(text)
            current = None
            continue
        if pending_author is not None:
            current = (pending_author, [text])
            found.append(current)
            pending_author = None
        elif current is None or blanks >= 2:
            current = (None, [text])
            found.append(current)
        else:
            current[1].append(text)
    return [
        Comment(id=comment_id(article_id, n), text="\n\n".join(paragraphs), author=author, position=n)
        for n, (author, paragraphs) in enumerate(found, start=1)
    ]
