"""Building and updating an index from input files.

:func:`build_index` is incremental: it fingerprints every input file (size,
modification time, and a content digest when those changed, or always with
``checksum=True``), re-reads only new and changed files, drops the documents
of files that are gone, and leaves the rest alone. A file that cannot be read
is skipped and reported; the documents it had from an earlier run stay.
``rebuild=True`` writes a fresh Whoosh index beside the live one and switches
to it only once it is complete.

Ids (the README's "Ids" section): a file is known by its resolved path and
keeps its source id across runs and roots (:func:`_plan`); a new file whose
id another file holds gets its root's name in front (:func:`_free_id`); an
article whose id another article holds, or that would read as a comment id,
gets ``~2`` appended and is reported (:func:`~searchkit.renaming.unique_ids`). The digest
recorded for a file is taken after it was read, and only when it did not
change meanwhile (:func:`_settled`).

Only one process writes an index at a time (a lock file in the index folder);
readers keep answering from the last commit meanwhile.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import shutil
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from . import schema as f
from .documents import Article, parse_comment_id, to_datetime
from .engine import writing
from .engine.segments import SegmentBuilder, remove_segment_files
from .errors import IndexVersionError, OptionError, SearchkitError, SourceError
from .index import IndexState, default_index_path, write_lock
from .renaming import unique_ids
from .sources import SourceFile, discover, read_source

DEFAULT_CORPUS = "corpus"
BATCH_BYTES = 32 << 20
"""Input bytes per batch: each batch becomes one segment (more for a file with more than
:data:`SEGMENT_TEXT_BYTES` of text), its postings held in memory until written."""
SEGMENT_TEXT_BYTES = 32 << 20
"""Article text per segment: a batch holding one huge file (a WARC) is cut into several segments."""
PARALLEL_FROM_BYTES = 2 << 20
"""Less input than this is indexed in the calling process."""
MAX_DEFAULT_JOBS = 4
PROGRESS_SECONDS = 0.25
"""How often the progress callback hears from worker processes."""
PROGRESS_ARTICLES = 200
"""Within a file that holds many articles (a WARC, a JSONL file), progress is told every this many."""
ProgressCallback = Callable[[int, int, int], None]
"""Called as ``progress(files_done, files_total, articles_done)``."""


@dataclass
class IndexReport:
    """What a run of :func:`build_index` did, for the summary line."""

    index_path: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    articles: int = 0
    comments: int = 0
    files_indexed: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds of each step: ``planning`` (finding and fingerprinting the files), ``reading``
    (the batches, in worker processes or on the cluster), ``committing`` (ids, merge, commit)."""
    not_pages: Counter = field(default_factory=Counter)
    """Records of the archives read that are not pages to index, by kind (``{"request": 2}``): not problems."""

    @property
    def nothing_indexed(self) -> bool:
        """True when the index holds no file at all after this run."""
        return self.files_indexed == 0

    def summary(self) -> str:
        text = (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped; "
            f"{_counted(self.articles, 'article')} and {_counted(self.comments, 'comment')} written "
            f"in {self.seconds:.2f} s"
        )
        if self.not_pages:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.not_pages.items()))
            total = sum(self.not_pages.values())
            text += f"; {_counted(total, 'WARC record')} {'not a page' if total == 1 else 'not pages'} ({kinds})"
        if self.problems:
            text += f"; {_counted(len(self.problems), 'problem')}"
        return text


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def fingerprint(path: Path) -> dict:
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def build_index(
    paths: Iterable[str | os.PathLike] | None = None,
    index_path: str | os.PathLike | None = None,
    *,
    rebuild: bool = False,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    on_wait: Callable[[str], None] | None = None,
    lock_timeout: float = 30.0,
    checksum: bool = False,
    dask=None,
) -> IndexReport:
    """Index ``paths`` (files or folders; default ``./corpus``) into ``index_path``.

    Creates the index when missing. ``jobs`` worker processes (default: one
    per core, at most :data:`MAX_DEFAULT_JOBS`) read and index batches of
    files side by side. Returns an :class:`IndexReport`; raises
    :class:`~searchkit.errors.SearchkitError` subclasses when the index itself
    cannot be written (busy, damaged, disk full). ``checksum=True`` compares
    the content of every known file (a digest), not only its size and
    modification time: an edit that keeps both is picked up too.

    ``progress``, when given, is called as ``progress(files_done,
    files_total, articles_done)``: ``files_total`` counts the new and changed
    files this run reads (unchanged files are not counted), ``files_done``
    grows to it, ``articles_done`` counts the articles read so far. It is
    called in the calling process, after each file when indexing there and
    about every :data:`PROGRESS_SECONDS` while worker processes run; it is
    not called when nothing needs reading. ``on_wait(message)`` is called
    once when another process holds the write lock and this run waits for
    it (up to ``lock_timeout`` seconds).

    ``dask``, when given, builds the batches on the workers of a Dask cluster
    instead of local processes: a scheduler address (``"tcp://10.0.0.5:8786"``)
    or a ``distributed.Client`` (see :mod:`searchkit.dask_executor`; needs
    ``pip install "searchkit[dask]"``). The workers must see the index folder
    and the input files at the same paths as this process (shared storage);
    this process plans, commits and holds the write lock as in a local build,
    and ``progress`` hears of each batch the cluster finishes. ``jobs`` is for
    local builds only; the cluster's worker threads set how the files are cut.
    """
    started = time.perf_counter()
    if dask is not None and jobs is not None:
        raise OptionError("jobs is for local builds: a Dask build runs on the cluster's workers")
    jobs = jobs if jobs is not None else default_jobs()
    folder = Path(index_path) if index_path is not None else default_index_path()
    paths = list(paths) if paths else [DEFAULT_CORPUS]
    report = IndexReport(index_path=str(folder))
    with _cluster(dask) as cluster, write_lock(folder, lock_timeout, on_wait):
        state = None if rebuild else IndexState.load(folder, with_files=True)
        if state is not None:
            state.check_version(folder)
        files, errors = discover(paths, exclude=[folder])
        report.skipped.extend(str(error) for error in errors)
        roots = [(Path(os.path.abspath(p)), Path(os.path.realpath(p))) for p in paths]
        try:
            old_state = IndexState.load(folder)
        except IndexVersionError:
            if not rebuild:
                raise
            old_state = None  # a damaged pointer: the rebuild replaces it
        live = old_state.indexname if old_state is not None else None
        try:
            if state is None:
                new_name = _next_name(folder, old_state)
                _remove_generation(folder, new_name)  # leftovers of a rebuild that was killed
                state = IndexState(indexname=new_name)
                writer_index = whoosh_index.create_in(str(folder), f.build_schema(), indexname=new_name)
                fresh = True
            else:
                writer_index = _open_whoosh(folder, state)
                fresh = False
            _add_phase(report, "planning", started)  # the lock, the state, finding the files
            try:
                _update(writer_index, state, files, roots, fresh, jobs, progress, report, checksum, cluster)
            finally:
                writer_index.close()
            saving = time.perf_counter()
            state.save(folder)
            _add_phase(report, "committing", saving)
        except BaseException as exc:
            if state is not None and state.indexname != live:
                _remove_generation(folder, state.indexname)  # a half-written rebuild
            if isinstance(exc, OSError):
                raise SearchkitError(f"{folder}: cannot write the index: {exc.strerror or exc}") from None
            raise
        keep = {state.indexname} | ({live} if live else set())
        for stale in _generations(folder) - keep:
            _remove_generation(folder, stale)
        report.files_indexed = len(state.files)
    report.seconds = time.perf_counter() - started
    return report


def _cluster(dask):
    """The Dask cluster a build sends its batches to (connected now: a dead address fails before
    anything is read), or an empty context for a local build."""
    if dask is None:
        return contextlib.nullcontext()
    from .dask_executor import DaskCluster  # here: Dask is an optional extra, loaded only when asked for

    return DaskCluster.connect(dask)


def default_jobs() -> int:
    """One worker process per core, at most :data:`MAX_DEFAULT_JOBS`."""
    return max(1, min(MAX_DEFAULT_JOBS, os.cpu_count() or 1))


def _next_name(folder: Path, old: IndexState | None) -> str:
    """A generation name above the live one and every one present in the folder."""
    names = _generations(folder) | ({old.indexname} if old else set())
    return f"g{max((int(name[1:]) for name in names if name[1:].isdigit()), default=0) + 1}"


def _open_whoosh(folder: Path, state: IndexState):
    try:
        ix = whoosh_index.open_dir(str(folder), indexname=state.indexname)
        ix.reader().close()  # opens every segment: a damaged one fails here, not halfway through a run
        return ix
    except Exception as exc:
        raise IndexVersionError(
            f"{folder}: the index cannot be opened ({type(exc).__name__}: {exc})",
            hint="rebuild it with `searchkit index --rebuild`",
        ) from None


def _generations(folder: Path) -> set[str]:
    """The Whoosh index names present in the folder (live, previous, and leftovers)."""
    return {entry.name.split("_")[1] for entry in os.scandir(folder) if re.fullmatch(r"_g\d+_\d+\.toc", entry.name)}


def _remove_generation(folder: Path, indexname: str) -> None:
    for entry in os.scandir(folder):
        if entry.name.startswith((f"_{indexname}_", f"{indexname}_", f"{indexname}.")):
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def _plan(state: IndexState, files: list[SourceFile], roots, fresh: bool, checksum: bool, report: IndexReport):
    """Sort files into new, changed and unchanged; find files that are gone; give new files their ids.

    A file found again (the same resolved path, and the path it was recorded
    under still leads to it) keeps its source id, whatever root named it this
    time. A recorded file not found again is gone when its path no longer
    leads to it (deleted, renamed, a dangling symlink, replaced by a folder, a
    symlinked root switched elsewhere) or when the same file is now known
    under another id; one that cannot be looked at (an unreadable folder) is
    kept. New files then get their ids (:func:`_free_id`).
    """
    by_real: dict[str, str] = {}
    for source_id, entry in state.files.items():
        by_real.setdefault(_real_of(entry), source_id)
    slots: list[tuple[SourceFile, dict, bool] | None] = []
    new: list[tuple[int, SourceFile, dict]] = []
    matched: set[str] = set()
    for source in files:
        try:
            stamp = fingerprint(source.path)
        except OSError as exc:
            report.skipped.append(f"{source.path}: cannot read: {exc.strerror or exc}")
            continue
        known = None if fresh else _known_id(state, by_real, source)
        if known is None:
            new.append((len(slots), source, stamp))
            slots.append(None)
            continue
        matched.add(known)
        source = replace(source, source_id=known)
        old = state.files[known]
        if not checksum and old.get("size") == stamp["size"] and old.get("mtime_ns") == stamp["mtime_ns"]:
            report.unchanged += 1
            continue
        try:
            stamp["digest"] = file_digest(source.path)
        except OSError as exc:
            report.skipped.append(f"{source.path}: cannot read: {exc.strerror or exc}")
            continue
        if old.get("digest") is not None and old.get("digest") == stamp["digest"]:
            old.update(stamp)
            report.unchanged += 1
            continue
        slots.append((source, stamp, True))
    reals = {source.real for source in files}
    gone = [
        source_id
        for source_id, entry in state.files.items()
        if source_id not in matched and (_real_of(entry) in reals or (_in_roots(entry, roots) and _gone(entry)))
    ]
    taken = set(state.files) - set(gone)
    for position, source, stamp in new:
        source_id = _free_id(source, taken)
        taken.add(source_id)
        slots[position] = (replace(source, source_id=source_id), stamp, False)
    return [slot for slot in slots if slot is not None], gone


def _real_of(entry: dict) -> str:
    """The resolved path of a recorded file (indexes before ids by identity recorded only that)."""
    return entry.get("real") or entry.get("path", "")


def _known_id(state: IndexState, by_real: dict[str, str], source: SourceFile) -> str | None:
    """The id ``source`` is recorded under, if the path it was recorded by still leads to it."""
    source_id = by_real.get(source.real)
    if source_id is None:
        return None
    recorded = state.files[source_id].get("path", "")
    if recorded == os.path.abspath(source.path):
        return source_id
    if os.path.realpath(recorded) == source.real and os.path.isfile(recorded):
        return source_id
    return None


def _gone(entry: dict) -> bool:
    """True when the recorded path no longer leads to the recorded file (not when it cannot be looked at)."""
    path = entry.get("path", "")
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return True
    return os.path.realpath(path) != _real_of(entry)


def _in_roots(entry: dict, roots) -> bool:
    """True when a recorded file lies under one of this run's roots (as spelled, or resolved)."""
    path, real = Path(entry.get("path", "")), Path(_real_of(entry))
    return any(
        path == spelled or spelled in path.parents or real == resolved or resolved in real.parents
        for spelled, resolved in roots
    )


def _free_id(source: SourceFile, taken: set[str]) -> str:
    """The id of a new file: its path relative to its root, unless another file holds that id;
    then the root's name in front (``scrape-june/page-001.txt``), then its parents' too, then
    ``~2``, ``~3``... An id that would read as a comment id (``note#c1``) is taken too."""
    wanted = source.source_id
    candidates = [wanted]
    if source.root is not None:
        prefix = ""
        for part in reversed(source.root.parts[1:]):
            prefix = f"{part}/{prefix}"
            candidates.append(prefix + wanted)
    numbered = (f"{wanted}~{n}" for n in itertools.count(2))
    return next(c for c in itertools.chain(candidates, numbered) if c not in taken and parse_comment_id(c) is None)


def _update(ix, state, files, roots, fresh, jobs, progress, report, checksum=False, cluster=None) -> None:
    """Delete what is gone or changed, write new segments for new and changed files, commit once.

    Files are cut into batches (:func:`_batches`); each batch becomes one new
    segment (or a few, see :func:`_build_batch`), built by
    :class:`~searchkit.engine.segments.SegmentBuilder` in a worker process when ``jobs > 1``,
    or on a Dask worker when ``cluster`` is given.
    Whoosh's writer only deletes the old documents of changed files, and
    :func:`searchkit.engine.writing.commit` commits the new segments with the old ones. Before
    the commit, :func:`~searchkit.renaming.unique_ids` renames the articles whose id another
    article already holds.
    """
    started = time.perf_counter()
    todo, gone = _plan(state, files, roots, fresh, checksum, report)
    writer = ix.writer()  # adds no documents: it deletes, then commits the new segments
    planned = _add_phase(report, "planning", started)
    new_segments = []
    written: list[tuple[object, _FileOutcome]] = []
    try:
        for source_id in gone:
            writer.delete_by_term(f.SOURCE, source_id)
            del state.files[source_id]
            report.removed += 1
        for batch in _build_batches(ix, todo, jobs, progress, report, cluster, writer.segments):
            new_segments.extend(batch.segments)
            state.words.update(batch.words)
            for outcome in batch.outcomes:
                if _record(outcome, writer, state, fresh, report):
                    written.append((tuple(batch.segments), outcome))
        read = _add_phase(report, "reading", planned)
        # what the writer deletes: files gone, and every file written (also a new one: a run
        # killed after its commit but before its state was saved left documents under its id)
        replaced = set(gone) | {outcome.source.source_id for _, outcome in written}
        renamed = unique_ids(ix, written, replaced, fresh, report.problems)
        if renamed is not None:
            new_segments.append(renamed)
        merge = writing.merge_small_segments(ix, writer.segments, new_segments)
        if merge is not None and merge.segment is not None:
            new_segments.append(merge.segment)
        writing.commit(writer, new_segments, merge.replaced if merge is not None else ())
    except BaseException:
        writing.cancel(ix, writer, new_segments)
        raise
    _add_phase(report, "committing", read)


def _add_phase(report: IndexReport, name: str, since: float) -> float:
    """Add the seconds since ``since`` to the report's phase ``name``; returns now."""
    now = time.perf_counter()
    report.phases[name] = report.phases.get(name, 0.0) + now - since
    return now


@dataclass
class _FileOutcome:
    """What reading one file gave: its documents went into the batch's segments."""

    source: SourceFile
    stamp: dict
    existed: bool
    error: SourceError | None = None
    articles: int = 0
    comments: int = 0
    problems: list[str] = field(default_factory=list)
    not_pages: Counter = field(default_factory=Counter)
    ids: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    """(article id, line, offset) of each article written, in file order."""


@dataclass
class _Batch:
    segments: list
    outcomes: list[_FileOutcome]
    words: Counter


def _record(outcome: _FileOutcome, writer, state: IndexState, fresh: bool, report: IndexReport) -> bool:
    """Account for one file of a finished batch; drop the documents its older version had.
    True when the file's documents were written."""
    source = outcome.source
    if outcome.error is not None:
        report.skipped.append(str(outcome.error))
        return False
    report.problems.extend(outcome.problems)
    report.not_pages.update(outcome.not_pages)
    if not outcome.articles and outcome.problems:
        report.skipped.append(f"{source.path}: no readable article in the file")
        return False
    if not fresh:
        writer.delete_by_term(f.SOURCE, source.source_id)
    report.articles += outcome.articles
    report.comments += outcome.comments
    stamp = outcome.stamp
    stamp.setdefault("digest", None)
    stamp.update(path=os.path.abspath(source.path), real=source.real, articles=outcome.articles)
    state.files[source.source_id] = stamp
    if outcome.existed:
        report.updated += 1
    else:
        report.added += 1
    return True


def _batches(todo: list, jobs: int) -> list[list]:
    """Cut the files into batches of at most :data:`BATCH_BYTES` of input, as even as the
    file sizes allow, in a multiple of ``jobs`` so that no worker is left idle at the end
    (one batch for less than :data:`PARALLEL_FROM_BYTES`: not worth starting workers)."""
    total = sum(stamp["size"] for _, stamp, _ in todo)
    count = max(1, -(-total // BATCH_BYTES))
    if jobs > 1 and len(todo) >= jobs and total >= PARALLEL_FROM_BYTES:
        count = -(-count // jobs) * jobs
    count = min(count, len(todo)) or 1
    target = total / count
    batches: list[list] = [[]]
    filled = 0
    for item in todo:
        if batches[-1] and filled >= target and len(batches) < count:
            batches.append([])
            filled = 0
        batches[-1].append(item)
        filled += item[1]["size"]
    return batches


def _build_batches(ix, todo, jobs: int, progress, report: IndexReport, cluster=None, live=()) -> Iterator[_Batch]:
    """Each batch of files written as new segments, yielded in batch order: in this process,
    in ``jobs`` workers, or on the workers of a Dask ``cluster`` (``live``: the committed
    segments, whose files a failed cluster build must keep)."""
    if not todo:
        return
    if cluster is not None:

        def told(files, articles):
            if progress:
                progress(files, len(todo), articles)

        batches = _batches(todo, cluster.threads())
        yield from cluster.build(ix.storage, ix.indexname, ix.schema, batches, live, told)
        return
    batches = _batches(todo, jobs)
    folder, indexname, schema = ix.storage.folder, ix.indexname, ix.schema
    if jobs <= 1 or len(batches) == 1:
        files_done = 0
        for batch in batches:

            def counted(files, articles, before=files_done):
                if progress:
                    progress(before + files, len(todo), report.articles + articles)

            built = _build_batch(folder, indexname, schema, batch, counted)
            files_done += len(batch)
            yield built
        return
    import multiprocessing  # here: a one-shot query that checks the index need not load them
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import TimeoutError as FuturesTimeout
    from concurrent.futures.process import BrokenProcessPool

    # Spawned, not forked: a worker must not inherit the write lock or the threads of the caller.
    context = multiprocessing.get_context("spawn")
    counters = context.Array("q", 2)  # files and articles done by every worker
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(counters, os.getpid())
    ) as pool:
        futures = [pool.submit(_build_batch, folder, indexname, schema, batch) for batch in batches]
        try:
            for future in futures:
                while True:
                    try:
                        result = future.result(timeout=PROGRESS_SECONDS)
                        break
                    except FuturesTimeout:
                        if progress:
                            progress(counters[0], len(todo), counters[1])
                if progress:
                    progress(counters[0], len(todo), counters[1])
                yield result
        except BrokenProcessPool:
            _discard(futures, ix.storage)
            raise SearchkitError(
                f"{folder}: an indexing worker process died (killed, or out of memory?); nothing was changed",
                hint="run `searchkit index` again, with fewer --jobs if memory is short",
            ) from None
        except BaseException:
            _discard(futures, ix.storage)
            raise


def _discard(futures, storage) -> None:
    """Cancel pending batches and delete the segments of those that finished anyway."""
    for future in futures:
        future.cancel()
    for future in futures:
        if not future.cancelled():
            try:
                written = future.result()
            except BaseException:
                continue
            for segment in written.segments:
                remove_segment_files(storage, segment)


_COUNTERS = None


def _start_worker(counters, parent: int) -> None:
    """In each worker: share the progress counters, and die with the parent (Linux).

    PR_SET_PDEATHSIG only covers a parent that dies after it is set; a parent
    killed while this worker was still starting (importing, unpickling) is
    seen by its pid: the worker then exits at once instead of waiting on its
    queue forever."""
    global _COUNTERS
    _COUNTERS = counters
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: a killed run leaves no orphans
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _build_batch(folder: str, indexname: str, schema, batch: list, progress=None) -> _Batch:
    """Read a batch of files and write their documents as new segments of the index.

    Articles are streamed from each file, never all held at once; a segment is
    finished every :data:`SEGMENT_TEXT_BYTES` of text, so that one huge file
    does not hold all its postings in memory.
    """
    words: Counter = Counter()
    storage = FileStorage(folder)

    def new_builder():
        return SegmentBuilder(storage, indexname, schema, words=words, vocabulary_fields=f.TEXT_FIELDS)

    builder = new_builder()
    segments = []
    text_bytes = 0
    outcomes = []
    articles_done = 0
    try:
        for number, (source, stamp, existed) in enumerate(batch, 1):
            outcome = _FileOutcome(source, stamp, existed)
            read = _read_one(source)
            if isinstance(read, SourceError):
                outcome.error = read
            else:
                outcome.problems, outcome.not_pages = read.problems, read.not_pages
                try:
                    for article in read.articles:
                        for document in article_documents(article):
                            builder.add(document)
                        outcome.articles += 1
                        outcome.comments += len(article.comments)
                        outcome.ids.append((article.id, article.line, article.offset))
                        if outcome.articles % PROGRESS_ARTICLES == 0:  # a huge file shows progress as it is read
                            _tell_progress(progress, number - 1, articles_done + outcome.articles, 0, PROGRESS_ARTICLES)
                        text_bytes += len(article.body) + sum(len(comment.text) for comment in article.comments)
                        if text_bytes >= SEGMENT_TEXT_BYTES:
                            if (segment := builder.finish()) is not None:
                                segments.append(segment)
                            builder, text_bytes = new_builder(), 0
                except (SourceError, OSError) as exc:
                    if not outcome.articles:
                        outcome.error = exc if isinstance(exc, SourceError) else _cannot_read(source, exc)
                    else:  # what was read before stays indexed
                        outcome.problems.append(f"{exc}; the {outcome.articles} articles before it were indexed")
                if outcome.error is None:
                    outcome.stamp = _settled(source, stamp, outcome.problems)
            outcomes.append(outcome)
            articles_done += outcome.articles
            _tell_progress(progress, number, articles_done, 1, outcome.articles % PROGRESS_ARTICLES)
        if (segment := builder.finish()) is not None:
            segments.append(segment)
    except BaseException:
        builder.cancel()
        for segment in segments:
            remove_segment_files(storage, segment)
        raise
    return _Batch(segments, outcomes, words)


def _tell_progress(progress, files_done: int, articles_done: int, files: int, articles: int) -> None:
    """Progress in this process (``progress`` given), or added to the counters a worker shares:
    ``files`` and ``articles`` more done since it was last told."""
    if progress:
        progress(files_done, articles_done)
    elif _COUNTERS is not None:
        with _COUNTERS.get_lock():
            _COUNTERS[0] += files
            _COUNTERS[1] += articles


def _settled(source: SourceFile, stamp: dict, problems: list[str]) -> dict:
    """The fingerprint to record for a file just read: its digest, taken after the read, and
    only if its size and modification time are still those seen before the read. A file that
    changed meanwhile is recorded without them, so the next run reads it again."""
    try:
        digest = file_digest(source.path)
        after = fingerprint(source.path)
    except OSError:
        after, digest = None, None
    if after is not None and after["size"] == stamp["size"] and after["mtime_ns"] == stamp["mtime_ns"]:
        return dict(stamp, digest=digest)
    problems.append(f"{source.path}: changed while it was being indexed; the next run reads it again")
    return {"size": stamp["size"], "mtime_ns": None, "digest": None}


def _read_one(source: SourceFile):
    """Start reading a file: its SourceRead (articles come as they are iterated), or the SourceError that stopped it."""
    try:
        return read_source(source)
    except SourceError as exc:
        return exc
    except OSError as exc:
        return _cannot_read(source, exc)


def _cannot_read(source: SourceFile, exc: OSError) -> SourceError:
    return SourceError(str(source.path), f"cannot read: {exc.strerror or exc}")


def article_documents(article: Article) -> Iterator[dict]:
    """The Whoosh documents of one article: itself, then each comment.

    Dates are stored at their precision (``published``: ``2022-05`` for a
    month), with the ``precision`` column beside ``date``; a comment without
    a date of its own is filtered and sorted by its article's date but keeps
    no ``published`` of its own.
    """
    shown = article.doc_date
    when = to_datetime(shown.value if shown else None)
    precision = f.PRECISION_CODES[shown.precision] if shown else 0
    document = {
        f.ID_FIELD: article.id,
        f.KIND: f.ARTICLE,
        f.ARTICLE_ID: article.id,
        f.SOURCE: article.source,
        f.TITLE: article.title,
        f.BODY: article.body,
        f.COMMENT_COUNT: len(article.comments),
        f.PRECISION: precision,
    }
    optional = {
        f.DATE: when,
        f.PUBLISHED: str(shown) if shown and shown.kind == "published" else None,
        f.CAPTURED: article.captured.strftime("%Y-%m") if article.captured else None,
        f.URL: article.url,
        f.BYLINE: article.author,
        f.LINE: article.line,
        f.OFFSET: article.offset,
    }
    document.update({key: value for key, value in optional.items() if value is not None})
    yield document
    for comment in article.comments:
        document = {
            f.ID_FIELD: comment.id,
            f.KIND: f.COMMENT_KIND,
            f.ARTICLE_ID: article.id,
            f.SOURCE: article.source,
            f.COMMENT: comment.text,
            f.POSITION: comment.position,
            f.ARTICLE_TITLE: article.title,
            f.PRECISION: precision,
        }
        own = comment.doc_date
        if own:
            document[f.DATE] = to_datetime(own.value)
            document[f.PRECISION] = f.PRECISION_CODES[own.precision]
            document[f.PUBLISHED] = str(own)
        elif when:
            document[f.DATE] = when
        for key, value in ((f.URL, article.url), (f.LINE, article.line), (f.OFFSET, article.offset)):
            if value is not None:
                document[key] = value
        if comment.author:
            document[f.AUTHOR] = comment.author
            document[f.AUTHOR_NAME] = comment.author
        yield document
