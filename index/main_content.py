"""Which part of a full page is its content: landmarks, furniture, the densest block."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag

from index.extract import PageText, is_never_text, visible_text
from index.page_tags import PageTags, class_words, page_tags

# Page furniture around (or inside) an article's main content. An <aside> is furniture
# only outside the page's <article>, <main> and [role=main]: inside one it is a footnote,
# a note or a pull quote (see furniture_rule).
_FURNITURE = frozenset(["nav", "header", "footer", "menu", "dialog"])
_FURNITURE_ROLES = frozenset(
    [
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "search",
        "menu",
        "menubar",
        "toolbar",
        "dialog",
        "alertdialog",
    ]
)
# Class words that mark comments, banners, share bars, menus and sidebars. Not "nav" or
# "menu" alone: themes put them on wrappers of the whole page ("wy-nav-content").
_FURNITURE_WORDS = re.compile(
    r"(^|[-_ ])(comments?|comment-respond|respond|cookie|consent|gdpr|banner|newsletter|share|"
    r"sharing|social|related|sidebar|breadcrumbs?|subscribe|signup|promo|advert|ads|footer|"
    r"navbar|navigation|masthead|toolbar|skip-link)($|[-_ ])",
    re.IGNORECASE,
)
# Ids that name a piece of furniture as a whole. Other ids are no evidence: inside
# content they come from headings and API names ("related-work", "set_cookie").
_FURNITURE_ID = re.compile(
    r"^(site-|page-|main-|primary-)?(comments?|respond|sidebar|secondary|colophon|masthead|"
    r"footer|header|nav|navigation|menu|breadcrumbs?|newsletter|share|social|related-posts|"
    r"cookie-(notice|banner|consent))(-area|-wrapper|-container|-bar)?$",
    re.IGNORECASE,
)
_MAIN_CONTAINERS = frozenset({"html", "body", "article", "main"})
# Inside these, an <aside> is content (a note, a pull quote), not a sidebar.
_LANDMARKS = frozenset({"article", "main"})
# The densest block keeps this share of the page's weight (text outside links minus link text).
_DENSEST_SHARE = 0.9


@dataclass(frozen=True)
class MainContent:
    """The element chosen as a page's main content, and its visible text."""

    element: Tag
    text: PageText


def furniture_rule(marks: PageTags) -> Callable[[Tag, bool], bool]:
    """Whether a tag is page furniture or never text, given whether it lies inside an
    <article>, <main> or [role=main].

    Navigation, sidebars, footers, comment sections, banners and menus are furniture,
    by tag, ARIA role or class words. A <header> holding an <h1> is kept: inside an
    article it is the headline. An <aside> is furniture outside those landmarks; inside
    one it is a footnote or a note, even one docutils calls a "sidebar". Class words
    never remove an element that holds the page's <main> or [role=main] (<article> is
    left out: comment lists are made of them). Which elements hold those is found in
    one climb up from each, so deeply nested pages stay linear.
    """
    above_h1 = _ancestors_of(marks.h1)
    above_main = _ancestors_of(marks.mains + marks.role_mains)

    def is_furniture(tag: Tag, in_landmark: bool) -> bool:
        if is_never_text(tag) or (tag.name == "aside" and not in_landmark):
            return True
        if tag.name in _FURNITURE:
            return not (tag.name == "header" and id(tag) in above_h1)
        attrs = tag.attrs
        role = str(attrs.get("role") or "").lower()
        if role in _FURNITURE_ROLES:
            return True
        if tag.name in _MAIN_CONTAINERS or role == "main" or id(tag) in above_main:
            return False
        words = class_words(tag)
        if tag.name == "aside":
            words = [word for word in words if word != "sidebar"]
        return bool(
            (words and _FURNITURE_WORDS.search(" ".join(words)))
            or ("id" in attrs and _FURNITURE_ID.match(str(attrs["id"])))
        )

    return is_furniture


def _ancestors_of(elements: list[Tag]) -> set[int]:
    """ids of the elements that hold one of ``elements``; each climb stops at a seen one."""
    seen: set[int] = set()
    for found in elements:
        parent = found.parent
        while parent is not None and id(parent) not in seen:
            seen.add(id(parent))
            parent = parent.parent
    return seen


def main_content(soup: BeautifulSoup, tags: PageTags | None = None) -> MainContent:
    """Text and headings of the page's main content, without its furniture.

    The main content is the heaviest <article>, else <main>, else [role=main]; a page
    with none of them (or only empty ones) gets its densest block: the smallest
    element that still holds nine tenths of the page's weight, where weight is text
    outside links minus text inside links. ``tags`` is the page's ``page_tags``, when
    the caller has them already.
    """
    root = soup.body or soup
    marks = tags or page_tags(soup)
    weights = _weights(root, furniture_rule(marks))
    element = _main_element(marks, root, weights)
    # Every element the weighing walk entered has a weight: the rest is furniture.
    return MainContent(element, visible_text(element, lambda tag: id(tag) not in weights))


def _main_element(marks: PageTags, root: Tag, weights: dict[int, int]) -> Tag:
    articles = [tag for tag in marks.articles if weights.get(id(tag), 0) > 0]
    if articles:
        return max(articles, key=lambda tag: weights[id(tag)])
    for found in (marks.mains, marks.role_mains):
        heavy = [tag for tag in found if weights.get(id(tag), 0) > 0]
        if heavy:
            return heavy[0]
    return _densest(root, weights)


def _densest(root: Tag, weights: dict[int, int]) -> Tag:
    total = weights.get(id(root), 0)
    node = root
    while total > 0:
        children = [child for child in node.children if id(child) in weights]
        heaviest = max(children, key=lambda child: weights[id(child)], default=None)
        if heaviest is None or weights[id(heaviest)] < _DENSEST_SHARE * total:
            return node
        node = heaviest
    return node


def _weights(root: Tag, skip: Callable[[Tag, bool], bool]) -> dict[int, int]:
    """Each visible element's text outside links minus its text inside links, by id.

    Skipped elements are left out (and weigh nothing). One iterative walk weighs each
    element's own strings; then, children before parents, each weight joins its parent's.
    """
    weights: dict[int, int] = {}
    visited: list[Tag] = []
    # (element, inside a link, inside a landmark)
    stack: list[tuple[Tag, bool, bool]] = [(root, False, False)]
    while stack:
        node, in_link, in_landmark = stack.pop()
        visited.append(node)
        link = in_link or node.name == "a"
        landmark = (
            in_landmark or node.name in ("article", "main") or node.attrs.get("role") == "main"
        )
        own = 0
        for child in node.contents:
            if type(child) is NavigableString:
                size = len(child.strip())
                own += -size if link else size
            elif isinstance(child, Tag) and not skip(child, landmark):
                stack.append((child, link, landmark))
        weights[id(node)] = own
    for node in reversed(visited[1:]):  # a child is visited after its parent
        weights[id(node.parent)] += weights[id(node)]
    return weights
