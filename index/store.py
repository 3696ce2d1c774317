"""Where the Whoosh index lives on disk: opening it for reading or writing."""

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from index.errors import IndexMissing
from index.schema import build_schema


def index_exists(index_dir: Path) -> bool:
    return whoosh_index.exists_in(str(index_dir))


def open_index(index_dir: Path) -> Index:
    """The existing index in ``index_dir``; IndexMissing when there is none yet."""
    if not index_exists(index_dir):
        raise IndexMissing(f"no index in {index_dir}: run `research-search reindex PATH` first")
    return whoosh_index.open_dir(str(index_dir))


def open_or_create_index(index_dir: Path) -> Index:
    index_dir.mkdir(parents=True, exist_ok=True)
    if index_exists(index_dir):
        return whoosh_index.open_dir(str(index_dir))
    return whoosh_index.create_in(str(index_dir), build_schema())
