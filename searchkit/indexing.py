"""Building and updating an index from input files.

:func:`build_index` is incremental: it fingerprints every input file (size,
modification time, and a content digest when those changed), re-reads only
new and changed files, drops the documents of files that were deleted, and
leaves the rest alone. A file that cannot be read is skipped and reported; the
documents it had from an earlier run stay. ``rebuild=True`` writes a fresh
Whoosh index beside the live one and switches to it only once it is complete.

Only one process writes an index at a time (a lock file in the index folder);
readers keep answering from the last commit meanwhile.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from . import schema as f
from .analysis import surface_words
from .documents import Article, to_datetime
from .errors import IndexVersionError, SearchkitError, SourceError
from .index import IndexState, default_index_path, write_lock
from .sources import SourceFile, discover, read_source

DEFAULT_CORPUS = "corpus"
WRITER_MB = 512
"""Memory for the writer's posting buffers, shared among its processes."""
BATCH_DOCUMENTS = 2000
"""Documents per batch sent to a worker process."""
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

    @property
    def nothing_indexed(self) -> bool:
        """True when the index holds no file at all after this run."""
        return self.files_indexed == 0

    def summary(self) -> str:
        text = (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped; "
            f"{self.articles} articles and {self.comments} comments written in {self.seconds:.2f} s"
        )
        if self.problems:
            text += f"; {len(self.problems)} problems"
        return text


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
    jobs: int = 1,
    progress: ProgressCallback | None = None,
    on_wait: Callable[[str], None] | None = None,
    lock_timeout: float = 30.0,
) -> IndexReport:
    """Index ``paths`` (files or folders; default ``./corpus``) into ``index_path``.

    Creates the index when missing. Returns an :class:`IndexReport`; raises
    :class:`~searchkit.errors.SearchkitError` subclasses when the index itself
    cannot be written (busy, damaged, disk full).
    """
    started = time.perf_counter()
    folder = Path(index_path) if index_path is not None else default_index_path()
    paths = list(paths) if paths else [DEFAULT_CORPUS]
    report = IndexReport(index_path=str(folder))
    with write_lock(folder, lock_timeout, on_wait):
        state = None if rebuild else IndexState.load(folder, with_files=True)
        if state is not None:
            state.check_version(folder)
        files, errors = discover(paths)
        report.skipped.extend(str(error) for error in errors)
        roots = [Path(p).resolve() for p in paths]
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
            try:
                _update(writer_index, state, files, roots, fresh, jobs, progress, report)
            finally:
                writer_index.close()
            state.save(folder)
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


def _plan(state: IndexState, files: list[SourceFile], roots: list[Path], fresh: bool, report: IndexReport):
    """Sort files into new, changed and unchanged; find files that are gone."""
    todo: list[tuple[SourceFile, dict, bool]] = []
    seen = set()
    for source in files:
        seen.add(source.source_id)
        try:
            stamp = fingerprint(source.path)
        except OSError as exc:
            report.skipped.append(f"{source.path}: cannot read: {exc.strerror or exc}")
            continue
        old = None if fresh else state.files.get(source.source_id)
        if old and old.get("size") == stamp["size"] and old.get("mtime_ns") == stamp["mtime_ns"]:
            report.unchanged += 1
            continue
        if old:
            try:
                stamp["digest"] = file_digest(source.path)
            except OSError as exc:
                report.skipped.append(f"{source.path}: cannot read: {exc.strerror or exc}")
                continue
            if old.get("digest") == stamp["digest"]:
                old.update(stamp)
                report.unchanged += 1
                continue
        todo.append((source, stamp, old is not None))
    gone = [
        source_id
        for source_id, entry in state.files.items()
        if source_id not in seen and _under(Path(entry.get("path", "")), roots) and _vanished(Path(entry["path"]))
    ]
    return todo, gone


def _vanished(path: Path) -> bool:
    """True only when the file is known to be gone (not when it cannot be looked at)."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _update(ix, state, files, roots, fresh, jobs, progress, report) -> None:
    todo, gone = _plan(state, files, roots, fresh, report)
    writer = _open_writer(ix, jobs, len(todo))
    try:
        for source_id in gone:
            writer.delete_by_term(f.SOURCE, source_id)
            del state.files[source_id]
            report.removed += 1
        done = 0
        for source, stamp, existed, outcome in _read_all(todo, jobs):
            done += 1
            if isinstance(outcome, SourceError):
                report.skipped.append(str(outcome))
            else:
                articles, problems = outcome
                report.problems.extend(problems)
                if not articles and problems:
                    report.skipped.append(f"{source.path}: no readable article in the file")
                    continue
                if not fresh:
                    writer.delete_by_term(f.SOURCE, source.source_id)
                counts = _write_articles(writer, articles, report, state.words)
                stamp.setdefault("digest", None)
                stamp.update(path=str(source.path.resolve()), articles=counts)
                state.files[source.source_id] = stamp
                if existed:
                    report.updated += 1
                else:
                    report.added += 1
            if progress:
                progress(done, len(todo), report.articles)
        writer.commit()
    except BaseException:
        _cancel(ix, writer)
        raise
    for entry in state.files.values():
        if entry.get("digest") is None:
            entry["digest"] = _safe_digest(Path(entry["path"]))


def _cancel(ix, writer) -> None:
    """Cancel the writer and delete what it wrote (its segment files are garbage, maybe large)."""
    segment = getattr(writer, "newsegment", None)
    try:
        writer.cancel()
    except Exception:  # closing files can fail again on a full disk
        pass
    shutil.rmtree(os.path.join(ix.storage.folder, f"{ix.indexname}.tmp"), ignore_errors=True)
    if segment is not None:
        prefix = segment.segment_id()
        for name in list(ix.storage.list()):
            if name.startswith(prefix):
                try:
                    ix.storage.delete_file(name)
                except OSError:
                    pass


def _open_writer(ix, jobs: int, files: int):
    """One Whoosh writer, or with ``jobs > 1`` one that analyses in ``jobs`` processes.

    Whoosh's multiprocess writer sends batches of documents to worker
    processes, each writing its own segment; an article's documents go in one
    group so they stay together and in order. Segments are written as
    separate files, not one compound file: Whoosh copies each sub-file of a
    compound file into memory when it opens a searcher, which made opening a
    2,000-article index cost 72 ms.
    """
    if jobs > 1 and files > 1:
        return ix.writer(
            procs=jobs, multisegment=True, batchsize=BATCH_DOCUMENTS, limitmb=WRITER_MB // jobs, compound=False
        )
    return ix.writer(limitmb=WRITER_MB, compound=False)


def _safe_digest(path: Path) -> str | None:
    try:
        return file_digest(path)
    except OSError:
        return None


def _read_all(todo, jobs: int) -> Iterator[tuple[SourceFile, dict, bool, object]]:
    """Read files in order, in worker processes when ``jobs > 1``."""
    if jobs <= 1 or len(todo) < 2:
        for source, stamp, existed in todo:
            yield source, stamp, existed, _read_one(source)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        outcomes = pool.map(_read_one, [source for source, _, _ in todo], chunksize=16)
        for (source, stamp, existed), outcome in zip(todo, outcomes, strict=True):
            yield source, stamp, existed, outcome


def _read_one(source: SourceFile):
    """Read a whole file: (articles, problems), or the SourceError that stopped it."""
    try:
        read = read_source(source)
        articles = list(read.articles)
        return articles, read.problems
    except SourceError as exc:
        return exc
    except OSError as exc:
        return SourceError(str(source.path), f"cannot read: {exc.strerror or exc}")


def _write_articles(writer, articles: list[Article], report: IndexReport, words: Counter) -> int:
    count = 0
    for article in articles:
        words.update(surface_words(f"{article.title}\n{article.body}"))
        for comment in article.comments:
            words.update(surface_words(comment.text))
        with writer.group():
            for document in article_documents(article):
                writer.add_document(**document)
        count += 1
        report.articles += 1
        report.comments += len(article.comments)
    return count


def article_documents(article: Article) -> Iterator[dict]:
    """The Whoosh documents of one article: itself, then each comment."""
    when = to_datetime(article.effective_date)
    document = {
        f.ID_FIELD: article.id,
        f.KIND: f.ARTICLE,
        f.ARTICLE_ID: article.id,
        f.SOURCE: article.source,
        f.TITLE: article.title,
        f.BODY: article.body,
        f.COMMENT_COUNT: len(article.comments),
    }
    optional = {
        f.DATE: when,
        f.PUBLISHED: article.date.isoformat() if article.date else None,
        f.CAPTURED: article.captured.strftime("%Y-%m") if article.captured else None,
        f.URL: article.url,
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
        }
        comment_when = to_datetime(comment.date) or when
        if comment_when:
            document[f.DATE] = comment_when
        if comment.author:
            document[f.AUTHOR] = comment.author
            document[f.AUTHOR_NAME] = comment.author
        yield document
