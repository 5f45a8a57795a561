"""Ids that never collide and nothing lost silently: several roots, nested roots, symlinks,
duplicate record ids, ``#c`` in names, fingerprints of the bytes indexed, checksum mode."""

from __future__ import annotations

import json
import os
import time

import pytest
from click.testing import CliRunner

from searchkit import build_index, indexing, open_index, renaming
from searchkit.cli import cli
from searchkit.documents import comment_id, parse_comment_id

WIDGET = "\n\nNotify of\nNewest Most Voted\nInline Feedbacks\nView all comments\n\n"


def page(title: str, body: str = "Some words of the body.", comments: tuple[str, ...] = ()) -> str:
    text = f"{title}\n\n{body}\n"
    if comments:
        text += WIDGET + "".join(f"Reader {n}\n\n{comment}\n\n\n" for n, comment in enumerate(comments, 1))
    return text


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def articles(index_path) -> dict[str, str]:
    """Every article of the index: id -> title (fails on an id held twice)."""
    found: dict[str, str] = {}
    with open_index(index_path) as index:
        for stored in index.searcher().documents(kind="article"):
            assert stored["id"] not in found, f"two articles with id {stored['id']!r}"
            found[stored["id"]] = stored["title"]
    return found


def document_ids(index_path) -> list[str]:
    with open_index(index_path) as index:
        return sorted(stored["id"] for stored in index.searcher().documents())


# ----------------------------------------------------------------------------- several roots
def test_two_folders_with_the_same_file_names_keep_both(tmp_path):
    write(tmp_path / "scrape-may" / "page-001.txt", page("May Harvest Report"))
    write(tmp_path / "scrape-june" / "page-001.txt", page("June Ferry Timetable"))
    index = tmp_path / "ix"
    build_index([tmp_path / "scrape-may"], index)
    second = build_index([tmp_path / "scrape-june"], index)
    assert (second.added, second.updated, second.removed) == (1, 0, 0)
    assert articles(index) == {"page-001.txt": "May Harvest Report", "scrape-june/page-001.txt": "June Ferry Timetable"}
    again = build_index([tmp_path / "scrape-may", tmp_path / "scrape-june"], index)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)


def test_two_folders_in_one_run_and_in_a_rebuild(tmp_path):
    write(tmp_path / "a" / "x.txt", page("Alpha Page"))
    write(tmp_path / "b" / "x.txt", page("Beta Page"))
    index = tmp_path / "ix"
    build_index([tmp_path / "a", tmp_path / "b"], index)
    assert articles(index) == {"x.txt": "Alpha Page", "b/x.txt": "Beta Page"}
    build_index([tmp_path / "a", tmp_path / "b"], index, rebuild=True)
    assert articles(index) == {"x.txt": "Alpha Page", "b/x.txt": "Beta Page"}


def test_one_root_keeps_todays_ids(pages_copy, tmp_path):
    build_index([pages_copy], tmp_path / "ix")
    assert sorted(articles(tmp_path / "ix")) == ["ferry.txt", "library.txt", "section/apples.txt"]


def test_a_folder_inside_an_indexed_folder_duplicates_nothing(tmp_path):
    pages = tmp_path / "pages"
    write(pages / "top.txt", page("Top Story"))
    write(pages / "nested" / "deep.txt", page("Deep Story", comments=("First reply here.",)))
    index = tmp_path / "ix"
    build_index([pages], index)
    later = build_index([pages / "nested"], index)
    assert (later.added, later.updated, later.unchanged, later.skipped) == (0, 0, 1, [])
    both = build_index([pages, pages / "nested"], tmp_path / "ix2")
    assert both.added == 2 and both.skipped == []
    for path in (index, tmp_path / "ix2"):
        assert document_ids(path) == ["nested/deep.txt", "nested/deep.txt#c1", "top.txt"]


def test_the_same_folder_spelled_two_ways_is_one_root(tmp_path, monkeypatch):
    pages = tmp_path / "pages"
    write(pages / "a.txt", page("Apple Story"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["index", "pages", str(pages), "--index", "ix", "--strict"])
    assert result.exit_code == 0, result.stderr
    assert "1 added, 0 updated, 0 removed, 0 unchanged, 0 skipped" in result.stderr
    again = CliRunner().invoke(cli, ["index", str(pages), "--index", "ix", "--strict"])
    assert again.exit_code == 0 and "0 skipped" in again.stderr and "1 unchanged" in again.stderr


def test_the_index_folder_inside_the_input_is_not_input(tmp_path, monkeypatch):
    scrapes = tmp_path / "scrapes"
    write(scrapes / "a.txt", page("Apple Story"))
    write(scrapes / "old-index" / "searchkit.json", "{}")  # another searchkit index: not input either
    monkeypatch.chdir(scrapes)
    for _ in range(2):
        result = CliRunner().invoke(cli, ["index", ".", "--strict", "--format", "json"])
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["skipped"] == [] and report["index"]["files"] == 1
    assert sorted(articles(scrapes / "index")) == ["a.txt"]


# ----------------------------------------------------------------------------- single files
def test_a_single_file_id_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    write(tmp_path / "pages" / "a.txt", page("Apple Story"))
    index = tmp_path / "ix"
    monkeypatch.chdir(tmp_path)
    build_index(["pages/a.txt"], index)
    monkeypatch.chdir(tmp_path / "pages")
    again = build_index(["a.txt"], index)
    assert (again.added, again.unchanged) == (0, 1)
    assert articles(index) == {"a.txt": "Apple Story"}


def test_single_files_of_one_name_in_two_folders_keep_both(tmp_path):
    one = write(tmp_path / "x" / "one" / "a.txt", page("First Apple"))
    two = write(tmp_path / "x" / "two" / "a.txt", page("Second Apple"))
    index = tmp_path / "ix"
    build_index([one], index)
    report = build_index([two], index)
    assert (report.added, report.updated) == (1, 0)
    assert articles(index) == {"a.txt": "First Apple", "two/a.txt": "Second Apple"}


# ----------------------------------------------------------------------------- vanished files and symlinks
def test_a_deleted_symlink_loses_its_documents(tmp_path):
    outside = write(tmp_path / "outside" / "target.txt", page("Linked Story"))
    pages = tmp_path / "pages"
    write(pages / "own.txt", page("Own Story"))
    (pages / "link.txt").symlink_to(outside)
    index = tmp_path / "ix"
    build_index([pages], index)
    assert sorted(articles(index)) == ["link.txt", "own.txt"]
    (pages / "link.txt").unlink()
    report = build_index([pages], index)
    assert report.removed == 1
    assert sorted(articles(index)) == ["own.txt"]


def test_a_symlinked_root_switched_elsewhere_drops_the_old_folder(tmp_path):
    write(tmp_path / "may" / "page-001.txt", page("May Story"))
    write(tmp_path / "may" / "only-may.txt", page("Only In May"))
    write(tmp_path / "june" / "page-001.txt", page("June Story"))
    current = tmp_path / "current"
    current.symlink_to("may")
    index = tmp_path / "ix"
    build_index([current], index)
    current.unlink()
    current.symlink_to("june")  # ln -sfn june current
    report = build_index([current], index)
    assert (report.added, report.removed) == (1, 2)
    assert articles(index) == {"page-001.txt": "June Story"}


def test_a_file_replaced_by_a_folder_loses_its_documents(tmp_path):
    pages = tmp_path / "pages"
    write(pages / "item.txt", page("File Story"))
    index = tmp_path / "ix"
    build_index([pages], index)
    (pages / "item.txt").unlink()
    write(pages / "item.txt" / "inner.txt", page("Inner Story"))
    report = build_index([pages], index)
    assert (report.added, report.removed) == (1, 1)
    assert articles(index) == {"item.txt/inner.txt": "Inner Story"}


def test_a_dangling_symlink_is_reported_and_its_documents_go(tmp_path):
    target = write(tmp_path / "elsewhere" / "t.txt", page("Target Story"))
    pages = tmp_path / "pages"
    write(pages / "own.txt", page("Own Story"))
    (pages / "link.txt").symlink_to(target)
    index = tmp_path / "ix"
    build_index([pages], index)
    target.unlink()
    report = build_index([pages], index)
    assert report.removed == 1 and any("link.txt: broken symlink" in line for line in report.skipped)
    assert sorted(articles(index)) == ["own.txt"]


def test_an_unreadable_folder_keeps_its_documents(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("running as root: chmod does not stop root from reading")
    pages = tmp_path / "pages"
    write(pages / "closed" / "a.txt", page("Closed Story"))
    index = tmp_path / "ix"
    build_index([pages], index)
    (pages / "closed").chmod(0)
    try:
        report = build_index([pages], index)
    finally:
        (pages / "closed").chmod(0o755)
    assert report.removed == 0 and articles(index) == {"closed/a.txt": "Closed Story"}


# ----------------------------------------------------------------------------- duplicate article ids
@pytest.fixture(params=["lookups", "column"])
def id_check(request, monkeypatch):
    """Run with ids looked up one by one in the index, and with every article id read at once."""
    monkeypatch.setattr(renaming.IdsInIndex, "LOOKUP_COST", 0 if request.param == "lookups" else 10**9)
    return request.param


def test_duplicate_jsonl_ids_across_files_are_renamed_and_reported(tmp_path, id_check):
    records = tmp_path / "records"
    write(records / "a.jsonl", json.dumps({"id": "r1", "title": "First Record", "text": "one"}) + "\n")
    write(
        records / "b.jsonl",
        "\n".join(
            json.dumps(record)
            for record in (
                {"id": "r2", "title": "Other", "text": "two"},
                {"id": "r1", "title": "Second Record", "text": "three", "comments": [{"text": "A reply."}]},
                {"id": "r1", "title": "Third Record", "text": "four"},
            )
        )
        + "\n",
    )
    index = tmp_path / "ix"
    report = build_index([records], index)
    assert report.problems == [
        f"{records / 'b.jsonl'}:2: id 'r1' is already used by a.jsonl; indexed as 'r1~2'",
        f"{records / 'b.jsonl'}:3: id 'r1' is already used by a.jsonl; indexed as 'r1~3'",
    ]
    assert articles(index) == {"r1": "First Record", "r2": "Other", "r1~2": "Second Record", "r1~3": "Third Record"}
    with open_index(index) as opened:
        assert opened.article("r1~2").comments[0].id == "r1~2#c1"
        assert opened.article("r1~2#c1").title == "Second Record"
        assert {hit.id for hit in opened.search("record", scope="articles").hits} == {"r1", "r1~2", "r1~3"}
    # a later run that re-reads b.jsonl keeps its ids; one that re-reads a.jsonl keeps r1
    write(records / "a.jsonl", json.dumps({"id": "r1", "title": "First Record Edited", "text": "one"}) + "\n")
    build_index([records], index)
    assert articles(index)["r1"] == "First Record Edited" and articles(index)["r1~2"] == "Second Record"
    os.utime(records / "b.jsonl", ns=(time.time_ns(), time.time_ns() + 10**9))
    b_again = build_index([records], index, checksum=True)
    assert b_again.unchanged == 2


def test_duplicates_in_one_file_cut_into_several_segments_are_renamed(tmp_path, monkeypatch, id_check):
    monkeypatch.setattr(indexing, "SEGMENT_TEXT_BYTES", 1)  # every article finishes a segment of its own
    write(
        tmp_path / "records" / "big.jsonl",
        "\n".join(
            json.dumps({"id": rid, "title": title, "text": "words", "comments": [{"text": f"On {title}."}]})
            for rid, title in (("d", "One"), ("e", "Two"), ("d", "Three"), ("d", "Four"))
        )
        + "\n",
    )
    index = tmp_path / "ix"
    report = build_index([tmp_path / "records"], index)
    assert [line.rsplit("; ", 1)[-1] for line in report.problems] == ["indexed as 'd~2'", "indexed as 'd~3'"]
    assert articles(index) == {"d": "One", "e": "Two", "d~2": "Three", "d~3": "Four"}
    with open_index(index) as opened:
        assert [c.text for c in opened.article("d~2").comments] == ["On Three."]
        assert [c.text for c in opened.article("d~3").comments] == ["On Four."]


def test_a_duplicate_in_a_later_run_is_renamed_against_the_index(tmp_path, id_check):
    write(tmp_path / "one" / "a.jsonl", json.dumps({"id": "k", "title": "Kept", "text": "one"}) + "\n")
    write(tmp_path / "two" / "b.jsonl", json.dumps({"id": "k", "title": "Later", "text": "two"}) + "\n")
    index = tmp_path / "ix"
    build_index([tmp_path / "one"], index)
    report = build_index([tmp_path / "two"], index)
    assert report.problems == [f"{tmp_path / 'two' / 'b.jsonl'}:1: id 'k' is already used by a.jsonl; indexed as 'k~2'"]
    assert articles(index) == {"k": "Kept", "k~2": "Later"}


def test_a_jsonl_id_equal_to_a_page_path_does_not_take_its_comments(tmp_path, id_check):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", page("Page Story", comments=("Page reply one.", "Page reply two.")))
    write(corpus / "z.jsonl", json.dumps({"id": "a.txt", "title": "Record Story", "text": "record"}) + "\n")
    index = tmp_path / "ix"
    report = build_index([corpus], index)
    assert report.problems == [f"{corpus / 'z.jsonl'}:1: id 'a.txt' is already used by a.txt; indexed as 'a.txt~2'"]
    with open_index(index) as opened:
        assert [c.id for c in opened.article("a.txt").comments] == ["a.txt#c1", "a.txt#c2"]
        record = opened.article("a.txt~2")
        assert (record.title, record.comments) == ("Record Story", [])
    write(corpus / "a.txt", page("Page Story Edited", comments=("Page reply one.",)))
    later = build_index([corpus], index)
    assert (later.updated, later.problems) == (1, [])
    assert articles(index) == {"a.txt": "Page Story Edited", "a.txt~2": "Record Story"}


# ----------------------------------------------------------------------------- '#c' in names
def test_comment_ids_read_back():
    for article_id in ("news/a.txt", "note#c", "#climate.txt", "a#c1~2", "x#c0"):
        assert parse_comment_id(comment_id(article_id, 7)) == (article_id, 7)
    assert parse_comment_id("news/a.txt") is None
    assert parse_comment_id("#climate.txt") is None
    assert parse_comment_id("x#c0") is None


def test_names_holding_hash_c_never_collide_with_comment_ids(tmp_path):
    pages = tmp_path / "pages"
    write(pages / "note", page("Note Story", comments=("Reply to the note.",)))
    write(pages / "note#c1", page("Hash Named Story", comments=("Reply under the hash page.",)))
    write(pages / "#climate.txt", page("Climate Story", comments=("A climate reply.",)))
    write(tmp_path / "r.jsonl", json.dumps({"id": "note#c2", "title": "Record Hash", "text": "words"}) + "\n")
    index = tmp_path / "ix"
    report = build_index([pages, tmp_path / "r.jsonl"], index)
    assert report.problems == [
        f"{tmp_path / 'r.jsonl'}:1: id 'note#c2' would read as a comment id; indexed as 'note#c2~2'"
    ]
    assert articles(index) == {
        "#climate.txt": "Climate Story",
        "note": "Note Story",
        "note#c1~2": "Hash Named Story",
        "note#c2~2": "Record Hash",
    }
    ids = document_ids(index)
    assert len(ids) == len(set(ids))
    with open_index(index) as opened:
        assert opened.article("#climate.txt").comments[0].id == "#climate.txt#c1"
        assert opened.article("#climate.txt#c1").title == "Climate Story"
        assert opened.article("note#c1").title == "Note Story"
        assert opened.article("note#c1~2#c1").title == "Hash Named Story"
    shown = CliRunner().invoke(cli, ["show", "#climate.txt#c1", "--index", str(index), "--format", "json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["title"] == "Climate Story"


# ----------------------------------------------------------------------------- fingerprints
def test_a_file_edited_while_it_is_indexed_is_read_again(tmp_path, monkeypatch):
    pages = tmp_path / "pages"
    target = write(pages / "a.txt", page("Before Edit"))
    index = tmp_path / "ix"
    read = indexing._read_one

    def read_then_edit(source):  # the file changes right after it was read
        result = read(source)
        if source.path.name == "a.txt":
            target.write_text(page("After The Edit"), encoding="utf-8")
        return result

    monkeypatch.setattr(indexing, "_read_one", read_then_edit)
    first = build_index([pages], index, jobs=1)
    assert any("changed while it was being indexed" in line for line in first.problems)
    assert articles(index) == {"a.txt": "Before Edit"}
    monkeypatch.setattr(indexing, "_read_one", read)
    second = build_index([pages], index)
    assert (second.updated, second.unchanged) == (1, 0)
    assert articles(index) == {"a.txt": "After The Edit"}


def test_checksum_mode_sees_edits_that_keep_size_and_mtime(tmp_path):
    pages = tmp_path / "pages"
    target = write(pages / "a.txt", page("Apple Story"))
    stamp = target.stat()
    index = tmp_path / "ix"
    build_index([pages], index)
    target.write_text(page("Melon Story"), encoding="utf-8")  # same size
    os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # cp -p, rsync -t
    default = build_index([pages], index)
    assert (default.updated, default.unchanged) == (0, 1)
    assert articles(index) == {"a.txt": "Apple Story"}
    checked = CliRunner().invoke(cli, ["index", str(pages), "--index", str(index), "--checksum"])
    assert checked.exit_code == 0 and "0 added, 1 updated" in checked.stderr
    assert articles(index) == {"a.txt": "Melon Story"}
    again = build_index([pages], index, checksum=True)
    assert (again.updated, again.unchanged) == (0, 1)


def test_discover_lists_a_file_once_whatever_paths_lead_to_it(tmp_path, monkeypatch):
    from searchkit.sources import discover

    pages = tmp_path / "pages"
    write(pages / "a.txt", page("Apple Story"))
    write(pages / "nested" / "b.txt", page("Banana Story"))
    (pages / "alias.txt").symlink_to(pages / "nested" / "b.txt")
    write(pages / "ix" / "searchkit.json", "{}")
    monkeypatch.chdir(tmp_path)
    files, errors = discover(["pages", pages, pages / "nested", "pages/a.txt"])
    assert errors == []
    real = os.path.realpath(pages)
    assert [(f.source_id, f.root, f.real) for f in files] == [
        ("a.txt", pages, os.path.join(real, "a.txt")),
        ("alias.txt", pages, os.path.join(real, "nested", "b.txt")),
    ]


def test_duplicates_across_worker_processes_are_renamed(tmp_path):
    """Files read by two worker processes, each writing its own segment, duplicates in both."""
    records = tmp_path / "records"
    filler = "the ferry council met on the river bank about the wheat harvest budget " * 20
    for part in range(2):
        lines = [json.dumps({"id": f"p{part}-{n}", "title": f"Part {part} {n}", "text": filler}) for n in range(900)]
        lines.append(json.dumps({"id": "shared", "title": f"Shared {part}", "text": "x", "comments": [{"text": "c"}]}))
        write(records / f"part-{part}.jsonl", "\n".join(lines) + "\n")
    assert sum(path.stat().st_size for path in records.iterdir()) > indexing.PARALLEL_FROM_BYTES
    index = tmp_path / "ix"
    report = build_index([records], index, jobs=2)
    assert report.problems == [
        f"{records / 'part-1.jsonl'}:901: id 'shared' is already used by part-0.jsonl; indexed as 'shared~2'"
    ]
    found = articles(index)
    assert len(found) == 1802 and (found["shared"], found["shared~2"]) == ("Shared 0", "Shared 1")
    with open_index(index) as opened:
        assert [c.id for c in opened.article("shared~2").comments] == ["shared~2#c1"]
        assert opened.stats().comments == 2
