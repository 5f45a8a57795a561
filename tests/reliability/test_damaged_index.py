"""A missing, foreign, damaged, read-only or full index: one clear line, exit 2, the last commit intact.

Every command that meets a broken index must say what is wrong with which index, in one
``searchkit: error:`` line (never ``internal error``, never click's ``Aborted!``), exit 2, and
the hint it gives (``searchkit index --rebuild``) must work. The read-only and disk-full cases
mount a small tmpfs; they skip cleanly where mounting is not permitted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from searchkit import IndexDamagedError, build_index, open_index

from .conftest import DATA, assert_error_line, assert_no_traceback, cli, run_cli, snapshot, write_pages


def _hits(index: Path, query: str = "ferry") -> list[str]:
    proc = cli("query", query, "--index", index, "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    assert_no_traceback(proc)
    return [hit["id"] for hit in json.loads(proc.stdout)["hits"]]


def _read_commands(index: Path) -> list[list]:
    return [
        ["query", "ferry", "--index", index],
        ["stats", "--index", index],
        ["show", "ferry.txt", "--index", index],
    ]


@pytest.fixture
def corpus(tmp_path) -> Path:
    target = tmp_path / "pages"
    shutil.copytree(DATA / "pages", target)
    return target


@pytest.fixture
def index(corpus, tmp_path) -> Path:
    build_index([str(corpus)], tmp_path / "index")
    return tmp_path / "index"


# ----------------------------------------------------------------------------- missing
@pytest.mark.parametrize("command", ["query", "stats", "show"])
def test_missing_index(tmp_path, command):
    missing = tmp_path / "nowhere"
    args = {"query": ["query", "ferry"], "stats": ["stats"], "show": ["show", "ferry.txt"]}[command]
    assert_error_line(cli(*args, "--index", missing), str(missing), "no searchkit index")
    assert_error_line(cli(*args, env={"SEARCHKIT_INDEX": str(missing)}, cwd=tmp_path), str(missing))
    (tmp_path / "empty").mkdir()
    assert_error_line(cli(*args, "--index", tmp_path / "empty"), "no searchkit index")


# ----------------------------------------------------------------------------- another schema version
@pytest.mark.parametrize("version", [99, 0, "two"])
def test_other_schema_version_is_refused_and_rebuild_fixes_it(corpus, index, version):
    state = index / "searchkit.json"
    payload = json.loads(state.read_text(encoding="utf-8"))
    payload["schema_version"] = version
    state.write_text(json.dumps(payload), encoding="utf-8")
    for args in _read_commands(index):
        assert_error_line(cli(*args), str(index), "schema version", "--rebuild")
    assert_error_line(cli("index", corpus, "--index", index), "schema version", "--rebuild")
    rebuilt = cli("index", corpus, "--index", index, "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _hits(index) == ["ferry.txt"]


# ----------------------------------------------------------------------------- damaged state file
STATE_DAMAGE = {
    "truncated": lambda state: json.dumps(state)[: len(json.dumps(state)) // 2],
    "empty": lambda state: "",
    "not-an-object": lambda state: "[1, 2]",
    "name-not-a-string": lambda state: json.dumps({**state, "indexname": 5}),
    "binary": lambda state: "\x00\x01\x02",
}


@pytest.mark.parametrize("damage", sorted(STATE_DAMAGE))
def test_damaged_state_file(corpus, index, damage):
    state = index / "searchkit.json"
    state.write_text(STATE_DAMAGE[damage](json.loads(state.read_text(encoding="utf-8"))), encoding="utf-8")
    for args in _read_commands(index):
        assert_error_line(cli(*args), "index")
    rebuilt = cli("index", corpus, "--index", index, "--rebuild")  # the hint every message gives
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _hits(index) == ["ferry.txt"]


def test_damaged_file_list(corpus, index):
    (index / "g1.files.json").write_text("{not json", encoding="utf-8")
    assert _hits(index) == ["ferry.txt"]  # searching does not need the file list
    assert_error_line(cli("stats", "--index", index), "g1.files.json")
    assert_error_line(cli("index", corpus, "--index", index), "g1.files.json", "--rebuild")
    assert cli("index", corpus, "--index", index, "--rebuild").returncode == 0
    assert _hits(index) == ["ferry.txt"]


# ----------------------------------------------------------------------------- damaged Whoosh files
def segment_files(index: Path) -> dict[str, list[Path]]:
    """The live generation's segment files, by segment: one ``.seg`` (compound segments) or
    ``.trm``, ``.pst``, ``.col``... (separate files)."""
    live = json.loads((index / "searchkit.json").read_text(encoding="utf-8"))["indexname"]
    segments: dict[str, list[Path]] = {}
    for path in sorted(index.iterdir()):
        if match := re.fullmatch(rf"({live}_[a-z0-9]+)\..+", path.name):
            segments.setdefault(match.group(1), []).append(path)
    assert segments, os.listdir(index)
    return segments


def _damage_segments(index: Path, how: str) -> None:
    """deleted: the largest file of each segment; truncated: every file to a third; zeroed: every file;
    pst-truncated: only the postings file, to a third (the index opens, reading postings fails)."""
    for files in segment_files(index).values():
        if how == "pst-truncated":
            files = [path for path in files if path.suffix == ".pst"]
            how_here = "truncated"
        else:
            how_here = how
        if how_here == "deleted":
            max(files, key=lambda path: path.stat().st_size).unlink()
        for path in files if how_here != "deleted" else ():
            size = path.stat().st_size
            if how_here == "truncated":
                with open(path, "r+b") as handle:
                    handle.truncate(size // 3)
            else:
                path.write_bytes(bytes(size))


def _damage_toc(index: Path, how: str) -> None:
    for toc in index.glob("_g*_*.toc"):
        if how == "toc-deleted":
            toc.unlink()
        else:
            toc.write_bytes(toc.read_bytes()[:10])


DAMAGE = ["deleted", "truncated", "zeroed", "pst-truncated", "toc-deleted", "toc-truncated"]


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_segments_give_one_line_to_every_reader(index, damage):
    """query and stats (show opens the index as query does); stats reads no postings, so a
    truncated postings file shows only when searching."""
    (_damage_toc if damage.startswith("toc") else _damage_segments)(index, damage)
    for args in _read_commands(index)[: 1 if damage == "pst-truncated" else 2]:
        assert_error_line(cli(*args), str(index))
    if damage == "pst-truncated":
        assert_error_line(cli("query", "ferry", "--index", index), "damaged", "--rebuild")


@pytest.mark.parametrize("damage", [damage for damage in DAMAGE if damage != "pst-truncated"])
def test_index_run_on_damaged_segments_fails_or_repairs(corpus, index, damage):
    """An incremental run must not report success and leave an index nobody can search."""
    (_damage_toc if damage.startswith("toc") else _damage_segments)(index, damage)
    (corpus / "new.txt").write_text("Tram Line Opens\n\nThe new tram line opened today.\n", encoding="utf-8")
    proc = cli("index", corpus, "--index", index)
    assert_no_traceback(proc)
    if proc.returncode == 2:
        assert_error_line(proc, str(index))
    else:
        assert proc.returncode == 0
        assert _hits(index) == ["ferry.txt"] and _hits(index, "tram") == ["new.txt"]


@pytest.mark.parametrize("damage", DAMAGE + sorted(f"state-{name}" for name in STATE_DAMAGE))
def test_the_library_raises_index_damaged_error(index, damage):
    """Every damage above is an IndexDamagedError in the API, whose hint is the README's --rebuild."""
    if damage.startswith("state-"):
        state = index / "searchkit.json"
        state.write_text(STATE_DAMAGE[damage[6:]](json.loads(state.read_text(encoding="utf-8"))), encoding="utf-8")
    else:
        (_damage_toc if damage.startswith("toc") else _damage_segments)(index, damage)
    with pytest.raises(IndexDamagedError) as raised:
        with open_index(index) as opened:
            opened.search("ferry")
    assert "--rebuild" in raised.value.hint


@pytest.mark.parametrize("damage", DAMAGE)
def test_rebuild_repairs_damaged_segments(corpus, index, damage):
    (_damage_toc if damage.startswith("toc") else _damage_segments)(index, damage)
    proc = cli("index", corpus, "--index", index, "--rebuild")
    assert proc.returncode == 0, proc.stderr
    assert _hits(index) == ["ferry.txt"]


@pytest.mark.parametrize("keep", ["a whole number of dates", "half a date", "nothing"])
def test_a_truncated_date_column_is_damage_not_undated_documents(tmp_path, keep):
    """Whoosh reads a date column's missing tail as "no date": without a check, a cut column
    silently made dated documents undated (wrong --sort date, --since and count)."""
    records = [
        {
            "id": f"tide-{n}",
            "title": f"Tide Report {n}",
            "text": "The ferry waited for the tide.",
            "date": f"2022-05-{n:02}",
        }
        for n in range(1, 21)
    ]
    (tmp_path / "tides.jsonl").write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")
    index = tmp_path / "index"
    build_index([str(tmp_path / "tides.jsonl")], index)
    columns = [path for files in segment_files(index).values() for path in files if path.name.endswith(".date.col")]
    assert columns
    for path in columns:
        size = path.stat().st_size
        cut = {"a whole number of dates": size // 3 // 8 * 8, "half a date": size - 4, "nothing": 0}[keep]
        with open(path, "r+b") as handle:
            handle.truncate(cut)
    with pytest.raises(IndexDamagedError, match="date column .* cut short") as raised:
        with open_index(index) as opened:
            opened.search("ferry", sort="date")
    assert "--rebuild" in raised.value.hint
    assert_error_line(cli("query", "ferry", "--sort", "date", "--index", index), "damaged", "--rebuild")


# ----------------------------------------------------------------------------- read-only and full filesystems
def _mount_tmpfs(target: Path, size: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({proc.stderr.strip() or proc.returncode}): needs root and CAP_SYS_ADMIN"
        )


@pytest.fixture
def tmpfs(tmp_path):
    """A factory mounting a tmpfs of a given size; everything is unmounted afterwards."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        target = tmp_path / f"mnt{len(mounted)}"
        _mount_tmpfs(target, size)
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_read_only_filesystem(corpus, tmpfs):
    mount = tmpfs("16m")
    index = mount / "index"
    build_index([str(corpus)], index)
    before = snapshot(index)
    remount = subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True, text=True)
    if remount.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
    assert _hits(index) == ["ferry.txt"]  # reading works on a read-only index
    assert run_cli("stats", "--index", index).returncode == 0
    (corpus / "new.txt").write_text("Tram Line Opens\n\nThe new tram line opened today.\n", encoding="utf-8")
    assert_error_line(run_cli("index", corpus, "--index", index), str(index), "read-only")
    assert_error_line(run_cli("index", corpus, "--index", index, "--rebuild"), str(index), "read-only")
    assert_error_line(run_cli("index", corpus, "--index", mount / "new-index"), "read-only")
    assert snapshot(index) == before and _hits(index) == ["ferry.txt"]


def test_disk_fills_up_during_the_run(corpus, tmpfs):
    """A 1 MB tmpfs holds the small index; adding 150 pages fills it during the commit."""
    mount = tmpfs("1m")
    index = mount / "index"
    build_index([str(corpus)], index)
    before, files_before = snapshot(index), sorted(os.listdir(index))
    write_pages(corpus / "generated", range(150))
    proc = run_cli("index", corpus, "--index", index)
    assert_error_line(proc, str(index), "no space left")
    assert snapshot(index) == before and _hits(index) == ["ferry.txt"]  # the previous commit is intact
    assert_error_line(run_cli("index", corpus, "--index", index, "--rebuild"), str(index), "no space left")
    assert snapshot(index) == before and _hits(index) == ["ferry.txt"]
    leftovers = sorted(set(os.listdir(index)) - set(files_before))
    assert not leftovers, f"the failed runs left {leftovers} behind, filling the disk for good"


def test_disk_full_then_a_small_update_still_works(corpus, tmpfs):
    """After a run failed for lack of space, a run that fits must succeed on the same disk."""
    mount = tmpfs("1m")
    index = mount / "index"
    build_index([str(corpus)], index)
    write_pages(corpus / "generated", range(150))
    assert run_cli("index", corpus, "--index", index).returncode == 2
    shutil.rmtree(corpus / "generated")
    (corpus / "new.txt").write_text("Tram Line Opens\n\nThe new tram line opened today.\n", encoding="utf-8")
    proc = run_cli("index", corpus, "--index", index)
    assert proc.returncode == 0, proc.stderr
    assert _hits(index, "tram") == ["new.txt"]
