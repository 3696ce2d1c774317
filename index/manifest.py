"""What the last reindex read and indexed, so the next one reads only files that changed.

A reindex of 100,000 pages where nothing changed must not parse 100,000 pages, nor load
every stored page from the index. The manifest (``manifest.sqlite`` beside the index)
keeps, for each source file read cleanly, its size and modification time, and for each
document it gave: its id, the content hash as read and as indexed (with any inferred
areas), its own areas, title and dates. A file whose size and time are unchanged is not
read again: its documents are ``KnownDocument`` records, which read the file (or the
index) only if something needs their text.

The manifest is written after the commit and carries the index generation it describes;
if they differ (a reindex killed between the two), it is ignored and the next reindex
reads everything, as the first one did. SQLite, from the standard library, makes both
the read and a small update cheap, and never leaves half a file.
"""

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from index.document import Document

MANIFEST_FILE = "manifest.sqlite"
FORMAT = "2"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, path TEXT NOT NULL, read_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL, areas TEXT NOT NULL, title TEXT NOT NULL,
    modified TEXT NOT NULL, raw_hash TEXT NOT NULL);
"""


class FileStamp(NamedTuple):
    """What tells a file apart from its earlier self without reading it."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | Path) -> "FileStamp | None":
        try:
            status = os.stat(path)
        except OSError:
            return None
        return cls(status.st_size, status.st_mtime_ns)


# KnownDocument and Row are made once per document per run (200,000 times at 100,000
# pages): not frozen, because a frozen dataclass's __init__ sets each field through
# object.__setattr__, which cost a no-change reindex a second there. Nothing changes them.
@dataclass(slots=True)
class KnownDocument:
    """A document as the last reindex recorded it; ``full()`` reads it when text is needed.

    Has the fields of ``Document`` that telling changes apart needs; ``content_hash`` is
    the hash as read (in the sources) or as indexed (in the index), per use.
    """

    id: str
    source: str
    content_hash: str
    areas: tuple[str, ...]
    title: str
    modified: datetime | None
    # None: as loaded; set when this run's inferred areas replace the loaded ones.
    areas_inferred: tuple[str, ...] | None = None
    # Reads the whole document, given its source and id.
    load: Callable[[str, str], Document] | None = None

    def full(self) -> Document:
        """The whole document, with the inferred areas this record carries."""
        loaded = self.load(self.source, self.id)
        if self.areas_inferred is None or loaded.areas_inferred == self.areas_inferred:
            return loaded
        return replace(loaded, areas_inferred=self.areas_inferred, content_hash="")


@dataclass(slots=True)
class Row:
    """One document as the manifest records it."""

    id: str
    path: str
    read_hash: str
    content_hash: str
    areas: tuple[str, ...]
    title: str
    modified: datetime | None
    # A WordPress object's raw hash, so an unchanged post in a changed list page is
    # recalled; empty for other sources.
    raw_hash: str = ""

    def known(self, as_read: bool, load: Callable[[str, str], Document]) -> KnownDocument:
        """This document unread: as its file gives it (``as_read``), or as indexed."""
        content_hash = self.read_hash if as_read else self.content_hash
        return KnownDocument(
            self.id, self.path, content_hash, self.areas, self.title, self.modified, None, load
        )


@dataclass(frozen=True)
class Manifest:
    generation: int
    # What the readers' output depends on besides the files (see ``reading_fingerprint``).
    reading: str
    files: dict[str, FileStamp]
    rows: dict[str, Row]
    # The guesses file known to go with the index (``area_guesses.guesses_stamp``); ""
    # when none is (no areas guessed, or saving them failed).
    guesses: str = ""

    def rows_of(self) -> dict[str, list[Row]]:
        """Rows by source file."""
        by_path: dict[str, list[Row]] = {}
        for row in self.rows.values():
            by_path.setdefault(row.path, []).append(row)
        return by_path


def reading_fingerprint(taxonomy_terms: object, version: str) -> str:
    """Names what, besides a file, decides what reading it gives: the taxonomy the readers
    name areas with, and the version of the readers themselves."""
    payload = json.dumps([version, taxonomy_terms], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def load_manifest(index_dir: Path, generation: int) -> Manifest | None:
    """The manifest, if it describes index generation ``generation``; else None."""
    try:
        with _describing(index_dir, generation) as (db, meta):
            if db is None:
                return None
            files = {p: FileStamp(s, m) for p, s, m in db.execute("SELECT * FROM files")}
            areas: dict[str, tuple[str, ...]] = {}  # few distinct lists: each parsed once
            rows = {r[0]: _row(r, areas) for r in db.execute("SELECT * FROM documents")}
            return Manifest(
                generation, meta.get("reading", ""), files, rows, meta.get("guesses", "")
            )
    except (sqlite3.Error, ValueError, TypeError):
        return None


@contextmanager
def _describing(
    index_dir: Path, generation: int
) -> Iterator[tuple[sqlite3.Connection | None, dict[str, str]]]:
    """The manifest open, and its meta, if it describes index generation ``generation``;
    else (None, {})."""
    path = index_dir / MANIFEST_FILE
    if not path.exists():
        yield None, {}
        return
    with closing(sqlite3.connect(path)) as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("format") != FORMAT or meta.get("generation") != str(generation):
            yield None, {}
        else:
            yield db, meta


def _row(values: tuple, parsed_areas: dict[str, tuple[str, ...]]) -> Row:
    doc_id, path, read_hash, content_hash, areas, title, modified, raw = values
    when = datetime.fromisoformat(modified) if modified else None
    names = parsed_areas.get(areas)
    if names is None:
        names = parsed_areas[areas] = tuple(json.loads(areas))
    return Row(doc_id, path, read_hash, content_hash, names, title, when, raw)


@dataclass(frozen=True)
class Touched:
    """The files that changed since the manifest's run, and what it recorded of them.

    A file is touched when it is new, changed (size or time), gone, or was not recalled
    (it failed, held items left out, or gave no document): what a whole run reads again.
    """

    # The index generation the manifest describes.
    generation: int
    # The touched files listed now, in the order of ``files`` given, with their stamps
    # now (None: gone since it was listed).
    now: dict[str, FileStamp | None]
    # The stamps the manifest records of touched paths (of those it recorded clean).
    recorded: dict[str, tuple[int, int]]
    # Every touched path, the gone ones too.
    paths: set[str]
    # The documents recorded from touched paths, by id.
    rows: dict[str, Row]
    # How many documents the manifest records from the other files.
    untouched: int
    # The labelled documents from the other files: ids and content hashes as indexed.
    labelled: list[tuple[str, str]]
    # Whether any document from the other files is indexed with guessed areas.
    guessed: bool
    # The guesses file that went with the index (``Manifest.guesses``).
    guesses: str


def touched_since(
    index_dir: Path, generation: int, reading: str, files: list[str]
) -> Touched | None:
    """What changed among ``files`` (the sources, listed) since the manifest's run; None
    when the manifest does not describe index generation ``generation`` read by
    ``reading``, or cannot be read. Only the touched files' rows are loaded."""
    try:
        with _describing(index_dir, generation) as (db, meta):
            if db is None or meta.get("reading") != reading:
                return None
            # Plain tuples: a FileStamp equals the tuple of its fields.
            stamps = {p: (size, mtime) for p, size, mtime in db.execute("SELECT * FROM files")}
            with_rows = {p for (p,) in db.execute("SELECT DISTINCT path FROM documents")}
            now = {p: FileStamp.of(p) for p in files}
            touched = {
                p: stamp
                for p, stamp in now.items()
                if not (stamp and p in with_rows and stamps.get(p) == stamp)
            }
            paths = {*touched, *(with_rows - now.keys()), *(stamps.keys() - now.keys())}
            db.execute("CREATE TEMP TABLE touched (path TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO touched VALUES (?)", ((p,) for p in paths))
            areas: dict[str, tuple[str, ...]] = {}
            rows = {
                r[0]: _row(r, areas)
                for r in db.execute("SELECT * FROM documents WHERE path IN touched")
            }
            (count,) = db.execute("SELECT COUNT(*) FROM documents").fetchone()
            labelled = db.execute(
                "SELECT id, content_hash FROM documents WHERE areas <> '[]' AND path NOT IN touched"
            ).fetchall()
            (guessed,) = db.execute(
                "SELECT EXISTS (SELECT 1 FROM documents"
                " WHERE read_hash <> content_hash AND path NOT IN touched)"
            ).fetchone()
            guesses = meta.get("guesses", "")
            recorded = {p: stamps[p] for p in paths if p in stamps}
            untouched = count - len(rows)
            return Touched(
                generation, touched, recorded, paths, rows, untouched, labelled, guessed, guesses
            )
    except (sqlite3.Error, ValueError, TypeError):
        return None


def recorded_elsewhere(
    index_dir: Path, ids: set[str], paths: set[str]
) -> dict[str, datetime | None] | None:
    """Those of ``ids`` the manifest records from a file not in ``paths``, with the date
    each was modified; None when it cannot say."""
    try:
        with closing(sqlite3.connect(index_dir / MANIFEST_FILE)) as db:
            db.execute("CREATE TEMP TABLE asked (id TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO asked VALUES (?)", ((i,) for i in ids))
            found = db.execute("SELECT id, path, modified FROM documents WHERE id IN asked")
            return {
                doc_id: datetime.fromisoformat(modified) if modified else None
                for doc_id, path, modified in found
                if path not in paths
            }
    except (sqlite3.Error, ValueError):
        return None


def save_changes(
    index_dir: Path,
    generation: int,
    guesses: str,
    touched: Touched,
    clean: dict[str, FileStamp],
    rows: dict[str, Row],
) -> None:
    """Record a run that read only the touched files: their stamps and rows replaced
    by ``clean`` and ``rows``; the rest stays. All or nothing, as ``save_manifest``."""
    meta = {"generation": str(generation), "guesses": guesses}
    files_gone = [p for p in touched.recorded if p not in clean]
    files_new = [(p, *stamp) for p, stamp in clean.items() if touched.recorded.get(p) != stamp]
    rows_gone = [(doc_id,) for doc_id in touched.rows.keys() - rows.keys()]
    rows_new = [_values(row) for key, row in rows.items() if _changed(touched.rows.get(key), row)]
    same = generation == touched.generation and guesses == touched.guesses
    if same and not (files_gone or files_new or rows_gone or rows_new):
        return
    path = index_dir / MANIFEST_FILE
    with suppress(sqlite3.Error, OSError), closing(sqlite3.connect(path)) as db, db:
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in files_gone))
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", files_new)
        db.executemany("DELETE FROM documents WHERE id = ?", rows_gone)
        db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows_new)


def save_manifest(index_dir: Path, manifest: Manifest, previous: Manifest | None) -> None:
    """Write ``manifest``, all or nothing: only what differs from ``previous`` (the one
    loaded for this run, if it was valid), else everything. A failure only costs the
    next reindex a full read, so it is not an error."""
    if previous == manifest:
        return
    path = index_dir / MANIFEST_FILE
    with suppress(sqlite3.Error, OSError), closing(sqlite3.connect(path)) as db, db:
        db.executescript(_SCHEMA)
        if previous is None:  # written afresh, in this format
            previous = Manifest(-1, "", {}, {})
            db.executescript("DROP TABLE files; DROP TABLE documents;")
            db.executescript(_SCHEMA)
        generation, reading = str(manifest.generation), manifest.reading
        meta = {
            "format": FORMAT,
            "generation": generation,
            "reading": reading,
            "guesses": manifest.guesses,
        }
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        gone = previous.files.keys() - manifest.files.keys()
        db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in gone))
        db.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
            (
                (p, stamp.size, stamp.mtime_ns)
                for p, stamp in manifest.files.items()
                if previous.files.get(p) != stamp
            ),
        )
        gone = previous.rows.keys() - manifest.rows.keys()
        db.executemany("DELETE FROM documents WHERE id = ?", ((doc_id,) for doc_id in gone))
        db.executemany(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _values(row)
                for key, row in manifest.rows.items()
                if _changed(previous.rows.get(key), row)
            ),
        )


def _changed(before: Row | None, now: Row) -> bool:
    return before is not now and before != now


def _values(row: Row) -> tuple:
    modified = row.modified.isoformat() if row.modified else ""
    areas = json.dumps(row.areas, ensure_ascii=False)
    return (
        row.id,
        row.path,
        row.read_hash,
        row.content_hash,
        areas,
        row.title,
        modified,
        row.raw_hash,
    )
