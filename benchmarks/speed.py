"""Speed at 1k, 10k and 100k documents, each figure against a baseline measured in the same run.

Run: `make bench` (all sizes) or `python -m benchmarks.speed --sizes 1k,10k`. For each
size: build (or reuse) the corpus; index it naively and with our reindex; reindex after
10 edits and with nothing changed; serve it with gunicorn and time a few hundred
/api/search requests; read the server's memory; load it with wrk. Indexes stay in
var/bench/work-<size>/ for `python -m benchmarks.profile`; tables go to var/bench/.
"""

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from benchmarks import load, server
from benchmarks.baseline import BuildTimes, build_naive_index, plain_search_seconds
from benchmarks.corpus import BENCH_DIR, SIZES, build_corpus, popular_areas
from benchmarks.queries import corpus_texts, generate_queries, search_path
from benchmarks.reindex_speed import ReindexTimes, ten_documents_edited, timed_reindex
from benchmarks.report import Row, markdown_table, text_table

QUERY_COUNT = 300


@dataclass(frozen=True)
class Served:
    """What one server did: latency of each request, memory after them, and wrk's figures."""

    seconds: list[float]
    errors: int
    rss_mb: float
    pss_mb: float
    load: load.LoadResult
    first_seconds: float = 0.0


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default=",".join(SIZES), help="e.g. 1k,10k (default: all)")
    options.add_argument("--queries", type=int, default=QUERY_COUNT)
    options.add_argument("--load-seconds", type=int, default=load.DURATION_SECONDS)
    args = options.parse_args(argv)
    labels = [label.strip() for label in args.sizes.split(",") if label.strip()]
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        options.error(f"unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    load.wrk_installed()
    for label in labels:
        rows = measure(label, args.queries, args.load_seconds)
        table = text_table(f"\n{label} documents", rows)
        print(table, flush=True)
        (BENCH_DIR / f"speed-{label}.md").write_text(markdown_table(rows) + "\n", "utf-8")
    return 0


def measure(label: str, query_count: int, load_seconds: int) -> list[Row]:
    started = time.perf_counter()
    corpus = build_corpus(label)
    work = BENCH_DIR / f"work-{label}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    naive = build_naive_index(corpus, work / "plain")
    _note(label, f"naive index: {naive.documents} documents in {naive.seconds:.1f} s")
    ours = timed_reindex(work / "index", [str(corpus)])
    _note(label, f"our reindex: {ours.report.summary_line()} in {ours.seconds:.1f} s")
    with ten_documents_edited(corpus):
        changed = timed_reindex(work / "index")
        unchanged = timed_reindex(work / "index")
    for name, times in (("10 edited", changed), ("nothing changed", unchanged)):
        split = f"reading {times.reading_seconds:.1f} s, indexing {times.indexing_seconds:.1f} s"
        _note(label, f"{name}: {times.report.summary_line()} in {times.seconds:.1f} s ({split})")
    texts = corpus_texts(corpus)
    queries = generate_queries(texts, [area.name for area in popular_areas()], query_count)
    env = {"RESEARCH_SEARCH_INDEX": str(work / "index")}
    with server.gunicorn(server.OURS, env, "/healthz", work / "ours.log") as running:
        paths, first = _paths_within_range(running, [search_path(q) for q in queries])
        served = replace(
            _serve(running, paths, work / "load.lua", load_seconds), first_seconds=first
        )
    plain_env = {"PLAIN_INDEX": str(work / "plain")}
    with server.gunicorn(server.PLAIN, plain_env, "/?q=python", work / "plain.log") as running:
        plain_served = _serve(running, paths, work / "load.lua", load_seconds)
    plain = plain_search_seconds(work / "plain", [_query_text(path) for path in paths])
    load_average = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    _note(label, f"measured in {time.perf_counter() - started:.0f} s; load average {load_average}")
    return [
        *_reindex_rows(label, ours, naive, changed, unchanged),
        *_latency_rows(label, served, plain_served, plain),
        *_server_rows(label, served, plain_served),
    ]


def _note(label: str, text: str) -> None:
    print(f"[{label}] {text}", flush=True)


def _paths_within_range(running: server.Server, paths: list[str]) -> tuple[list[str], float]:
    """Every path once (warming both workers); a page past the last becomes page 1.

    Also returns how long the first search after the server started took.
    """
    kept, first = [], None
    for path in paths:
        answer = load.get(running, path)
        first = answer.seconds if first is None else first
        if answer.status == 400 and b"page_out_of_range" in answer.body:
            path = path.replace("&page=2", "").replace("&page=3", "")
        kept.append(path)
    return kept, first or 0.0


def _serve(running: server.Server, paths: list[str], script: Path, seconds: int) -> Served:
    answers = [load.get(running, path) for path in paths]
    rss, pss = server.memory_mb(running.pid)
    return Served(
        seconds=[a.seconds for a in answers],
        errors=sum(a.status != 200 for a in answers),
        rss_mb=rss,
        pss_mb=pss,
        load=load.run_wrk(running, paths, script, seconds),
    )


def _query_text(path: str) -> str:
    return parse_qs(urlsplit(path).query).get("q", [""])[0]


def _reindex_rows(
    label: str, ours: ReindexTimes, naive: BuildTimes, changed: ReindexTimes, same: ReindexTimes
) -> list[Row]:
    big = label == "100k"
    ours_rate = len(ours.report.added) / ours.seconds
    naive_rate = naive.documents / naive.seconds
    return [
        Row(
            "reindex from scratch, docs/s",
            ours_rate,
            naive_rate,
            0,
            ">= 2.00x",
            ours_rate >= 2 * naive_rate,
        ),
        Row("  CPU, all processes, s", ours.cpu_seconds, naive.cpu_seconds),
        Row(
            "  reading (ours: and writing beside it), s",
            ours.reading_seconds,
            naive.reading_seconds,
        ),
        Row(
            "  writing (ours: guessed pages, commit), s",
            ours.indexing_seconds,
            naive.writing_seconds,
        ),
        Row(
            "reindex, 10 docs changed, s",
            changed.seconds,
            naive.seconds,
            2,
            "<= 2 s at 100k",
            changed.seconds <= 2 if big else None,
        ),
        Row(
            "reindex, nothing changed, s",
            same.seconds,
            naive.seconds,
            2,
            "<= 15 s at 100k",
            same.seconds <= 15 if big else None,
        ),
    ]


def _latency_rows(label: str, ours: Served, plain_http: Served, plain: list[float]) -> list[Row]:
    p50, p95, p99 = (percentile(ours.seconds, p) * 1000 for p in (50, 95, 99))
    base50, base95, base99 = (percentile(plain, p) * 1000 for p in (50, 95, 99))
    target50 = "<= 1.5x" + (", <= 20 ms" if label == "100k" else "")
    fast_enough = p50 <= 1.5 * base50 and (p50 <= 20 or label != "100k")
    return [
        Row("/api/search p50, ms", p50, base50, 2, target50, fast_enough),
        Row(
            "/api/search p95, ms",
            p95,
            base95,
            2,
            "<= 25 ms at 10k",
            p95 <= 25 if label == "10k" else None,
        ),
        Row("/api/search p99, ms", p99, base99, 2),
        Row("  p50 vs plain app over HTTP, ms", p50, percentile(plain_http.seconds, 50) * 1000, 2),
        Row("  first request after start, ms", ours.first_seconds * 1000, None, 0),
        Row("  non-200 answers", ours.errors, plain_http.errors, 0, "0", ours.errors == 0),
    ]


def _server_rows(label: str, ours: Served, plain: Served) -> list[Row]:
    small = label == "10k"
    errors = ours.load.non_2xx + ours.load.socket_errors
    return [
        Row(
            "server RSS (master + 2 workers), MB",
            ours.rss_mb,
            plain.rss_mb,
            0,
            "<= 250 MB at 100k",
            ours.rss_mb <= 250 if label == "100k" else None,
        ),
        Row("  PSS (shared pages counted once), MB", ours.pss_mb, plain.pss_mb, 0),
        Row(
            "wrk, 16 connections: requests/s",
            ours.load.requests_per_second,
            plain.load.requests_per_second,
            0,
            ">= 300 at 10k",
            ours.load.requests_per_second >= 300 if small else None,
        ),
        Row(
            "  p99, ms",
            ours.load.p99_ms,
            plain.load.p99_ms,
            1,
            "<= 100 ms at 10k",
            ours.load.p99_ms <= 100 if small else None,
        ),
        Row(
            "  errors (non-2xx + socket)",
            errors,
            plain.load.non_2xx + plain.load.socket_errors,
            0,
            "0",
            errors == 0,
        ),
    ]


def percentile(values: list[float], rank: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(rank / 100 * len(ordered)) - 1))]


if __name__ == "__main__":
    sys.exit(main())
