"""Readers: one source file -> Document records, whatever format the file is in."""

import html
import json
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.articles import read_html_article, read_text_article
from index.decoding import as_utf8, decode_text
from index.document import Document
from index.errors import SourceError
from index.extract import html_to_text
from index.field_values import parse_date, summary_of, unique, web_url
from index.taxonomy import Taxonomy

MAX_FILE_BYTES = 20 * 1024 * 1024

WORDPRESS_KINDS = {
    "msr-group": "group",
    "msr-project": "project",
    "msr-research-item": "publication",
    "msr-blog-post": "blog post",
    "post": "blog post",
    "msr-event": "event",
    "msr-video": "video",
    "msr-podcast": "podcast",
    "page": "page",
}
_MARKUP_PREAMBLE = re.compile(
    rb"^(?:\s+|<!--.*?-->|<\?xml[^>]*>|<!doctype(?!\s+html)[^>\[]*(?:\[.*?\])?\s*>)+",
    re.DOTALL | re.IGNORECASE,
)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|[a-z][a-z0-9]*)[\s>/]", re.IGNORECASE)
_WORDPRESS_KEYS = {"title", "content", "type", "link"}


@dataclass(frozen=True)
class ReadResult:
    """The documents read from one file, and the parts of it that could not be read."""

    documents: list[Document]
    errors: list[SourceError] = field(default_factory=list)


def read_source(path: Path, taxonomy: Taxonomy, max_bytes: int = MAX_FILE_BYTES) -> ReadResult:
    """Read one file, recognising its format by content as well as by name.

    A ``.json`` file must be JSON; otherwise content that parses as JSON is a WordPress
    export, content that opens with an HTML tag (after any comments or XML declaration)
    is an HTML article, and anything else is a plain-text article. UTF-16 and UTF-32
    files with a byte-order mark are read as the text they are.
    """
    data = as_utf8(_read_bytes(path, max_bytes))
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise SourceError(str(path), "file is empty")
    if b"\x00" in data[:8192]:
        raise SourceError(str(path), "binary file (contains NUL bytes), not a page or article")
    if path.suffix.lower() == ".json":
        return read_wordpress_export(path, parse_json(path, data), taxonomy)
    if stripped[:1] in (b"{", b"["):
        try:
            return read_wordpress_export(path, parse_json(path, data), taxonomy)
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
        return json.loads(decode_text(data))
    except (json.JSONDecodeError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise SourceError(str(path), f"invalid JSON: {reason}") from error


def read_wordpress_export(path: Path, parsed: object, taxonomy: Taxonomy) -> ReadResult:
    """A WordPress REST object, or a JSON array of them as a list endpoint returns."""
    items = parsed if isinstance(parsed, list) else [parsed]
    documents, errors = [], []
    for position, item in enumerate(items):
        where = f"{path}[{position}]" if isinstance(parsed, list) else str(path)
        try:
            documents.append(wordpress_document(item, taxonomy, str(path)))
        except SourceError as error:
            errors.append(SourceError(where, error.reason))
    if not isinstance(parsed, list) and errors:
        raise errors[0]
    return ReadResult(documents, errors)


def wordpress_document(item: object, taxonomy: Taxonomy, source: str) -> Document:
    """One WordPress REST object as a Document."""
    if not isinstance(item, dict) or not _WORDPRESS_KEYS & item.keys():
        raise SourceError(source, "not a WordPress REST object (no title, content, type or link)")
    post_type = str(item.get("type") or "post")
    if not isinstance(item.get("id"), int | str) or item.get("id") == "":
        raise SourceError(source, "WordPress object has no id")
    title = html_to_text(_rendered(item.get("title")))
    if not title:
        raise SourceError(source, "WordPress object has no title")
    excerpt = html_to_text(_rendered(item.get("excerpt")))
    parts = [_rendered(item.get("content"))]
    parts += [_text(tab.get("content")) for tab in _dicts(item.get("tab-content"))]
    parts.append(_rendered(item.get("excerpt")))
    body = "\n".join(text for text in map(html_to_text, parts) if text)
    return Document(
        id=f"wp:{post_type}:{item['id']}",
        url=web_url(item.get("link")),
        title=title,
        kind=WORDPRESS_KINDS.get(post_type, post_type.removeprefix("msr-").replace("-", " ")),
        body=body,
        summary=summary_of(excerpt or body),
        areas=unique(wordpress_areas(item, taxonomy)),
        people=unique(
            html.unescape(_text(person.get("display_name"))).strip()
            for person in _dicts(item.get("related-researchers"))
        ),
        published=parse_date(item.get("date_gmt")) or parse_date(item.get("date")),
        modified=parse_date(item.get("modified_gmt")) or parse_date(item.get("modified")),
        source=source,
    )


def wordpress_areas(item: dict, taxonomy: Taxonomy) -> Iterator[str]:
    """Area names from ``research-area`` term ids, then from ``class_list`` slugs."""
    term_ids = item.get("research-area")
    for term_id in term_ids if isinstance(term_ids, list) else []:
        if isinstance(term_id, int) and (name := taxonomy.name_for_id(term_id)):
            yield name
    class_list = item.get("class_list") or []
    if isinstance(class_list, dict):
        class_list = list(class_list.values())
    if isinstance(class_list, list):
        yield from taxonomy.areas_from_class_list(class_list)


def _rendered(value: object) -> str:
    return _text(value.get("rendered") if isinstance(value, dict) else value)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dicts(value: object) -> list[dict]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []
