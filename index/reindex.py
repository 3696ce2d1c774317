"""Reindex: read every source, diff against the index by content hash, commit once."""

import fcntl
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from whoosh.index import TOC, Index, clean_files
from whoosh.writing import CLEAR, SegmentWriter

from index.area_guesses import (
    Inference,
    load_counts,
    load_saved_guesses,
    save_inference,
    with_inferred_areas,
)
from index.document import Document
from index.errors import IndexBusy, IndexWriteError, SourceError
from index.read_result import Skipped
from index.readers import MAX_FILE_BYTES, read_source
from index.schema import document_fields, document_from_stored
from index.sources import is_under, remember, remembered_sources, source_files
from index.store import index_exists, open_index, open_or_create_index
from index.taxonomy import Taxonomy

_LOCK = "reindex.lock"

# Wraps the list of files to read, e.g. in a progress bar; yields them back in order.
Progress = Callable[[list[Path]], Iterable[Path]]


@dataclass(frozen=True)
class Scan:
    """What the sources hold now, and which paths could not be read."""

    documents: dict[str, Document]
    failed: list[SourceError]
    # Documents from these paths are kept even when not seen: their source failed.
    protected: set[str]
    # Remembered sources that no longer exist.
    missing: list[str] = field(default_factory=list)
    # Items left out on purpose (drafts, password-protected); an indexed copy is removed.
    skipped: list[Skipped] = field(default_factory=list)


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
            yield
        finally:
            handle.truncate(0)


def scan(
    roots: list[str], taxonomy: Taxonomy, progress: Progress, max_file_bytes: int = MAX_FILE_BYTES
) -> Scan:
    """Read every file under ``roots``; a failing file is recorded, never fatal.

    The taxonomy file is not a page, even when it sits among them (as fetch saves it).
    """
    documents: dict[str, Document] = {}
    failed: list[SourceError] = []
    protected: set[str] = set()
    skipped: list[Skipped] = []
    files = [path for path in list_files(roots) if os.path.realpath(path) != taxonomy.source]
    for path in progress(files):
        try:
            result = read_source(path, taxonomy, max_file_bytes)
        except SourceError as error:
            failed.append(error)
            protected.add(str(path))
            continue
        except Exception as error:  # a reader bug must cost one file, not the whole run
            failed.append(SourceError(str(path), f"unexpected {type(error).__name__}: {error}"))
            protected.add(str(path))
            continue
        if result.errors:
            failed.extend(result.errors)
            protected.add(str(path))
        for doc in result.documents:
            documents[doc.id] = _newer(documents.get(doc.id), doc)
        skipped.extend(result.skipped)
    missing = [root for root in roots if not os.path.exists(root)]
    for item in skipped:
        found = documents.get(item.doc_id)
        if found and not _published_later(found, item):
            del documents[item.doc_id]
    return Scan(documents, failed, protected, missing, skipped)


def settle_missing(found: Scan, indexed: dict[str, Document]) -> Scan:
    """A vanished source file takes its documents with it; a vanished folder does not.

    A folder that is gone is more likely unmounted or renamed than emptied on purpose,
    so its documents are kept and the folder is reported as failed.
    """
    files = {doc.source for doc in indexed.values()}
    folders = [root for root in found.missing if root not in files]
    failures = [SourceError(root, "folder not found; its documents are kept") for root in folders]
    return Scan(
        found.documents,
        found.failed + failures,
        found.protected | set(folders),
        skipped=found.skipped,
    )


def list_files(roots: list[str]) -> list[Path]:
    seen: dict[str, Path] = {}
    for root in roots:
        if os.path.exists(root):
            for path in source_files(Path(root)):
                seen.setdefault(str(path), path)
    return list(seen.values())


def _newer(current: Document | None, candidate: Document) -> Document:
    # The same post exported twice (alone and in a list): keep the latest revision.
    if current is None:
        return candidate
    if candidate.modified and (not current.modified or candidate.modified > current.modified):
        return candidate
    return current


def _published_later(doc: Document, skipped: Skipped) -> bool:
    # The same item exported twice, published and as a draft: the later revision wins,
    # and on a tie (or without dates) it stays out of the index.
    return bool(doc.modified and skipped.modified and doc.modified > skipped.modified)


def indexed_documents(ix: Index) -> dict[str, Document]:
    with ix.searcher() as searcher:
        return {
            fields["id"]: document_from_stored(fields) for fields in searcher.all_stored_fields()
        }


def plan(indexed: dict[str, Document], found: Scan) -> ReindexReport:
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
    kept = kept_documents(indexed, found)
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
    index_dir: Path, found: Scan, indexed: dict[str, Document], taxonomy: Taxonomy, full: bool
) -> tuple[Scan, Inference]:
    """``found`` with areas inferred for the documents that name none."""
    inference = with_inferred_areas(
        found.documents,
        indexed,
        kept_documents(indexed, found),
        taxonomy.keywords,
        load_saved_guesses(index_dir),
        partial(load_counts, index_dir),
        full,
    )
    return replace(found, documents=inference.documents), inference


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
    runs add, update and remove only what changed; ``full`` rewrites every document.
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
    if dry_run:
        roots = source_roots(index_dir, given, full)
        indexed = indexed_documents(open_index(index_dir)) if index_exists(index_dir) else {}
        found = settle_missing(scan(roots, taxonomy, progress, max_file_bytes), indexed)
        if infer_areas:
            found, _ = infer(index_dir, found, indexed, taxonomy, full)
        return plan(indexed, found)
    try:
        with reindex_lock(index_dir):
            roots = source_roots(index_dir, given, full)
            found = scan(roots, taxonomy, progress, max_file_bytes)
            ix = open_or_create_index(index_dir)
            indexed = indexed_documents(ix)
            found = settle_missing(found, indexed)
            inference = None
            if infer_areas:
                found, inference = infer(index_dir, found, indexed, taxonomy, full)
            report = plan(indexed, found)
            # Remember first: a later bare reindex must never forget what this one committed.
            remember(index_dir, roots, taxonomy.source, infer_areas)
            _write(ix, report, found, indexed, full)
            if inference:
                save_inference(index_dir, inference)
            return report
    except OSError as error:
        reason = error.strerror or str(error)
        raise IndexWriteError(
            f"cannot write the index in {index_dir}: {reason}; the index is unchanged"
        ) from error


def source_roots(index_dir: Path, given: list[str], full: bool) -> list[str]:
    roots = given if full and given else list(dict.fromkeys(remembered_sources(index_dir) + given))
    if not roots:
        raise SourceError(str(index_dir), "no sources to read: give one or more PATHs")
    return roots


def _write(ix: Index, report: ReindexReport, found: Scan, indexed: dict, full: bool) -> None:
    if full:
        with _writing(ix) as writer:
            for doc in [*found.documents.values(), *kept_documents(indexed, found).values()]:
                writer.add_document(**document_fields(doc))
            writer.commit(mergetype=CLEAR)
        return
    if not report.changed:
        return
    with _writing(ix) as writer:
        for doc in report.removed:
            writer.delete_by_term("id", doc.id)
        for doc in [*report.added, *report.updated]:
            writer.update_document(**document_fields(doc))
        writer.commit()


@contextmanager
def _writing(ix: Index) -> Iterator[SegmentWriter]:
    """A writer that is cancelled on failure, its half-written segment files deleted.

    Deleting them matters on a full disk: left behind, they keep the space that the
    next reindex needs. Files of the committed generation are never touched.
    """
    writer = ix.writer()
    try:
        yield writer
    except BaseException:
        with suppress(Exception):
            writer.cancel()
        with suppress(Exception):
            toc = TOC.read(ix.storage, ix.indexname)
            clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
        raise
