"""Pure functions that turn page markup and article text into clean, indexable text."""

import html
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning

# Elements whose text is never content.
_NEVER_TEXT = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "button",
        "form",
        "select",
        "textarea",
        "input",
        "object",
        "embed",
        "canvas",
    ]
)
# Page furniture around (or inside) an article's main content.
_FURNITURE = frozenset(["nav", "aside", "header", "footer", "menu", "dialog"])
_HIDDEN_CLASSES = frozenset({"sr-only", "screen-reader-text", "visually-hidden", "visuallyhidden"})
# Class or id words that mark comments, banners, share bars and sidebars.
_FURNITURE_WORDS = re.compile(
    r"(^|[-_ ])(comments?|comment-respond|respond|cookie|consent|banner|newsletter|share|"
    r"sharing|social|related|sidebar|breadcrumbs?|subscribe|signup|promo|advert|ads)($|[-_ ])",
    re.IGNORECASE,
)
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "table",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "header",
        "footer",
        "hr",
        "td",
        "th",
    ]
)
_MAIN_CONTAINERS = frozenset({"html", "body", "article", "main"})
_BACK_LINK = re.compile(r"^\s*(return|back) to\b", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_TITLE_SUFFIX = re.compile(r"\s+[|\-\u2013\u2014\u00b7]\s+[^|\-\u2013\u2014\u00b7]{2,60}$")
_URL = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.IGNORECASE)
_BLOCK_END = object()


def parse_html(markup: str | bytes) -> BeautifulSoup:
    """Parse a page or fragment with lxml; bytes are decoded from their declared charset."""
    with warnings.catch_warnings():
        # XHTML with an XML declaration is still read as HTML, on purpose.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(markup, "lxml")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one block per line, entities decoded.

    Leaves out scripts, buttons, forms, screen-reader labels ("(opens in new tab)") and
    "Return to ..." back-links, which are navigation, not content.
    """
    if "<" not in markup and "&" not in markup:
        return normalise_text(markup)
    return visible_text(parse_html(markup), is_never_text)


def visible_text(root: Tag, skip: Callable[[Tag], bool]) -> str:
    """The text under ``root`` without the elements ``skip`` names, a line per block.

    One iterative walk that changes nothing: deep nesting costs neither recursion nor
    the quadratic time that moving nodes around in a deep tree does.
    """
    parts: list[str] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if node is _BLOCK_END:
            parts.append("\n")
        elif isinstance(node, NavigableString):
            if type(node) is NavigableString and not _is_url_link_text(node):
                parts.append(str(node))  # not a comment, doctype or CDATA
        elif isinstance(node, Tag) and (node is root or not skip(node)):
            if node.name in _BLOCKS:
                parts.append("\n")
                stack.append(_BLOCK_END)
            stack.extend(reversed(node.contents))
    return normalise_text("".join(parts))


def _is_url_link_text(text: NavigableString) -> bool:
    """'http://CaptionBot.ai' as a link's text: an address, not words anyone searches."""
    return text.parent is not None and text.parent.name == "a" and bool(_URL.match(text))


def normalise_text(text: str) -> str:
    """Decode stray entities, fold odd spaces, drop invisible characters and blank runs."""
    text = _INVISIBLE.sub("", html.unescape(text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def is_never_text(tag: Tag) -> bool:
    """Scripts, controls, screen-reader-only labels and back-links."""
    if tag.name in _NEVER_TEXT or tag.has_attr("hidden"):
        return True
    classes = set(tag.get("class") or [])
    if classes & _HIDDEN_CLASSES:
        return True
    return tag.name == "a" and (
        "icon-link--reverse" in classes or bool(_BACK_LINK.match(tag.get_text(" ", strip=True)))
    )


def is_page_furniture(tag: Tag) -> bool:
    """Navigation, sidebars, footers, comment sections, banners; and never-text elements.

    A <header> holding the headline is kept: inside an article it is content.
    """
    if is_never_text(tag):
        return True
    if tag.name in _FURNITURE:
        return not (tag.name == "header" and tag.find("h1") is not None)
    if tag.name in _MAIN_CONTAINERS:
        return False
    words = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")])
    return bool(words.strip() and _FURNITURE_WORDS.search(words))


@dataclass(frozen=True)
class ArticlePage:
    """What an HTML article page says about itself, before it becomes a Document."""

    title: str
    text: str
    description: str
    published: str
    modified: str
    url: str
    authors: tuple[str, ...]


def extract_article(soup: BeautifulSoup) -> ArticlePage:
    """Title, metadata and main text of a full HTML page, without the page furniture."""
    h1 = soup.find("h1")
    head_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    time_tag = soup.find("time", attrs={"datetime": True})
    return ArticlePage(
        title=normalise_text(
            _meta(soup, "og:title")
            or (h1.get_text(" ", strip=True) if h1 else "")
            or strip_site_suffix(head_title)
        ),
        text=extract_main_text(soup),
        description=normalise_text(_meta(soup, "og:description") or _meta(soup, "description")),
        published=_meta(soup, "article:published_time")
        or (str(time_tag["datetime"]) if time_tag else ""),
        modified=_meta(soup, "article:modified_time"),
        url=_meta(soup, "og:url") or _canonical(soup),
        authors=tuple(
            normalise_text(str(m.get("content", "")))
            for m in soup.find_all("meta", attrs={"name": "author"})
            if m.get("content")
        ),
    )


def extract_main_text(soup: BeautifulSoup) -> str:
    """The text of the page's main content: <article>, <main>, [role=main] or the body."""
    main = (
        soup.find("article")
        or soup.find("main")
        or soup.find(attrs={"role": "main"})
        or soup.body
        or soup
    )
    return visible_text(main, is_page_furniture)


def strip_site_suffix(title: str) -> str:
    """'Headline | Site name' -> 'Headline' (also ' - ', ' — ')."""
    stripped = _TITLE_SUFFIX.sub("", title).strip()
    return stripped or title.strip()


def _meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
    return str(tag.get("content", "")).strip() if tag else ""


def _canonical(soup: BeautifulSoup) -> str:
    link = soup.find("link", rel="canonical", href=True)
    return str(link["href"]).strip() if link else ""


# Lines that start the site furniture appended after a plain-text story.
_TRAILER_START = re.compile(
    r"^\s*(sign up (to|for) (our|the) newsletter|subscribe to (our|the) newsletter|"
    r"leave a (reply|comment)|\d+ (comments?|responses?|replies)\b|comments? (are )?closed|"
    r"your email address will not be published|this site uses akismet|"
    r"share this( article| story)?:?$|related (articles|stories|posts):?$)",
    re.IGNORECASE,
)
# Reader comments are an indented numbered list ("  1. ...") after the story.
_COMMENT_ITEM = re.compile(r"^\s{2,}1\.\s+\S")


def split_text_article(text: str) -> tuple[str, str]:
    """(headline, story) of a plain-text article: the first line is the headline.

    The story stops where the site's trailer begins: a newsletter box, the comment
    form or policy, or an indented numbered list of reader comments.
    """
    lines = _INVISIBLE.sub("", text).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return "", ""
    headline, rest = normalise_text(lines[0]), lines[1:]
    trailer = (i for i, line in enumerate(rest) if _is_trailer_start(line))
    end = next(trailer, len(rest))
    return headline, normalise_text("\n".join(rest[:end]))


def _is_trailer_start(line: str) -> bool:
    return bool(_TRAILER_START.match(line) or _COMMENT_ITEM.match(line))
