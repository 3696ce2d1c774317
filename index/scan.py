"""Scanning the sources: every file read (on every core) or, when unchanged, recalled.

A file whose size and modification time match what the manifest recorded after the last
reindex is not read again (see index/manifest.py); the others are read in worker
processes, one per core, since parsing HTML is most of a reindex. A file that fails, or
holds items left out on purpose, is never recalled: it is read every time, so its report
is always current.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from index.document import Document
from index.errors import SourceError
from index.manifest import FileStamp, KnownDocument, Manifest, Row
from index.read_result import ReadResult, Skipped
from index.readers import read_source
from index.sources import MAX_FILE_BYTES, source_files
from index.taxonomy import Taxonomy
from index.workers import worker_pool, workers_can_start

# Wraps the list of files to read, e.g. in a progress bar; yields them back in order.
Progress = Callable[[list[Path]], Iterable[Path]]
# Below this many files, worker processes cost more to start than they save.
PARALLEL_FROM = 64


@dataclass(frozen=True)
class Scan:
    """What the sources hold now, and which paths could not be read."""

    documents: dict[str, Document | KnownDocument]
    failed: list[SourceError]
    # Documents from these paths are kept even when not seen: their source failed.
    protected: set[str]
    # Remembered sources that no longer exist.
    missing: list[str] = field(default_factory=list)
    # Items left out on purpose (drafts, password-protected); an indexed copy is removed.
    skipped: list[Skipped] = field(default_factory=list)
    # Files read cleanly (or recalled unchanged), for the next reindex to recall.
    clean: dict[str, FileStamp] = field(default_factory=dict)
    # Each document's content hash as read, before any inferred areas.
    read_hashes: dict[str, str] = field(default_factory=dict)


def scan(
    roots: list[str],
    taxonomy: Taxonomy,
    progress: Progress,
    max_file_bytes: int = MAX_FILE_BYTES,
    known: Manifest | None = None,
) -> Scan:
    """Read every file under ``roots`` that ``known`` does not already describe; a failing
    file is recorded, never fatal. The taxonomy file is not a page, even when it sits
    among them (as fetch saves it)."""
    files = [path for path in list_files(roots) if os.path.realpath(path) != taxonomy.source]
    stamps = {str(path): FileStamp.of(path) for path in files}
    recalled = _recalled(files, stamps, known, partial(_reread, taxonomy, max_file_bytes))
    unread = [path for path in files if str(path) not in recalled]
    documents: dict[str, Document | KnownDocument] = {}
    failed: list[SourceError] = []
    protected: set[str] = set()
    skipped: list[Skipped] = []
    clean: dict[str, FileStamp] = {}
    for path, docs in recalled.items():
        clean[path] = stamps[path]
        for doc in docs:
            documents[doc.id] = _newer(documents.get(doc.id), doc)
    for path, result in read_all(unread, taxonomy, max_file_bytes, progress):
        if isinstance(result, SourceError):
            failed.append(result)
            protected.add(str(path))
            continue
        if result.errors:
            failed.extend(result.errors)
            protected.add(str(path))
        elif not result.skipped and stamps[str(path)] is not None:
            clean[str(path)] = stamps[str(path)]
        for doc in result.documents:
            documents[doc.id] = _newer(documents.get(doc.id), doc)
        skipped.extend(result.skipped)
    for item in skipped:
        found = documents.get(item.doc_id)
        if found and not _published_later(found, item):
            del documents[item.doc_id]
    missing = [root for root in roots if not os.path.exists(root)]
    read_hashes = {doc_id: doc.content_hash for doc_id, doc in documents.items()}
    return Scan(documents, failed, protected, missing, skipped, clean, read_hashes)


def _recalled(
    files: list[Path],
    stamps: dict[str, FileStamp | None],
    known: Manifest | None,
    reread: Callable[[str, str], Document],
) -> dict[str, list[KnownDocument]]:
    """The documents of each file the manifest describes as it is now."""
    if known is None:
        return {}
    rows = known.rows_of()
    recalled = {}
    for path in map(str, files):
        if path in rows and stamps[path] is not None and known.files.get(path) == stamps[path]:
            recalled[path] = [_known(row, reread) for row in rows[path]]
    return recalled


def _known(row: Row, reread: Callable[[str, str], Document]) -> KnownDocument:
    return row.known(as_read=True, load=partial(reread, row.path, row.id))


def _reread(taxonomy: Taxonomy, max_file_bytes: int, path: str, doc_id: str) -> Document:
    """One document of an unchanged file, read again because its text is needed."""
    result = read_source(Path(path), taxonomy, max_file_bytes)
    return next(doc for doc in result.documents if doc.id == doc_id)


def read_all(
    paths: list[Path], taxonomy: Taxonomy, max_file_bytes: int, progress: Progress
) -> Iterator[tuple[Path, ReadResult | SourceError]]:
    """Each file read, in order, on every core when there are enough of them."""
    read = partial(read_one, taxonomy=taxonomy, max_file_bytes=max_file_bytes)
    if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or not workers_can_start():
        yield from zip(progress(paths), map(read, paths), strict=True)
        return
    with worker_pool() as workers:
        results = workers.map(read, paths, chunksize=16)
        yield from zip(progress(paths), results, strict=True)


def read_one(path: Path, taxonomy: Taxonomy, max_file_bytes: int) -> ReadResult | SourceError:
    """One file read; a reader bug costs that file, never the whole run."""
    try:
        return read_source(path, taxonomy, max_file_bytes)
    except SourceError as error:
        return error
    except Exception as error:
        return SourceError(str(path), f"unexpected {type(error).__name__}: {error}")


def settle_missing(found: Scan, indexed: dict[str, Document | KnownDocument]) -> Scan:
    """A vanished source file takes its documents with it; a vanished folder does not.

    A folder that is gone is more likely unmounted or renamed than emptied on purpose,
    so its documents are kept and the folder is reported as failed.
    """
    files = {doc.source for doc in indexed.values()}
    folders = [root for root in found.missing if root not in files]
    failures = [SourceError(root, "folder not found; its documents are kept") for root in folders]
    return replace(
        found, failed=found.failed + failures, protected=found.protected | set(folders), missing=[]
    )


def list_files(roots: list[str]) -> list[Path]:
    seen: dict[str, Path] = {}
    for root in roots:
        if os.path.exists(root):
            for path in source_files(Path(root)):
                seen.setdefault(str(path), path)
    return list(seen.values())


def _newer(current, candidate):
    # The same post exported twice (alone and in a list): keep the latest revision.
    if current is None:
        return candidate
    if candidate.modified and (not current.modified or candidate.modified > current.modified):
        return candidate
    return current


def _published_later(doc, skipped: Skipped) -> bool:
    # The same item exported twice, published and as a draft: the later revision wins,
    # and on a tie (or without dates) it stays out of the index.
    return bool(doc.modified and skipped.modified and doc.modified > skipped.modified)
