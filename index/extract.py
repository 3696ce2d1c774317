"""Pure functions that turn page markup and article text into clean, indexable text."""

import html
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Tag

# Elements whose text is never content.
_NEVER_TEXT = [
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
# Page furniture around (or inside) an article's main content.
_FURNITURE = ["nav", "aside", "header", "footer", "menu", "dialog"]
# Class or id words that mark screen-reader-only labels, comments, banners and share bars.
_HIDDEN_CLASSES = {"sr-only", "screen-reader-text", "visually-hidden", "visuallyhidden"}
_FURNITURE_WORDS = re.compile(
    r"(^|[-_ ])(comments?|comment-respond|respond|cookie|consent|banner|newsletter|share|"
    r"sharing|social|related|sidebar|breadcrumbs?|subscribe|signup|promo|advert|ads)($|[-_ ])",
    re.IGNORECASE,
)
_BLOCKS = {
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
}
_BACK_LINK = re.compile(r"^\s*(return|back) to\b", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_TITLE_SUFFIX = re.compile(r"\s+[|\-\u2013\u2014\u00b7]\s+[^|\-\u2013\u2014\u00b7]{2,60}$")


def parse_html(markup: str | bytes) -> BeautifulSoup:
    """Parse a page or fragment with lxml; bytes are decoded from their declared charset."""
    return BeautifulSoup(markup, "lxml")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one block per line, entities decoded.

    Drops scripts, buttons, forms, screen-reader labels ("(opens in new tab)") and
    "Return to ..." back-links, which are navigation, not content.
    """
    if "<" not in markup and "&" not in markup:
        return normalise_text(markup)
    soup = parse_html(markup)
    _drop_never_text(soup)
    return element_text(soup)


def element_text(root: Tag) -> str:
    """The text of ``root``, with a line break after every block element."""
    for block in root.find_all(_BLOCKS):
        block.insert_after("\n")
        if block.name == "br":
            block.decompose()
    return normalise_text(root.get_text())


def normalise_text(text: str) -> str:
    """Decode stray entities, fold odd spaces, drop invisible characters and blank runs."""
    text = _INVISIBLE.sub("", html.unescape(text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _drop_never_text(soup: BeautifulSoup | Tag) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_NEVER_TEXT):
        tag.decompose()
    for tag in soup.find_all(_is_hidden):
        tag.decompose()
    for link in soup.find_all("a"):
        if _BACK_LINK.match(link.get_text(" ", strip=True)) or "icon-link--reverse" in (
            link.get("class") or []
        ):
            link.decompose()


def _is_hidden(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    classes = set(tag.get("class") or [])
    return bool(classes & _HIDDEN_CLASSES) or tag.has_attr("hidden")


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
    head_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    h1 = soup.find("h1")
    title = (
        _meta(soup, "og:title")
        or (h1.get_text(" ", strip=True) if h1 else "")
        or strip_site_suffix(head_title)
    )
    time_tag = soup.find("time", attrs={"datetime": True})
    page = ArticlePage(
        title=normalise_text(title),
        text="",
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
    return ArticlePage(**{**page.__dict__, "text": extract_main_text(soup)})


def extract_main_text(soup: BeautifulSoup) -> str:
    """The text of the page's main content: <article>, <main>, [role=main] or the body."""
    _drop_never_text(soup)
    main = (
        soup.find("article")
        or soup.find("main")
        or soup.find(attrs={"role": "main"})
        or soup.body
        or soup
    )
    for tag in main.find_all(_FURNITURE):
        if tag.name == "header" and tag.find("h1"):
            continue
        tag.decompose()
    for tag in main.find_all(_is_furniture_block):
        tag.decompose()
    return element_text(main)


def _is_furniture_block(tag: Tag) -> bool:
    if tag.attrs is None or tag.name in {"html", "body", "article", "main"}:
        return False
    words = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")])
    return bool(words and _FURNITURE_WORDS.search(words))


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
