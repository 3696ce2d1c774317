"""WordPress REST objects (every Microsoft Research post type) -> Document records."""

import hashlib
import html
import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from index.document import Document
from index.errors import SourceError
from index.extract import PageText, fragment_text, html_to_text
from index.field_values import parse_date, summary_of, unique, web_url
from index.read_result import NOT_PUBLISHED, PASSWORD_PROTECTED, ReadResult, Skipped
from index.taxonomy import Taxonomy
from index.wordpress_terms import wordpress_terms

# Post types as people name them; any other type is named after itself.
WORDPRESS_KINDS = {
    "msr-group": "group",
    "msr-project": "project",
    "msr-research-item": "publication",
    "msr-blog-post": "blog post",
    "post": "blog post",
    "msr-event": "event",
    "msr-video": "video",
    "msr-podcast": "podcast",
    "msr-academic-program": "academic program",
    "msr-lab": "lab",
    "page": "page",
}
_WORDPRESS_KEYS = {"title", "content", "type", "link"}
# WordPress ends an automatic excerpt with "[…]" or "…".
_EXCERPT_ELLIPSIS = re.compile(r"\s*(\[(…|\.\.\.|&hellip;)\]|…|\.\.\.)\s*$")


def read_wordpress_export(
    path: Path, parsed: object, taxonomy: Taxonomy, unchanged: Mapping[str, str] | None = None
) -> ReadResult:
    """A WordPress REST object, or a JSON array of them as a list endpoint returns.

    Drafts, scheduled and private items and password-protected ones are skipped and
    listed as such; a bad element of a list is an error that spares the others. An item
    whose raw hash is the one ``unchanged`` has for its id is recalled, not read: a list
    page of 100 posts with one edited costs one post's extraction.
    """
    items = parsed if isinstance(parsed, list) else [parsed]
    if items and all(_is_term(item) for item in items):
        names = sorted({str(item["taxonomy"]) for item in items})
        raise SourceError(
            str(path),
            f"WordPress terms of {', '.join(names)}, not pages: give this file to reindex "
            "with --taxonomy FILE",
        )
    result = ReadResult([])
    for position, item in enumerate(items):
        where = f"{path}[{position}]" if isinstance(parsed, list) else str(path)
        try:
            check_wordpress_object(item, where)
            if reason := skip_reason(item, where):
                result.skipped.append(reason)
                continue
            doc_id, raw = _doc_id(item), raw_hash(item)
            result.raw_hashes[doc_id] = raw
            if unchanged and unchanged.get(doc_id) == raw:
                result.recalled.append(doc_id)
            else:
                result.documents.append(wordpress_document(item, taxonomy, str(path)))
        except SourceError as error:
            result.errors.append(SourceError(where, error.reason))
    if not isinstance(parsed, list) and result.errors:
        raise result.errors[0]
    return result


def raw_hash(item: dict) -> str:
    """Names one object's JSON as exported, whatever order its keys come in."""
    payload = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def _is_term(item: object) -> bool:
    """A taxonomy term (`/wp-json/wp/v2/research-area` answers with these), not a post."""
    return (
        isinstance(item, dict)
        and {"taxonomy", "slug", "name"} <= item.keys()
        and ("title" not in item and "content" not in item)
    )


def check_wordpress_object(item: object, where: str) -> None:
    if not isinstance(item, dict) or not _WORDPRESS_KEYS & item.keys():
        raise SourceError(where, "not a WordPress REST object (no title, content, type or link)")
    if not isinstance(item.get("id"), int | str) or item.get("id") == "":
        raise SourceError(where, "WordPress object has no id")


def skip_reason(item: dict, where: str) -> Skipped | None:
    """Why this object must not be indexed: not published, or behind a password."""
    status = item.get("status")
    modified = _modified(item)
    if isinstance(status, str) and status and status != "publish":
        return Skipped(where, _doc_id(item), NOT_PUBLISHED, f"status {status}", modified)
    if any(_part(item, key).get("protected") is True for key in ("content", "excerpt")):
        return Skipped(where, _doc_id(item), PASSWORD_PROTECTED, "", modified)
    return None


def wordpress_document(item: dict, taxonomy: Taxonomy, source: str) -> Document:
    """One published WordPress REST object as a Document.

    The URL is ``link`` only: ``guid`` is an internal id that need not resolve. A
    publication's abstract is its excerpt, or its content when it has no excerpt.
    """
    title = html_to_text(_rendered(item.get("title")))
    if not title:
        raise SourceError(source, "WordPress object has no title")
    content = page_content(item)
    excerpt = html_to_text(_rendered(item.get("excerpt")))
    terms = wordpress_terms(item, taxonomy)
    return Document(
        id=_doc_id(item),
        url=web_url(item.get("link")),
        title=title,
        kind=kind_name(_post_type(item)),
        body=_with_excerpt(content.text, excerpt),
        summary=summary_of(excerpt or content.text),
        areas=terms.areas,
        people=unique(
            html.unescape(_text(person.get("display_name"))).strip()
            for person in _dicts(item.get("related-researchers"))
        ),
        headings=content.headings,
        locale=terms.locale,
        labs=terms.labs,
        group_type=terms.group_type,
        published=parse_date(item.get("date_gmt")) or parse_date(item.get("date")),
        modified=_modified(item),
        source=source,
    )


def kind_name(post_type: str) -> str:
    """'msr-research-item' -> 'publication'; an unknown 'msr-case-study' -> 'case study'."""
    known = WORDPRESS_KINDS.get(post_type)
    return known or post_type.removeprefix("msr-").replace("-", " ").replace("_", " ").strip()


def page_content(item: dict) -> PageText:
    """Text and headings of ``content`` and every ``tab-content`` tab (its name a heading)."""
    parts = [fragment_text(_rendered(item.get("content")))]
    for tab in _dicts(item.get("tab-content")):
        name = html_to_text(_text(tab.get("name")))
        parts.append(PageText(name, (name,) if name else ()))
        parts.append(fragment_text(_text(tab.get("content"))))
    return PageText(
        "\n".join(part.text for part in parts if part.text),
        tuple(heading for part in parts for heading in part.headings),
    )


def _with_excerpt(body: str, excerpt: str) -> str:
    """The body, then the excerpt unless the body already says it (an automatic excerpt)."""
    opening = _EXCERPT_ELLIPSIS.sub("", excerpt)
    if not opening or " ".join(opening.split()) in " ".join(body.split()):
        return body
    return f"{body}\n{excerpt}" if body else excerpt


def _doc_id(item: dict) -> str:
    return f"wp:{_post_type(item)}:{item['id']}"


def _post_type(item: dict) -> str:
    return _text(item.get("type")) or "post"


def _modified(item: dict) -> datetime | None:
    return parse_date(item.get("modified_gmt")) or parse_date(item.get("modified"))


def _part(item: dict, key: str) -> dict:
    value = item.get(key)
    return value if isinstance(value, dict) else {}


def _rendered(value: object) -> str:
    return _text(value.get("rendered") if isinstance(value, dict) else value)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dicts(value: object) -> list[dict]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []
