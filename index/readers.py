"""Readers: one source file -> Document records, whatever format the file is in."""

import re
import stat
from collections.abc import Mapping
from pathlib import Path

from index.articles import read_html_article, read_text_article
from index.decoding import as_utf8, decode_json
from index.errors import SourceError
from index.read_result import ReadResult
from index.sources import MAX_FILE_BYTES
from index.taxonomy import Taxonomy
from index.wordpress import read_wordpress_export

_MARKUP_PREAMBLE = re.compile(
    rb"^(?:\s+|<!--.*?-->|<\?xml[^>]*>|<!doctype(?!\s+html)[^>\[]*(?:\[.*?\])?\s*>)+",
    re.DOTALL | re.IGNORECASE,
)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|[a-z][a-z0-9]*)[\s>/]", re.IGNORECASE)


def read_source(
    path: Path,
    taxonomy: Taxonomy,
    max_bytes: int = MAX_FILE_BYTES,
    unchanged: Mapping[str, str] | None = None,
) -> ReadResult:
    """Read one file, recognising its format by content as well as by name.

    A ``.json`` file must be JSON; otherwise content that parses as JSON is a WordPress
    export, content that opens with an HTML tag (after any comments or XML declaration)
    is an HTML article, and anything else is a plain-text article. UTF-16 and UTF-32
    files with a byte-order mark are read as the text they are. ``unchanged`` (document
    id -> raw hash, from the last reindex) lets a WordPress export skip unchanged posts.
    """
    data = as_utf8(_read_bytes(path, max_bytes))
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise SourceError(str(path), "file is empty")
    if b"\x00" in data[:8192]:
        raise SourceError(str(path), "binary file (contains NUL bytes), not a page or article")
    if path.suffix.lower() == ".json":
        return read_wordpress_export(path, parse_json(path, data), taxonomy, unchanged)
    if stripped[:1] in (b"{", b"["):
        try:
            return read_wordpress_export(path, parse_json(path, data), taxonomy, unchanged)
        except SourceError:
            pass  # "[Video] Headline ...": a text article that happens to open with a bracket
    if looks_like_html(stripped):
        return ReadResult([read_html_article(path, data, taxonomy)])
    return ReadResult([read_text_article(path, data)])


def looks_like_html(data: bytes) -> bool:
    head = _MARKUP_PREAMBLE.sub(b"", data[:65536], count=1)
    return bool(_HTML_START.match(head))


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; refuses what is not a regular file (a FIFO would block forever)."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise SourceError(str(path), "not a regular file")
        if status.st_size > max_bytes:
            raise SourceError(
                str(path), f"file is {status.st_size:,} bytes, over the {max_bytes:,}-byte limit"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise SourceError(str(path), f"cannot read file: {error.strerror or error}") from error
    if len(data) > max_bytes:  # grew while we looked
        raise SourceError(str(path), f"file is over the {max_bytes:,}-byte limit")
    return data


def parse_json(path: Path, data: bytes) -> object:
    try:
        return decode_json(data)
    except ValueError as error:
        raise SourceError(str(path), str(error)) from error
