"""Reindex: read the sources that changed, diff against the index by content hash, commit once."""

import fcntl
import gc
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path

from whoosh.index import Index
from whoosh.writing import CLEAR, SegmentWriter

from index.area_guesses import (
    Inference,
    guesses_stamp,
    inference_from_guesses,
    inferred_for_changes,
    load_counts,
    load_saved_guesses,
    save_inference,
    with_inferred_areas,
)
from index.bulk import BulkSettings, BulkWriter
from index.document import Document
from index.errors import IndexBusy, IndexWriteError, SourceError
from index.inference import area_model, updated_counts, with_arrays
from index.manifest import (
    FileStamp,
    KnownDocument,
    Manifest,
    Row,
    Touched,
    load_manifest,
    reading_fingerprint,
    recorded_elsewhere,
    save_changes,
    save_manifest,
    touched_since,
)
from index.merging import fold_small_segments
from index.read_result import Skipped
from index.scan import (
    Gathered,
    Progress,
    ReadBefore,
    Rereader,
    Scan,
    loses_to,
    read_into,
    scan,
    settle_missing,
    source_paths,
)
from index.schema import document_fields, document_from_stored
from index.segment_writer import lean_writer
from index.sources import MAX_FILE_BYTES, is_under, remember, remembered_sources
from index.store import (
    index_exists,
    open_index,
    open_or_create_index,
    remove_uncommitted_files,
)
from index.taxonomy import Taxonomy
from index.workers import ParallelWriter, can_fork, not_for_workers, workers_can_start

_LOCK = "reindex.lock"
# From this many documents, indexing them is spread over every core.
PARALLEL_WRITE_FROM = 2000
# From this many files, a reindex from scratch (or --full) reads and writes them on every
# core at once (index/bulk.py).
BULK_FROM_FILES = 64
# Memory each writer may use for postings before it sorts them to disk.
WRITER_MB = 256
# Memory for the postings of one segment written in bulk (some 30,000 pages), in each
# worker: a full one is written out and another begun.
SEGMENT_MB = 512


@dataclass(frozen=True)
class ReindexReport:
    added: list[Document] = field(default_factory=list)
    updated: list[Document] = field(default_factory=list)
    removed: list[Document] = field(default_factory=list)
    unchanged: int = 0
    failed: list[SourceError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary_line(self) -> str:
        """'added 3, updated 1, removed 0, unchanged 32, failed 1', and the skipped items
        by reason when there are any: ', skipped 2 (not published 1, password-protected 1)'."""
        line = (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"removed {len(self.removed)}, unchanged {self.unchanged}, failed {len(self.failed)}"
        )
        if not self.skipped:
            return line
        reasons = Counter(item.reason for item in self.skipped)
        counts = ", ".join(f"{reason} {count}" for reason, count in sorted(reasons.items()))
        return f"{line}, skipped {len(self.skipped)} ({counts})"

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@contextmanager
def reindex_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock. An OS file lock, so it dies with a killed process."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / _LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexBusy(
                f"another reindex ({holder}) is writing {index_dir}; try again when it ends"
            ) from error
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            with not_for_workers(handle.fileno()):
                yield
        finally:
            handle.truncate(0)


def indexed_documents(ix: Index) -> dict[str, Document]:
    """Every document in the index, read whole from its stored fields (slow on a big index)."""
    with ix.searcher() as searcher:
        return {
            fields["id"]: document_from_stored(fields) for fields in searcher.all_stored_fields()
        }


def plan(
    indexed: dict[str, Document], found: Scan, kept: dict[str, Document] | None = None
) -> ReindexReport:
    """The diff between the index and the sources; nothing is written here.

    A document whose file moved counts as updated, so the index always knows its real
    source (and keeps it if that file later fails to read).
    """
    added, updated, unchanged = [], [], 0
    for doc_id, doc in found.documents.items():
        old = indexed.get(doc_id)
        if old is None:
            added.append(doc)
        elif old.content_hash != doc.content_hash or old.source != doc.source:
            updated.append(doc)
        else:
            unchanged += 1
    kept = kept_documents(indexed, found) if kept is None else kept
    removed = [
        doc
        for doc_id, doc in indexed.items()
        if doc_id not in found.documents and doc_id not in kept
    ]
    return ReindexReport(added, updated, removed, unchanged, found.failed, found.skipped)


def kept_documents(indexed: dict[str, Document], found: Scan) -> dict[str, Document]:
    """Indexed documents not seen this time whose source failed: they stay as they are.

    Not those withdrawn (now a draft or password-protected), even if their file also
    had a bad element: a withdrawn page must leave the index.
    """
    withdrawn = {item.doc_id for item in found.skipped} - found.documents.keys()
    return {
        doc_id: doc
        for doc_id, doc in indexed.items()
        if doc_id not in found.documents
        and doc_id not in withdrawn
        and is_under(doc.source, found.protected)
    }


def infer(
    index_dir: Path,
    found: Scan,
    indexed: dict[str, Document],
    kept: dict[str, Document],
    taxonomy: Taxonomy,
    full: bool,
) -> tuple[Scan, Inference]:
    """``found`` with areas inferred for the documents that name none; ``kept`` are the
    indexed documents kept although not found (``kept_documents``)."""
    inference = with_inferred_areas(
        found.documents,
        indexed,
        kept,
        taxonomy.keywords,
        load_saved_guesses(index_dir),
        partial(load_counts, index_dir),
        full,
    )
    return replace(found, documents=inference.documents), inference


@contextmanager
def _collecting_no_cycles() -> Iterator[None]:
    """No cyclic garbage collection while a reindex runs, but where it parses pages.

    A run holds a few records per document (100,000s of them), all of them to the end:
    the collector walked them again and again for nothing (at Python's default
    thresholds a third of a no-change reindex of 100,000 pages; with fewer, larger
    passes still a sixth of one with 10 changed pages). Parsed pages are cycles, so where
    pages are parsed in this process (index/scan.py) the collector runs, on what is new.
    """
    was_enabled, was_frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        if not was_frozen:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


@_collecting_no_cycles()
def reindex(
    index_dir: Path,
    taxonomy: Taxonomy,
    paths: list[str] | None = None,
    full: bool = False,
    dry_run: bool = False,
    progress: Progress = lambda files: files,
    max_file_bytes: int = MAX_FILE_BYTES,
    infer_areas: bool = True,
) -> ReindexReport:
    """Bring the index in line with its sources.

    ``paths`` are added to the remembered sources (``full`` replaces them). Incremental
    runs read only files that changed since the last run (index/manifest.py) and add,
    update and remove only what changed; ``full`` reads and rewrites every document.
    Either way the change lands in one commit: a reader sees the old index or the new.
    Documents whose source failed to read are kept as they were. If the index cannot
    be written (disk full, read-only folder), IndexWriteError says so and the committed
    index is the one from before. With ``infer_areas``, documents that name no research
    area get inferred ones (``index/area_guesses.py``).
    """
    given = [os.path.abspath(p) for p in paths or []]
    for path in given:
        if not os.path.exists(path):
            raise SourceError(path, "no such file or folder")
    run = Run(index_dir, taxonomy, progress, max_file_bytes, full, infer_areas)
    if dry_run:
        ix = open_index(index_dir) if index_exists(index_dir) else None
        with StoredDocuments(ix) as stored:
            return run.prepare(ix, stored, source_roots(index_dir, given, full)).report
    try:
        with reindex_lock(index_dir):
            roots = source_roots(index_dir, given, full)
            ix = open_or_create_index(index_dir)
            with StoredDocuments(ix) as stored:
                read_before: ReadBefore = {}
                prepared = run.write_in_bulk(ix, stored, roots) or run.write_changes(
                    ix, stored, roots, read_before
                )
                if prepared is None:
                    prepared = run.prepare(ix, stored, roots, read_before)
                    run.remember(roots)
                    _write(ix, prepared.report, prepared.found, prepared.kept, full)
            guesses = save_inference(index_dir, prepared.inference) if prepared.inference else ""
            run.save_manifest(ix, prepared, guesses)
            return prepared.report
    except OSError as error:
        reason = error.strerror or str(error)
        raise IndexWriteError(
            f"cannot write the index in {index_dir}: {reason}; the index is unchanged"
        ) from error


@dataclass(frozen=True)
class Prepared:
    """One run worked out, before anything is written."""

    found: Scan
    indexed: dict[str, Document | KnownDocument]
    # Indexed documents not found whose source failed: kept as they are.
    kept: dict[str, Document | KnownDocument]
    report: ReindexReport
    inference: Inference | None
    # The manifest of the index as it was, when it was valid and loaded whole.
    known: Manifest | None
    # When only the files that changed were read (``Run.write_changes``): those files.
    touched: Touched | None = None


@dataclass(frozen=True)
class Run:
    """One reindex's settings, and the steps that read, compare and record."""

    index_dir: Path
    taxonomy: Taxonomy
    progress: Progress
    max_file_bytes: int
    full: bool
    infer_areas: bool

    @property
    def reading(self) -> str:
        return reading_fingerprint(asdict(self.taxonomy), version("research-search"))

    def prepare(
        self,
        ix: Index | None,
        stored: "StoredDocuments",
        roots: list[str],
        read_before: ReadBefore | None = None,
    ) -> Prepared:
        known = load_manifest(self.index_dir, ix.latest_generation()) if ix else None
        indexed = _indexed(ix, known, stored)
        recall = known if known and not self.full and known.reading == self.reading else None
        found = scan(roots, self.taxonomy, self.progress, self.max_file_bytes, recall, read_before)
        found = settle_missing(found, indexed)
        kept = kept_documents(indexed, found)
        inference = None
        if self.infer_areas:
            found, inference = infer(self.index_dir, found, indexed, kept, self.taxonomy, self.full)
        return Prepared(found, indexed, kept, plan(indexed, found, kept), inference, known)

    def remember(self, roots: list[str]) -> None:
        """Remember the sources and settings: before the commit, so that a later bare
        reindex never forgets what this one committed."""
        remember(self.index_dir, roots, self.taxonomy.source, self.infer_areas)

    def write_in_bulk(
        self, ix: Index, stored: "StoredDocuments", roots: list[str]
    ) -> Prepared | None:
        """Read and write every file on every core at once, and commit (index/bulk.py):
        when there are many files and nothing in the index to keep (a reindex from
        scratch, or ``full``). None, with nothing done, when that does not apply."""
        cores = os.cpu_count() or 1
        if cores < 2 or not (self.full or ix.doc_count() == 0):
            return None
        files = source_paths(roots, self.taxonomy)
        if len(files) < BULK_FROM_FILES or not can_fork():
            return None
        known = load_manifest(self.index_dir, ix.latest_generation())
        indexed = _indexed(ix, known, stored)
        settings = BulkSettings(
            str(self.index_dir), self.taxonomy, self.max_file_bytes, self.infer_areas, SEGMENT_MB
        )
        with BulkWriter(ix, settings, cores) as bulk:
            gathered = Gathered(Rereader(self.taxonomy, self.max_file_bytes))
            stamps = {path: FileStamp.of(path) for path in files}
            placed = bulk.read(gathered, stamps, self.progress)
            found = settle_missing(gathered.scan(roots), indexed)
            losers = [copy for doc, copy in placed if found.documents.get(doc.id) is not doc]
            kept = kept_documents(indexed, found)
            counts = bulk.counts(losers)
            inference = None
            if self.infer_areas:
                # The pages kept from the index as it was teach too.
                labelled = [doc for doc in kept.values() if doc.areas]
                counts = updated_counts(counts, [], labelled) if labelled else counts
                counts = with_arrays(counts)  # for the model, then for saving
                keywords = self.taxonomy.keywords
                pages = bulk.finish(area_model(counts, keywords))
                saved = load_saved_guesses(self.index_dir)
                inference = inference_from_guesses(
                    found.documents, kept, keywords, counts, pages, saved
                )
                found = replace(found, documents=inference.documents)
            else:
                bulk.finish(None)
            self.remember(roots)
            bulk.commit([doc.full() for doc in kept.values()], losers)
        return Prepared(found, indexed, kept, plan(indexed, found, kept), inference, known)

    def write_changes(
        self, ix: Index, stored: "StoredDocuments", roots: list[str], read_before: ReadBefore
    ) -> Prepared | None:
        """Read only the files that changed since the last run, and write what they
        changed, without loading what the manifest records of the others (a second at
        100,000 pages): ``Prepared`` holds only the changed files' documents, and its
        report counts the others unchanged. The same as ``prepare`` and ``_write`` give,
        as tests/index/test_changes.py checks.

        None, with nothing written, when it does not apply (the files read are left in
        ``read_before``, for ``prepare`` not to read them again): ``full``; a source
        folder gone; no manifest of this index read the same way (taxonomy, version);
        guesses not known to be the index's, or guesses in the index of a run that
        guesses none; a document that another, unchanged, file also gives, or withdraws
        as a draft, unless the other's copy wins whoever is found first; every page to
        be guessed afresh, or the counts learned to be learned again from every page.
        """
        if self.full or not all(os.path.exists(root) for root in roots):
            return None
        files = source_paths(roots, self.taxonomy)
        touched = touched_since(self.index_dir, ix.latest_generation(), self.reading, files)
        if touched is None:
            return None
        if self.infer_areas:
            if not touched.guesses or touched.guesses != guesses_stamp(self.index_dir):
                return None
        elif touched.guessed:
            return None
        known = Manifest(touched.generation, self.reading, touched.recorded, touched.rows)
        gathered = Gathered(Rereader(self.taxonomy, self.max_file_bytes))
        read_into(
            gathered,
            touched.now,
            known,
            known.rows_of(),
            self.taxonomy,
            self.max_file_bytes,
            self.progress,
            read_before,  # kept for ``prepare`` when this returns None
        )
        found = gathered.scan(roots)
        new_ids = {*found.documents, *(item.doc_id for item in found.skipped)} - touched.rows.keys()
        recorded = recorded_elsewhere(self.index_dir, new_ids, touched.paths) if new_ids else {}
        found = _without_losing_copies(found, recorded)
        if found is None:
            return None
        rows = touched.rows.values()
        indexed = {row.id: row.known(as_read=False, load=stored.get) for row in rows}
        kept = kept_documents(indexed, found)
        inference = None
        if self.infer_areas:
            inference = inferred_for_changes(
                found.documents,
                indexed,
                kept,
                touched.labelled,
                self.taxonomy.keywords,
                load_saved_guesses(self.index_dir),
                partial(load_counts, self.index_dir),
            )
            if inference is None:
                return None
            found = replace(found, documents=inference.documents)
        report = plan(indexed, found, kept)
        report = replace(report, unchanged=report.unchanged + touched.untouched)
        self.remember(roots)
        _write(ix, report, found, kept, full=False)
        return Prepared(found, indexed, kept, report, inference, None, touched)

    def save_manifest(self, ix: Index, prepared: Prepared, guesses: str) -> None:
        """Record what the index holds now, for the next run (``guesses``: the stamp of
        the guesses file that goes with it)."""
        if prepared.touched is None:
            manifest = replace(self.manifest(ix, prepared), guesses=guesses)
            save_manifest(self.index_dir, manifest, prepared.known)
            return
        rows = self.rows(prepared, prepared.touched.rows)
        generation = ix.latest_generation()
        save_changes(
            self.index_dir, generation, guesses, prepared.touched, prepared.found.clean, rows
        )

    def manifest(self, ix: Index, prepared: Prepared) -> Manifest:
        """What the index holds now, for the next run to recall."""
        rows = self.rows(prepared, prepared.known.rows if prepared.known else {})
        return Manifest(ix.latest_generation(), self.reading, dict(prepared.found.clean), rows)

    def rows(self, prepared: Prepared, previous: dict[str, Row]) -> dict[str, Row]:
        """The manifest's rows of ``prepared``'s documents (``previous``: as they were)."""
        found = prepared.found

        def row_of(doc: Document | KnownDocument) -> Row:
            old = previous.get(doc.id)
            if isinstance(doc, KnownDocument) and old and _recalled_as_indexed(doc, old):
                return old  # the same row: saving it costs nothing
            read_hash = found.read_hashes.get(doc.id, doc.content_hash)
            return _row(doc, read_hash, found.raw_hashes.get(doc.id, ""))

        kept = prepared.kept.values()
        return {doc.id: row_of(doc) for doc in [*kept, *found.documents.values()]}


def _without_losing_copies(found: Scan, recorded: dict[str, datetime | None] | None) -> Scan | None:
    """``found`` (the changed files read) without its copies of documents that another,
    unchanged, file gives (``recorded``: their ids and dates) when those win whoever is
    found first, as the whole run would settle it (index/scan.py ``_newer``), their
    files marked to be read next time; None when the whole run must settle it: a copy
    that may win, or an item left out (a draft) that may withdraw the other."""
    if recorded is None:
        return None
    documents, clean = dict(found.documents), dict(found.clean)
    for doc_id, modified in recorded.items():
        copy = documents.pop(doc_id, None)
        if copy is not None:
            if not loses_to(copy, modified):
                return None
            clean.pop(copy.source, None)
        for item in found.skipped:
            if item.doc_id == doc_id and not (item.modified and loses_to(item, modified)):
                return None
    return replace(found, documents=documents, clean=clean)


def _indexed(
    ix: Index | None, known: Manifest | None, stored: "StoredDocuments"
) -> dict[str, Document | KnownDocument]:
    """What the index holds: from the manifest when it describes this index, else read."""
    if ix is None:
        return {}
    if known is None:
        return indexed_documents(ix)
    return {row.id: row.known(as_read=False, load=stored.get) for row in known.rows.values()}


def _recalled_as_indexed(doc: KnownDocument, row: Row) -> bool:
    """Whether a document recalled from ``row`` (unread) is indexed as ``row`` says: all
    its other fields came from the row; only its inferred areas may have moved."""
    return doc.content_hash == row.content_hash and doc.source == row.path


def _row(doc: Document | KnownDocument, read_hash: str, raw_hash: str) -> Row:
    return Row(
        doc.id,
        doc.source,
        read_hash,
        doc.content_hash,
        doc.areas,
        doc.title,
        doc.modified,
        raw_hash,
    )


class StoredDocuments:
    """Whole documents from the index's stored fields, by id, through one searcher opened
    when first needed: for the few a run must read (a changed labelled page's old text)."""

    def __init__(self, ix: Index | None):
        self._ix = ix
        self._searcher = None

    def get(self, source: str, doc_id: str) -> Document:
        """The document ``doc_id`` as indexed (``source`` is where it was read from)."""
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return document_from_stored(self._searcher.document(id=doc_id))

    def __enter__(self) -> "StoredDocuments":
        return self

    def __exit__(self, *exc) -> None:
        if self._searcher is not None:
            self._searcher.close()


def source_roots(index_dir: Path, given: list[str], full: bool) -> list[str]:
    roots = given if full and given else list(dict.fromkeys(remembered_sources(index_dir) + given))
    if not roots:
        raise SourceError(str(index_dir), "no sources to read: give one or more PATHs")
    return roots


def _write(ix: Index, report: ReindexReport, found: Scan, kept: dict, full: bool) -> None:
    if full:
        everything = [*found.documents.values(), *kept.values()]
        with _writing(ix, len(everything)) as writer:
            for doc in everything:
                writer.add_document(**document_fields(doc.full()))
            writer.commit(mergetype=CLEAR)
        return
    if not report.changed:
        return
    with _writing(ix, len(report.added) + len(report.updated)) as writer:
        for doc in report.removed:
            writer.delete_by_term("id", doc.id)
        for doc in report.updated:
            writer.update_document(**document_fields(doc.full()))
        for doc in report.added:  # new ids: nothing to replace
            writer.add_document(**document_fields(doc.full()))
        if isinstance(writer, ParallelWriter):
            writer.commit()
        else:
            writer.commit(mergetype=fold_small_segments)


@contextmanager
def _writing(ix: Index, documents: int) -> Iterator[SegmentWriter]:
    """A writer that is cancelled on failure, its half-written segment files deleted.

    Many documents are indexed on every core, each worker writing its own segment
    (index/workers.py).
    """
    cores = os.cpu_count() or 1
    if documents >= PARALLEL_WRITE_FROM and cores > 1 and workers_can_start():
        writer = ParallelWriter(
            ix,
            procs=cores,
            batchsize=min(100, max(1, documents // (2 * cores))),  # every core gets work
            multisegment=True,
            limitmb=WRITER_MB,
        )
    else:
        writer = lean_writer(ix, WRITER_MB)
    try:
        yield writer
    except BaseException:
        with suppress(Exception):
            writer.cancel()
        with suppress(Exception):
            remove_uncommitted_files(ix)
        raise
