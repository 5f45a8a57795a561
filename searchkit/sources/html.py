"""Reader for HTML pages (``.html``, ``.htm``, gzipped too): one article per page, comments apart.

:func:`parse_html` turns the bytes of one page into an :class:`Article`; the
WARC reader calls it for every page of an archive. In order:

1. The bytes are decoded as a browser would (:func:`.raw.html_encoding`);
   binary data and pages nested more than 256 elements deep (where the HTML
   parser stops reading) raise :class:`SourceError`.
2. Reader comments are taken one by one from the first markup that has any:
   wpDiscuz (``.wpd-comment``), WordPress (``li.comment`` in
   ``ol.comment-list``, replies in ``.children``), Drupal (``article.comment``,
   ``.field--name-comment-body``), schema.org ``Comment`` in microdata, then
   in JSON-LD. A comment's text is its text element only (``.comment-content``,
   ``.wpd-comment-text``, the comment body field, ``itemprop=text``), so the
   author line (``says:``), reply links, votes, time-ago lines and permalink
   titles never get in. Its author and date are kept when the markup has them.
3. Every comment section and comment form is then cut out of the page, so
   that no comment is also body text.
4. trafilatura extracts the main text (navigation, footers, cookie notices,
   share buttons and related posts left out), the publication date
   (htmldate) and the byline. The title is the longest heading (h1 to h3)
   that ``<title>`` or ``og:title`` repeats (a blog's first ``<h1>`` is often
   its name), else trafilatura's title, else the first heading. Headline,
   dateline and byline lines left at the top of the main text are dropped
   (a ``by Name`` line gives the author when trafilatura found none). The
   URL is the page's canonical URL (``<link rel=canonical>``, else
   ``og:url``), else the URL it was fetched from (a WARC record's target).

A page whose main text is empty raises :class:`SourceError`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from ..documents import MONTHS, Article, Comment, comment_id, parse_date
from ..errors import SourceError
from .raw import html_encoding, looks_binary, read_page_bytes
from .report import ReadReport

MAX_DEPTH = 256
"""libxml2's HTML parser stops reading a page nested deeper than this."""


def read(path: Path, source_id: str, report: ReadReport) -> Iterator[Article]:
    """Yield the one article of an HTML page; raise SourceError when it cannot be read."""
    yield parse_html(read_page_bytes(path), source_id, where=str(path), source=source_id)


def parse_html(
    data: bytes,
    article_id: str,
    *,
    where: str,
    source: str = "",
    url: str | None = None,
    charset: str | None = None,
) -> Article:
    """One HTML page as an article. ``url`` is where it was fetched from, ``charset`` the one the server sent."""
    tree = _parse(data, where, charset)
    raw_comments = _find_comments(tree)
    _cut_comment_sections(tree)
    _cut_chrome(tree)
    canonical = _canonical_url(tree, url)
    extracted = _extract(tree, where, canonical or url)
    body = (extracted.text or "").strip() if extracted is not None else ""
    if not body:
        raise SourceError(where, "no main text found in the page, skipped")
    title = _headline(tree) or _clean(extracted.title or "") or _first_heading(tree)
    author = _clean(extracted.author or "") or None
    body, byline = _strip_head_lines(body, title)
    author = author or byline
    article = Article(
        id=article_id,
        title=title,
        body=body,
        date=parse_date(extracted.date) if extracted.date else None,
        url=canonical or url,
        author=author,
        source=source,
    )
    for position, raw in enumerate(raw_comments, start=1):
        article.comments.append(
            Comment(
                id=comment_id(article_id, position),
                text=raw.text,
                author=raw.author,
                date=raw.date,
                position=position,
            )
        )
    return article


def _parse(data: bytes, where: str, charset: str | None):
    if looks_binary(data):
        raise SourceError(where, "binary data, not an HTML page, skipped")
    text = data.decode(html_encoding(data, charset), errors="replace").lstrip("\ufeff")
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses text with an encoding declaration
    if not text.strip():
        raise SourceError(where, "empty page, skipped")
    parser = lxml.html.HTMLParser(remove_comments=True)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(where, f"not readable as HTML ({exc}), skipped") from None
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        raise SourceError(where, f"HTML nested more than {MAX_DEPTH} elements deep, skipped")
    return tree


def _extract(tree, where: str, url: str | None):
    import trafilatura  # loads in about 0.3 s: only when a page is read

    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
    except RecursionError:
        raise SourceError(where, "HTML too deeply nested to extract, skipped") from None
    except Exception as exc:  # trafilatura and its helpers raise many kinds on odd pages
        raise SourceError(where, f"text extraction failed ({type(exc).__name__}: {exc}), skipped") from None


def _canonical_url(tree, fetched_from: str | None) -> str | None:
    for found in (
        tree.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"),
        tree.xpath("//meta[@property='og:url']/@content"),
    ):
        for value in found:
            if value.strip():
                return urljoin(fetched_from or "", value.strip())
    return None


def _headline(tree) -> str:
    """The longest heading (h1 to h3) that the ``<title>`` or ``og:title`` repeats: the headline.

    A page's first ``<h1>`` is often the site's name, and its ``<title>``
    often adds the site's name to the headline ("Headline « Blog").
    """
    named = " ".join(tree.xpath("//title//text()") + tree.xpath("//meta[@property='og:title']/@content"))
    named = _clean(named).casefold()
    headings = [_clean(heading.text_content()) for heading in tree.xpath("//h1 | //h2 | //h3")[:50]]
    found = [heading for heading in headings if len(heading) >= 8 and heading.casefold() in named]
    return max(found, key=len) if found else ""


_BYLINE = re.compile(r"^(.*?)\b(?:[Pp]osted |[Ww]ritten )?[Bb]y\s+((?:[A-Z][\w.'-]*\s?){1,4})\s*$")


def _strip_head_lines(body: str, title: str) -> tuple[str, str | None]:
    """Drop the headline, datelines and bylines the extraction left at the top of the body.

    Returns the body and the author named by a byline (``by Name``), if any.
    """
    lines = body.split("\n")
    author = None
    while len(lines) > 1:
        line = _clean(lines[0])
        byline = _BYLINE.match(line) if len(line) <= 100 else None
        if byline and byline.group(1).strip(" |-\u2013\u2014,\u00b7") and not _find_date(byline.group(1)):
            byline = None  # "... signed by President Lee" is a sentence: only "by Name" or "<date> by Name" is a byline
        if line.casefold() == title.casefold():
            pass
        elif byline:
            author = author or byline.group(2).strip()
        elif not _is_dateline(line):
            break
        lines.pop(0)
    return "\n\n".join(line.strip() for line in lines if line.strip()), author


def _is_dateline(line: str) -> bool:
    """A line that is a date and a few words at most ("Posted on March 3, 2020 at 9:15 am")."""
    if len(line) > 80 or not _find_date(line):
        return False
    rest = re.sub(rf"\b(?:{_MONTH_NAMES}|\d+(?:st|nd|rd|th)?|at|am|pm)\b|[^\w\s]", " ", line, flags=re.I)
    return len(rest.split()) <= 3


def _first_heading(tree) -> str:
    for found in (tree.xpath("//h1"), tree.xpath("//title")):
        if found:
            return _clean(found[0].text_content())
    return ""


# ----------------------------------------------------------------------------- comments
@dataclass
class _RawComment:
    text: str
    author: str | None
    date: date | None


def _cls(name: str) -> str:
    """XPath test: the element has CSS class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _find_comments(tree) -> list[_RawComment]:
    """The page's reader comments in page order, from the first markup that has any."""
    for finder in (_wpdiscuz, _wordpress, _drupal, _microdata, _json_ld):
        found = [comment for comment in finder(tree) if comment.text]
        if found:
            return found
    return []


def _own(element, nested: str):
    """A copy of a comment element without the replies nested in it (``nested``: their XPath)."""
    mine = copy.deepcopy(element)
    mine.tail = None
    for reply in mine.xpath(nested):
        reply.drop_tree()
    return mine


def _first(element, *xpaths: str):
    """The first element the first of ``xpaths`` that finds any finds, or None."""
    for xpath in xpaths:
        found = element.xpath(xpath)
        if found:
            return found[0]
    return None


def _wpdiscuz(tree) -> Iterator[_RawComment]:
    for element in tree.xpath(f"//div[{_cls('wpd-comment')}]"):
        mine = _own(element, f".//div[{_cls('wpd-comment')}]")
        author = _first(mine, f".//*[{_cls('wpd-comment-author')}]")
        when = _first(mine, f".//*[{_cls('wpd-comment-date')}]")
        text = _first(mine, f".//*[{_cls('wpd-comment-text')}]")
        yield _RawComment(
            text=_block_text(text),
            author=_name(author),
            date=_date_of(when, attributes=("title", "datetime")),
        )


def _wordpress(tree) -> Iterator[_RawComment]:
    items = f"//li[{_cls('comment')} and not({_cls('wpd-comment')})]"
    for element in tree.xpath(items):
        mine = _own(element, f".//*[{_cls('children')}]")
        author = _first(mine, f".//*[{_cls('comment-author')}]")
        if author is not None:
            author = _first(author, f".//*[{_cls('fn')}]", ".")
            for says in author.xpath(f".//*[{_cls('says')}]"):
                says.drop_tree()
        when = _first(
            mine, ".//time", f".//*[{_cls('comment-metadata')} or {_cls('commentmetadata')} or {_cls('comment-meta')}]"
        )
        text = _first(mine, f".//*[{_cls('comment-content')}]")
        if text is None:  # older themes: the paragraphs sit beside the author and meta lines
            text = _first(mine, f".//*[{_cls('comment-body')}]", ".")
            noise = (
                f".//*[{_cls('comment-author')} or {_cls('comment-meta')} or {_cls('commentmetadata')}"
                f" or {_cls('comment-metadata')} or {_cls('reply')} or {_cls('comment-awaiting-moderation')}"
                " or self::footer or self::img]"
                " | .//em[contains(., 'awaiting moderation')]"
            )
            for part in text.xpath(noise):
                part.drop_tree()
        yield _RawComment(text=_block_text(text), author=_name(author), date=_date_of(when))


def _drupal(tree) -> Iterator[_RawComment]:
    items = f"//article[{_cls('comment')}] | //div[{_cls('comment')} and .//*[{_cls('field-name-comment-body')}]]"
    for element in tree.xpath(items):
        mine = _own(element, f".//article[{_cls('comment')}] | .//*[{_cls('indented')}]")
        author = _first(mine, f".//*[{_cls('comment__author')}] | .//*[{_cls('username')}]")
        when = _first(
            mine,
            ".//*[@property and contains(@property, 'dc:created')]",
            ".//time",
            f".//*[{_cls('comment__time')} or {_cls('submitted')}]",
        )
        text = _first(mine, f".//*[{_cls('field--name-comment-body')} or {_cls('field-name-comment-body')}]")
        yield _RawComment(text=_block_text(text), author=_name(author), date=_date_of(when))


def _microdata(tree) -> Iterator[_RawComment]:
    items = "//*[@itemscope and contains(@itemtype, 'schema.org/Comment')]"
    for element in tree.xpath(items):
        mine = _own(element, ".//*[@itemscope and contains(@itemtype, 'schema.org/Comment')]")
        author = _first(mine, ".//*[@itemprop='author']")
        if author is not None:
            author = _first(author, ".//*[@itemprop='name']", ".")
        when = _first(mine, ".//*[@itemprop='dateCreated' or @itemprop='datePublished']")
        text = _first(mine, ".//*[@itemprop='text' or @itemprop='commentText']")
        yield _RawComment(text=_block_text(text), author=_name(author), date=_date_of(when))


def _json_ld(tree) -> Iterator[_RawComment]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        yield from _json_ld_comments(data)


def _json_ld_comments(node) -> Iterator[_RawComment]:
    if isinstance(node, list):
        for item in node:
            yield from _json_ld_comments(item)
        return
    if not isinstance(node, dict):
        return
    kinds = node.get("@type")
    if "Comment" in (kinds if isinstance(kinds, list) else [kinds]):
        author = node.get("author")
        if isinstance(author, list):
            author = author[0] if author else None
        if isinstance(author, dict):
            author = author.get("name")
        text = node.get("text") or node.get("commentText") or ""
        if isinstance(text, str) and "<" in text:
            text = _block_text(lxml.html.fragment_fromstring(text, create_parent="div"))
        stamp = node.get("dateCreated") or node.get("datePublished")
        yield _RawComment(
            text=_clean_block(text) if isinstance(text, str) else "",
            author=_clean(author) or None if isinstance(author, str) else None,
            date=_find_date(stamp) if isinstance(stamp, str) else None,
        )
    for key, value in node.items():
        if key != "author":
            yield from _json_ld_comments(value)


_SECTION_IDS = frozenset({"comments", "wpdcom", "respond", "disqus_thread", "commentform"})
_SECTION_CLASSES = frozenset(
    {
        "comments-area",
        "comment-list",
        "commentlist",
        "comment-respond",
        "comment-form",
        "wpd-comment",
        "wpdiscuz-comment-pagination",
        "field--type-comment",
        "field--name-comment",
        "comment-wrapper",
        "comment",
    }
)


def _cut_comment_sections(tree) -> None:
    """Remove every comment, comment list and comment form from the page's body.

    One pass in Python over the elements: an XPath with a class test per
    name took a third of the time of reading a page.
    """

    def doomed(element) -> bool:
        classes = element.get("class")
        return (
            element.get("id") in _SECTION_IDS
            or (classes and not _SECTION_CLASSES.isdisjoint(classes.split()))
            or element.get("itemprop") == "comment"
            or (element.get("itemscope") is not None and "schema.org/Comment" in (element.get("itemtype") or ""))
        )

    _drop_from_body(tree, doomed, body_too=True)


_SMALL_TEXT = 1500
"""Characters: a form or cookie notice holding more text than this may be the page itself."""


def _cut_chrome(tree) -> None:
    """Remove what is never article text, even where the extraction would keep it (short pages):
    navigation, forms, cookie and consent notices, and the site's footer (a footer inside an
    ``<article>`` may hold the byline and date, and stays).

    Forms and elements named for cookies or consent go only when they hold little text: some
    sites wrap the whole page in one ``<form>`` (ASP.NET) or mark a page wrapper ``has-cookie-bar``.
    """

    def doomed(element) -> bool:
        marks = f"{element.get('id') or ''} {element.get('class') or ''}".lower()
        return (
            element.tag == "nav"
            or element.get("role") in ("navigation", "contentinfo")
            or (element.tag == "footer" and not any(up.tag in ("article", "main") for up in element.iterancestors()))
            or (
                (element.tag == "form" or "cookie" in marks or "consent" in marks)
                and len(element.text_content()) < _SMALL_TEXT
            )
        )

    _drop_from_body(tree, doomed, body_too=False)


def _drop_from_body(tree, doomed: Callable[[object], bool], *, body_too: bool) -> None:
    """Drop every element of the page's ``<body>`` (the body itself too, if ``body_too``) that
    ``doomed`` picks; all are picked first, so dropping one never hides another from the test."""
    body = tree.find("body")
    if body is None:
        return
    elements = body.iter() if body_too else body.iterdescendants()
    picked = [element for element in elements if isinstance(element.tag, str) and doomed(element)]
    for element in picked:
        if element.getparent() is not None:
            element.drop_tree()


# ----------------------------------------------------------------------------- text and dates
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr", "table"}
_SKIPPED = {"script", "style", "noscript", "template", "button", "form", "svg", "iframe", "select", "textarea"}


def _block_text(element) -> str:
    """The text of an element, one line per paragraph or line break."""
    if element is None:
        return ""
    parts: list[str] = []
    stack = [(element, False)]
    while stack:  # iterative: a comment nested deep must not hit the recursion limit
        node, closing = stack.pop()
        if closing:
            if node.tag in _BLOCKS:
                parts.append("\n")
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if not isinstance(node.tag, str) or node.tag in _SKIPPED:
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if node.tag in _BLOCKS:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return _clean_block("".join(parts))


def _clean_block(text: str) -> str:
    """A comment's text: one paragraph per block element, separated by a blank line as in every format."""
    lines = (_clean(line) for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _name(element) -> str | None:
    return _clean(element.text_content()) or None if element is not None else None


_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    re.compile(r"\d{4}-\d{1,2}-\d{1,2}"),
    re.compile(rf"(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}", re.I),
    re.compile(rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_NAMES})\.?,?\s+\d{{4}}", re.I),
)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")


def _find_date(text: str) -> date | None:
    """The first date written in ``text`` (ISO, month names, or Drupal's ``m/d/Y``)."""
    for pattern in _DATE_PATTERNS:
        if (found := pattern.search(text)) and (parsed := parse_date(found.group(0))):
            return parsed
    if found := _NUMERIC.search(text):
        first, second, year = (int(part) for part in found.groups())
        month, day = (first, second) if first <= 12 else (second, first)  # m/d/Y unless it cannot be
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def _date_of(element, attributes=("datetime", "content", "title")) -> date | None:
    if element is None:
        return None
    for candidate in (*element.xpath(".//time/@datetime"), *(element.get(name) for name in attributes)):
        if candidate and (found := _find_date(candidate)):
            return found
    return _find_date(element.text_content())
