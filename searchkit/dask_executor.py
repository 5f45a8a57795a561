"""Building an index's batches on the workers of a Dask cluster instead of local processes.

:func:`searchkit.build_index` with ``dask=ADDRESS`` (``searchkit index
--dask ADDRESS``) plans the run, cuts the files into batches and commits the
result exactly as a local build does; only the middle step moves: each batch
becomes one Dask task that reads its files and writes its segments into the
index folder, and hands back what it wrote (segment descriptions, per-file
outcomes, word counts). Dask does the scheduling, the data transfer and the
retries: a task whose worker dies is run again on another worker (up to the
scheduler's ``allowed-failures``), a task that raises is retried
:data:`RETRIES` times.

Workers and client must see the index folder and the input files at the same
absolute paths (shared storage). A segment only becomes part of the index
when the client commits it, so what a killed or cancelled attempt wrote
never does: each attempt writes segments under new random names, Whoosh's
commit sweeps the names no table of contents lists, and a build that fails
removes what its batches wrote: it sets the build's cancel event, which a
running batch checks as it reads (it then deletes its own segments and
ends), waits for the batches to end, then deletes what finished batches
wrote, so that nothing of the failed build is on disk when it returns.

Dask is an optional extra (``pip install "searchkit[dask]"``), imported
only here and only when a build asks for it.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from .engine.segments import remove_segment_files, segment_file_names
from .errors import SearchkitError

CONNECT_SECONDS = 5.0
"""How long to wait for the scheduler to answer before giving up on its address."""
WORKERS_SECONDS = 30.0
"""How long to wait for a cluster without workers to get one."""
RETRIES = 2
"""How many times Dask runs a batch again after it raised (a flaky shared file system)."""
ABANDON_SECONDS = 60.0
"""How long a failed build waits for its running batches to see the cancel event and end."""
CANCEL_CHECK_SECONDS = 0.25
"""How often, at most, a running batch asks the scheduler whether its build was cancelled."""
INSTALL_HINT = 'install the extra: pip install "searchkit[dask]"'


class DaskCluster:
    """A connection to a Dask scheduler whose workers build batches (a context manager).

    Made from an address (``"tcp://10.0.0.5:8786"``; the connection is closed
    with this object) or from a ``distributed.Client`` the caller already has
    (left open).
    """

    def __init__(self, client, address: str, owned: bool):
        self.client = client
        self.address = address
        self._owned = owned

    @classmethod
    def connect(cls, target) -> DaskCluster:
        """Connect to ``target``, a scheduler address or a ``distributed.Client``."""
        distributed = _import_distributed()
        if isinstance(target, distributed.Client):
            return cls(target, str(target.scheduler.address if target.scheduler else target), owned=False)
        address = str(target)
        try:
            client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, ValueError, TypeError) as exc:
            raise SearchkitError(
                f"cannot reach the Dask scheduler at {address} ({_reason(exc)})",
                hint="check the address, or start one with `dask scheduler`",
            ) from None
        return cls(client, address, owned=True)

    def close(self) -> None:
        if self._owned:
            try:
                self.client.close(timeout=CONNECT_SECONDS)
            except Exception:  # a cluster that went away cannot be told goodbye
                pass

    def __enter__(self) -> DaskCluster:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def threads(self) -> int:
        """The worker threads of the cluster (waits for a first worker): batches are cut for them."""
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_SECONDS)
            return max(1, sum(self.client.nthreads().values()))
        except Exception as exc:
            raise SearchkitError(
                f"the Dask cluster at {self.address} has no worker ({_reason(exc)})",
                hint="start workers with `dask worker ADDRESS`",
            ) from None

    def build(
        self,
        storage,
        indexname: str,
        schema,
        batches: list[list],
        live_segments=(),
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator:
        """Build each batch on the cluster; yield their ``_Batch`` results in batch order.

        ``progress(files_done, articles_done)`` is called once at the start and
        again as each batch finishes, whatever its place in the order. When the
        build fails (a batch failed past its retries, the cluster went away, the
        caller stopped), nothing a batch wrote is left behind (see the module
        docstring); ``live_segments`` are the index's committed segments, the
        only ones whose files a failed build keeps.
        """
        distributed = _import_distributed()
        folder = os.path.abspath(storage.folder)
        batches = [[(_absolute(source), stamp, existed) for source, stamp, existed in batch] for batch in batches]
        self._check_shared(folder, batches[0][0][0].path)
        build_id = uuid.uuid4().hex[:12]
        cancelled = distributed.Event(f"searchkit-cancel-{build_id}", client=self.client)
        futures = []
        results: dict[int, object] = {}
        yielded = 0
        try:
            futures = [
                self.client.submit(
                    _run_batch,
                    folder,
                    indexname,
                    schema,  # a few kB: sent with each task, so that no worker's death can lose it
                    batch,
                    cancelled.name,
                    key=f"searchkit-batch-{build_id}-{number}",
                    retries=RETRIES,
                    pure=False,
                )
                for number, batch in enumerate(batches)
            ]
            order = {future.key: number for number, future in enumerate(futures)}
            files_done = articles_done = 0
            if progress:
                progress(0, 0)
            for future in distributed.as_completed(futures, loop=self.client.loop):
                number = order[future.key]
                built = future.result()
                if built is None:  # the batch could not reach the scheduler at its end, and removed itself
                    raise distributed.CancelledError(future.key)
                results[number] = built
                files_done += len(batches[number])
                articles_done += sum(outcome.articles for outcome in built.outcomes)
                if progress:
                    progress(files_done, articles_done)
                while yielded in results:
                    yield results.pop(yielded)
                    yielded += 1
        except BaseException as exc:
            failed = [future for future in futures if future.status == "error"]
            self._abandon(cancelled, futures, results, storage, indexname, live_segments)
            if isinstance(exc, SearchkitError | KeyboardInterrupt | GeneratorExit):
                raise
            raise self._explain(exc, distributed, folder, bool(failed)) from None

    def _check_shared(self, folder: str, sample: Path) -> None:
        """Fail early, with a useful line, when a worker cannot run searchkit or see the shared files."""
        try:
            answers = self.client.run(_sees_shared_files, folder, str(sample))
        except Exception as exc:
            raise SearchkitError(
                f"the Dask workers at {self.address} cannot run searchkit ({_reason(exc)})",
                hint="install the same searchkit version on every worker",
            ) from None
        for worker, problem in sorted(answers.items()):
            if problem:
                raise SearchkitError(
                    f"Dask worker {worker}: {problem}",
                    hint="the index folder and the input must be on storage every worker shares, at the same path",
                )

    def _abandon(self, cancelled, futures, results, storage, indexname, live_segments) -> None:
        """Stop the build and remove what its batches wrote.

        Running batches see the cancel event at their next file (or every few
        hundred articles), delete their own segments and return None; batches
        not started return None at once. Waiting for them all to end is what
        makes "nothing was changed" true when the build returns. A batch that
        has not ended after :data:`ABANDON_SECONDS` (a hung worker) is
        cancelled; what it may write later is swept by the next commit.
        """
        try:
            cancelled.set()
            unfinished = [future for future in futures if not future.done()]
            if unfinished and self.client.status == "running":
                from distributed import wait

                try:
                    wait(unfinished, timeout=ABANDON_SECONDS)
                except Exception:  # timed out, or the cluster went away while waiting
                    pass
            self.client.cancel([future for future in futures if not future.done()])
            for future in futures:
                if future.status == "finished":
                    built = future.result(timeout=CONNECT_SECONDS)
                    if built is not None:
                        _remove(storage, built.segments)
        except Exception:  # the cluster is gone: its results with it
            pass
        for built in results.values():
            _remove(storage, built.segments)
        _remove_unlisted_segments(storage, indexname, live_segments)

    def _explain(self, exc: BaseException, distributed, folder: str, raised: bool) -> SearchkitError:
        """The one line for a failed cluster build (``raised``: a batch raised ``exc`` past its
        retries; otherwise the connection failed); the index is left as it was."""
        if isinstance(exc, distributed.KilledWorker):
            return SearchkitError(
                f"{folder}: a batch killed every Dask worker that ran it (out of memory?); nothing was changed",
                hint="give the workers more memory, or run `searchkit index` again",
            )
        if raised and isinstance(exc, OSError):
            return SearchkitError(
                f"{folder}: a Dask worker cannot write the index ({_reason(exc)}); nothing was changed",
                hint="the index folder must be on storage every worker can write, at the same path",
            )
        if raised:
            return SearchkitError(
                f"{folder}: a batch failed on the Dask cluster ({_reason(exc)}); nothing was changed",
                hint="run `searchkit index` again",
            )
        return SearchkitError(
            f"the Dask cluster at {self.address} went away during the build; nothing was changed",
            hint="run `searchkit index` again once the cluster is back",
        )


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise SearchkitError(
            "building on a Dask cluster needs Dask, which is not installed", hint=INSTALL_HINT
        ) from None
    return distributed


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _absolute(source):
    """The source with an absolute path: a worker's working folder is not the client's."""
    return replace(source, path=Path(os.path.abspath(source.path)))


def _remove(storage, segments) -> None:
    for segment in segments:
        remove_segment_files(storage, segment)


def _remove_unlisted_segments(storage, indexname: str, live_segments) -> None:
    """Delete the segment files of ``indexname`` that are not those of ``live_segments``: what
    a batch killed or cut off mid-write left behind. Only the lock holder writes segments, so
    every such file is garbage of this run (Whoosh's next commit would sweep them too)."""
    keep = set(segment_file_names(storage, live_segments))
    segment_file = re.compile(rf"{re.escape(indexname)}_[0-9a-z]+\..+")  # as Whoosh's commit sweeps them
    for name in storage.list():
        if segment_file.fullmatch(name) and name not in keep:
            try:
                storage.delete_file(name)
            except OSError:
                pass


def _sees_shared_files(folder: str, sample: str) -> str | None:
    """On a worker: None when it can write the index folder and read an input file, else why not."""
    if not os.path.isdir(folder):
        return f"no index folder {folder}"
    if not os.access(folder, os.W_OK):
        return f"cannot write the index folder {folder}"
    if not os.access(sample, os.R_OK):
        return f"cannot read the input file {sample}"
    return None


def _run_batch(folder: str, indexname: str, schema, batch: list, cancel_event: str):
    """On a worker: build one batch's segments in the index folder (the task Dask runs and retries).

    The batch checks the build's cancel event as it reads (at most every
    :data:`CANCEL_CHECK_SECONDS`) and once more at its end. A batch that sees
    its build cancelled, or cannot tell (the scheduler is gone, so its result
    could never be committed), removes what it wrote and returns None."""
    from .indexing import _build_batch

    watch = _CancelWatch(cancel_event)
    if watch.cancelled():
        return None
    try:
        built = _build_batch(folder, indexname, schema, batch, watch.progress)
    except _BuildCancelled:  # _build_batch removed the batch's segments
        return None
    if watch.cancelled():
        _remove(FileStorage(folder), built.segments)
        return None
    return built


class _BuildCancelled(Exception):
    """Raised inside a batch, through its progress callback, when its build was cancelled."""


class _CancelWatch:
    """The cancel event of one build, as a batch on a worker sees it."""

    def __init__(self, name: str):
        self.name = name
        self.checked = 0.0

    def cancelled(self) -> bool:
        from distributed import Event

        self.checked = time.monotonic()
        try:
            return Event(self.name).is_set()
        except Exception:
            return True

    def progress(self, files_done: int, articles_done: int) -> None:
        if time.monotonic() - self.checked >= CANCEL_CHECK_SECONDS and self.cancelled():
            raise _BuildCancelled(self.name)
