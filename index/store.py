"""Where the index lives on disk: the Whoosh index, and the small files kept beside it."""

import json
import os
import shutil
from pathlib import Path

import orjson
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, TOC, FileIndex, Index, clean_files

from index.errors import IndexMissing
from index.schema import build_schema


def index_exists(index_dir: Path) -> bool:
    return whoosh_index.exists_in(str(index_dir))


def open_index(index_dir: Path) -> Index:
    """The existing index in ``index_dir``; IndexMissing when there is none yet."""
    if not index_exists(index_dir):
        raise IndexMissing(f"no index in {index_dir}: run `research-search reindex PATH` first")
    return whoosh_index.open_dir(str(index_dir))


def open_index_to_search(index_dir: Path) -> Index:
    """The index opened read-only, with plain file reads instead of memory maps.

    A memory-mapped index counts every page a search has touched in the server's
    resident memory, which grows to the index's size; read through the OS's file cache,
    the pages are still cached but belong to no process.
    """
    if not index_exists(index_dir):
        raise IndexMissing(f"no index in {index_dir}: run `research-search reindex PATH` first")
    storage = FileStorage(str(index_dir), supports_mmap=False, readonly=True)
    return FileIndex(storage, indexname=_DEF_INDEX_NAME)


def open_or_create_index(index_dir: Path) -> Index:
    """The index to write, created when missing.

    Without memory maps, as for searching: with them, Whoosh copies each segment's
    whole term table into memory on opening it (``BytesIO`` over the map), which cost
    a 10-page reindex of 100,000 pages half a second, twice.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(index_dir), supports_mmap=False)
    if index_exists(index_dir):
        return FileIndex(storage, indexname=_DEF_INDEX_NAME)
    return FileIndex.create(storage, build_schema(), _DEF_INDEX_NAME)


def remove_uncommitted_files(ix: Index) -> None:
    """Delete the files of segments no commit names, and the writers' temporary folder
    (what a cancelled or failed write leaves).

    On a full disk they would keep the space the next reindex needs. Files of the
    committed generation are never touched.
    """
    shutil.rmtree(Path(ix.storage.folder) / f"{ix.indexname}.tmp", ignore_errors=True)
    toc = TOC.read(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)


def write_json_atomically(target: Path, data: object, indent: int | None = 1) -> None:
    """Write ``data`` so that a crash leaves the old file or the new one, never half of one.

    ``indent=None`` for large files (areas learned and guessed: megabytes at 100,000
    pages), written by orjson, ten times faster than the standard library; tuples and
    named tuples become arrays.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    try:
        if indent is None:
            temporary.write_bytes(orjson.dumps(data, default=list))
        else:
            temporary.write_text(json.dumps(data, indent=indent, ensure_ascii=False), "utf-8")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read_json(path: Path) -> object | None:
    """The JSON in ``path``; None when it is missing or unreadable."""
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
