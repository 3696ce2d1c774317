"""Scanning the sources: every file read (on every core) or, when unchanged, recalled.

A file whose size and modification time match what the manifest recorded after the last
reindex is not read again (see index/manifest.py); the others are read in worker
processes, one per core, since parsing HTML is most of a reindex. A file that fails, or
holds items left out on purpose, is never recalled: it is read every time, so its report
is always current.
"""

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from index.document import Document
from index.errors import SourceError
from index.manifest import FileStamp, KnownDocument, Manifest, Row
from index.read_result import ReadResult, Skipped
from index.readers import read_source
from index.sources import MAX_FILE_BYTES, source_files
from index.taxonomy import Taxonomy
from index.workers import collecting_parsed_pages, worker_pool, workers_can_start

# Wraps the list of files to read, e.g. in a progress bar; yields them back in order.
Progress = Callable[[list[Path]], Iterable[Path]]
# Files read already in this run, by path: each with its stamp when read.
ReadBefore = dict[str, tuple[FileStamp | None, ReadResult | SourceError]]
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
    # Each WordPress post's raw hash (see index/wordpress.py ``raw_hash``).
    raw_hashes: dict[str, str] = field(default_factory=dict)


def scan(
    roots: list[str],
    taxonomy: Taxonomy,
    progress: Progress,
    max_file_bytes: int = MAX_FILE_BYTES,
    known: Manifest | None = None,
    read_before: ReadBefore | None = None,
) -> Scan:
    """Read every file under ``roots`` that ``known`` does not already describe; a failing
    file is recorded, never fatal. Of a changed WordPress list page, only the posts whose
    JSON changed are read. The taxonomy file is not a page, even when it sits among them
    (as fetch saves it). A file in ``read_before`` with the same stamp is not read again
    (when ``known`` is given: the results there were read with its posts' hashes)."""
    files = source_paths(roots, taxonomy)
    stamps = {path: FileStamp.of(path) for path in files}
    rows = known.rows_of() if known else {}
    gathered = Gathered(Rereader(taxonomy, max_file_bytes))
    unread = {}
    for path in files:
        stamp = stamps[path]
        if known and path in rows and stamp and known.files.get(path) == stamp:
            gathered.add_recalled(path, stamp, rows[path])
        else:
            unread[path] = stamp
    reused = read_before if known and read_before is not None else {}
    read_into(gathered, unread, known, rows, taxonomy, max_file_bytes, progress, reused)
    return gathered.scan(roots)


def read_into(
    gathered: "Gathered",
    stamps: dict[str, FileStamp | None],
    known: Manifest | None,
    rows: dict[str, list[Row]],
    taxonomy: Taxonomy,
    max_file_bytes: int,
    progress: Progress,
    read_before: ReadBefore,
) -> None:
    """Read the files of ``stamps`` (path: stamp) into ``gathered``, in order, each
    WordPress list page with its posts' raw hashes from ``rows`` (by path) so that its
    unchanged posts are recalled from ``known``. A file in ``read_before`` with the same
    stamp is not read again; every file read is added to it."""
    results = {
        path: result
        for path, (stamp, result) in read_before.items()
        if stamp is not None and stamp == stamps.get(path)
    }
    to_read = [path for path in stamps if path not in results]
    unchanged = [{r.id: r.raw_hash for r in rows.get(p, ()) if r.raw_hash} for p in to_read]
    read = read_all([Path(p) for p in to_read], unchanged, taxonomy, max_file_bytes, progress)
    for path, (_, result) in zip(to_read, read, strict=True):
        results[path] = result
        read_before[path] = (stamps[path], result)
    for path, stamp in stamps.items():
        gathered.add_read(path, stamp, results[path], known)


class Gathered:
    """What one scan has found so far, file by file."""

    def __init__(self, reread: Callable[[str, str], Document]):
        self.reread = reread
        self.documents: dict[str, Document | KnownDocument] = {}
        self.failed: list[SourceError] = []
        self.protected: set[str] = set()
        self.skipped: list[Skipped] = []
        self.clean: dict[str, FileStamp] = {}
        self.raw_hashes: dict[str, str] = {}

    def add(self, doc: Document | KnownDocument) -> None:
        current = self.documents.get(doc.id)
        if current is None:
            self.documents[doc.id] = doc
            return
        winner = self.documents[doc.id] = _newer(current, doc)
        # The manifest records only the copy that won: the loser's file is read again
        # next time, not recalled, so that its copy comes back if the other goes.
        self.clean.pop((current if winner is doc else doc).source, None)

    def add_recalled(self, path: str, stamp: FileStamp, rows: list[Row]) -> None:
        """An unchanged file's documents, unread."""
        self.clean[path] = stamp
        for row in rows:
            self.add(row.known(as_read=True, load=self.reread))
            self.raw_hashes[row.id] = row.raw_hash

    def add_read(
        self, path: str, stamp: FileStamp | None, result: ReadResult | SourceError, known
    ) -> None:
        if isinstance(result, SourceError):
            self.failed.append(result)
            self.protected.add(path)
            return
        if result.errors:
            self.failed.extend(result.errors)
            self.protected.add(path)
        elif not result.skipped and stamp is not None:
            self.clean[path] = stamp
        for doc in result.documents:
            self.add(doc)
        for doc_id in result.recalled:
            self.add(known.rows[doc_id].known(as_read=True, load=self.reread))
        self.raw_hashes.update(result.raw_hashes)
        self.skipped.extend(result.skipped)

    def scan(self, roots: list[str]) -> Scan:
        for item in self.skipped:
            found = self.documents.get(item.doc_id)
            if found and not _published_later(found, item):
                del self.documents[item.doc_id]
        missing = [root for root in roots if not os.path.exists(root)]
        read_hashes = {doc_id: doc.content_hash for doc_id, doc in self.documents.items()}
        return Scan(
            self.documents,
            self.failed,
            self.protected,
            missing,
            self.skipped,
            self.clean,
            read_hashes,
            self.raw_hashes,
        )


def source_paths(roots: list[str], taxonomy: Taxonomy) -> list[str]:
    """The files to read; the taxonomy file in use is not one (its realpath is compared
    only for files of its name: resolving every path costs seconds on a large corpus)."""
    paths = _list_paths(roots)
    if not taxonomy.source:
        return paths
    name = os.path.basename(taxonomy.source)
    return [
        path
        for path in paths
        if not path.endswith(name)  # cheap, before the exact tests
        or os.path.basename(path) != name
        or os.path.realpath(path) != taxonomy.source
    ]


class Rereader:
    """Documents of unchanged files, read again because their text is needed.

    A WordPress list page holds up to 100 posts and they are asked for one after
    another, so the last few files read are kept: reading the page once per post made
    a reindex of 10 edited pages in a 1,000-page corpus take 24 s instead of 2.
    """

    KEEP_FILES = 4

    def __init__(self, taxonomy: Taxonomy, max_file_bytes: int):
        self.taxonomy = taxonomy
        self.max_file_bytes = max_file_bytes
        self.recent: dict[str, dict[str, Document]] = {}

    def __call__(self, path: str, doc_id: str) -> Document:
        documents = self.recent.pop(path, None)
        if documents is None:
            with collecting_cycles():
                result = read_source(Path(path), self.taxonomy, self.max_file_bytes)
            documents = {doc.id: doc for doc in result.documents}
        self.recent[path] = documents
        while len(self.recent) > self.KEEP_FILES:
            del self.recent[next(iter(self.recent))]
        if doc_id not in documents:
            raise SourceError(path, "changed while the reindex ran; run reindex again")
        return documents[doc_id]


def read_all(
    paths: list[Path],
    unchanged: list[dict[str, str]],
    taxonomy: Taxonomy,
    max_file_bytes: int,
    progress: Progress,
) -> Iterator[tuple[Path, ReadResult | SourceError]]:
    """Each file read, in order, on every core when there are enough of them; ``unchanged``
    gives each file's posts' raw hashes from the last reindex."""
    read = partial(read_one, taxonomy=taxonomy, max_file_bytes=max_file_bytes)
    if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or not workers_can_start():
        with collecting_cycles():
            yield from zip(progress(paths), map(read, paths, unchanged), strict=True)
        return
    with worker_pool() as workers:
        results = workers.map(read, paths, unchanged, chunksize=16)
        yield from zip(progress(paths), results, strict=True)


@contextmanager
def collecting_cycles() -> Iterator[None]:
    """Cyclic garbage collected while parsing, even in a reindex that otherwise leaves it
    off (index/reindex.py): a parsed page is a cycle of elements. What the reindex holds
    is frozen first (the collector passes over it no more), so turning the collector on
    does not walk all that has been allocated since it was turned off. Young objects are
    collected less often than by default (index/workers.py), about once a page."""
    if gc.isenabled():
        with collecting_parsed_pages():
            yield
        return
    gc.freeze()
    gc.enable()
    try:
        with collecting_parsed_pages():
            yield
    finally:
        gc.disable()


def read_one(
    path: Path, unchanged: dict[str, str], taxonomy: Taxonomy, max_file_bytes: int
) -> ReadResult | SourceError:
    """One file read; a reader bug costs that file, never the whole run."""
    try:
        return read_source(path, taxonomy, max_file_bytes, unchanged)
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
    """Every source file under ``roots``, once each, in order."""
    return [Path(path) for path in _list_paths(roots)]


def _list_paths(roots: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for root in roots:
        if os.path.exists(root):
            seen.update(dict.fromkeys(source_files(root)))
    return list(seen)


def loses_to(copy, recorded: datetime | None) -> bool:
    """Whether ``copy`` loses to a copy of the same document modified ``recorded``,
    whichever of the two is found first (``_newer``)."""
    return recorded is not None and (not copy.modified or copy.modified < recorded)


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
