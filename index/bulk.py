"""Reading and writing on every core at once, for a reindex that reads every file.

A reindex from scratch (or ``--full``) reads every file and writes every document. Read
first and written after, each half left a core idle at times and every document's text
crossed between processes twice. Here each worker process reads files and writes what it
read into segments of its own; only what telling documents apart needs comes back, as
``KnownDocument`` records. Pages that name no research area wait in their worker until
every labelled page is read: the workers' counts of the labelled pages are summed into
the model (index/inference.py), and each worker guesses its waiting pages' areas with it
and writes them after the others. A worker left with more to do than the others hands
some of its waiting pages over first, and the reindex gives them to those with less, so
that they all finish together.

A copy of a document that loses to another (the same post exported twice, or withdrawn by
a later draft) is deleted from its segment before the commit, and its worker takes back
what it counted of it. Nothing is in the index until the reindex commits all the segments
in one new table of contents; a killed reindex leaves only files the next commit removes.
"""

import queue
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from multiprocessing.process import BaseProcess
from pathlib import Path
from statistics import mean
from typing import NamedTuple

from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, FileIndex, Index

from index.area_guesses import Guess, guess_of
from index.document import Document
from index.errors import IndexWriteError, SourceError
from index.inference import AreaCounts, AreaModel, CountsTally, page_words
from index.manifest import FileStamp, KnownDocument
from index.read_result import ReadResult
from index.scan import Gathered, Progress, read_one
from index.schema import document_fields
from index.segment_writer import finished_segment, lean_writer
from index.store import remove_uncommitted_files
from index.taxonomy import Taxonomy
from index.workers import collecting_parsed_pages, new_queue, start_worker

# Bytes of files handed to a worker at a time (or one larger file): small enough that
# the workers finish together, large enough that handing them out costs nothing.
BATCH_BYTES = 256 * 1024
# What a character of a page waiting for a guess costs a worker once reading is done
# (guessing, writing, and its share of writing the segment out), in characters of a
# page written while reading (only its share of writing the segment out).
WAITING_WORK = 3.0
# Waiting pages whose words a worker works out while the model is built, at most: each
# page's are a list of a few thousand words, kept until it is guessed.
WORDS_AHEAD = 2_000
# How often the reindex looks whether its workers are still there while it waits.
LIVENESS_SECONDS = 1.0


@dataclass(frozen=True)
class BulkSettings:
    """What every worker needs to read files and write documents as the reindex would."""

    index_dir: str
    taxonomy: Taxonomy
    max_file_bytes: int
    infer_areas: bool
    # Memory for the postings of each segment a worker writes; a full one is closed.
    limitmb: int


class Copy(NamedTuple):
    """Where a worker put one document it read: document ``number`` of its ``segment``-th
    segment, or (``segment`` WAITING) place ``number`` among its pages waiting for a guess."""

    worker: int
    segment: int
    number: int


WAITING = -1


class BulkWriter:
    """Worker processes, one per core, that read the sources and write segments, and the
    commit of those segments. Used as a context manager: leaving it on an error stops the
    workers (their files are never committed)."""

    def __init__(self, ix: Index, settings: BulkSettings, workers: int):
        self.ix = ix
        self.settings = settings
        self._jobs = new_queue()
        self._results = new_queue()
        self._orders = [new_queue() for _ in range(workers)]
        self._arrived: dict[tuple[str, int], tuple] = {}
        self._finished: set[int] = set()
        # What each worker has left to do below the mean, once reading is done.
        self._deficits = [0.0] * workers
        self._segments: list[list[Segment]] = []
        self._processes: list[BaseProcess] = []

    def __enter__(self) -> "BulkWriter":
        try:
            for worker, orders in enumerate(self._orders):
                process = start_worker(
                    work, worker, self.settings, self._jobs, orders, self._results
                )
                self._processes.append(process)
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            self._stop()

    def read(
        self, gathered: Gathered, stamps: dict[str, FileStamp | None], progress: Progress
    ) -> list[tuple[KnownDocument, Copy]]:
        """Have the workers read the files ``stamps`` names (stamped before reading) and
        write what they hold; each file's result goes to ``gathered``, in order. Returns
        every document read and where it went, losers included."""
        paths = list(stamps)
        batches = _batches(stamps)
        for number in _handing_out(batches, stamps):
            self._jobs.put((number, batches[number]))
        for _ in self._processes:
            self._jobs.put(None)
        placed: list[tuple[KnownDocument, Copy]] = []
        for path, (result, documents) in zip(progress(paths), self._in_order(batches), strict=True):
            for doc, _copy in documents:
                doc.load = gathered.reread
            if not isinstance(result, SourceError):
                result = replace(result, documents=[doc for doc, _copy in documents])
            gathered.add_read(path, stamps[path], result, None)
            placed += documents
        return placed

    def _in_order(self, batches: list[list[str]]) -> Iterator[tuple]:
        for number in range(len(batches)):
            (results,) = self._wait_for("read", number)
            yield from results

    def counts(self, losers: list[Copy]) -> AreaCounts:
        """What the labelled pages the workers wrote teach, but the ``losers``: each worker
        drops its losers first. Workers with more left to do than others are then told
        to hand some of their waiting pages over (``_shares``)."""
        for worker, orders in enumerate(self._orders):
            orders.put([copy for copy in losers if copy.worker == worker])
        tally = CountsTally()
        left = []
        for worker in range(len(self._processes)):
            part, work_left = self._wait_for("counted", worker)
            tally.add_counts(part)
            left.append(work_left)
        for orders, share in zip(self._orders, _shares(left), strict=True):
            orders.put(share)
        self._deficits = [max(0.0, mean(left) - work) for work in left]
        return tally.counts()

    def finish(self, model: AreaModel | None) -> dict[str, Guess]:
        """Have the workers guess their waiting pages' areas with ``model``, write them and
        close their segments; the guesses, by document id. The pages handed over go to
        the workers with least to do."""
        handed = [self._wait_for("handed", worker)[0] for worker in range(len(self._processes))]
        taken = _takers(handed, self._deficits)
        for orders, pages in zip(self._orders, taken, strict=True):
            orders.put((model, pages))
        guesses: dict[str, Guess] = {}
        for worker in range(len(self._processes)):
            worker_guesses, segments = self._wait_for("finished", worker)
            guesses.update(worker_guesses)
            self._segments.append(segments)
            self._finished.add(worker)
        return guesses

    def commit(self, documents: list[Document], losers: list[Copy]) -> None:
        """One new table of contents: the workers' segments (losers deleted) and one for
        ``documents``, in place of every segment the index had."""
        writer = lean_writer(self.ix, self.settings.limitmb)
        try:
            for doc in documents:
                writer.add_document(**document_fields(doc))
            for copy in losers:
                if copy.segment != WAITING:
                    self._segments[copy.worker][copy.segment].delete_document(copy.number)
            segments = [segment for written in self._segments for segment in written]
            if writer.doc_count():
                segments.append(writer._finalize_segment())
            else:
                writer._close_segment()
            writer._commit_toc(segments)
        except BaseException:
            writer._cleanup_on_error()
            raise
        writer._finish()
        for process in self._processes:
            process.join(timeout=LIVENESS_SECONDS)

    def _wait_for(self, kind: str, key: int) -> tuple:
        while (kind, key) not in self._arrived:
            try:
                self._take(self._results.get(timeout=LIVENESS_SECONDS))
            except queue.Empty:
                self._check_alive()
        return self._arrived.pop((kind, key))

    def _take(self, message: tuple) -> None:
        if message[0] == "failed":
            raise message[2]
        self._arrived[message[0], message[1]] = message[2:]

    def _check_alive(self) -> None:
        """Raise if a worker ended before it finished. One that finished early sent its
        last message before it exited, so what has come since is taken first."""
        ended = [
            (worker, process.exitcode)
            for worker, process in enumerate(self._processes)
            if process.exitcode is not None
        ]
        if not ended:
            return
        with suppress(queue.Empty):
            while True:
                self._take(self._results.get_nowait())
        for worker, exitcode in ended:
            if worker not in self._finished and ("finished", worker) not in self._arrived:
                raise IndexWriteError(
                    f"a reindex worker process ended (exit code {exitcode}); the index is unchanged"
                )

    def _stop(self) -> None:
        for waiting in (self._jobs, *self._orders):
            waiting.cancel_join_thread()  # what no worker will take must not block our exit
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            process.join(timeout=10)
        with suppress(Exception):
            remove_uncommitted_files(self.ix)


def _batches(stamps: dict[str, FileStamp | None]) -> list[list[str]]:
    """The files in order, in runs of about BATCH_BYTES."""
    batches: list[list[str]] = [[]]
    size = 0
    for path, stamp in stamps.items():
        if size >= BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(path)
        size += stamp.size if stamp else 0
    return [batch for batch in batches if batch]


def _takers(handed: list[list[Document]], deficits: list[float]) -> list[list[Document]]:
    """The pages each worker ``handed`` over, given out: each to the worker, other than the
    one that handed it, with the most left below the mean (``deficits``, used up)."""
    taken: list[list[Document]] = [[] for _ in handed]
    for giver, pages in enumerate(handed):
        others = [worker for worker in range(len(handed)) if worker != giver]
        for doc in pages:
            taker = max(others, key=deficits.__getitem__)
            taken[taker].append(doc)
            deficits[taker] -= WAITING_WORK * len(doc.body)
    return taken


def _shares(left: list[float]) -> list[float]:
    """For each worker, how many characters of its waiting pages it hands over, from
    what each has ``left`` to do: those above the mean hand over the difference."""
    average = mean(left)
    return [max(0.0, work - average) / WAITING_WORK for work in left]


def _handing_out(batches: list[list[str]], stamps: dict[str, FileStamp | None]) -> list[int]:
    """The order in which the batches are handed out: each about as much earlier than its
    place as it is larger than BATCH_BYTES (a file of 1 MB at a quarter of its place).

    Handed out in place, a large file met late kept one worker busy after the other had
    run out of work (a fifth of a second of a reindex of 1,000 pages, where the largest
    files, exports of 100 posts each, came last). The results are still taken in place,
    for the progress bar: what was read early waits its turn.
    """

    def size(batch: list[str]) -> int:
        return sum(stamp.size for path in batch if (stamp := stamps[path]))

    weights = [max(1.0, size(batch) / BATCH_BYTES) for batch in batches]
    return sorted(range(len(batches)), key=lambda number: number / weights[number])


def work(worker: int, settings: BulkSettings, jobs, orders, results) -> None:
    """A worker's whole life: read and write until the files run out, drop the losers and
    count, hand waiting pages over or take some, then guess and write them."""
    try:
        with collecting_parsed_pages():
            _Worker(worker, settings).run(jobs, orders, results)
    except BaseException as error:
        results.put(("failed", worker, _sendable(error)))


def _sendable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling (an OSError does), else its text."""
    if isinstance(error, OSError | SourceError | IndexWriteError):
        return error
    return IndexWriteError(f"a reindex worker failed: {type(error).__name__}: {error}")


class _Worker:
    def __init__(self, worker: int, settings: BulkSettings):
        self.worker = worker
        self.settings = settings
        storage = FileStorage(settings.index_dir, supports_mmap=False)
        self.written = _Segments(FileIndex(storage, indexname=_DEF_INDEX_NAME), settings.limitmb)
        self.tally = CountsTally()
        # What was counted of each labelled page written, to take it back if it loses.
        self.counted: dict[tuple[int, int], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.waiting: list[Document | None] = []
        self.written_characters = 0
        # The page_words of the first waiting pages, worked out while waiting (meanwhile).
        self.words: list[list[str]] = []

    def run(self, jobs, orders, results) -> None:
        while (job := jobs.get()) is not None:
            number, batch = job
            results.put(("read", number, [self.read(path) for path in batch]))
        self.drop(orders.get())
        results.put(("counted", self.worker, self.tally.counts(), self.work_left()))
        results.put(("handed", self.worker, self.hand_over(orders.get())))
        model, taken = self.meanwhile(orders)
        self.waiting += taken
        guesses = self.guess(model)
        results.put(("finished", self.worker, guesses, self.written.finish()))

    def read(self, path: str) -> tuple[ReadResult | SourceError, list]:
        """One file read, its documents written or set aside; what the reindex compares
        of each, and where it went (``KnownDocument`` records, sent without a loader)."""
        settings = self.settings
        result = read_one(Path(path), {}, settings.taxonomy, settings.max_file_bytes)
        if isinstance(result, SourceError):
            return result, []
        return replace(result, documents=[]), [self.place(doc) for doc in result.documents]

    def place(self, doc: Document) -> tuple[KnownDocument, Copy]:
        if self.settings.infer_areas and not doc.areas:
            copy = Copy(self.worker, WAITING, len(self.waiting))
            self.waiting.append(doc)
        else:
            copy = Copy(self.worker, *self.written.add(doc))
            self.written_characters += len(doc.body)
            if self.settings.infer_areas:
                terms = tuple(set(page_words(doc)))
                self.tally.add_terms(terms, doc.areas)
                self.counted[copy.segment, copy.number] = (terms, doc.areas)
        record = KnownDocument(
            doc.id, doc.source, doc.content_hash, doc.areas, doc.title, doc.modified
        )
        return record, copy

    def work_left(self) -> float:
        """What is left to do once reading is done, in characters of pages written (the
        waiting pages weigh WAITING_WORK times as much)."""
        waiting = sum(len(doc.body) for doc in self.waiting if doc is not None)
        return WAITING_WORK * waiting + self.written_characters

    def hand_over(self, share: float) -> list[Document]:
        """Waiting pages, from the last, of about ``share`` characters in all, for the
        reindex to give to other workers to guess and write."""
        handed: list[Document] = []
        characters = 0
        while self.waiting and characters < share:
            doc = self.waiting[-1]
            if doc is not None:
                if characters + len(doc.body) / 2 > share:
                    break
                handed.append(doc)
                characters += len(doc.body)
            self.waiting.pop()
        return handed

    def drop(self, losers: list[Copy]) -> None:
        """Take back what was counted of the ``losers`` written; forget those waiting."""
        for copy in losers:
            if copy.segment == WAITING:
                self.waiting[copy.number] = None
            elif (copy.segment, copy.number) in self.counted:
                terms, areas = self.counted[copy.segment, copy.number]
                self.tally.add_terms(terms, areas, -1)
        self.counted.clear()

    def meanwhile(self, orders):
        """The next order, once the reindex sends it. Until then the words of the waiting
        pages are worked out, a page at a time, for their guesses: the reindex sums the
        workers' counts and builds the model from them while every worker would wait."""
        ahead = min(len(self.waiting), WORDS_AHEAD)
        while len(self.words) < ahead and orders.empty():
            doc = self.waiting[len(self.words)]
            self.words.append(page_words(doc) if doc is not None else [])
        return orders.get()

    def guess(self, model: AreaModel | None) -> dict[str, Guess]:
        guesses = {}
        for place, doc in enumerate(self.waiting):
            if doc is None or model is None:
                continue
            words = None
            if place < len(self.words):
                words, self.words[place] = self.words[place], []
            guess = guesses[doc.id] = guess_of(doc, model, words)
            if guess.areas:  # its hash with the guess is worked out: not again
                doc = replace(doc, areas_inferred=guess.areas, content_hash=guess.content_hash)
            self.written.add(doc)
        return guesses


class _Segments:
    """A worker's documents written into segments: a new one whenever one is full."""

    def __init__(self, ix: Index, limitmb: int):
        self.ix = ix
        self.limitmb = limitmb
        self.done: list[Segment] = []
        self.writer = lean_writer(ix, limitmb, locked=False)

    def add(self, doc: Document) -> tuple[int, int]:
        """Write ``doc``; its segment's place among the others, and its number there."""
        place = (len(self.done), self.writer.docnum)
        self.writer.add_document(**document_fields(doc))
        if self.writer.is_full():
            self.done.append(self.writer._finalize_segment())
            self.writer = lean_writer(self.ix, self.limitmb, locked=False)
        return place

    def finish(self) -> list[Segment]:
        last = finished_segment(self.writer)
        return self.done + ([last] if last else [])
