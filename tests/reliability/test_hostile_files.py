"""Hostile and broken input files: one clear message naming each, nothing indexed lost, right exit codes.

Most cases go through one ``searchkit index`` run over a corpus salted with every kind of bad
file (the module fixture), then each case checks its own message. Cases that would stop or
stall a whole run (a FIFO, a file name that is not UTF-8, huge files) get a run of their own,
always with a timeout. Files made unreadable or deleted during the run use the library with a
progress callback; chmod does not stop root, so those run as root only in a simulated form
(monkeypatched I/O), and the real chmod variants skip with the reason.
"""

from __future__ import annotations

import errno
import json
import os
import pathlib
import shutil
import time
from pathlib import Path

import pytest

from searchkit import build_index

from .conftest import DATA, ROOT, ROOT_REASON, assert_error_line, assert_no_traceback, run_cli, snapshot, write_pages

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
GOOD_PAGE = "Harbour Lights Return\n\nThe harbour lights were switched on again after the storm.\n"
RECORDS = (
    b'{"id": "good-1", "title": "Good record", "text": "A record about lighthouse keepers."}\n'
    b'{"id": "broken", "title": "Broken",\n'
    b'{"id": "good-3", "title": "Another good one", "text": "Seagulls over the pier."}\n'
    b'{"title": "No id", "text": "This record has no id."}\n'
    b'{"id": "no-text", "title": "No text"}\n'
    b"[1, 2, 3]\n"
)


def make_base(root: Path) -> tuple[Path, Path, dict]:
    """A corpus (tests/data pages and records, plus generated pages) and its index: (corpus, index, snapshot)."""
    corpus = root / "corpus"
    shutil.copytree(DATA / "pages", corpus)
    shutil.copy(DATA / "records.jsonl", corpus / "records.jsonl")
    write_pages(corpus / "generated", range(8))
    build_index([str(corpus)], root / "index")
    return corpus, root / "index", snapshot(root / "index")


def assert_kept(index: Path, base: dict) -> dict:
    """Every document of the base index is still there, unchanged; returns the new snapshot."""
    now = snapshot(index)
    lost = [key for key in base if key not in now]
    changed = [key for key in base if key in now and now[key] != base[key]]
    assert not lost and not changed, f"lost {lost[:5]}, changed {changed[:5]}"
    return now


def lines_naming(proc, name: str) -> list[str]:
    return [line for line in proc.stderr.splitlines() if name in line]


# ----------------------------------------------------------------------------- one run, many bad files
def _salt(corpus: Path) -> None:
    bad = corpus / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blank.txt").write_bytes(b"\n   \n\t\n\r\n")
    (bad / "binary.txt").write_bytes(PNG * 4)
    (bad / "nul.txt").write_bytes(b"Title With A Nul\n\nBody text \x00 with a NUL byte in it.\n")
    (bad / "latin1.txt").write_bytes("Café Opens Near The Pier\n\nThe café serves crêpes.\n".encode("cp1252"))
    (bad / "photo.png").write_bytes(PNG)
    (bad / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (bad / "data.json").write_bytes(b'{"id": 1}')
    (bad / "archive.tar.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)))
    (bad / "records.jsonl").write_bytes(RECORDS)
    (bad / "all-bad.jsonl").write_bytes(b"{not json\n[1]\n")
    (bad / "empty.jsonl").write_bytes(b"")
    (bad / "binary.jsonl").write_bytes(PNG)
    (bad / "dangling.txt").symlink_to(bad / "nowhere.txt")
    (bad / "self-loop.txt").symlink_to(bad / "self-loop.txt")
    (bad / "loop").symlink_to(bad, target_is_directory=True)  # bad/loop/loop/... forever
    os.mkfifo(bad / "pipe.txt")


# name under bad/ -> words its one message must hold (None: read and indexed, no message needed)
CASES = {
    "empty.txt": "empty",
    "blank.txt": "empty",
    "binary.txt": "binary",
    "nul.txt": "binary",
    "photo.png": "not a supported file type",
    "report.pdf": "not a supported file type",
    "data.json": "not a supported file type",
    "archive.tar.gz": "not a supported file type",
    "all-bad.jsonl": "no readable article",
    "empty.jsonl": "empty",
    "binary.jsonl": "binary",
    "dangling.txt": "broken symlink",
    "self-loop.txt": "",
    "loop": "symlink loop",
}


@pytest.fixture(scope="module")
def salted(tmp_path_factory):
    root = tmp_path_factory.mktemp("salted")
    corpus, index, base = make_base(root)
    _salt(corpus)
    started = time.monotonic()
    proc = run_cli("index", corpus, "--index", index, "--format", "json", timeout=60)
    return corpus, index, base, proc, time.monotonic() - started


def messages(proc) -> list[str]:
    """Every skipped-file and warning message of a ``--format json`` index run (stderr shows 20)."""
    payload = json.loads(proc.stdout)
    return payload["skipped"] + payload["problems"]


def test_salted_run_succeeds_and_keeps_everything(salted):
    corpus, index, base, proc, seconds = salted
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    now = assert_kept(index, base)
    ids = {key[0] for key in now}
    assert {"good-1", "good-3", "bad/latin1.txt"} <= ids  # the readable parts of the bad batch are in
    assert not {"broken", "no-text", "bad/nul.txt", "bad/binary.txt"} & ids
    assert seconds < 30
    shown = proc.stderr.splitlines()
    assert len(messages(proc)) > 20 and any(line.endswith("more skipped files and warnings") for line in shown)


@pytest.mark.parametrize("name", sorted(CASES))
def test_salted_file_has_one_message_naming_it(salted, name):
    corpus, _, _, proc, _ = salted
    path = str(corpus / "bad" / name)
    named = [line for line in messages(proc) if line.startswith(f"{path}: ")]
    assert len(named) == 1, f"{name}: expected one message naming {path}, got {named}"
    assert CASES[name] in named[0], named[0]
    assert named[0] in json.loads(proc.stdout)["skipped"]


def test_salted_invalid_utf8_is_read_as_cp1252_and_said(salted):
    corpus, index, _, proc, _ = salted
    named = [line for line in messages(proc) if str(corpus / "bad" / "latin1.txt") in line]
    assert len(named) == 1 and "not valid UTF-8" in named[0] and "cp1252" in named[0], named
    from searchkit import open_index

    with open_index(index) as opened:
        assert [hit.id for hit in opened.search("café")] == ["bad/latin1.txt"]


def test_salted_jsonl_bad_lines_are_named_by_line(salted):
    corpus, _, _, proc, _ = salted
    where = str(corpus / "bad" / "records.jsonl")
    lines = [line for line in messages(proc) if where in line]
    assert [line.split(where)[1].split(":")[1] for line in lines] == ["2", "4", "5", "6"], lines
    assert "not valid JSON" in lines[0] and "no id" in lines[1] and "no text" in lines[2] and "object" in lines[3]


def test_salted_strict_fails_with_one_line_and_keeps_the_index(salted):
    corpus, index, base, _, _ = salted
    before = snapshot(index)
    proc = run_cli("index", corpus, "--index", index, "--strict", timeout=60)
    assert_error_line(proc, "skipped", "--strict")
    assert snapshot(index) == before
    assert_kept(index, base)


# ----------------------------------------------------------------------------- runs of their own
@pytest.fixture
def base(tmp_path):
    return make_base(tmp_path)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("ferry.txt", PNG, "binary"),
        ("ferry.txt", b"", "empty"),
        ("records.jsonl", b"{not json at all\n", "no readable article"),
        ("records.jsonl", PNG, "binary"),
    ],
    ids=["page-to-binary", "page-to-empty", "jsonl-to-all-bad-lines", "jsonl-to-binary"],
)
def test_indexed_file_turned_bad_keeps_its_documents(base, name, content, reason):
    """README: a file that cannot be read is skipped; the documents it had from an earlier run stay."""
    corpus, index, before = base
    (corpus / name).write_bytes(content)
    proc = run_cli("index", corpus, "--index", index, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    named = [line for line in lines_naming(proc, str(corpus / name)) if line.startswith("searchkit: skipped ")]
    assert len(named) == 1 and reason in named[0], proc.stderr
    assert_kept(index, before)


def test_fifo_given_as_a_file_does_not_hang(base, tmp_path):
    corpus, index, before = base
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    good = tmp_path / "good.txt"
    good.write_text(GOOD_PAGE, encoding="utf-8")
    proc = run_cli("index", pipe, good, corpus, "--index", index, timeout=6)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert len(lines_naming(proc, str(pipe))) == 1, proc.stderr
    assert ("good.txt", "article") in assert_kept(index, before)


def test_file_name_that_is_not_utf8(base):
    """A file name with bytes that are not UTF-8 is skipped (or indexed) alone; the run goes on."""
    corpus, index, before = base
    weird = os.path.join(os.fsencode(corpus), b"caf\xe9-\xff.txt")
    with open(weird, "wb") as handle:
        handle.write(GOOD_PAGE.encode())
    (corpus / "after.txt").write_text("Tram Line Opens\n\nThe new tram line opened today.\n", encoding="utf-8")
    proc = run_cli("index", corpus, "--index", index, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert ("after.txt", "article") in assert_kept(index, before)
    assert any("caf" in line for line in proc.stderr.splitlines()) or len(snapshot(index)) > len(before) + 1


def _write_repeated(path: Path, chunk: bytes, total: int, head: bytes = b"", tail: bytes = b"") -> None:
    with open(path, "wb") as handle:
        handle.write(head)
        for _ in range(total // len(chunk)):
            handle.write(chunk)
        handle.write(tail)


def test_200mb_single_line_files(base, tmp_path):
    """A 200 MB page on one line, and a 200 MB JSONL line that is not JSON: skipped fast, named."""
    corpus, index, before = base
    huge = corpus / "huge"
    huge.mkdir()
    chunk = b"lorem ipsum dolor sit amet " * 38837  # ~1 MB, no newline
    try:
        _write_repeated(huge / "page.txt", chunk, 200 * 2**20)
        _write_repeated(huge / "line.jsonl", chunk, 200 * 2**20)
        started = time.monotonic()
        proc = run_cli("index", corpus, "--index", index, timeout=60)
        seconds = time.monotonic() - started
    finally:
        shutil.rmtree(huge)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    page = [line for line in lines_naming(proc, str(huge / "page.txt")) if line.startswith("searchkit: skipped ")]
    assert len(page) == 1 and "too large" in page[0], proc.stderr
    assert any(line.startswith("searchkit: skipped ") for line in lines_naming(proc, str(huge / "line.jsonl"))), (
        proc.stderr
    )
    assert seconds < 20, f"{seconds:.1f} s"
    assert_kept(index, before)


def test_jsonl_record_larger_than_a_page_is_refused_quickly(base):
    """One JSON Lines record of 25 MB (above the 20 MB limit for one scraped page) is one article
    too large: it must be reported, not indexed for minutes (Whoosh takes about 1 s per MB)."""
    corpus, index, before = base
    path = corpus / "huge.jsonl"
    try:
        _write_repeated(
            path,
            b"lorem ipsum dolor sit amet " * 38837,
            25 * 2**20,
            head=b'{"id": "huge", "title": "Huge", "text": "',
            tail=b'"}\n{"id": "small", "title": "Small", "text": "A small record."}\n',
        )
        proc = run_cli("index", corpus, "--index", index, timeout=10)
    finally:
        path.unlink()
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert any("too large" in line for line in lines_naming(proc, str(path))), proc.stderr
    assert ("small", "article") in assert_kept(index, before)


# ----------------------------------------------------------------------------- during the run
def _add_late_files(corpus: Path) -> list[Path]:
    """Three new files that sort after everything else, so they are read last."""
    late = corpus / "zz-late"
    late.mkdir()
    paths = []
    for n in range(1, 4):
        path = late / f"late-{n}.txt"
        path.write_text(f"Late Page {n}\n\nLate text number {n} about the pier.\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_file_deleted_during_the_run(base):
    corpus, index, before = base
    first, second, third = _add_late_files(corpus)

    def progress(done, total, articles):
        if third.exists():
            third.unlink()

    report = build_index([str(corpus)], index, progress=progress)
    assert [line for line in report.skipped if str(third) in line], report.skipped
    assert "no such file" in " ".join(report.skipped).lower()
    now = assert_kept(index, before)
    assert {("zz-late/late-1.txt", "article"), ("zz-late/late-2.txt", "article")} <= now.keys()
    assert ("zz-late/late-3.txt", "article") not in now


@pytest.mark.skipif(ROOT, reason=ROOT_REASON)
def test_file_made_unreadable_during_the_run_chmod(base):
    corpus, index, before = base
    _, _, third = _add_late_files(corpus)
    report = build_index([str(corpus)], index, progress=lambda *_: third.chmod(0))
    third.chmod(0o644)
    assert [line for line in report.skipped if str(third) in line and "permission" in line.lower()], report.skipped
    assert_kept(index, before)


def test_file_made_unreadable_during_the_run_simulated(base, monkeypatch):
    """As root chmod 000 changes nothing, so reading the file is made to fail with EACCES."""
    corpus, index, before = base
    _, _, third = _add_late_files(corpus)
    read_bytes = pathlib.Path.read_bytes

    def guarded(self):
        if str(self) == str(third):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", guarded)
    report = build_index([str(corpus)], index)
    named = [line for line in report.skipped if str(third) in line]
    assert len(named) == 1 and "permission denied" in named[0].lower(), report.skipped
    assert_kept(index, before)


@pytest.mark.skipif(ROOT, reason=ROOT_REASON)
def test_folder_without_permission_chmod(base):
    corpus, index, before = base
    (corpus / "section").chmod(0)
    try:
        proc = run_cli("index", corpus, "--index", index, timeout=60)
    finally:
        (corpus / "section").chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert len(lines_naming(proc, str(corpus / "section"))) == 1, proc.stderr
    assert_kept(index, before)


def test_folder_without_permission_simulated(base, monkeypatch):
    """A folder that was indexed, then made unreadable (as a non-root user sees chmod 000): listing
    it and stat-ing anything inside fail with EACCES. The folder is named once, its documents stay."""
    corpus, index, before = base
    locked = corpus / "section"
    real_scandir, real_stat = os.scandir, os.stat

    def denied(path):
        return PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))

    def scandir(path="."):
        if os.fsdecode(path).rstrip("/") == str(locked):
            raise denied(path)
        return real_scandir(path)

    def stat(path, *args, **kwargs):
        if isinstance(path, (str, bytes, os.PathLike)) and os.fsdecode(path).startswith(str(locked) + "/"):
            raise denied(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", stat)
    report = build_index([str(corpus)], index)
    monkeypatch.undo()
    named = [line for line in report.skipped if str(locked) in line]
    assert len(named) == 1 and "permission denied" in named[0].lower(), report.skipped
    assert_kept(index, before)


# ----------------------------------------------------------------------------- hostile HTML and WARC
def _gzip_of_zeros(path: Path, size: int, head: bytes = b"", tail: bytes = b"") -> None:
    """A gzip file that expands to ``size`` bytes, written without holding them in memory."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    with open(path, "wb") as handle:
        handle.write(packer.compress(head))
        for _ in range(size >> 20):
            handle.write(packer.compress(block))
        handle.write(packer.compress(tail) + packer.flush())


def _warc_bomb(path: Path, good: Path) -> None:
    """A .warc.gz: one gzip member whose record expands to 300 MB of zeros, then a good record."""
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    size = 300 << 20
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\nWARC-Date: 2023-01-01T00:00:00Z\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % (size + len(body))
    )
    _gzip_of_zeros(path, size, head + body, b"\r\n\r\n")
    with open(path, "ab") as handle:
        handle.write(good.read_bytes())


def test_hostile_html_and_warc_files(tmp_path):
    """Each hostile page or record is one message naming it (and its offset) with the reason; memory
    stays bounded (the run is limited to 2 GB of address space) and everything else is indexed."""
    import gzip
    import resource

    from searchkit import open_index

    from ..warcs import page, write_warc

    web = tmp_path / "web"
    web.mkdir()
    text = "The night ferry to the islands will run again from May, the operator said on Friday."
    (web / "good.html").write_bytes(page("Night Ferry Returns", text))
    _gzip_of_zeros(web / "bomb.html.gz", 200 << 20, b"<html><body><p>")
    (web / "huge.html").write_bytes(
        b"<html><body>" + b"<p>lorem ipsum dolor sit amet</p>\n" * (50 * 2**20 // 34) + b"</body></html>"
    )
    (web / "deep.html").write_bytes(
        b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000 + b"</body></html>"
    )
    (web / "binary.html").write_bytes(PNG * 50)
    russian = "Мэр открыл новый мост через реку после двух лет ремонта, и жители района смогли вернуться домой."
    french = "Le café du théâtre a rouvert ses portes après l'été, avec une crêpe maison très appréciée."
    (web / "cp1251-meta.html").write_bytes(
        f'<html><head><meta charset="windows-1251"></head><body><h1>Мост</h1><p>{russian}</p></body></html>'.encode(
            "cp1251"
        )
    )
    (web / "cp1251-none.html").write_bytes(f"<html><body><h1>Мост</h1><p>{russian}</p></body></html>".encode("cp1251"))
    (web / "cp1252-none.html").write_bytes(f"<html><body><h1>Café</h1><p>{french}</p></body></html>".encode("cp1252"))
    (web / "latin1-meta.html").write_bytes(
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>'
        f"<body><h1>Café</h1><p>{french}</p></body></html>".encode("latin-1")
    )

    def record(name: str, title: str = "Pier Reopens"):
        body = page(title, f"The pier reopened on Saturday after repairs to its deck ({name}).")
        return ("response", f"https://ok.example/{name}", "200 OK", "text/html", body)

    write_warc(tmp_path / "good.warc.gz", [record("after-bomb")])
    _warc_bomb(web / "bomb.warc.gz", tmp_path / "good.warc.gz")
    offsets = write_warc(web / "truncated.warc", [record("cut-1"), record("cut-2")])
    with open(web / "truncated.warc", "r+b") as handle:
        handle.truncate(offsets[1] + 300)
    offsets_cl = write_warc(web / "wrong-length.warc", [record("length-1"), record("length-2"), record("length-3")])
    data = (web / "wrong-length.warc").read_bytes()
    at = data.index(b"Content-Length: ", offsets_cl[1]) + 16
    end = data.index(b"\r\n", at)
    (web / "wrong-length.warc").write_bytes(data[:at] + str(int(data[at:end]) - 40).encode() + data[end:])
    offsets_http = write_warc(web / "broken-http.warc", [record("http-1"), record("http-2")])
    data = (web / "broken-http.warc").read_bytes()
    at = data.index(b"HTTP/1.1 200 OK", offsets_http[1])
    (web / "broken-http.warc").write_bytes(data[:at] + b"\x01\x02 not a status" + data[at + 15 :])
    write_warc(
        web / "binary-record.warc.gz",
        [("response", "https://bin.example/", "200 OK", "text/html", PNG * 50), record("after-binary")],
    )
    (web / "empty.warc").write_bytes(b"")
    (web / "empty.warc.gz").write_bytes(gzip.compress(b""))

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    proc = run_cli("index", web, "--index", tmp_path / "index", timeout=120, preexec_fn=limit_memory)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)

    def said(name: str, reason: str, offset: int | None = None) -> None:
        where = f"{web / name}@{offset}" if offset is not None else str(web / name)
        assert any(line.find(where) >= 0 and reason in line for line in proc.stderr.splitlines()), (name, proc.stderr)

    said("bomb.html.gz", "gzip bomb")
    said("huge.html", "too large")
    said("deep.html", "nested more than 256 elements deep")
    said("binary.html", "binary data")
    said("bomb.warc.gz", "gzip bomb", 0)
    said("truncated.warc", "truncated record", offsets[1])
    said("wrong-length.warc", "wrong Content-Length", offsets_cl[1])
    said("broken-http.warc", "broken HTTP headers", offsets_http[1])
    said("binary-record.warc.gz", "binary data", 0)
    said("empty.warc", "empty file")
    said("empty.warc.gz", "no WARC record")
    with open_index(tmp_path / "index") as index:
        assert index.article("good.html").body == text
        assert index.article("cp1251-meta.html").body == russian
        assert index.article("cp1251-none.html").body == russian
        assert index.article("cp1252-none.html").body == french
        assert index.article("latin1-meta.html").body == french
        assert index.article("https://ok.example/after-bomb").title == "Pier Reopens"
        ids = {stored["id"] for stored in index.searcher().documents()}
    warc_pages = {page_id.rsplit("/", 1)[1] for page_id in ids if page_id.startswith("https://")}
    assert warc_pages == {"after-bomb", "cut-1", "length-1", "length-3", "http-1", "after-binary"}
