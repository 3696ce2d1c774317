"""Finding source files under the folders an editor gives, and remembering those folders."""

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.store import read_json, write_json_atomically

# Larger files are refused (and named) rather than read; `reindex --max-file-mb` changes it.
MAX_FILE_BYTES = 20 * 1024 * 1024
SOURCE_SUFFIXES = {".json", ".txt", ".html", ".htm", ".xhtml"}
_SKIPPED_FOLDERS = {"__pycache__", "node_modules"}
_REMEMBERED = "sources.json"


def source_files(root: str) -> Iterator[str]:
    """Every readable source under ``root`` (or ``root`` itself when it is a file), in order.

    Folders are walked without following symlinks, so a link loop cannot trap the walk;
    hidden folders and files with other endings are passed over. Paths are strings: a
    ``Path`` each costs a second at 100,000 files, on every reindex.
    """
    if os.path.isfile(root):
        yield root
        return
    yield from _files_under(root)


def _files_under(folder: str) -> Iterator[str]:
    # os.scandir, not os.walk: the entries know their kind and path (a third as long).
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return  # unreadable: passed over, as os.walk does
    subfolders = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_folder = entry.is_dir()
        except OSError:
            continue
        if is_folder:
            if name not in _SKIPPED_FOLDERS and not entry.is_symlink():
                subfolders.append(entry.path)
            continue
        dot = name.rfind(".")
        if dot > 0 and name[dot:].lower() in SOURCE_SUFFIXES:
            yield entry.path
    for subfolder in subfolders:
        yield from _files_under(subfolder)


def is_under(path: str, roots: Iterable[str]) -> bool:
    """True when ``path`` is one of ``roots`` or lies inside one of them."""
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def remembered(index_dir: Path) -> dict:
    """What earlier reindexes of this index were given: sources, taxonomy, inference."""
    data = read_json(index_dir / _REMEMBERED)
    return data if isinstance(data, dict) else {}


def remembered_sources(index_dir: Path) -> list[str]:
    sources = remembered(index_dir).get("sources", [])
    return [s for s in sources if isinstance(s, str)] if isinstance(sources, list) else []


def remembered_taxonomy(index_dir: Path) -> str | None:
    taxonomy = remembered(index_dir).get("taxonomy")
    return taxonomy if isinstance(taxonomy, str) else None


def remembered_infer_areas(index_dir: Path) -> bool:
    """Whether areas are inferred for pages that name none (on unless switched off)."""
    return remembered(index_dir).get("infer_areas") is not False


def remember(
    index_dir: Path, sources: list[str], taxonomy: str | None, infer_areas: bool = True
) -> None:
    """Write the settings atomically, so a crash leaves the old ones or the new ones.

    Unchanged settings are not written: a reindex that changes nothing writes nothing.
    """
    settings = {"sources": sources, "taxonomy": taxonomy, "infer_areas": infer_areas}
    if remembered(index_dir) != settings:
        write_json_atomically(index_dir / _REMEMBERED, settings)
