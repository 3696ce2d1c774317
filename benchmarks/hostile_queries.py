"""Worst-case query times: ours against Whoosh's default parser on the same index.

Run: `make bench` (or `python -m benchmarks.hostile_queries`). Builds an index of
Debian's Python manual, then times each hostile query several times and prints the
slowest run of each, for our engine and for plain Whoosh (default QueryParser over
the body, top 10), as figures and a ratio. The target: no query of ours over 1 s.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

from whoosh.qparser import QueryParser

from benchmarks.debian_pages import manual_pages
from index.reindex import reindex
from index.store import open_index
from index.taxonomy import load_taxonomy
from search.engine import SearchEngine
from search.errors import BadRequest
from search.request import SearchRequest
from search.synonyms import load_synonyms

QUERIES = [
    "*",
    "*tion",
    "a*",
    " ".join(["a*"] * 40),
    "(" * 2000 + "x",
    "?" * 50,
    "title:",
    '"unclosed',
    "AND OR NOT",
    "import" + " OR import" * 39,
    '"' + "the " * 100 + '"',
    "x" * 500,
    "deep (+) learning",
    "dict",
    "asyncio event loop",
]
REPEAT = 3
LIMIT_SECONDS = 1.0


def slowest(run, repeat: int = REPEAT) -> float | str:
    worst = 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            run()
        except BadRequest:
            return "400"
        except Exception as error:  # the baseline fails in its own ways; report them
            return type(error).__name__
        worst = max(worst, time.perf_counter() - started)
    return worst


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        started = time.perf_counter()
        pages = [str(page) for page in manual_pages()]
        report = reindex(workdir / "ix", load_taxonomy(), pages)
        print(f"indexed {len(report.added)} manual pages in {time.perf_counter() - started:.1f} s")
        engine = SearchEngine(workdir / "ix", load_synonyms(), responses_kept=0)
        ix = open_index(workdir / "ix")
        baseline_parser = QueryParser("body", ix.schema)
        worst_ours = 0.0
        print(f"{'query':<32} {'ours ms':>9} {'plain Whoosh ms':>16} {'ratio':>7}")
        with ix.searcher() as searcher:
            for text in QUERIES:
                ours = slowest(lambda t=text: engine.search(SearchRequest(query=t[:500])))
                plain = slowest(lambda t=text: searcher.search(baseline_parser.parse(t), limit=10))
                if isinstance(ours, float):
                    worst_ours = max(worst_ours, ours)
                print(f"{text[:30]!r:<32} {_ms(ours):>9} {_ms(plain):>16} {_ratio(ours, plain):>7}")
        verdict = "PASS" if worst_ours < LIMIT_SECONDS else "FAIL"
        print(f"slowest of ours: {worst_ours * 1000:.1f} ms (target < 1000 ms): {verdict}")
        return 0 if verdict == "PASS" else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _ms(value: float | str) -> str:
    return f"{value * 1000:.1f}" if isinstance(value, float) else value


def _ratio(ours: float | str, plain: float | str) -> str:
    if isinstance(ours, float) and isinstance(plain, float) and plain > 0:
        return f"{ours / plain:.2f}x"
    return "-"


if __name__ == "__main__":
    sys.exit(main())
