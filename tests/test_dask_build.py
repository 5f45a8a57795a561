"""``build_index(dask=...)`` / ``searchkit index --dask`` on a real LocalCluster (issue 14).

One cluster of two worker processes on 127.0.0.1 serves the module. The sample corpus is cut into
small batches (several per worker) so that the cluster builds many segments; every index built on
the cluster is compared, query by query and hit by hit, with the same input built locally.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh.filedb.filestore import FileStorage

from searchkit import SearchkitError, build_index, indexing, open_index
from searchkit.cli import cli
from searchkit.engine.segments import SegmentBuilder
from searchkit.sources import read_source

from .conftest import CORPUS

distributed = pytest.importorskip("distributed")

from searchkit import dask_executor  # noqa: E402  (after the skip: it is only usable with Dask)

SMALL_BATCH = 40_000
"""Input bytes per batch here: the 300 kB sample corpus becomes 6 batches for 2 workers."""
QUERIES = [
    ("climate", {}),
    ('"prime minister"', {}),
    ("title:climate", {}),
    ("comment:tariffs OR comment:wheat", {}),
    ("climate AND NOT flood", {}),
    ("organi*", {}),
    ("Putn~", {}),
    ("election", {"scope": "articles"}),
    ("election", {"scope": "comments"}),
    ("the", {"sort": "date", "limit": 40}),
    ("government", {"since": "2022-01-01", "until": "2023-12-31"}),
    ("government", {"undated": "include", "limit": 30}),
]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local_cluster:
        yield local_cluster


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(indexing, "BATCH_BYTES", SMALL_BATCH)
    monkeypatch.setattr(indexing, "PARALLEL_FROM_BYTES", 0)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def answers(index_path: Path) -> dict:
    """What the index answers: every query's hits (id, kind, score, date, author, comments),
    the counts and stats; and the authors it knows, each searched too."""
    with open_index(index_path) as index:
        found = {}
        authors = set()
        for text, options in QUERIES:
            results = index.search(text, **{"limit": 25, **options})
            found[text, tuple(sorted(options.items()))] = (
                results.total,
                [
                    (hit.rank, hit.id, hit.kind, round(hit.score, 9), str(hit.date), hit.author, hit.source)
                    + (tuple(comment.id for comment in hit.comments),)
                    for hit in results.hits
                ],
            )
            authors.update(hit.author for hit in results.hits if hit.kind == "comment" and hit.author)
        for author in sorted(authors)[:5]:
            results = index.search("the", author=author, limit=25)
            found["author", author] = [(hit.id, round(hit.score, 9)) for hit in results.hits]
        stats = index.stats()
        found["stats"] = (stats.articles, stats.comments, stats.terms, stats.files, stats.schema_version)
        found["counts"] = index.document_counts()
        found["by month"] = [(row.key, row.articles, row.comments) for row in index.count("climate").rows]
    return found


def segment_files_not_live(index_path: Path) -> list[str]:
    """Segment files in the folder that no committed table of contents lists (orphans)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    with open_index(index_path) as index:
        indexname = index.state.indexname
    live = {segment.segment_id() for segment in TOC.read(FileStorage(str(index_path)), indexname).segments}
    pattern = re.compile(r"(g\d+_[0-9a-z]+)\..+")
    return sorted(name for name in os.listdir(index_path) if (m := pattern.fullmatch(name)) and m.group(1) not in live)


def index_files(index: Path) -> dict[str, int]:
    """Each file in the index folder, with its modification time (ns)."""
    return {name: (index / name).stat().st_mtime_ns for name in os.listdir(index)}


def built_then_every_file_edited(corpus: Path, index: Path) -> dict[str, int]:
    """Build ``index`` locally, then append a line to every page of ``corpus`` (so that a
    rerun reads them all); returns :func:`index_files` as the build left them."""
    build_index([corpus], index, jobs=1)
    before = index_files(index)
    for path in sorted(corpus.rglob("*.txt")):
        path.write_text(path.read_text(encoding="utf-8") + "\n\nLate addition.\n", encoding="utf-8")
    return before


def test_the_cluster_builds_the_index_a_local_build_builds(cluster, corpus_copy, tmp_path):
    local, remote = tmp_path / "local", tmp_path / "remote"
    local_report = build_index([corpus_copy], local, jobs=2)
    told = []
    remote_report = build_index(
        [corpus_copy], remote, dask=cluster.scheduler_address, progress=lambda *args: told.append(args)
    )
    expected = answers(local)
    assert expected["counts"][0] > 50 and expected["stats"][3] == 51
    assert (
        sum(
            total
            for total, _ in (
                v for k, v in expected.items() if isinstance(k, tuple) and len(k) == 2 and k[0] != "author"
            )
        )
        > 0
    )
    assert answers(remote) == expected
    for key in ("added", "articles", "comments", "files_indexed", "not_pages"):
        assert getattr(remote_report, key) == getattr(local_report, key)
    # progress: one call per batch finished on the cluster, files and articles growing to the totals
    assert told[0] == (0, 51, 0) and told[-1] == (51, 51, remote_report.articles)
    assert len(told) == 1 + len(
        indexing._batches([(None, {"size": p.stat().st_size}, False) for p in corpus_copy.rglob("*") if p.is_file()], 2)
    )
    assert [files for files, _, _ in told] == sorted(files for files, _, _ in told)
    assert segment_files_not_live(remote) == []


def test_an_incremental_run_on_the_cluster_equals_a_local_one(cluster, corpus_copy, tmp_path):
    local, remote = tmp_path / "local", tmp_path / "remote"
    build_index([corpus_copy], local, jobs=2)
    build_index([corpus_copy], remote, dask=cluster.scheduler_address)
    files = sorted(path for path in corpus_copy.rglob("*.txt"))
    for number, path in enumerate(files[:4]):
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n\nCorrection {number}: the harbour figures were revised.\n",
            encoding="utf-8",
        )
    for path in files[4:6]:
        path.unlink()
    local_report = build_index([corpus_copy], local, jobs=2)
    remote_report = build_index([corpus_copy], remote, dask=cluster.scheduler_address)
    assert (remote_report.updated, remote_report.removed, remote_report.unchanged) == (4, 2, 45)
    assert (local_report.updated, local_report.removed, local_report.unchanged) == (4, 2, 45)
    assert answers(remote) == answers(local)
    with open_index(remote) as index:
        assert index.search('"harbour figures"', limit=10).total == 4
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:  # a client of one's own
        (corpus_copy / "tech" / "late-note.txt").write_text(
            "Harbour Figures Revised Again\n\nThe port authority published revised harbour figures on Friday.\n",
            encoding="utf-8",
        )
        again = build_index([corpus_copy], remote, dask=client)
        assert (again.added, again.unchanged) == (1, 49)
        assert client.status == "running"  # left open for its owner
    assert segment_files_not_live(remote) == []


def _build_then_die_once(folder, indexname, schema, batch, cancel_event):
    """The batch task, except that the first batch to run dies with its worker (SIGKILL) after
    writing part of its segment (the documents of its first file), noting that segment's files:
    Dask must run the batch again elsewhere."""
    marker = Path(folder).parent / "killed-a-worker"
    if not marker.exists():
        marker.touch()
        builder = SegmentBuilder(FileStorage(folder), indexname, schema)
        for article in read_source(batch[0][0]).articles:
            for document in indexing.article_documents(article):
                builder.add(document)
        segment_id = builder.segment.segment_id()
        marker.write_text("\n".join(name for name in os.listdir(folder) if name.startswith(f"{segment_id}.")))
        os.kill(os.getpid(), signal.SIGKILL)
    return _RUN_BATCH(folder, indexname, schema, batch, cancel_event)


_RUN_BATCH = dask_executor._run_batch


def test_a_worker_killed_mid_batch_is_retried_and_its_files_never_reach_the_index(
    cluster, corpus_copy, tmp_path, monkeypatch
):
    local, remote = tmp_path / "local", tmp_path / "remote"
    build_index([corpus_copy], local, jobs=2)
    monkeypatch.setattr(dask_executor, "_run_batch", _build_then_die_once)
    report = build_index([corpus_copy], remote, dask=cluster.scheduler_address)
    partial = set((tmp_path / "killed-a-worker").read_text().split())
    assert partial  # the killed attempt had opened its segment files (postings, terms) ...
    assert partial.isdisjoint(os.listdir(remote))  # ... which is gone
    assert report.added == 51
    assert answers(remote) == answers(local)
    assert segment_files_not_live(remote) == []


def test_a_dead_scheduler_address_is_one_line_and_exit_2(corpus_copy, tmp_path, monkeypatch):
    index = tmp_path / "ix"
    build_index([corpus_copy], index, jobs=1)
    before = index_files(index)
    (corpus_copy / "politics" / "new.txt").write_text(
        (corpus_copy / "politics" / os.listdir(corpus_copy / "politics")[0]).read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setattr(dask_executor, "CONNECT_SECONDS", 1.0)
    result = CliRunner().invoke(cli, ["index", str(corpus_copy), "--index", str(index), "--dask", dead])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"searchkit: error: cannot reach the Dask scheduler at {dead} (OSError: Timed out trying to connect to "
        f"{dead} after 1 s) (check the address, or start one with `dask scheduler`)"
    )
    assert result.stdout == ""
    assert index_files(index) == before


@pytest.mark.filterwarnings("ignore:Port .* is already in use")  # the module's cluster holds the default one
def test_a_cluster_that_goes_away_mid_build_fails_in_one_line_and_changes_nothing(corpus_copy, tmp_path, monkeypatch):
    index = tmp_path / "ix"
    build_index([corpus_copy], index, jobs=1)
    before = index_files(index)
    expected = answers(index)
    for path in sorted(corpus_copy.rglob("*.txt"))[:10]:
        path.write_text(path.read_text(encoding="utf-8") + "\n\nLate addition.\n", encoding="utf-8")
    monkeypatch.setattr(indexing, "BATCH_BYTES", 1)  # a batch per file: 10 batches on one worker
    doomed = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    closed = []

    def close_the_cluster(files_done, files_total, articles):
        if files_done and not closed:  # once the first batch is in: the rest are lost with the cluster
            closed.append(files_done)
            doomed.close()

    with pytest.raises(SearchkitError, match=r"the Dask cluster at .* went away during the build; nothing was changed"):
        build_index([corpus_copy], index, dask=doomed.scheduler_address, progress=close_the_cluster)
    assert closed
    assert index_files(index) == before
    assert answers(index) == expected


def test_cli_index_dask_builds_and_summarises_like_a_local_build(cluster, corpus_copy, tmp_path):
    local, remote = tmp_path / "local", tmp_path / "remote"
    runner = CliRunner()
    local_run = runner.invoke(cli, ["index", str(corpus_copy), "--index", str(local), "--format", "json"])
    remote_run = runner.invoke(
        cli,
        ["index", str(corpus_copy), "--index", str(remote), "--dask", cluster.scheduler_address, "--format", "json"],
    )
    assert local_run.exit_code == remote_run.exit_code == 0
    import json

    local_payload, remote_payload = json.loads(local_run.stdout), json.loads(remote_run.stdout)
    for payload in (local_payload, remote_payload):
        payload.pop("seconds"), payload.pop("index_path")
        assert set(payload.pop("phases")) == {"planning", "reading", "committing"}  # timings differ
    assert remote_payload == local_payload
    summary = re.sub(r"in \d+\.\d+ s", "in S s", remote_run.stderr).replace(str(remote), "IX")
    assert summary == re.sub(r"in \d+\.\d+ s", "in S s", local_run.stderr).replace(str(local), "IX")
    assert summary.count("\n") == 1


def test_jobs_and_dask_together_is_a_usage_error(corpus_copy, tmp_path):
    args = ["index", str(corpus_copy), "--index", str(tmp_path / "ix"), "--dask", "tcp://127.0.0.1:1", "--jobs", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr == (
        "searchkit: error: --jobs sets local worker processes; with --dask the cluster's workers build "
        "(see `searchkit index --help`)\n"
    )
    assert not (tmp_path / "ix").exists()
    with pytest.raises(SearchkitError, match="jobs is for local builds"):
        build_index([corpus_copy], tmp_path / "ix", jobs=2, dask="tcp://127.0.0.1:1")
    assert not (tmp_path / "ix").exists()


def test_a_worker_that_cannot_see_the_shared_files_says_which_and_what(tmp_path):
    index = tmp_path / "ix"
    index.mkdir()
    page = CORPUS / "politics" / sorted(os.listdir(CORPUS / "politics"))[0]
    assert dask_executor._sees_shared_files(str(index), str(page)) is None
    assert dask_executor._sees_shared_files(str(tmp_path / "elsewhere"), str(page)) == (
        f"no index folder {tmp_path / 'elsewhere'}"
    )
    assert dask_executor._sees_shared_files(str(index), str(tmp_path / "gone.txt")) == (
        f"cannot read the input file {tmp_path / 'gone.txt'}"
    )


def _fails_writing(folder, indexname, schema, batch, cancel_event):
    """The batch task, except that the batch holding the first file runs out of disk after
    writing part of its segment, on every attempt (each attempt is counted in a file)."""
    first = min(source.source_id for source, _, _ in batch)
    if first != "business/australia-wheat-harvest-exports.txt":
        return _RUN_BATCH(folder, indexname, schema, batch, cancel_event)
    with open(Path(folder).parent / "attempts", "a") as attempts:
        attempts.write("attempt\n")

    def disk_full(files_done, articles_done):
        raise OSError(28, "No space left on device")

    return indexing._build_batch(folder, indexname, schema, batch, disk_full)


def test_a_batch_that_keeps_failing_is_retried_then_one_error_and_changes_nothing(
    cluster, corpus_copy, tmp_path, monkeypatch
):
    index = tmp_path / "ix"
    before = built_then_every_file_edited(corpus_copy, index)
    monkeypatch.setattr(dask_executor, "_run_batch", _fails_writing)
    with pytest.raises(SearchkitError) as failed:
        build_index([corpus_copy], index, dask=cluster.scheduler_address)
    assert str(failed.value) == (
        f"{index}: a Dask worker cannot write the index (OSError: [Errno 28] No space left on device); "
        "nothing was changed"
    )
    assert (tmp_path / "attempts").read_text().count("attempt") == 1 + dask_executor.RETRIES
    assert index_files(index) == before


def _fails_fast_others_slow(folder, indexname, schema, batch, cancel_event):
    """The batch holding the first file runs out of disk as soon as another batch has started;
    every other batch reads its files slowly (a slow share) and lingers after writing its
    segments, so that it is still at work when the build fails."""
    started = Path(folder).parent / "started"
    first = min(source.source_id for source, _, _ in batch)
    if first == "business/australia-wheat-harvest-exports.txt":
        for _ in range(200):
            if started.exists():
                break
            time.sleep(0.05)
        return _fails_writing(folder, indexname, schema, batch, cancel_event)
    started.touch()
    read_one, build_batch = indexing._read_one, indexing._build_batch

    def slow_read(source):
        time.sleep(0.2)
        return read_one(source)

    def lingering_build(*args):
        built = build_batch(*args)
        time.sleep(1.5)
        return built

    indexing._read_one, indexing._build_batch = slow_read, lingering_build  # in this worker process only
    try:
        return _RUN_BATCH(folder, indexname, schema, batch, cancel_event)
    finally:
        indexing._read_one, indexing._build_batch = read_one, build_batch


def test_a_failed_build_returns_only_once_its_running_batches_have_removed_their_files(
    cluster, corpus_copy, tmp_path, monkeypatch
):
    index = tmp_path / "ix"
    before = built_then_every_file_edited(corpus_copy, index)
    monkeypatch.setattr(dask_executor, "_run_batch", _fails_fast_others_slow)
    monkeypatch.setattr(dask_executor, "RETRIES", 0)  # the build fails while the other worker is at work
    with pytest.raises(SearchkitError, match="No space left on device"):
        build_index([corpus_copy], index, dask=cluster.scheduler_address)
    for _ in range(100):  # for 5 s: nothing of the failed build turns up later either
        assert index_files(index) == before
        time.sleep(0.05)
