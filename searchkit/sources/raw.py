"""A file's bytes, safely: size limits, a guard against gzip bombs, and decoding to text.

Every reader gets its bytes through here, so that one place decides how large
an input may be. :func:`decode` is the text formats' rule (UTF-8, else cp1252);
:func:`decode_html` follows what browsers do for HTML (BOM, then the charset
the server declared, then ``<meta charset>``, then a guess from the bytes).
"""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from pathlib import Path

from ..errors import SourceError

MAX_PAGE_BYTES = 20 * 1024 * 1024
"""A page larger than this (after decompression) is not one article: it is skipped."""
MAX_GZIP_RATIO = 100
"""Gzip data that expands more than this many times its compressed size is taken for a bomb ..."""
MAX_GZIP_BYTES = 1 << 30
"""... and so is gzip data that expands past this many bytes."""
GZIP_GRACE_BYTES = 1 << 20
"""The ratio is only checked past this much output (tiny files compress oddly)."""


class GzipBomb(Exception):
    """Gzip data expanded past :data:`MAX_GZIP_RATIO` times its size or :data:`MAX_GZIP_BYTES`."""


def gzip_guard(compressed: int, expanded: int) -> None:
    """Raise :class:`GzipBomb` when ``expanded`` bytes out of ``compressed`` bytes in is too much."""
    if expanded > MAX_GZIP_BYTES or (expanded > GZIP_GRACE_BYTES and expanded > MAX_GZIP_RATIO * compressed):
        raise GzipBomb(
            f"gzip data expands more than {MAX_GZIP_RATIO} times its size or past "
            f"{MAX_GZIP_BYTES >> 30} GB (a gzip bomb?)"
        )


def read_page_bytes(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The bytes of a one-page file (``.gz`` decompressed), at most ``limit`` of them.

    Raises :class:`SourceError` for a file past the limit, a gzip bomb or
    broken gzip data; decompression stops as soon as the limit is passed.
    """
    where = str(path)
    limit_text = f"(limit {limit // 2**20} MB), skipped"
    if not path.name.lower().endswith(".gz"):
        size = path.stat().st_size
        if size > limit:
            raise SourceError(where, f"{size / 2**20:.0f} MB is too large for one page {limit_text}")
        return path.read_bytes()
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    read = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 16):
                read += len(chunk)
                pending = chunk
                while pending:
                    if inflater.eof:  # gzip allows several members one after another
                        if not pending.strip(b"\0"):
                            break  # zero padding after the last member
                        inflater = zlib.decompressobj(wbits=31)
                    out += inflater.decompress(pending, limit + 1 - len(out))
                    pending = inflater.unconsumed_tail or (inflater.unused_data if inflater.eof else b"")
                    gzip_guard(read, len(out))
                    if len(out) > limit:
                        raise SourceError(where, f"too large for one page once decompressed {limit_text}")
    except GzipBomb as exc:
        raise SourceError(where, f"{exc}, skipped") from None
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise SourceError(where, f"broken gzip data ({exc}), skipped") from None
    if not inflater.eof:
        raise SourceError(where, "gzip data ends early (truncated file), skipped")
    return bytes(out)


def decode(data: bytes, path: str, problems: list[str]) -> str:
    """Bytes to text: UTF-8 (BOM dropped), UTF-16 with a BOM, else cp1252 (noted in problems)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise SourceError(path, "binary file (it contains NUL bytes), skipped")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not valid UTF-8 (byte {exc.start}), read as cp1252")
        return data.decode("cp1252", errors="replace")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "cp819"}
"""Labels the WHATWG Encoding standard (what browsers follow) reads as windows-1252."""


def html_encoding(data: bytes, declared: str | None = None) -> str:
    """The encoding a browser would read these HTML bytes in.

    A BOM wins, then the charset the server sent (``declared``), then a
    ``<meta charset>`` in the first 1024 bytes (the HTML standard's prescan
    window, widened to 4096 for pages with long heads), then UTF-8 when the
    bytes are valid UTF-8. Else, mostly ASCII letters with a few others is
    Latin script: windows-1252 (the default of browsers in Western locales);
    mostly bytes above 127 is another script, guessed by charset_normalizer
    among the legacy encodings of Cyrillic, Greek, Hebrew, Arabic, Baltic,
    Chinese, Japanese and Korean (windows-1252 when nothing fits).
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for label in (declared, *(m.group(1).decode("ascii") for m in _META_CHARSET.finditer(data[:4096]))):
        if label and (name := _codec_name(label)):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[: 1 << 16]
    high = sum(1 for byte in sample if byte >= 0x80)
    ascii_letters = sum(1 for byte in sample if 65 <= byte <= 90 or 97 <= byte <= 122)
    if high <= ascii_letters:
        return "cp1252"  # Latin script with a few accented letters: a Western browser's default
    from charset_normalizer import from_bytes  # a trafilatura dependency; slow to import, rarely needed

    best = from_bytes(sample, cp_isolation=list(_NON_LATIN_ENCODINGS)).best()
    return _codec_name(best.encoding) if best is not None and _codec_name(best.encoding) else "cp1252"


_NON_LATIN_ENCODINGS = (
    "cp1251",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "gb18030",
    "big5",
    "shift_jis",
    "euc_jp",
    "euc_kr",
)
"""What a guess may choose from when most letters are not ASCII: legacy encodings of other scripts."""


def _codec_name(label: str) -> str | None:
    label = label.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def looks_binary(data: bytes) -> bool:
    """True for data that is no text at all: NUL bytes, or many control bytes, in its first 8 KB."""
    head = data[:8192]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = sum(head.count(bytes([c])) for c in (*range(1, 9), 11, 12, *range(14, 27), *range(28, 32)))
    return controls > len(head) // 20
