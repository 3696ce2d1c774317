"""The engine alone, in this process, against plain Whoosh: no HTTP, Flask or JSON.

Run after `python -m benchmarks.speed` for the same size (it reuses that run's indexes):
`python -m benchmarks.in_process --size 10k`. The engine remembers no answers and is
warmed up with the speed benchmark's warm-up searches (no query text in common with the
timed ones), then each timed search is answered once; plain Whoosh (`QueryParser("body")`,
top 10) answers the same query texts on the naive index ("plain", the speed benchmark's
baseline) and on our index ("plain, ours"). To compare two commits, run it
from a worktree of each, in turn, a few times: the machine's speed moves from run to run.

`--pause-ms 1` pauses that long before each timed search, ours and plain Whoosh's alike,
as a server idles between requests while the client takes its turn: on this machine a
processor that has just idled runs the same search markedly slower than one kept busy.
"""

import argparse
import contextlib
import sys
import time

from werkzeug.datastructures import MultiDict

from benchmarks.baseline import plain_search_seconds
from benchmarks.corpus import BENCH_DIR, SIZES, build_corpus, popular_areas
from benchmarks.queries import corpus_texts, generate_queries, warm_up_queries
from benchmarks.speed import QUERY_COUNT, percentile
from search.engine import SearchEngine
from search.errors import BadRequest
from search.request import request_from_args


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--size", default="10k", choices=list(SIZES))
    options.add_argument(
        "--pause-ms", type=float, default=0.0, help="pause before each timed search (ms)"
    )
    args = options.parse_args(argv)
    work = BENCH_DIR / f"work-{args.size}"
    if not ((work / "index").exists() and (work / "plain").exists()):
        sys.exit(f"no indexes in {work}: run python -m benchmarks.speed --sizes {args.size}")
    texts = corpus_texts(build_corpus(args.size))
    areas = [area.name for area in popular_areas()]
    timed = generate_queries(texts, areas, QUERY_COUNT)
    warm_up = warm_up_queries(texts, areas, QUERY_COUNT, timed)
    engine = SearchEngine(work / "index", responses_kept=0, freeze=True)
    for params in warm_up:
        _answer(engine, params)
    pause = args.pause_ms / 1000
    ours = [_answer(engine, params, pause) for params in timed]
    texts = [dict(params).get("q", "") for params in timed]
    plain = plain_search_seconds(work / "plain", texts, pause)
    on_ours = plain_search_seconds(work / "index", texts, pause)
    if pause:
        print(f"a pause of {args.pause_ms:g} ms before each timed search")
    print(f"{args.size}: {'':13}{'p50':>8}{'p95':>8}{'p99':>8}  (ms)")
    margin = " " * (len(args.size) + 2)
    for name, seconds in (("ours", ours), ("plain", plain), ("plain, ours", on_ours)):
        figures = "".join(f"{percentile(seconds, rank) * 1000:>8.2f}" for rank in (50, 95, 99))
        print(f"{margin}{name:<13}{figures}")
    for name, seconds in (("plain", plain), ("plain, ours", on_ours)):
        ratio = percentile(ours, 50) / percentile(seconds, 50)
        print(f"{margin}p50 ratio to {name}: {ratio:.2f}x")
    return 0


def _answer(engine: SearchEngine, params: list[tuple[str, str]], pause: float = 0.0) -> float:
    """Seconds to answer one search (a page past the last is an answer too: an error)."""
    time.sleep(pause)
    started = time.perf_counter()
    with contextlib.suppress(BadRequest):
        engine.search(request_from_args(MultiDict(params)))
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
