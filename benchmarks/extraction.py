"""Our extraction against naive ``BeautifulSoup(html, "lxml").get_text()``, on real pages.

Run: `python -m benchmarks.extraction` (also part of `make bench`). On every HTML page of
Debian's Python 3.11 manual (installed when missing) it measures:

- the text naive extraction keeps that ours drops (characters, and the lines dropped on
  most pages, so a reader can see that they are navigation);
- how much of each page's real content (its ``<div role="main">``) ours keeps, by words;
- time per page for both extractors (reading, decoding and parsing included);
- search quality: the manual indexed twice through the same engine, with our documents
  and with the same documents whose body (and so summary) is naive text instead, then
  navigational queries written before either index was searched. The rank of the
  expected page for each, the mean reciprocal rank (MRR) over all, and how many of
  naive's top ten hits match only through text ours leaves out.

Exits 1 when ours keeps less than 99% of the main-content words on average.
"""

import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from bs4 import BeautifulSoup

from benchmarks.debian_pages import manual_pages, python_manual
from index.document import Document
from index.errors import SourceError
from index.field_values import summary_of
from index.readers import read_source
from index.schema import document_fields
from index.store import open_or_create_index
from index.taxonomy import load_taxonomy
from search.engine import SearchEngine
from search.request import MAX_PER_PAGE, SearchRequest

# (what a user types, the manual page they want), written before any results were seen.
QUERIES = [
    ("json module", "library/json.html"),
    ("what's new in 3.11", "whatsnew/3.11.html"),
    ("tutorial classes", "tutorial/classes.html"),
    ("regular expression howto", "howto/regex.html"),
    ("asyncio event loop", "library/asyncio-eventloop.html"),
    ("dataclasses", "library/dataclasses.html"),
    ("logging cookbook", "howto/logging-cookbook.html"),
    ("argparse tutorial", "howto/argparse.html"),
    ("sorting howto", "howto/sorting.html"),
    ("unicode howto", "howto/unicode.html"),
    ("installing python modules", "installing/index.html"),
    ("virtual environments and packages", "tutorial/venv.html"),
    ("subprocess management", "library/subprocess.html"),
    ("errors and exceptions tutorial", "tutorial/errors.html"),
    ("built-in functions", "library/functions.html"),
    ("pathlib object-oriented filesystem paths", "library/pathlib.html"),
    ("descriptor howto guide", "howto/descriptor.html"),
    ("glossary", "glossary.html"),
    ("unittest.mock", "library/unittest.mock.html"),
    ("sqlite3", "library/sqlite3.html"),
    ("built-in exceptions", "library/exceptions.html"),
    ("reference counting c api", "c-api/refcounting.html"),
    ("extending python with c or c++", "extending/extending.html"),
]
EXAMPLE_LINES = 15
# Lines of the manual's navigation bars and sidebar, counted in both texts.
NAVIGATION_LINES = [
    "Navigation",
    "index",
    "modules |",
    "next |",
    "previous |",
    "Table of Contents",
    "Previous topic",
    "Next topic",
    "This Page",
    "Report a Bug",
    "Show Source",
]
# Dropping navigation must not cost real content: the mean share of main-content words kept.
CONTENT_KEPT_TARGET = 0.99
_WORD = re.compile(r"\w+")


@dataclass
class PageResult:
    """One manual page through both extractors."""

    path: Path
    ours: Document | None
    naive_text: str
    main_text: str
    ours_seconds: float
    naive_seconds: float


def extract_page(path: Path, taxonomy) -> PageResult:
    started = time.perf_counter()
    try:
        documents = read_source(path, taxonomy).documents
    except SourceError:
        documents = []  # a page with no text in its main content; counted below
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    naive_text = BeautifulSoup(path.read_bytes(), "lxml").get_text()
    naive_seconds = time.perf_counter() - started
    soup = BeautifulSoup(path.read_bytes(), "lxml")
    main = soup.find(attrs={"role": "main"}) or soup.find("div", class_="body")
    return PageResult(
        path=path,
        ours=documents[0] if documents else None,
        naive_text=naive_text,
        main_text=main.get_text() if main else "",
        ours_seconds=ours_seconds,
        naive_seconds=naive_seconds,
    )


def _lines(text: str) -> Counter:
    """Non-blank lines, spaces folded and heading permalinks ('¶') removed."""
    return Counter(
        line
        for line in (" ".join(raw.replace("¶", "").split()) for raw in text.splitlines())
        if line
    )


def _words(text: str) -> Counter:
    return Counter(_WORD.findall(text.lower()))


def report_dropped_text(pages: list[PageResult]) -> None:
    """What naive text keeps that ours drops: characters, and the lines behind them."""
    naive_chars = sum(len(" ".join(page.naive_text.split())) for page in pages)
    ours_chars = sum(len(" ".join(page.ours.body.split())) for page in pages if page.ours)
    dropped_lines: Counter = Counter()
    dropped_chars = 0
    for page in pages:
        dropped = _lines(page.naive_text) - _lines(page.ours.body if page.ours else "")
        dropped_chars += sum(len(line) * count for line, count in dropped.items())
        dropped_lines.update(set(dropped))
    print(
        f"text kept: naive {naive_chars:,} characters, ours {ours_chars:,} "
        f"({ours_chars / naive_chars:.0%} of naive)"
    )
    print(f"lines naive keeps and ours drops: {dropped_chars:,} characters; the commonest:")
    for line, count in dropped_lines.most_common(EXAMPLE_LINES):
        print(f"  on {count:>3} of {len(pages)} pages: {line[:70]!r}")
    print("navigation lines, pages that keep them (naive / ours):")
    for line in NAVIGATION_LINES:
        naive = sum(line in _lines(page.naive_text) for page in pages)
        ours = sum(line in _lines(page.ours.body) for page in pages if page.ours)
        print(f"  {line!r:<22} {naive:>4} / {ours}")


def report_content_kept(pages: list[PageResult]) -> float:
    """The share of each page's <div role="main"> words that our text keeps; the mean."""
    shares = []
    for page in pages:
        main = _words(page.main_text)
        if main.total():
            kept = (main & _words(page.ours.body if page.ours else "")).total()
            shares.append((kept / main.total(), page.path))
    shares.sort()
    below = [share for share, _ in shares if share < 0.99]
    mean = sum(share for share, _ in shares) / len(shares)
    print(
        f'content kept (words of <div role="main">): mean {mean:.2%}, '
        f"lowest {shares[0][0]:.2%}; {len(below)} of {len(shares)} pages under 99%"
    )
    for share, path in shares[:3]:
        print(f"  {share:.2%}  {path.relative_to(python_manual())}")
    return mean


def report_times(pages: list[PageResult]) -> None:
    ours = sum(page.ours_seconds for page in pages) / len(pages) * 1000
    naive = sum(page.naive_seconds for page in pages) / len(pages) * 1000
    print(f"time per page: ours {ours:.1f} ms, naive {naive:.1f} ms ({ours / naive:.2f}x)")


def naive_document(page: PageResult) -> Document:
    """Our document for the page with naive text as its body: only extraction differs."""
    body = "\n".join(
        line for line in (" ".join(raw.split()) for raw in page.naive_text.splitlines()) if line
    )
    return replace(page.ours, body=body, summary=summary_of(body), content_hash="")


def build_index(folder: Path, documents: list[Document]) -> SearchEngine:
    ix = open_or_create_index(folder)
    with ix.writer() as writer:
        for doc in documents:
            writer.add_document(**document_fields(doc))
    return SearchEngine(folder)


def ranked_ids(engine: SearchEngine, query: str) -> list[str]:
    """Every page the query matches, best first."""
    ids: list[str] = []
    page = 1
    while True:
        response = engine.search(SearchRequest(query=query, page=page, per_page=MAX_PER_PAGE))
        ids += [hit.id for hit in response.hits]
        if page >= response.pages:
            return ids
        page += 1


def report_search(pages: list[PageResult], workdir: Path) -> None:
    """Rank of the expected page per query, MRR, and naive's top-10 hits that match only
    through text ours leaves out (navigation: the sidebar's previous/next titles...)."""
    indexed = [page for page in pages if page.ours]
    engines = {
        "ours": build_index(workdir / "ours", [page.ours for page in indexed]),
        "naive": build_index(workdir / "naive", [naive_document(page) for page in indexed]),
    }
    ids = {str(page.path.relative_to(python_manual())): page.ours.id for page in indexed}
    reciprocal = {name: 0.0 for name in engines}
    stray = 0
    print(
        f"{'query':<40} {'expected page':<31} {'ours':>4} {'naive':>5} {'naive top 10 via nav':>20}"
    )
    for query, page in QUERIES:
        found = {name: ranked_ids(engine, query) for name, engine in engines.items()}
        ranks = {name: _rank(hits, ids[page]) for name, hits in found.items()}
        for name, rank in ranks.items():
            reciprocal[name] += 1 / rank if rank else 0.0
        only_naive = len(set(found["naive"][:10]) - set(found["ours"]))
        stray += only_naive
        shown = {name: str(rank) if rank else "-" for name, rank in ranks.items()}
        print(f"{query:<40} {page:<31} {shown['ours']:>4} {shown['naive']:>5} {only_naive:>20}")
    mrr = {name: total / len(QUERIES) for name, total in reciprocal.items()}
    print(f"MRR over {len(QUERIES)} queries: ours {mrr['ours']:.3f}, naive {mrr['naive']:.3f}")
    print(f"naive top-10 hits that ours does not match at all: {stray} of {10 * len(QUERIES)}")


def _rank(hits: list[str], wanted: str) -> int | None:
    return hits.index(wanted) + 1 if wanted in hits else None


def main() -> int:
    taxonomy = load_taxonomy()
    paths = manual_pages()
    print(f"Debian's Python 3.11 manual: {len(paths)} HTML pages in {python_manual()}")
    pages = [extract_page(path, taxonomy) for path in paths]
    unread = [page.path.name for page in pages if page.ours is None]
    if unread:
        print(f"pages ours found no text in: {len(unread)} ({', '.join(unread[:5])})")
    report_dropped_text(pages)
    kept = report_content_kept(pages)
    report_times(pages)
    workdir = Path(tempfile.mkdtemp(prefix="bench-extraction-"))
    try:
        report_search(pages, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    verdict = "PASS" if kept >= CONTENT_KEPT_TARGET else "FAIL"
    print(f"content kept {kept:.2%} (target >= {CONTENT_KEPT_TARGET:.0%}): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
