"""Write the sample corpus's web archive, corpus/warc/coast-crawl.warc.gz, from pages of tests/data/html.

The archive holds what a crawler writes: a request and a response for each
page, and one image, so that the demo shows which records become articles.
Run it from the repository root: ``python bench/make_sample_warc.py``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "https://coastline-daily.example/grain-silo-fire/": "wpdiscuz.html",
    "https://railweekly.example/night-trains-return": "json-ld.html",
}


def main(target: Path = ROOT / "corpus" / "warc" / "coast-crawl.warc.gz") -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, name in PAGES.items():
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
            )
            body = (ROOT / "tests" / "data" / "html" / name).read_bytes()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        logo = b"\x89PNG\r\n\x1a\n" + bytes(64)
        writer.write_record(
            writer.create_warc_record(
                "https://railweekly.example/logo.png", "response", payload=io.BytesIO(logo), http_headers=image
            )
        )
    print(f"wrote {target} ({target.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
