"""Where the time goes: pyinstrument over a from-scratch reindex and over /api/search requests.

Run after `python -m benchmarks.speed` for the same size (the search profile reuses that
run's index): `python -m benchmarks.profile --size 10k`. Profiles a reindex from scratch,
then one after 10 edited documents (both in one process), then 300 requests; writes
var/bench/profile-<what>-<size>.html, .txt and .pyisession, and prints the time of the
steps that matter, in total and per document or per request.
"""

import argparse
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.frame import Frame

from benchmarks.corpus import BENCH_DIR, SIZES, build_corpus, popular_areas
from benchmarks.profile_steps import REINDEX_STEPS, SEARCH_STEPS
from benchmarks.queries import corpus_texts, generate_queries, search_path
from benchmarks.reindex_speed import ten_documents_edited, timed_reindex
from index import reindex as reindex_module
from index import scan as scan_module
from web import create_app

REQUESTS = 300


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--size", default="10k", choices=list(SIZES))
    options.add_argument("--only", choices=["reindex", "search"], help="one profile only")
    args = options.parse_args(argv)
    index_dir = BENCH_DIR / f"work-{args.size}" / "index"
    if args.only in (None, "search") and not index_dir.exists():
        sys.exit(f"no index in {index_dir}: run python -m benchmarks.speed --sizes {args.size}")
    if args.only in (None, "reindex"):
        profile_reindex(args.size)
    if args.only in (None, "search"):
        profile_search(args.size, index_dir)
    return 0


def profile_reindex(label: str) -> None:
    """A reindex from scratch and one after 10 edits, all in this process: the profiler
    sees only its own process, and worker processes (index/bulk.py, index/workers.py)
    run the same reading and writing code."""
    corpus = build_corpus(label)
    index_dir = BENCH_DIR / f"work-{label}" / "profile-index"
    shutil.rmtree(index_dir, ignore_errors=True)
    never = 10**12
    scan_module.PARALLEL_FROM = never
    reindex_module.PARALLEL_WRITE_FROM = reindex_module.BULK_FROM_FILES = never
    try:
        root = _profiled(f"reindex-{label}", lambda: timed_reindex(index_dir, [str(corpus)]))
        _print_steps(f"reindex from scratch, {label}", root, REINDEX_STEPS, SIZES[label], "doc")
        with ten_documents_edited(corpus):
            root = _profiled(f"reindex-changed-{label}", lambda: timed_reindex(index_dir))
        _print_steps(f"reindex, 10 changed, {label}", root, REINDEX_STEPS, SIZES[label], "doc")
    finally:
        shutil.rmtree(index_dir, ignore_errors=True)


def profile_search(label: str, index_dir: Path) -> None:
    texts = corpus_texts(build_corpus(label))
    queries = generate_queries(texts, [area.name for area in popular_areas()], REQUESTS)
    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    client.get("/api/search?q=warm")  # opens the searcher and builds the facet sets

    def requests() -> None:
        for query in queries:
            client.get(search_path(query))

    root = _profiled(f"search-{label}", requests)
    _print_steps(f"/api/search, {label}", root, SEARCH_STEPS, len(queries), "request")


def _profiled(name: str, work: Callable[[], object]) -> Frame:
    profiler = Profiler(interval=0.001)
    profiler.start()
    work()
    session = profiler.stop()
    session.save(BENCH_DIR / f"profile-{name}.pyisession")  # `pyinstrument --load` reopens it
    (BENCH_DIR / f"profile-{name}.html").write_text(profiler.output_html(), "utf-8")
    text = profiler.output_text(unicode=True, color=False)
    (BENCH_DIR / f"profile-{name}.txt").write_text(text, "utf-8")
    print(f"wrote {BENCH_DIR}/profile-{name}.html, .txt and .pyisession")
    # Another process on the same cores shows as wall time without CPU time.
    print(f"wall {session.duration:.1f} s, CPU {session.cpu_time:.1f} s")
    return session.root_frame()


def _print_steps(title: str, root: Frame, steps: list, count: int, unit: str) -> None:
    print(f"\n{title}: {'step':<44} {'total s':>9} {'ms per ' + unit:>16}")
    for label, path, function in steps:
        seconds = step_seconds(root, path, function)
        print(f"{'':{len(title) + 2}}{label:<44} {seconds:>9.2f} {seconds / count * 1000:>16.3f}")


def step_seconds(root: Frame, path: str, function: str | None) -> float:
    """Time spent inside ``function`` of ``path`` (any function in it when None), counting
    a recursive call only once. ``path`` ending in "/" is a whole package."""
    total = 0.0
    stack = [root]
    while stack:
        frame = stack.pop()
        if function in (None, frame.function) and _in(frame.file_path or "", path):
            total += frame.time
        else:
            stack.extend(frame.children)
    return total


def _in(file_path: str, path: str) -> bool:
    return path in file_path if path.endswith("/") else file_path.endswith(path)


if __name__ == "__main__":
    sys.exit(main())
