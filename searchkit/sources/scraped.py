"""Reader for the scraped-text format: one news page per file, article then comments.

A page looks like this (every part is optional but some text)::

    0 $                         donation widget: amount lines ...
    2,500 $
    MAY 2022                    ... then the banner's month = capture month
    date 2017-07-24 https://…   crawler prefix: publication date and URL
    Monday, October 10, 2022    dateline above the title = publication date
    <title>
    March 14, 2023              dateline below the title = publication date
    By Jane Roe                 byline = author
    Support SouthFront          page chrome, dropped
    <body paragraphs>           chrome dropped, captions kept
    12 Comments                 comment section: a heading, a widget line,
    Notify of                   or the first comment header
    Newest Most Voted
    <comments>
    Leave a Reply               comment form, dropped

Heuristics, in the order they are applied:

* **Chrome lines** are blanked wherever they stand: the comment form
  (``Leave a Reply``, ``Your email address will not be published``, ``Post
  Comment``, ``Comments are closed.`` ...), the wpDiscuz trailer, navigation
  (``Skip to content``, ``Most Popular``) and, in the comment section only,
  the widget's own lines (``Notify of``, ``Subscribe``, ``guest``,
  ``Oldest``, ``12 Comments``, vote counts, a lone ``()`` or ``x``,
  ``Reply``, ``Load More...``, ``2 points``), post footers (``Posted in``,
  ``Tagged with``). A blanked line still counts as a blank line, so it
  keeps separating comments.
* **Above the title** these lines are stepped over: the donation widget
  (amount lines such as ``410 $``, and banners such as ``8 DAYS LEFT UNTIL
  THE END OF SEPTEMBER``); a month line (``MAY 2022``), kept as ``captured``
  and never as the article's date, since it is the fundraising banner at
  capture time; a crawler prefix ``date 2017-07-24 [url] [text]`` giving
  ``date`` and ``url`` (text after it is read as the page's next line); a
  dateline (``Monday, October 10, 2022``, ``3 June 2017``, ``• April 26,
  2024``) giving ``date``; navigation chrome; a byline ``name (handle)
  wrote,`` giving ``author`` (the name, without the handle).
* **The title** is the next line, unless it reads as a paragraph or a
  caption: more than 30 words, a long line of a multi-line block, two or
  more sentences ending in a full stop, or a photo credit (``(Photo:``).
  Then the page has **no title line**: that text stays the first paragraph
  of the body, whole, and the title is derived from the body without
  taking anything away: the first sentence of its first paragraph that is
  not a caption, cut at 12 words with a final ``…`` (from the first
  comment when the page has no body). A derived title is never compared
  with the body, so the lead is never dropped as a repeat.
* **The comment section** starts at the first line, after the title, that
  is a wpDiscuz widget line (``Notify of``, ``Newest Most Voted``, ``Inline
  Feedbacks``, ``View all comments``), a comments heading (``Comments``,
  ``12 Comments``, ``3 Responses to “…”``, ``5 thoughts on “…”``), or a
  comment header that cannot be prose (see below). Without one, the file
  has no comment section and everything is body: no comment is invented.
* **The body** is everything before the section. A first paragraph that is
  only a date (``March 14, 2023``, ``Published: 2023-03-14``, ``Posted on
  ...``) is the dateline; a paragraph ``By Jane Roe`` is the byline; a
  paragraph holding both, on two lines or on one split by ``|``, ``·`` or
  ``•`` (``By Jane Roe | March 14, 2023``), gives both. Dropped
  as chrome: the title repeated (compared without quote marks, spacing and
  case, also as one line of a longer block), ``Support <Site>`` lines, a
  lone site name (a name seen in ``Support <Site>`` or the URL's host),
  donation blocks (``BITCOIN (BTC): <address>``, ``ETH``/``Monero``/PayPal
  labels, bare wallet addresses, the appeals around them) and related-link
  lists (``MORE ON THIS TOPIC:``, ``Related:``, ``Read also:``: the heading
  and the headline-like lines that follow it).
* **Comment headers** are a name line followed by a date line, where the
  name may be numbered (``1.``, ``2.1``), bulleted (``• Name``), or end in
  ``says:``, ``said:`` or ``said...``, and the date line is a date
  (``March 3, 2021 at 4:15 pm``, kept as the comment's ``date``) or a
  time-ago line (``3 days ago``: not a date, ``date`` stays None). ``Name
  says:`` without a date line is a header too once the section has
  started, and so is a number alone on its line (``1. 1``, ``2.1``: a list
  that shows no names). Before a heading, only headers with ``says:``, a
  bullet and a time-ago line, or a number and a time of day start the
  section, so a bare name and date in the body (a letter's signature) or a
  bulleted list of events and days stay body. When the section has
  headers, each one starts a comment holding the blocks up to the next
  header (two blank lines start a comment without an author, as below);
  blocks before the first header are read as below.
* **Without headers** (the SouthFront widget lists), comments are
  blank-line separated blocks. A block that is one short line (at most 4
  words and 40 characters, not starting with a quote, not ending in
  punctuation, though a handle may end in `` .`` as in ``888mladen .``) and
  is followed by another block is an author line: it starts a new comment
  by that author. Otherwise a block after a single blank line continues the
  current comment (a multi-paragraph comment) and a block after two or more
  blank lines starts a new comment without an author. A short comment with
  no final punctuation directly after an author line is taken as that
  comment's text, not as a second author. A date line alone after a comment
  is that comment's date, and ends it. A block that starts with the next
  number of the list (``1.``, then ``2.``) starts a new comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..documents import Article, Comment, DocDate, comment_id, parse_date

# --- line patterns ---------------------------------------------------------

_AMOUNT = re.compile(r"\$?\s*\d[\d,.\s]*\s*\$\s*|\$\s*\d[\d,.\s]*")
_MONTH_LINE = re.compile(
    r"(JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\s+(\d{4})",
    re.I,
)
_BANNER = re.compile(r"\d+\s+(?:DAYS?|HOURS?)\s+LEFT\b.{0,60}", re.I)
_CRAWLER = re.compile(r"date\s+(?P<date>\d{4}-\d{2}-\d{2})(?:\s+(?P<url>https?://\S+))?(?:\s+(?P<rest>.*))?", re.I)
_BYLINE_WROTE = re.compile(r"(?P<name>[^()\n]{1,60}?)\s*(?:\((?P<handle>[^()\s]{1,40})\))?\s+wrote\s*[,:]?")
_BYLINE_BY = re.compile(r"(?:By|Written by)\s+(?P<name>[A-ZÀ-Þ][\w.'’-]*(?:\s+[A-ZÀ-Þ][\w.'’-]*){0,3})")
_SUPPORT = re.compile(r"Support\s+(?P<site>\S.{0,40})")
_DATELINE = re.compile(r"(?:(?:Published|Posted|Updated)(?:\s+on)?\s*:?\s*)?(?P<date>.{4,40})", re.I)
_BULLET = re.compile(r"^[•·*▪◦‣-]\s*")
_NUMBERING = re.compile(r"^\d{1,4}(?:\.\d{1,4})*\.?(?:\s+\d{1,4}(?:\.\d{1,4})*\.?)?(?:\s+|$)")
_TIME = r"(?:\s*(?:at|@|,|-|–)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?\s?m\.?)?)?"
_TIME_AGO = re.compile(
    r"(?:about\s+|over\s+|almost\s+)?(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago"
    r"(?:\s*(?:edited|\(edited\)))?|just now|yesterday|today",
    re.I,
)
_LIST_NUMBER = re.compile(r"(\d{1,4})\.\s+(?=\S)")
_COMMENT_NUMBER = re.compile(r"\d{1,4}\.\s+\d{1,4}|\d{1,4}(?:\.\d{1,4})+")
_SAYS = re.compile(r"(?P<name>.+?)\s+(?:says|said|wrote)\s*(?::|\.\.\.|…)")
_PHOTO = re.compile(
    r"\((?:Photo|Image|Picture|Credit|File photo)\b|\b(?:Photo|Image|Credit)\s*:|\bGetty Images\b", re.I
)
_SENTENCE_END = re.compile(r"[.!?…][\"”’')]*\s+[\"“‘(]*[A-Z]")
_QUOTES = re.compile(r"[\"'‘’“”«»‹›`´„‚]")

# chrome anywhere on the page (comment forms, navigation, share bars)
_PAGE_CHROME = re.compile(
    r"(?:Leave a (?:Reply|Comment|Response)(?: to .{1,200})?(?:\s*Cancel reply)?"
    r"|Cancel reply|Post (?:a )?Comment|Submit Comment|Add (?:a )?Comment|Reply to this comment"
    r"|Your email address will not be published\.?(?:\s*Required fields are marked \*)?"
    r"|Required fields are marked \*|(?:Comment|Name|Email|E-mail|Website)\s*\*?:?"
    r"|Save my name, email, and website in this browser for the next time I comment\."
    r"|Notify me of (?:follow-up comments|new posts|new comments)(?: via| by) e-?mail\."
    r"|This site uses Akismet to reduce spam\..{0,80}"
    r"|You must be (?:logged in|registered)(?: and logged in)? to post a comment\."
    r"|Comments are closed\.?|There are no comments yet\.?|No comments yet\.?|Be the first to comment\.?"
    r"|No comments on this story.{0,120}|Please log in or register to add your comment"
    r"|Enter comments here:?|%d bloggers like this:?|Like this:|Share this:|Loading\.\.\.|Like Loading\.\.\."
    r"|Subscribe to comments with RSS\.?|Fill in your details below or click an icon to log in:?.{0,20}"
    r"|You are commenting using your .{0,40}account\..{0,40}|Connecting to %s"
    r"|Posted in [^.]{1,60}|Filed under [^.]{1,80}|Tagged(?: with)?\b[^.]{0,120}|with \d+ comments?"
    r"|Just another (?:weblog|WordPress site|WordPress\.com weblog)"
    r"|Skip to (?:main )?content|Jump to content|Most Popular|Related Articles|Related Posts|Advertisement"
    r"|Would love your thoughts, please comment\.?x?"
    r"|Do you like this content\? Consider helping us!?)",
    re.I,
)
# lines of the wpDiscuz widget and of comment lists: chrome in the comment section only
_WIDGET = {"notify of", "newest most voted", "inline feedbacks", "view all comments"}
_SECTION_CHROME = re.compile(
    r"(?:Notify of|Newest Most Voted|Inline Feedbacks|View all comments|Subscribe|Login|Label|guest"
    r"|Oldest|Newest|Most Voted|Most Liked|\{\}|\[\+\]|\(\)|x|Reply|Share|Report|Flag|Like|Edit"
    r"|Load More(?: Comments)?(?:\.\.\.|…)?|Show more replies|View replies|Hide replies"
    r"|[+-]?\d{1,5}(?:\s+(?:points?|votes?|likes?))?|\d+\s+repl(?:y|ies)"
    r"|\d+\s+Comments?|One Comment|No Comments?"
    r"|Sort by (?:Best|Newest|Oldest)|Best|Avatar)",
    re.I,
)
_HEADING = re.compile(
    r"(?:Comments?(?:\s*\(\d+\))?|\d+\s+Comments?|One Comment|Reader comments|Readers'? comments"
    r"|Join the discussion|(?:\d+|One|No)\s+(?:Responses?|Repl(?:y|ies)|thoughts?)(?:\s+(?:to|on)\s+.{1,200})?)\s*:?",
    re.I,
)

# donation chrome
_COIN = (
    r"(?:BITCOIN(?:\s+CASH)?|ETHEREUM|MONERO|LITECOIN|DOGECOIN|TETHER|USDT|USDC|BTC|BCH|ETH|XMR|LTC|DOGE"
    r"|PAYPAL|PayPal|Paypal)"
)
_ADDRESS = r"(?:0x[0-9a-fA-F]{40}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[0-9a-z]{20,80}|[A-Za-z0-9]{40,110})"
_DONATION_LINE = re.compile(
    rf"(?:{_COIN}(?:\s*\((?:{_COIN}|[A-Z]{{2,5}})\))?(?:\s*(?:address|wallet))?\s*:?\s*(?:{_ADDRESS})?"
    rf"|{_ADDRESS}|PAYPAL\b[^.]{{0,60}}:.{{0,80}})",
    re.I,
)
_DONATION_APPEAL = re.compile(
    r"(?:If you (?:face any problems sending funds|want to support|would like to support)"
    r"|Do you like this content|Consider helping us|Please support us|You can support us|Donate\b)",
    re.I,
)
_DONATION_WORDS = re.compile(r"fund|donat|paypal|crypto|bitcoin|wallet|helping us|support us|support \w", re.I)

# related-link lists
_RELATED = re.compile(
    r"(?:MORE ON THIS TOPIC|Related(?: news| articles| posts| stories)?|Read (?:also|more)|See also"
    r"|You may also like|Recommended(?: for you)?|More from .{1,40})\s*:?",
    re.I,
)

_AUTHOR_END_OK = re.compile(r"\s\.$")
_PUNCT_END = tuple(".!?,;:…\"”’')]")
_QUOTE_START = tuple("\"“‘'«(")


@dataclass
class _Header:
    """A page's lines above the title, as read."""

    pos: int
    captured: date | None = None
    published: date | None = None
    url: str | None = None
    author: str | None = None
    replaced: str | None = None  # text after a crawler prefix, read as the line at ``pos``


def parse_scraped(text: str, article_id: str, source: str = "") -> Article:
    """Parse one page of the scraped-text format into an :class:`Article`.

    Raises ValueError when the text holds no title, no body and no comment.
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = ["" if _PAGE_CHROME.fullmatch(line.strip()) else line for line in lines]
    header = _read_header(lines)
    if header.replaced is not None:
        lines[header.pos] = header.replaced
    pos = header.pos
    if pos >= len(lines):
        raise ValueError("no title found (the file holds only blank or widget lines)")

    has_title = _reads_as_title(lines, pos)
    title = " ".join(lines[pos].split()) if has_title else ""
    rest = lines[pos + 1 :] if has_title else lines[pos:]

    section_at = _comment_section_start(rest)
    body_lines = rest if section_at is None else rest[:section_at]
    comment_lines = [] if section_at is None else rest[section_at:]

    sites = _site_names(lines, header.url)
    paragraphs = _body_paragraphs(body_lines, title, sites)
    published, author = header.published, header.author
    precision = "day"
    dated = named = False
    while paragraphs and (meta := _dateline_or_byline(paragraphs[0])) is not None:
        date_text, name = meta
        if (date_text and dated) or (name and named):
            break
        if date_text:
            dated = True
            if published is None:
                published = _date_of(date_text)
                written = DocDate.parse(date_text)  # "March 2023" is month precision
                precision = written.precision if written else "day"
        if name:
            named = True
            author = author or name
        paragraphs.pop(0)
    comments = _comments(comment_lines, article_id)
    if not title:
        leads = [p for p in paragraphs if not _PHOTO.search(p)] or paragraphs or [c.text for c in comments[:1]]
        title = _derived_title(leads[0]) if leads else ""
    if not title:
        raise ValueError("no title found (the file holds only blank or widget lines)")

    article = Article(
        id=article_id,
        title=title,
        body="\n\n".join(paragraphs),
        date=published,
        date_precision=precision,
        captured=header.captured,
        url=header.url,
        author=author,
        source=source,
        comments=comments,
    )
    return article


def _dateline_or_byline(paragraph: str) -> tuple[str | None, str | None] | None:
    """(date text, author) when a paragraph is only a dateline and/or a byline, one per line or
    on one line split by ``|``, ``·`` or ``•`` (``March 14, 2023`` / ``By Ana Vale``); else None."""
    date_text = name = None
    for part in re.split(r"\n|\s+[|·•]\s+", paragraph):
        part = part.strip()
        if not part:
            continue
        if date_text is None and (m := _DATELINE.fullmatch(part)) and _date_of(m.group("date")):
            date_text = m.group("date")
        elif name is None and (m := _BYLINE_BY.fullmatch(part)):
            name = m.group("name")
        else:
            return None
    return (date_text, name) if date_text or name else None


# --- above the title -------------------------------------------------------


def _read_header(lines: list[str]) -> _Header:
    """Step over the lines above the title: widget, banners, datelines, crawler prefix, byline."""
    header = _Header(pos=0)
    pos = 0
    last = max((index for index, line in enumerate(lines) if line.strip()), default=-1)
    while True:
        while pos < len(lines) and not lines[pos].strip():
            pos += 1
        if pos >= len(lines):
            break
        line = " ".join(lines[pos].split())
        has_more = pos < last
        if _AMOUNT.fullmatch(line) or _BANNER.fullmatch(line):
            pos += 1
        elif header.captured is None and has_more and (m := _MONTH_LINE.fullmatch(line)):
            header.captured = parse_date(f"{m.group(1)} {m.group(2)}")
            pos += 1
        elif m := _CRAWLER.fullmatch(line):
            header.published = header.published or parse_date(m.group("date"))
            header.url = header.url or m.group("url")
            if m.group("rest"):
                header.replaced = m.group("rest")
                break
            pos += 1
        elif has_more and (found := _date_of(line)):
            header.published = header.published or found
            pos += 1
        elif has_more and (m := _BYLINE_WROTE.fullmatch(line)) and len(m.group("name").split()) <= 5:
            header.author = header.author or m.group("name").strip()
            pos += 1
        else:
            break
    header.pos = pos
    return header


def _date_of(line: str) -> date | None:
    """The date a line holds when the line is only a date (bullet and weekday allowed)."""
    line = _BULLET.sub("", line.strip())
    if len(line) > 60:
        return None
    if found := parse_date(line):
        return found
    stripped = re.sub(_TIME + r"$", "", line).strip().rstrip(",")
    return parse_date(stripped) if stripped != line else None


def _reads_as_title(lines: list[str], pos: int) -> bool:
    """False when the line at ``pos`` is a lead paragraph or a caption rather than a headline."""
    line = " ".join(lines[pos].split())
    next_line = lines[pos + 1] if pos + 1 < len(lines) else ""
    if next_line.strip() and len(line.split()) > 8:
        return False  # a line of a multi-line block: a paragraph
    if len(line.split()) > 30 or _PHOTO.search(line) or _COMMENT_NUMBER.fullmatch(line):
        return False
    return not (line.endswith(".") and _SENTENCE_END.search(line))


def _derived_title(paragraph: str) -> str:
    """A title for a page without a title line: its first sentence, at most 12 words."""
    first = " ".join(paragraph.split("\n", 1)[0].split())
    if end := _SENTENCE_END.search(first):
        first = first[: end.start() + 1]
    words = first.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "")


# --- body ------------------------------------------------------------------


def _site_names(lines: list[str], url: str | None) -> set[str]:
    names = set()
    for line in lines:
        if (m := _SUPPORT.fullmatch(line.strip())) and len(line.split()) <= 4:
            names.add(_squash(m.group("site")))
    if url and (host := re.match(r"https?://(?:www\.)?([^/:]+)", url)):
        labels = host.group(1).split(".")
        if len(labels) >= 2:
            names.add(_squash(labels[-2]))
    return {name for name in names if len(name) >= 4}


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _normal(text: str) -> str:
    """Text compared without quote marks, spacing, case and final punctuation."""
    return " ".join(_QUOTES.sub("", text).casefold().split()).rstrip(" .!?:")


def _body_paragraphs(lines: list[str], title: str, sites: set[str]) -> list[str]:
    title_key = _normal(title) if title else None
    paragraphs: list[str] = []
    in_related = False
    for _, block in _blocks(lines):
        kept = [
            line
            for line in block.split("\n")
            if not (title_key and _normal(line) == title_key) and not _is_donation_line(line)
        ]
        if not kept:
            continue
        if _RELATED.fullmatch(kept[0]):
            in_related = True
            kept = kept[1:]
            if not kept:
                continue
        if in_related:
            if all(_is_headline(line) for line in kept):
                continue
            in_related = False
        paragraph = "\n".join(kept)
        if not _is_chrome(paragraph, title_key, sites):
            paragraphs.append(paragraph)
    return paragraphs


def _is_donation_line(line: str) -> bool:
    return len(line) <= 160 and bool(_DONATION_LINE.fullmatch(line.strip())) and not line.endswith(".")


def _is_headline(line: str) -> bool:
    """A line of a related-link list: short, no sentence, mostly capitalised words."""
    line = _BULLET.sub("", line.strip())
    words = [word for word in line.split() if len(word) > 3]
    if not line or len(line.split()) > 20 or line.endswith((".", ",", ";", ":")):
        return False
    return bool(words) and sum(word[0].isupper() or word[0].isdigit() for word in words) * 2 >= len(words)


def _is_chrome(paragraph: str, title_key: str | None, sites: set[str]) -> bool:
    if title_key and _normal(paragraph) == title_key:
        return True
    if "\n" not in paragraph and _squash(paragraph) in sites:
        return True
    if _SUPPORT.fullmatch(paragraph) and len(paragraph.split()) <= 4 and not paragraph.endswith(_PUNCT_END):
        return True
    return (
        bool(_DONATION_APPEAL.match(paragraph))
        and len(paragraph.split()) <= 60
        and bool(_DONATION_WORDS.search(paragraph))
    )


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


# --- comment section -------------------------------------------------------


def _comment_section_start(lines: list[str]) -> int | None:
    """Index of the first line of the comment section, or None when the page has none."""
    for index, line in enumerate(lines):
        text = " ".join(line.split())
        if not text:
            continue
        if text.lower() in _WIDGET or _HEADING.fullmatch(text):
            return index
        if _header_at(lines, index, strict=True) is not None:
            return index
    return None


def _next_text(lines: list[str], index: int) -> tuple[int, str] | None:
    for later in range(index + 1, min(index + 4, len(lines))):
        if lines[later].strip():
            return later, " ".join(lines[later].split())
    return None


def _comment_date(line: str) -> tuple[bool, date | None]:
    """(is a comment's date line, the date it gives)."""
    line = _BULLET.sub("", line.strip())
    line = re.sub(r"^(?:on|posted on|posted)\s+", "", line, flags=re.I)
    if _TIME_AGO.fullmatch(line):
        return True, None
    found = _date_of(line)
    return found is not None, found


def _stamp_kind(line: str) -> str:
    """How a comment's date line is written: ``ago``, ``time`` (a day with its hour) or ``day``."""
    line = _BULLET.sub("", line.strip())
    if _TIME_AGO.fullmatch(line):
        return "ago"
    return "time" if re.search(r"\d[:.]\d\d", line) else "day"


def _header_at(lines: list[str], index: int, strict: bool) -> tuple[str | None, date | None, int] | None:
    """A comment header at ``index``: (author, date, index of its last line); None if not one.

    ``strict`` (before any heading) wants ``says:``, a bullet or a number on the name line.
    """
    raw = " ".join(lines[index].split())
    if _NUMBERING.fullmatch(raw):
        # a number alone over a comment, as WordPress lists without names show them
        if strict and not _COMMENT_NUMBER.fullmatch(raw):
            return None
        following = _next_text(lines, index)
        if following is None or _NUMBERING.fullmatch(following[1]):
            return None
        return None, None, index
    numbered = bool(_NUMBERING.match(raw))
    name = _NUMBERING.sub("", raw) if numbered else raw
    bulleted = bool(_BULLET.match(name))
    name = _BULLET.sub("", name).strip()
    says = _SAYS.fullmatch(name)
    if says:
        name = says.group("name").strip()
    if not name or not looks_like_author(name) or _SECTION_CHROME.fullmatch(name) or _date_of(name):
        return None
    following = _next_text(lines, index)
    if following is not None:
        is_date, found = _comment_date(following[1])
        if is_date:
            if strict and not _strict_header(bool(says), bulleted, numbered, _stamp_kind(following[1])):
                return None
            return name, found, following[0]
    if says and not strict:
        return name, None, index
    return None


def _strict_header(says: bool, bulleted: bool, numbered: bool, stamp: str) -> bool:
    """Whether a header may start a comment section with no heading above it.

    A bulleted or numbered list of names and days in an article (events, a
    timetable) must stay body: a bullet wants a time-ago line (as Disqus shows),
    a number a time of day (as WordPress shows), ``says:`` any date line.
    """
    if says:
        return True
    if bulleted:
        return stamp == "ago"
    return numbered and stamp in ("ago", "time")


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
    lines = [
        "" if _SECTION_CHROME.fullmatch(line.strip()) or _HEADING.fullmatch(line.strip()) else line for line in lines
    ]
    found = _comments_by_header(lines)
    if found is None:
        found = _comments_by_blocks(["" if _NUMBERING.fullmatch(line.strip()) else line for line in lines])
    found = [(author, day, paragraphs) for author, day, paragraphs in found if paragraphs]  # a header alone is none
    return [
        Comment(id=comment_id(article_id, n), text="\n\n".join(paragraphs), author=author, date=day, position=n)
        for n, (author, day, paragraphs) in enumerate(found, start=1)
    ]


_Found = list[tuple[str | None, date | None, list[str]]]


def _comments_by_header(lines: list[str]) -> _Found | None:
    """Comments split at their headers; None when the section has no header."""
    headers: dict[int, tuple[str | None, date | None, int]] = {}
    index = 0
    while index < len(lines):
        if lines[index].strip() and (header := _header_at(lines, index, strict=False)):
            headers[index] = header
            index = header[2] + 1
        else:
            index += 1
    if not headers:
        return None
    found: _Found = []
    starts = sorted(headers)
    if starts[0] > 0:
        for author, day, paragraphs in _comments_by_blocks(lines[: starts[0]]):
            found.append((author, day, paragraphs))
    for number, start in enumerate(starts):
        author, day, last = headers[start]
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        current: tuple[str | None, date | None, list[str]] = (author, day, [])
        found.append(current)
        for position, (blanks, text) in enumerate(_blocks(lines[last + 1 : end])):
            if position and blanks >= 2:  # two blank lines: a new comment without a header
                current = (None, None, [])
                found.append(current)
            current[2].append(text)
    return found


def _comments_by_blocks(lines: list[str]) -> _Found:
    blocks = _blocks(lines)
    found: _Found = []
    pending_author: str | None = None
    current: tuple[str | None, date | None, list[str]] | None = None
    for index, (blanks, text) in enumerate(blocks):
        is_last = index == len(blocks) - 1
        is_date, day = _comment_date(text) if "\n" not in text else (False, None)
        if is_date:  # a date line alone belongs to the comment above it, never its text
            if current is not None and current[1] is None and pending_author is None:
                found[-1] = (current[0], day, current[2])
            current = None  # and ends it: the next block starts a new comment
            continue
        numbered = _LIST_NUMBER.match(text)
        if numbered and pending_author is None and int(numbered.group(1)) == len(found) + 1:
            current = (None, None, [text[numbered.end() :]])  # the list's next number: a new comment
            found.append(current)
            continue
        if pending_author is None and not is_last and looks_like_author(text):
            pending_author = _clean_author(text)
            current = None
            continue
        if pending_author is not None:
            current = (pending_author, None, [text])
            found.append(current)
            pending_author = None
        elif current is None or blanks >= 2:
            current = (None, None, [text])
            found.append(current)
        else:
            current[2].append(text)
    return found
