"""Search as you type: how long /api/suggest takes per keystroke, against plain Whoosh.

Run: `make bench` (or `python -m benchmarks.suggestions`). Debian's Python manual is
indexed by our pipeline; then 120 real titles and words from it are typed a character at a
time, as a user would (`d`, `di`, `dic`, ... `dict`), and every prefix is asked of our
suggestions (titles and completed queries, through the Flask app, as a browser would) and
of plain Whoosh: the default `QueryParser` on the title field with the last word as a
prefix (`Prefix`, top 10 by score). Each keystroke is asked once (the first time, as the
first user to type it) and then again (as the next user does). Prints p50, p95 and p99 in
milliseconds for both, and their ratio.
"""

import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import Index
from whoosh.qparser import QueryParser
from whoosh.query import And, Prefix

from benchmarks.debian_pages import manual_pages, python_manual
from benchmarks.indexes import our_index
from web import create_app

TYPED = 120
SEED = 11


def typed_texts(titles: list[str]) -> list[str]:
    """What users type: the start of a title (one to three words), or one of its words."""
    rng = random.Random(SEED)
    texts = []
    for title in rng.sample(titles, min(TYPED, len(titles))):
        words = [w for w in title.split() if w.isalpha()]
        if not words:
            continue
        texts.append(" ".join(words[: rng.randint(1, 3)]).lower())
    return texts


def keystrokes(text: str) -> list[str]:
    return [text[:end] for end in range(1, len(text) + 1) if not text[:end].endswith(" ")]


def percentiles(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return at(0.50), at(0.95), at(0.99)


def plain_prefix(searcher, parser, typed: str) -> list[str]:
    words = typed.split()
    query = And([*(parser.parse(w) for w in words[:-1]), Prefix("title", words[-1])])
    return [hit["name"] for hit in searcher.search(query, limit=10)]


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="suggest-bench-"))
    try:
        ours = our_index(folder / "ours", python_manual(), manual_pages())
        client = create_app({"INDEX_DIR": str(folder / "ours")}).test_client()
        texts = typed_texts([doc.title for doc in ours.documents])
        prefixes = [p for text in texts for p in keystrokes(text)]
        plain_ix = plain_index(folder / "plain", ours.documents)

        def ask_ours(prefix: str) -> object:
            return client.get("/api/suggest", query_string={"q": prefix})

        with plain_ix.searcher() as searcher:
            parser = QueryParser("title", plain_ix.schema)
            timings = {
                "ours, first asking": timed(ask_ours, prefixes),
                "ours, asked again": timed(ask_ours, prefixes),
                "plain Whoosh prefix": timed(lambda p: plain_prefix(searcher, parser, p), prefixes),
            }
        print(f"{len(prefixes)} keystrokes from {len(texts)} typed titles, Python manual")
        print(f"{'':24}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for label, times in timings.items():
            p50, p95, p99 = percentiles(times)
            print(f"{label:24}{p50:9.2f}{p95:9.2f}{p99:9.2f}")
        base = statistics.median(timings["plain Whoosh prefix"])
        first = statistics.median(timings["ours, first asking"])
        print(f"p50 ratio, ours first asking / plain Whoosh: {first / base:.2f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def timed(ask, prefixes: list[str]) -> list[float]:
    times = []
    for prefix in prefixes:
        started = time.perf_counter()
        ask(prefix)
        times.append(time.perf_counter() - started)
    return times


def plain_index(folder: Path, documents) -> Index:
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), Schema(name=ID(stored=True), title=TEXT()))
    with ix.writer() as writer:
        for doc in documents:
            writer.add_document(name=doc.id, title=doc.title)
    return ix


if __name__ == "__main__":
    sys.exit(main())
