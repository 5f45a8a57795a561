"""Writing small WARC files for the tests, with warcio's own writer."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def page(title: str, text: str) -> bytes:
    """A small HTML page with a headline and one paragraph per line of ``text``."""
    paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{paragraphs}</body></html>".encode()


def write_warc(path: Path, records: list[tuple], gzip: bool | None = None) -> list[int]:
    """Write ``records`` and return each one's byte offset.

    A record is ``("response", url, status, content_type, body)``, ``("request", url)``,
    ``("revisit", url)`` or ``("metadata", url)``.
    """
    offsets = []
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz") if gzip is None else gzip)
        for kind, url, *rest in records:
            offsets.append(handle.tell())
            if kind == "response":
                status, content_type, body = rest
                http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
            elif kind == "request":
                http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
                record = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=http)
            elif kind == "revisit":
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                record = writer.create_revisit_record(
                    url, "sha1:AAAA", "https://example.org/", "2023-01-01T00:00:00Z", http
                )
            else:
                record = writer.create_warc_record(
                    url, "metadata", payload=io.BytesIO(b"outlink: x"), warc_content_type="text/plain"
                )
            writer.write_record(record)
    return offsets
