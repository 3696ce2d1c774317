"""Real pages nobody here wrote, cut into sections: Debian's Python manual and Handbook.

The benchmark corpus recombines these sections, so every sentence in it is a real one.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html

PYTHON_DOC = Path("/usr/share/doc/python3.11/html")
HANDBOOK = Path("/usr/share/doc/debian-handbook/html")
# English, plus two languages with accents for the analyzer's folding to work on.
HANDBOOK_LANGUAGES = ("en-US", "fr-FR", "de-DE")
PACKAGES = {"python3.11-doc": PYTHON_DOC / "index.html", "debian-handbook": HANDBOOK / "en-US"}

_HEADINGS = frozenset({"h1", "h2", "h3", "h4"})
_BLOCKS = frozenset({"p", "pre", "ul", "ol", "dl", "table", "blockquote"})
# Navigation and tables of contents in the Handbook's pages; Sphinx's pilcrow links.
_SKIPPED_CLASSES = frozenset({"docnav", "toc", "titlepage-toc", "headerlink", "indexterm"})
_SKIPPED_IDS = frozenset({"banner", "title", "site_footer"})
MAX_BLOCK_CHARS = 8000
MAX_SECTION_BLOCKS = 12
MIN_SECTION_CHARS = 200


@dataclass(frozen=True)
class Section:
    """One heading and the HTML blocks (paragraphs, lists, code, tables) under it."""

    heading: str
    blocks: tuple[str, ...]
    page: str

    @property
    def text_length(self) -> int:
        return sum(len(block) for block in self.blocks)


def install_packages() -> None:
    """Install the Debian documentation packages that are missing (needs root and apt)."""
    missing = [name for name, marker in PACKAGES.items() if not marker.exists()]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(
            f"benchmarks need Debian's {' '.join(missing)}: apt-get install {' '.join(missing)}"
        )
    subprocess.run(["apt-get", "update", "-q"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True)


def python_manual() -> Path:
    """The Python manual's HTML folder, installed first if needed."""
    install_packages()
    return PYTHON_DOC


def manual_pages() -> list[Path]:
    """Every HTML page of the Python manual, sorted."""
    return sorted(python_manual().rglob("*.html"))


def source_pages() -> list[Path]:
    """Every HTML page of the manual and of the Handbook in the chosen languages, sorted."""
    install_packages()
    pages = sorted(PYTHON_DOC.rglob("*.html"))
    for language in HANDBOOK_LANGUAGES:
        pages += sorted((HANDBOOK / language).glob("*.html"))
    return pages


def all_sections() -> list[Section]:
    return [section for page in source_pages() for section in page_sections(page)]


def page_sections(path: Path) -> list[Section]:
    """The page's main content split at its headings; short sections are left out."""
    root = lxml.html.parse(str(path)).getroot()
    if root is None:
        return []
    main = next(iter(root.xpath('//div[@role="main"]')), None)
    main = main if main is not None else root.find("body")
    if main is None:
        return []
    sections, heading, blocks = [], "", []
    for element in _headings_and_blocks(main):
        if element.tag in _HEADINGS:
            sections.append(Section(heading, tuple(blocks), str(path)))
            heading, blocks = _heading_text(element), []
        elif len(blocks) < MAX_SECTION_BLOCKS:
            markup = _block_markup(element)
            if len(markup) <= MAX_BLOCK_CHARS:
                blocks.append(markup)
    sections.append(Section(heading, tuple(blocks), str(path)))
    return [s for s in sections if s.heading and s.text_length >= MIN_SECTION_CHARS]


def _headings_and_blocks(element: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    for child in element:
        if not isinstance(child.tag, str) or _is_skipped(child):
            continue
        if child.tag in _HEADINGS or child.tag in _BLOCKS or _is_paragraph_div(child):
            yield child
        else:
            yield from _headings_and_blocks(child)


def _is_skipped(element: lxml.html.HtmlElement) -> bool:
    classes = set((element.get("class") or "").split())
    return bool(classes & _SKIPPED_CLASSES) or element.get("id") in _SKIPPED_IDS


def _is_paragraph_div(element: lxml.html.HtmlElement) -> bool:
    # The Handbook writes paragraphs as <div class="para">.
    return element.tag == "div" and "para" in (element.get("class") or "").split()


def _heading_text(element: lxml.html.HtmlElement) -> str:
    text = " ".join(element.text_content().replace("¶", " ").split())
    # "6.2. aptitude, apt-get ..." -> "aptitude, apt-get ..."
    first, _, rest = text.partition(" ")
    return rest if rest and first.rstrip(".").replace(".", "").isdigit() else text


def _block_markup(element: lxml.html.HtmlElement) -> str:
    for link in element.xpath('.//a[@class="headerlink" or @class="indexterm"]'):
        link.drop_tree()
    if _is_paragraph_div(element):
        element.tag = "p"
        element.attrib.pop("class", None)
    element.tail = None
    return lxml.html.tostring(element, encoding="unicode").strip()
