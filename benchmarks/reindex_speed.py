"""Our reindex timed end to end: from scratch, after 10 edited documents, with nothing changed.

The time is split without touching index/: reindex hands the file list to its progress
callback and takes each file's result as the callback yields it, so the time from the
first file to the last is reading (with extraction, and in a reindex from scratch the
writing that goes on beside it in the worker processes), and the rest (the diff, guessing
areas and writing the pages that wait for them, committing) is the indexing that follows.
CPU seconds are counted over every process the reindex starts.
"""

import json
import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.cpu import CpuClock
from index.reindex import ReindexReport, reindex
from index.scan import list_files
from index.taxonomy import load_taxonomy

EDITED = 10
EDIT_NOTE = "Edited for the benchmark: a sentence that was not in this document before."


@dataclass(frozen=True)
class ReindexTimes:
    report: ReindexReport
    seconds: float
    reading_seconds: float
    cpu_seconds: float

    @property
    def indexing_seconds(self) -> float:
        return self.seconds - self.reading_seconds


class _ReadingClock:
    """A progress callback that notes when reading starts and ends."""

    started = ended = 0.0

    def __call__(self, files: list[Path]) -> Iterable[Path]:
        return self._timed(files)

    def _timed(self, files: list[Path]) -> Iterator[Path]:
        self.started = time.perf_counter()
        yield from files
        self.ended = time.perf_counter()


def timed_reindex(index_dir: Path, paths: list[str] | None = None) -> ReindexTimes:
    """``research-search reindex [paths]`` as the CLI runs it, timed."""
    clock = _ReadingClock()
    with CpuClock() as cpu:
        started = time.perf_counter()
        report = reindex(index_dir, load_taxonomy(), paths, progress=clock)
        seconds = time.perf_counter() - started
    return ReindexTimes(report, seconds, clock.ended - started, cpu.seconds)


@contextmanager
def ten_documents_edited(corpus: Path) -> Iterator[None]:
    """Edit 10 documents (5 HTML pages, one object in each of 5 JSON pages); undo afterwards."""
    files = list_files([str(corpus)])
    rng = random.Random(10)
    pages = rng.sample([f for f in files if f.suffix == ".html"], EDITED // 2)
    lists = rng.sample([f for f in files if f.suffix == ".json"], EDITED - EDITED // 2)
    originals = {path: path.read_bytes() for path in pages + lists}
    try:
        for path in pages:
            text = path.read_text("utf-8")
            marker = '<div class="entry-content">\n'
            path.write_text(text.replace(marker, f"{marker}<p>{EDIT_NOTE}</p>\n", 1), "utf-8")
        for path in lists:
            items = json.loads(path.read_bytes())
            items[0]["content"]["rendered"] += f"\n<p>{EDIT_NOTE}</p>"
            path.write_text(json.dumps(items), "utf-8")
        yield
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
