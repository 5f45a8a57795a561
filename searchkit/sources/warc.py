"""Reader for web archives (``.warc``, ``.warc.gz``): one article per archived HTML page.

Every ``response`` record with HTTP status 200 and an HTML content type
(``text/html``, ``application/xhtml+xml``) is read by
:func:`~searchkit.sources.html.parse_html`: its id and ``url`` are the
record's ``WARC-Target-URI``, its ``offset`` the record's byte offset in the
file (in the compressed file for ``.warc.gz``, as CDX indexes give it).

The file is streamed with warcio, one record at a time, never read whole. It
is read twice: a first pass reads only record headers, to find URLs captured
more than once (the last capture that is not damaged is kept, the other ones
are reported); the second parses the pages. Decompression is cheap beside HTML extraction.

Other records (request, revisit, metadata, warcinfo, resource; redirects,
errors and other statuses; non-HTML responses) are skipped without an error
and counted by kind in the read report's ``not_pages``, which the index
summary shows; they are never a problem. A
page that cannot be read (binary, too large, too deep) is one problem line
with ``path@offset``; a record the archive cannot be parsed past (truncated,
wrong ``Content-Length``, broken headers, a gzip bomb) is one too, and
reading goes on at the next record found after it.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from ..documents import Article
from ..errors import SourceError
from .html import parse_html
from .raw import MAX_PAGE_BYTES, GzipBomb, gzip_guard
from .report import ReadReport

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_LISTED = 20
"""Duplicate captures and unreadable records listed one by one per file; more are counted."""
_RESYNC_CHUNK = 1 << 20


def read(path: Path, source_id: str, report: ReadReport) -> Iterator[Article]:
    """Yield the HTML pages of a WARC file; raise SourceError when it holds no record at all."""
    where = str(path)
    problems = report.problems
    if path.stat().st_size == 0:
        raise SourceError(where, "empty file, skipped")
    last_capture: dict[bytes, int] = {}
    listed: Counter = Counter()
    damaged: dict[int, str] = {}  # offset -> why: records the first pass found cut short or overlong
    intact: dict[bytes, int] = {}  # for a URL captured again: its last capture known to be read through whole
    records = 0
    for offset, record in _records(path, where, None, damaged):
        records += 1
        if _is_page(record) is None:
            key = _key(record)
            earlier = last_capture.get(key)
            if earlier is not None and earlier not in damaged:  # read through by now: its damage is known
                intact[key] = earlier
            last_capture[key] = offset
    if not records:
        raise SourceError(where, "no WARC record in the file, skipped")
    for key, offset in intact.items():
        if last_capture[key] in damaged:  # a recrawl cut short does not drop the intact capture before it
            last_capture[key] = offset
    for offset, record in _records(path, where, _Noted(problems, listed), {}):
        kind = _is_page(record)
        at = f"{where}@{offset}"
        if kind == "broken HTTP headers":
            _note(problems, listed, "unreadable", f"{at}: broken HTTP headers (no status code), record skipped")
            continue
        if kind is not None:
            report.not_pages[kind] += 1
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        if offset in damaged:
            _note(problems, listed, "unreadable", f"{at}: {damaged[offset]}, record skipped")
            continue
        later = last_capture.get(_key(record), offset)
        if later != offset:
            _note(problems, listed, "duplicate", f"{at}: {url} is captured again at @{later}; the last capture is kept")
            continue
        try:
            data = record.content_stream().read(MAX_PAGE_BYTES + 1)
        except (OSError, ValueError, EOFError, zlib.error, GzipBomb) as exc:
            _note(problems, listed, "unreadable", f"{at}: page cannot be read ({exc}), record skipped")
            continue
        if len(data) > MAX_PAGE_BYTES:
            _note(
                problems,
                listed,
                "unreadable",
                f"{at}: page too large (limit {MAX_PAGE_BYTES >> 20} MB), record skipped",
            )
            continue
        try:
            article = parse_html(data, url, where=at, source=source_id, url=url, charset=_charset(record))
        except SourceError as exc:
            _note(problems, listed, "unreadable", f"{exc}".replace(", skipped", ", record skipped"))
            continue
        article.url = url  # the page's canonical URL may differ: the archive says where it was fetched
        article.offset = offset
        yield article
    for kind, count in listed.items():
        if count > MAX_LISTED:
            problems.append(f"{where}: {count - MAX_LISTED} more {kind} records not listed")


def _is_page(record) -> str | None:
    """None for an HTTP 200 HTML response; else the kind of record it is, for the counts."""
    if record.rec_type != "response":
        return record.rec_type or "untyped"
    headers = record.http_headers
    if headers is None:
        return "non-HTTP response"
    status = (headers.get_statuscode() or "").strip()
    if status.startswith("3"):
        return "redirect"
    if status.startswith(("4", "5")):
        return "error"
    if not re.fullmatch(r"\d{3}", status):
        return "broken HTTP headers"
    if status != "200":
        return f"status {status}"
    content_type = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        return "non-HTML"
    if not record.rec_headers.get_header("WARC-Target-URI"):
        return "no target URL"
    return None


def _key(record) -> bytes:
    """A short digest of the target URL: the first pass keeps millions of them."""
    return hashlib.blake2b(record.rec_headers.get_header("WARC-Target-URI", "").encode(), digest_size=12).digest()


def _charset(record) -> str | None:
    for part in (record.http_headers.get_header("Content-Type") or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


class _Noted:
    """Where the record iterator reports the records it cannot parse past."""

    def __init__(self, problems: list[str], listed: Counter):
        self.problems, self.listed = problems, listed

    def __call__(self, message: str) -> None:
        _note(self.problems, self.listed, "unreadable", message)


def _note(problems: list[str], listed: Counter, kind: str, message: str) -> None:
    listed[kind] += 1
    if listed[kind] <= MAX_LISTED:
        problems.append(message)


class _GuardedFile:
    """A file read by warcio: counts the bytes read, and stops a gzip member that expands too much."""

    def __init__(self, handle, start: int):
        self.handle = handle
        self.position = start
        self.reader = None  # warcio's decompressing reader, once the iterator exists
        self.mark = (start, 0)

    def tell(self) -> int:
        return self.position

    def start_record(self) -> None:
        self.mark = (self.position, self.reader.num_read if self.reader is not None else 0)

    def read(self, size: int = -1) -> bytes:
        if self.reader is not None and self.reader.decompressor is not None:
            gzip_guard(self.position - self.mark[0], self.reader.num_read - self.mark[1])
        data = self.handle.read(size)
        self.position += len(data)
        return data


class _Iterator(ArchiveIterator):
    INC_RECORD = ""  # warcio writes this warning to stderr; a wrong Content-Length is reported here instead


_BROKEN = (Exception,)  # warcio raises many kinds (ArchiveLoadFailed, parser errors, zlib.error, EOFError)


def _records(path: Path, where: str, report, damaged: dict[int, str]) -> Iterator[tuple[int, object]]:
    """(offset, record) for every record that can be parsed; past a broken one, on at the next record start.

    Records found cut short (the file ends inside them) or longer than their
    ``Content-Length`` go into ``damaged`` once they have been read through.
    """
    compressed = path.name.lower().endswith(".gz")
    start = 0
    with open(path, "rb") as handle:
        while start is not None:
            handle.seek(start)
            guarded = _GuardedFile(handle, start)
            records = _Iterator(guarded, ensure_http_headers=False)
            guarded.reader = records.reader
            offset = start
            try:
                for record in records:
                    offset = records.offset
                    errors = records.err_count
                    yield offset, record
                    records.read_to_end()
                    if getattr(record.raw_stream, "limit", 0) > 0:
                        damaged[offset] = "truncated record (the file ends inside it)"
                    elif records.err_count > errors:
                        damaged[offset] = "record not followed by a blank line (wrong Content-Length?)"
                    guarded.start_record()
                if records.offset < os.fstat(handle.fileno()).st_size and report:
                    report(f"{where}@{records.offset}: truncated record (the file ends inside it), skipped")
                return
            except GzipBomb as exc:
                reason = str(exc)
            except _BROKEN as exc:
                reason = _reason(exc)
            start = _next_record_start(handle, offset + 1, compressed)
            if report:
                then = f"reading goes on at @{start}" if start is not None else "nothing after it could be read"
                report(f"{where}@{offset}: broken record ({reason}); {then}")


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def _next_record_start(handle, position: int, compressed: bool) -> int | None:
    """The offset of the next gzip member (``.warc.gz``) or ``WARC/`` header line after ``position``."""
    marker = b"\x1f\x8b\x08" if compressed else b"\nWARC/1."
    handle.seek(position)
    carry = b""
    base = position
    while chunk := handle.read(_RESYNC_CHUNK):
        data = carry + chunk
        found = data.find(marker)
        if found >= 0:
            return base + found + (0 if compressed else 1)
        carry = data[-(len(marker) - 1) :]
        base += len(data) - len(carry)
    return None
