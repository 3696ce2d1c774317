"""What an HTML page says about itself (title, dates, authors, tags), and its main text."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup

from index.extract import main_content, normalise_text

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


def extract_article(soup: BeautifulSoup) -> ArticlePage:
    """Title, metadata and main text of a full HTML page, without the page furniture.

    Metadata comes from Open Graph and ``article:`` meta tags first, then the page's
    JSON-LD, then the markup itself (<h1>, <title>, <time>).
    """
    main = main_content(soup)
    linked = linked_data(soup)
    time_tag = main.element.find("time", attrs={"datetime": True})
    return ArticlePage(
        title=page_title(soup, main.text.headline, _text(linked.get("headline"))),
        text=main.text.text,
        headings=main.text.headings,
        description=normalise_text(
            _meta(soup, "og:description")
            or _meta(soup, "description")
            or _text(linked.get("description"))
        ),
        published=_meta(soup, "article:published_time")
        or _text(linked.get("datePublished"))
        or (str(time_tag["datetime"]) if time_tag else ""),
        modified=_meta(soup, "article:modified_time") or _text(linked.get("dateModified")),
        url=_meta(soup, "og:url") or _canonical(soup),
        authors=tuple(dict.fromkeys(_authors(soup, linked))),
        tags=tuple(dict.fromkeys(_tags(soup, linked))),
    )


def page_title(soup: BeautifulSoup, headline: str, linked_headline: str) -> str:
    """og:title, else the main content's <h1>, else <title> without the site's name."""
    site = _meta(soup, "og:site_name")
    head_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    return normalise_text(
        strip_site_suffix(_meta(soup, "og:title"), site)
        or headline
        or strip_site_suffix(head_title, site)
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


def linked_data(soup: BeautifulSoup) -> dict:
    """The page's JSON-LD object that describes an article (or a web page); {} if none."""
    objects = list(_linked_objects(soup))
    for wanted in (_ARTICLE_TYPES - {"webpage"}, {"webpage"}):
        for item in objects:
            if _types(item) & wanted:
                return item
    return {}


def _linked_objects(soup: BeautifulSoup) -> Iterator[dict]:
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.get_text())
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


def _authors(soup: BeautifulSoup, linked: dict) -> Iterator[str]:
    for name in ("author", "article:author"):
        for tag in _meta_tags(soup, name):
            yield from _person_name(tag.get("content"))
    author = linked.get("author")
    for person in author if isinstance(author, list) else [author]:
        yield from _person_name(person.get("name") if isinstance(person, dict) else person)


def _person_name(value: object) -> Iterator[str]:
    # article:author is often a profile URL: a link, not a name.
    name = normalise_text(_text(value))
    if name and not _WEB_ADDRESS.match(name):
        yield name


def _tags(soup: BeautifulSoup, linked: dict) -> Iterator[str]:
    for tag in _meta_tags(soup, "article:tag"):
        yield from _split_list(tag.get("content"))
    for tag in _meta_tags(soup, "keywords"):
        yield from _split_list(tag.get("content"))
    keywords = linked.get("keywords")
    for entry in keywords if isinstance(keywords, list) else [keywords]:
        yield from _split_list(entry)


def _split_list(value: object) -> Iterator[str]:
    for part in _LIST_SEPARATOR.split(_text(value)):
        if part := normalise_text(part):
            yield part


def _meta_tags(soup: BeautifulSoup, name: str) -> list:
    exactly = re.compile(rf"^{re.escape(name)}$", re.IGNORECASE)
    return soup.find_all("meta", attrs={"property": exactly}) + soup.find_all(
        "meta", attrs={"name": exactly}
    )


def _meta(soup: BeautifulSoup, name: str) -> str:
    contents = (_text(tag.get("content")).strip() for tag in _meta_tags(soup, name))
    return next((content for content in contents if content), "")


def _canonical(soup: BeautifulSoup) -> str:
    link = soup.find("link", rel="canonical", href=True)
    return str(link["href"]).strip() if link else ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
