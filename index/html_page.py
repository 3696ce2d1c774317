"""What an HTML page says about itself (title, dates, authors, tags), and its main text."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from index.extract import class_words, normalise_text
from index.main_content import main_content
from index.page_tags import PageTags, page_tags

_TITLE_SEPARATORS = "|\\-\u2013\u2014\u00b7"
_TITLE_SUFFIX = re.compile(rf"\s+[{_TITLE_SEPARATORS}]\s+[^{_TITLE_SEPARATORS}]{{2,60}}$")
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "webpage",
}
_LIST_SEPARATOR = re.compile(r"[,;]")
_CURRENT_CLASSES = {"active", "current"}
_WEB_ADDRESS = re.compile(r"^\s*https?://", re.IGNORECASE)


@dataclass(frozen=True)
class ArticlePage:
    """What an HTML article page says about itself, before it becomes a Document."""

    title: str
    text: str
    headings: tuple[str, ...]
    description: str
    published: str
    modified: str
    url: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    # The page's place in its site, outermost first ("The Python Tutorial").
    trail: tuple[str, ...] = ()


def extract_article(soup: BeautifulSoup) -> ArticlePage:
    """Title, metadata and main text of a full HTML page, without the page furniture.

    Metadata comes from Open Graph and ``article:`` meta tags first, then the page's
    JSON-LD, then the markup itself (<h1>, <title>, <time>).
    """
    tags = page_tags(soup)
    main = main_content(soup, tags)
    head = page_head(tags)
    linked = linked_data(head)
    time_tag = next((tag for tag in tags.times if _is_inside(tag, main.element)), None)
    title = page_title(head, main.text.headline, _text(linked.get("headline")))
    return ArticlePage(
        title=title,
        text=main.text.text,
        headings=main.text.headings,
        description=normalise_text(
            head.meta("og:description")
            or head.meta("description")
            or _text(linked.get("description"))
        ),
        published=head.meta("article:published_time")
        or _text(linked.get("datePublished"))
        or (str(time_tag["datetime"]) if time_tag else ""),
        modified=head.meta("article:modified_time") or _text(linked.get("dateModified")),
        url=head.meta("og:url") or head.canonical,
        authors=tuple(dict.fromkeys(_authors(head, linked))),
        tags=tuple(dict.fromkeys(_tags(head, linked))),
        trail=tuple(
            name for name in breadcrumb_trail(tags, head) if name.casefold() != title.casefold()
        ),
    )


@dataclass(frozen=True)
class PageHead:
    """The page's <title>, meta tags (by lower-cased name or property), canonical link
    and JSON-LD scripts, gathered in one pass over the page."""

    title: str
    metas: dict[str, list[str]]
    canonical: str
    linked_data: list[str]

    def meta(self, name: str) -> str:
        return next(iter(self.metas.get(name, [])), "")


def page_head(tags: PageTags) -> PageHead:
    title, canonical, metas, scripts = "", "", {}, []
    for tag in tags.head:
        if tag.name == "title" and not title:
            title = tag.get_text(" ", strip=True)
        elif tag.name == "meta" and (content := _text(tag.get("content")).strip()):
            for key in {_text(tag.get(attr)).lower() for attr in ("property", "name")} - {""}:
                metas.setdefault(key, []).append(content)
        elif tag.name == "link" and "canonical" in _text(tag.get("rel")).split() and not canonical:
            canonical = _text(tag.get("href")).strip()
        elif tag.name == "script" and _text(tag.get("type")).lower() == "application/ld+json":
            scripts.append(tag.get_text())
    return PageHead(title, metas, canonical, scripts)


def page_title(head: PageHead, headline: str, linked_headline: str) -> str:
    """og:title, else the main content's <h1>, else <title> without the site's name."""
    site = head.meta("og:site_name")
    return normalise_text(
        strip_site_suffix(head.meta("og:title"), site)
        or headline
        or strip_site_suffix(head.title, site)
        or linked_headline
    )


def strip_site_suffix(title: str, site: str = "") -> str:
    """'Headline | Site name' -> 'Headline' (also ' - ', ' — ', ' · ').

    With the site's name known (og:site_name) only that name is removed.
    """
    title = title.strip()
    if site:
        pattern = rf"\s+[{_TITLE_SEPARATORS}]\s+{re.escape(site.strip())}$"
        return re.sub(pattern, "", title, flags=re.IGNORECASE).strip() or title
    return _TITLE_SUFFIX.sub("", title).strip() or title


def breadcrumb_trail(tags: PageTags, head: PageHead) -> tuple[str, ...]:
    """The names of the page's ancestors, outermost first, without the page itself.

    From a JSON-LD BreadcrumbList, else a breadcrumb element's links before the
    current page's item, else Sphinx's numbered ancestor items. Breadcrumbs are left
    out of the body as navigation, but where a page sits ("Python HOWTOs") is what
    people search for, so the trail is kept apart.
    """
    names = _linked_trail(head) or _marked_trail(tags.breadcrumb) or _sphinx_trail(tags)
    return tuple(dict.fromkeys(name for name in map(_trail_name, names) if name))


def _linked_trail(head: PageHead) -> list[str]:
    for item in _linked_objects(head):
        if "breadcrumblist" in _types(item) and isinstance(item.get("itemListElement"), list):
            entries = [e for e in item["itemListElement"] if isinstance(e, dict)]
            entries.sort(key=lambda e: e["position"] if isinstance(e.get("position"), int) else 0)
            return [
                _text(e.get("name")) or _text(_dict(e.get("item")).get("name")) for e in entries
            ][:-1]
    return []


def _marked_trail(container: Tag | None) -> list[str]:
    names = []
    for tag in container.find_all(True) if container else []:
        if tag.get("aria-current") or _CURRENT_CLASSES & set(class_words(tag)):
            break
        if tag.name == "a":
            names.append(tag.get_text(" ", strip=True))
    return names


def _sphinx_trail(tags: PageTags) -> list[str]:
    return [tag.get_text(" ", strip=True) for tag in tags.sphinx_ancestors]


def _is_inside(tag: Tag, container: Tag) -> bool:
    return any(parent is container for parent in tag.parents)


def _trail_name(name: str) -> str:
    return normalise_text(name).strip(" \u00bb\u203a>/|").strip()


def linked_data(head: PageHead) -> dict:
    """The page's JSON-LD object that describes an article (or a web page); {} if none."""
    objects = list(_linked_objects(head))
    for wanted in (_ARTICLE_TYPES - {"webpage"}, {"webpage"}):
        for item in objects:
            if _types(item) & wanted:
                return item
    return {}


def _linked_objects(head: PageHead) -> Iterator[dict]:
    for script in head.linked_data:
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; it only costs us its metadata
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                graph = item.get("@graph")
                nested = graph if isinstance(graph, list) else []
                yield from (entry for entry in nested if isinstance(entry, dict))
                yield item


def _types(item: dict) -> set[str]:
    declared = item.get("@type")
    names = declared if isinstance(declared, list) else [declared]
    return {name.lower() for name in names if isinstance(name, str)}


def _authors(head: PageHead, linked: dict) -> Iterator[str]:
    for name in ("author", "article:author"):
        for content in head.metas.get(name, []):
            yield from _person_name(content)
    author = linked.get("author")
    for person in author if isinstance(author, list) else [author]:
        yield from _person_name(person.get("name") if isinstance(person, dict) else person)


def _person_name(value: object) -> Iterator[str]:
    # article:author is often a profile URL: a link, not a name.
    name = normalise_text(_text(value))
    if name and not _WEB_ADDRESS.match(name):
        yield name


def _tags(head: PageHead, linked: dict) -> Iterator[str]:
    for content in head.metas.get("article:tag", []) + head.metas.get("keywords", []):
        yield from _split_list(content)
    keywords = linked.get("keywords")
    for entry in keywords if isinstance(keywords, list) else [keywords]:
        yield from _split_list(entry)


def _split_list(value: object) -> Iterator[str]:
    for part in _LIST_SEPARATOR.split(_text(value)):
        if part := normalise_text(part):
            yield part


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
