"""Worker processes for a reindex, on every core, that can neither block nor outlive it.

A reindex from scratch (index/bulk.py) forks its workers, on Linux: the reindex has the
reading and writing code loaded, where a fresh interpreter took a third of a second to
import it while both cores waited. A forked worker's first step closes its copy of the
reindex lock's descriptor (``not_for_workers``): the lock stays the reindex's (flock
holds it while any copy is open), and dies with it. Whoosh's multi-process writer and the
pool that reads changed files start theirs from a fresh interpreter (the "forkserver"
method), which inherits no lock. Either way each worker watches the reindex that started
it and exits when it is gone: after a SIGKILL nothing tells a worker waiting for its next
job that none will come, and it would wait forever.
"""

import gc
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from functools import cache
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue

from whoosh.multiproc import MpWriter, _run_subwriter

WATCH_SECONDS = 0.5
WORKER_START_SECONDS = 60
_CONTEXT = multiprocessing.get_context("forkserver")
# Only on Linux: elsewhere forking a process that has loaded system libraries is unsafe
# (macOS), or impossible.
_FORKED = multiprocessing.get_context("fork") if sys.platform == "linux" else None
# Descriptors a forked worker closes first: the reindex lock's.
_NOT_FOR_WORKERS: set[int] = set()
# Workers from the forkserver (the pool and Whoosh's writer) fork from it with the
# reading and writing code already imported: importing it in each worker cost a third of
# a second of CPU apiece.
_CONTEXT.set_forkserver_preload(["__main__", "index.bulk"])
# Objects allocated between young-generation collections while pages are parsed (Python's
# default is 700). A parsed page's tree is dismantled once read (index/soup.py), but while
# it is built its few thousand objects are young: collected every 700, each page's tree was
# walked while still being built and promoted twice. Every 5,000 (about a page): 10% off
# reading at 10k pages, before trees were dismantled; since, the collector's passes cost
# 0.03-0.05 s per 1,000 pages at 5,000 and 0.16 s at 700.
PARSING_GC_THRESHOLD = 5_000


def collect_for_parsing() -> tuple[int, ...]:
    """Young objects collected every PARSING_GC_THRESHOLD allocations from now on; the
    thresholds as they were."""
    threshold = gc.get_threshold()
    gc.set_threshold(PARSING_GC_THRESHOLD, *threshold[1:])
    return threshold


@contextmanager
def collecting_parsed_pages() -> Iterator[None]:
    """Young objects collected every PARSING_GC_THRESHOLD allocations, while inside."""
    threshold = collect_for_parsing()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def exit_with(parent: int, forked: bool = False) -> None:
    """In a worker: end this process soon after process ``parent`` has ended. A worker
    ``forked`` from it is its child, given to another parent the moment it dies (even
    while unreaped, when signalling it would still succeed)."""

    def gone() -> bool:
        if forked:
            return os.getppid() != parent
        try:
            os.kill(parent, 0)
        except (ProcessLookupError, PermissionError):  # gone, or its number reused
            return True
        return False

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if gone():
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


@cache
def workers_can_start() -> bool:
    """Whether worker processes start here: they re-run the program's main script on
    start, and one that is not guarded by ``if __name__ == "__main__"`` breaks them. The
    ``research-search`` command is; a user's own script may not be, and then a reindex
    works on one core (as it does inside a worker, where workers cannot start)."""
    if multiprocessing.parent_process() is not None:
        return False
    try:
        with worker_pool() as pool:
            return pool.submit(os.getpid).result(timeout=WORKER_START_SECONDS) > 0
    except Exception:  # BrokenProcessPool, a timeout, or no forkserver on this system
        return False


def worker_pool() -> ProcessPoolExecutor:
    """A pool with a worker per core, for parsing pages."""
    return ProcessPoolExecutor(
        max_workers=os.cpu_count(),
        mp_context=_CONTEXT,
        initializer=_parsing_worker,
        initargs=(os.getpid(),),
    )


def _parsing_worker(parent: int) -> None:
    exit_with(parent)
    collect_for_parsing()


@contextmanager
def not_for_workers(descriptor: int) -> Iterator[None]:
    """While inside, a worker forked by ``start_worker`` closes its copy of ``descriptor``."""
    _NOT_FOR_WORKERS.add(descriptor)
    try:
        yield
    finally:
        _NOT_FOR_WORKERS.discard(descriptor)


def can_fork() -> bool:
    """Whether ``start_worker`` can start workers here: on Linux, and not in a worker
    (which may have no children). A forked worker runs only the reindex's own code, which
    neither logs nor prints: a lock another thread held when it was forked (the CLI has no
    other thread; the benchmark polls /proc in one) is never waited for."""
    return _FORKED is not None and multiprocessing.parent_process() is None


def start_worker(target: Callable[..., None], *args: object) -> BaseProcess:
    """A worker process forked from this one that runs ``target(*args)`` and ends with
    this process (only where ``can_fork``)."""
    process = _FORKED.Process(target=_forked, args=(os.getpid(), target, *args), daemon=True)
    process.start()
    return process


def new_queue() -> Queue:
    """A queue between this process and the workers ``start_worker`` starts."""
    return _FORKED.Queue()


def _forked(parent: int, target: Callable[..., None], *args: object) -> None:
    for descriptor in _NOT_FOR_WORKERS:
        with suppress(OSError):
            os.close(descriptor)
    # The reindex runs without the cyclic collector (index/reindex.py); a worker collects
    # what it makes, not what it was forked with, which it shares with the reindex until
    # it writes to it (and a collector's pass writes to every object it walks).
    gc.freeze()
    gc.enable()
    exit_with(parent, forked=True)
    target(*args)


def _watched_subwriter(parent: int, *args) -> None:
    exit_with(parent)
    _run_subwriter(*args)


class ParallelWriter(MpWriter):
    """Whoosh's multi-process writer (a segment per core), with workers that go when the
    reindex goes."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, start_method="forkserver", **kwargs)

    def _new_task(self):
        args = (
            os.getpid(),
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task = self._mpctx.Process(target=_watched_subwriter, args=args)
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        """Stop the workers too: they would wait for jobs that will never come."""
        try:
            for task in self.tasks:
                task.terminate()
            for task in self.tasks:
                task.join(timeout=WORKER_START_SECONDS)
        finally:
            super().cancel()
