"""Pure functions that turn page markup into clean, indexable text and headings."""

import html
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning

from index.soup import LeanSoup, lean_builder

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
_HIDDEN_CLASSES = frozenset({"sr-only", "screen-reader-text", "visually-hidden", "visuallyhidden"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_BLOCKS = _HEADINGS | frozenset(
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
_BACK_LINK = re.compile(r"^\s*(return|back) to\b", re.IGNORECASE)
# "¶", "#" or "§" as a link's whole text: a heading's permalink, not words.
_PERMALINK = re.compile(r"^[\s¶#§]*$")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_URL = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.IGNORECASE)
_BLOCK_END = object()
_HEADING_END = object()


@dataclass(frozen=True)
class PageText:
    """Visible text, a line per block, and the text of each h1-h6 in it, in order."""

    text: str
    headings: tuple[str, ...] = ()
    # The first <h1>'s text: a page's headline.
    headline: str = ""


def parse_html(markup: str | bytes) -> BeautifulSoup:
    """Parse a page or fragment with lxml; bytes are decoded from their declared charset.

    BeautifulSoup's tree, built by ``LeanSoup`` (index/soup.py). Attributes stay strings
    (``class_words`` splits a class attribute), kept in a plain dictionary: splitting
    every tag's multi-valued attributes, and checking each value that lxml gives as a
    string anyway, cost a quarter of the parse, for the few tags read.
    """
    with warnings.catch_warnings():
        # XHTML with an XML declaration is still read as HTML, on purpose.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return LeanSoup(markup, builder=lean_builder())


@contextmanager
def parsed_html(markup: str | bytes) -> Iterator[BeautifulSoup]:
    """``parse_html``'s tree, for the block only: dismantled after it (``LeanSoup``), so
    freed at once instead of by the cycle collector. Keep strings, not elements."""
    soup = parse_html(markup)
    try:
        yield soup
    finally:
        soup.dismantle()


def class_words(tag: Tag) -> list[str]:
    """The words of a tag's class attribute."""
    value = tag.attrs.get("class")
    if isinstance(value, str):
        return value.split()
    return list(value or ())


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one block per line, entities decoded.

    Leaves out scripts, buttons, forms, screen-reader labels ("(opens in new tab)") and
    "Return to ..." back-links, which are navigation, not content.
    """
    return fragment_text(markup).text


def fragment_text(markup: str) -> PageText:
    """Text and headings of an HTML fragment (a WordPress ``content.rendered``)."""
    if "<" not in markup and "&" not in markup:
        return PageText(normalise_text(markup))
    with parsed_html(markup) as soup:
        return visible_text(soup, is_never_text)


def visible_text(root: Tag, skip: Callable[[Tag], bool]) -> PageText:
    """The text under ``root`` without the elements ``skip`` names, a line per block.

    One iterative walk that changes nothing: deep nesting costs neither recursion nor
    the quadratic time that moving nodes around in a deep tree does. A heading's text
    is the slice of the output written between its start and its end.
    """
    parts: list[str] = []
    headings: list[tuple[str, str]] = []
    starts: list[tuple[int, str]] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if type(node) is NavigableString:  # not a comment, doctype or CDATA
            if not _is_url_link_text(node):
                parts.append(node)
        elif node is _BLOCK_END:
            parts.append("\n")
        elif node is _HEADING_END:
            start, name = starts.pop()
            if not starts:  # a heading inside a heading is part of the outer one
                text = " ".join(normalise_text("".join(parts[start:])).split("\n"))
                headings.append((name, text))
        elif isinstance(node, Tag) and (node is root or not skip(node)):
            if node.name in _BLOCKS:
                parts.append("\n")
                stack.append(_BLOCK_END)
            if node.name in _HEADINGS:
                starts.append((len(parts), node.name))
                stack.append(_HEADING_END)
            stack.extend(reversed(node.contents))
    return PageText(
        normalise_text("".join(parts)),
        tuple(text for _, text in headings if text),
        next((text for name, text in headings if name == "h1" and text), ""),
    )


def _is_url_link_text(text: NavigableString) -> bool:
    """'http://CaptionBot.ai' as a link's text: an address, not words anyone searches."""
    parent = text.parent
    return parent is not None and parent.name == "a" and bool(_URL.match(text))


def normalise_text(text: str) -> str:
    """Decode stray entities, fold odd spaces, drop invisible characters and blank runs."""
    text = _INVISIBLE.sub("", html.unescape(text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def is_never_text(tag: Tag) -> bool:
    """Scripts, controls, hidden and screen-reader-only labels, back-links, permalinks."""
    attrs = tag.attrs
    if tag.name in _NEVER_TEXT or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    classes = set(class_words(tag)) if "class" in attrs else set()
    if classes & _HIDDEN_CLASSES or _HIDDEN_STYLE.search(str(attrs.get("style") or "")):
        return True
    if tag.name != "a":
        return False
    # Links cannot nest in lxml's tree, so reading each one's text stays linear.
    text = tag.get_text(" ", strip=True)
    return bool(
        {"icon-link--reverse", "headerlink"} & classes
        or _BACK_LINK.match(text)
        or _PERMALINK.match(text)  # also an empty link: there is no text to lose
    )
