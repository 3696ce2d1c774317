"""Speed at 1k, 10k and 100k documents, each figure against a baseline measured in the same run.

Run: `make bench` (all sizes) or `python -m benchmarks.speed --sizes 1k,10k`. For each
size: build (or reuse) the corpus; index it naively and with our reindex; reindex after
10 edits and with nothing changed; serve it with gunicorn and time a few hundred
/api/search requests; read the server's memory; load it with wrk. Indexes stay in
var/bench/work-<size>/ for `python -m benchmarks.profile` and for `--search-only`, which
measures the search side again on them; tables go to var/bench/.

Latency is measured with every answer worked out: the server remembers no answers
(RESEARCH_SEARCH_RESPONSE_CACHE=0), and the searches that warm it up are others than the
timed ones (another seed, no query text in common). wrk runs twice: against that server,
and against one as deployed, which remembers answers (wrk repeats its few hundred paths).
The latency baseline is plain Whoosh's search alone, in process, on the naive index (as
the reindex baseline builds it), timed in turns with our server's requests, 50 searches
at a time; a row gives it on our own index too. The floor HTTP puts under the target is
measured the same way: plain Whoosh as a minimal search API, making only the baseline's
calls, and an app that answers ``{}`` (benchmarks/plain_app.py).
"""

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from werkzeug.datastructures import MultiDict

from benchmarks import load, server
from benchmarks.baseline import BuildTimes, PlainSearch, build_naive_index
from benchmarks.corpus import BENCH_DIR, SIZES, build_corpus, popular_areas
from benchmarks.queries import Params, corpus_texts, generate_queries, search_path, warm_up_queries
from benchmarks.reindex_speed import ReindexTimes, ten_documents_edited, timed_reindex
from benchmarks.report import Row, markdown_table, text_table
from search.engine import SearchEngine
from search.errors import BadRequest
from search.request import request_from_args

QUERY_COUNT = 300
# Timed requests between two turns of plain Whoosh (see _timed).
BLOCK = 50


@dataclass(frozen=True)
class Served:
    """What one server did: latency of each timed request, memory after wrk, wrk's figures."""

    seconds: list[float]
    errors: int
    rss_mb: float
    pss_mb: float
    load: load.LoadResult
    first_seconds: float
    # Plain Whoosh's times for the same searches, taken in turns with these (see _timed).
    beside: tuple[list[float], ...] = ()


@dataclass(frozen=True)
class SearchPaths:
    """The /api/search paths a server is warmed up with, and the different ones timed."""

    warm_up: list[str]
    timed: list[str]


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default=",".join(SIZES), help="e.g. 1k,10k (default: all)")
    options.add_argument("--queries", type=int, default=QUERY_COUNT)
    options.add_argument("--load-seconds", type=int, default=load.DURATION_SECONDS)
    options.add_argument(
        "--search-only",
        action="store_true",
        help="measure searching again on the indexes of an earlier run (no reindex figures)",
    )
    args = options.parse_args(argv)
    labels = [label.strip() for label in args.sizes.split(",") if label.strip()]
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        options.error(f"unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    load.wrk_installed()
    for label in labels:
        rows = measure(label, args.queries, args.load_seconds, args.search_only)
        table = text_table(f"\n{label} documents", rows)
        print(table, flush=True)
        (BENCH_DIR / f"speed-{label}.md").write_text(markdown_table(rows) + "\n", "utf-8")
    return 0


def measure(label: str, query_count: int, load_seconds: int, search_only: bool) -> list[Row]:
    started = time.perf_counter()
    corpus = build_corpus(label)
    work = BENCH_DIR / f"work-{label}"
    reindex_rows = [] if search_only else _reindexed(label, corpus, work)
    if search_only and not ((work / "index").exists() and (work / "plain").exists()):
        sys.exit(f"no indexes in {work}: run without --search-only first")
    paths = _search_paths(corpus, work / "index", query_count)
    index_env = {"RESEARCH_SEARCH_INDEX": str(work / "index")}
    worked_out_env = {**index_env, "RESEARCH_SEARCH_RESPONSE_CACHE": "0"}
    script = work / "load.lua"
    warm_up_texts = [_query_text(path) for path in paths.warm_up]
    naive = PlainSearch(work / "plain", warm_up_texts)
    on_ours = PlainSearch(work / "index", warm_up_texts)
    plain_env = {"PLAIN_INDEX": str(work / "plain")}
    try:
        with server.gunicorn(server.OURS, worked_out_env, "/healthz", work / "ours.log") as running:
            worked_out = _serve(running, paths, script, load_seconds, (naive, on_ours))
        log = work / "ours-deployed.log"
        with server.gunicorn(server.OURS, index_env, "/healthz", log) as running:
            deployed = _serve(running, paths, script, load_seconds)
        plain_log = work / "plain.log"
        with server.gunicorn(server.PLAIN, plain_env, "/?q=python", plain_log) as running:
            plain_served = _serve(running, paths, script, load_seconds, (naive,))
        floors = [
            _floor(app, plain_env, work / f"floor-{name}.log", paths, naive)
            for name, app in (("search-only", server.PLAIN_SEARCH_ONLY), ("empty", server.EMPTY))
        ]
    finally:
        naive.close()
        on_ours.close()
    load_average = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    _note(label, f"measured in {time.perf_counter() - started:.0f} s; load average {load_average}")
    return [
        *reindex_rows,
        *_latency_rows(label, worked_out, plain_served, floors),
        *_server_rows(label, worked_out, deployed, plain_served),
    ]


def _reindexed(label: str, corpus: Path, work: Path) -> list[Row]:
    """Index the corpus naively and with our reindex, from scratch, then after 10 edits
    and with nothing changed; the figures as rows."""
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
    return _reindex_rows(label, ours, naive, changed, unchanged)


def _search_paths(corpus: Path, index_dir: Path, count: int) -> SearchPaths:
    texts = corpus_texts(corpus)
    areas = [area.name for area in popular_areas()]
    timed = generate_queries(texts, areas, count)
    warm_up = warm_up_queries(texts, areas, count, timed)
    return SearchPaths(
        warm_up=[search_path(params) for params in warm_up],
        timed=[search_path(params) for params in _pages_within_range(index_dir, timed)],
    )


def _note(label: str, text: str) -> None:
    print(f"[{label}] {text}", flush=True)


def _pages_within_range(index_dir: Path, searches: list[Params]) -> list[Params]:
    """The searches, a page past the last made page 1; found in this process, so that
    the server meets each timed search for the first time when it is timed."""
    engine = SearchEngine(index_dir, responses_kept=0)
    kept = []
    for params in searches:
        try:
            engine.search(request_from_args(MultiDict(params)))
        except BadRequest as error:
            if error.code != "page_out_of_range":
                raise
            params = [(name, value) for name, value in params if name != "page"]
        kept.append(params)
    return kept


def _serve(
    running: server.Server,
    paths: SearchPaths,
    script: Path,
    seconds: int,
    besides: tuple[PlainSearch, ...] = (),
) -> Served:
    """Warm the server up (both workers), time each timed path once (in turns with
    ``besides``: see _timed), load it with wrk cycling through the timed paths, then
    read its memory."""
    first = load.get(running, paths.warm_up[0]).seconds
    for path in paths.warm_up[1:]:
        load.get(running, path)
    answers, beside = _timed(running, paths.timed, besides)
    loaded = load.run_wrk(running, paths.timed, script, seconds)
    rss, pss = server.memory_mb(running.pid)
    return Served(
        seconds=[a.seconds for a in answers],
        errors=sum(a.status != 200 for a in answers),
        rss_mb=rss,
        pss_mb=pss,
        load=loaded,
        first_seconds=first,
        beside=beside,
    )


def _timed(
    running: server.Server, timed: list[str], besides: tuple[PlainSearch, ...]
) -> tuple[list[load.Answer], tuple[list[float], ...]]:
    """Each path requested once and, BLOCK paths at a time, each block's query texts also
    searched in this process by each of ``besides``, back to back, before the block's
    requests or after them, in turn. The machine's speed drifts by half within minutes,
    so the two are timed over the same minutes rather than one after the other."""
    answers: list[load.Answer] = []
    beside: tuple[list[float], ...] = tuple([] for _ in besides)
    for number, first in enumerate(range(0, len(timed), BLOCK)):
        block = timed[first : first + BLOCK]
        texts = [_query_text(path) for path in block]
        if number % 2 == 0:
            for plain, seconds in zip(besides, beside, strict=True):
                seconds += plain.seconds(texts)
        answers += [load.get(running, path) for path in block]
        if number % 2 == 1:
            for plain, seconds in zip(besides, beside, strict=True):
                seconds += plain.seconds(texts)
    return answers, beside


@dataclass(frozen=True)
class Floor:
    """A server that does no more than the baseline (plain Whoosh's calls alone, or
    nothing): each timed request's seconds, and the baseline's, timed in turns."""

    seconds: list[float]
    baseline: list[float]


def _floor(
    app: str, env: dict[str, str], log: Path, paths: SearchPaths, naive: PlainSearch
) -> Floor:
    with server.gunicorn(app, env, "/?q=python", log) as running:
        for path in paths.warm_up:
            load.get(running, path)
        answers, (baseline,) = _timed(running, paths.timed, (naive,))
    failed = [answer.status for answer in answers if answer.status != 200]
    if failed:
        raise RuntimeError(f"{app} answered {len(failed)} requests with {failed[0]}: see {log}")
    return Floor([answer.seconds for answer in answers], baseline)


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


def _latency_rows(label: str, ours: Served, plain_http: Served, floors: list[Floor]) -> list[Row]:
    """Latency against plain Whoosh on the naive index in process (the target's baseline),
    and against it on our own index and behind the same gunicorn. Then the floor, each
    against the baseline timed in turns with it: plain Whoosh over HTTP as a minimal search
    API (ids, titles, total), making only the baseline's calls, and a server that does
    nothing. Where these miss 1.5x, no server doing that work over HTTP meets the target."""
    naive, on_ours = ours.beside
    p50, p95, p99 = (percentile(ours.seconds, p) * 1000 for p in (50, 95, 99))
    base50, base95, base99 = (percentile(naive, p) * 1000 for p in (50, 95, 99))
    target50 = "<= 1.5x" + (", <= 20 ms" if label == "100k" else "")
    fast_enough = p50 <= 1.5 * base50 and (p50 <= 20 or label != "100k")
    plain_http50 = _p50_ms(plain_http.seconds)
    search_only, empty = floors
    return [
        Row("/api/search p50, ms (answers worked out)", p50, base50, 2, target50, fast_enough),
        Row(
            "/api/search p95, ms",
            p95,
            base95,
            2,
            "<= 25 ms at 10k",
            p95 <= 25 if label == "10k" else None,
        ),
        Row("/api/search p99, ms", p99, base99, 2),
        Row("  p50 vs plain Whoosh on our index, ms", p50, _p50_ms(on_ours), 2),
        Row("  p50 vs plain app over HTTP, ms", p50, plain_http50, 2),
        Row(
            "  plain app (ids, titles, total) over HTTP, p50 ms",
            plain_http50,
            _p50_ms(plain_http.beside[0]),
            2,
        ),
        Row(
            "  plain search alone over HTTP, p50 ms",
            _p50_ms(search_only.seconds),
            _p50_ms(search_only.baseline),
            2,
        ),
        Row(
            "  do-nothing app over HTTP, p50 ms",
            _p50_ms(empty.seconds),
            _p50_ms(empty.baseline),
            2,
        ),
        Row("  first request after start, ms", ours.first_seconds * 1000, None, 0),
        Row("  non-200 answers", ours.errors, plain_http.errors, 0, "0", ours.errors == 0),
    ]


def _server_rows(label: str, worked_out: Served, deployed: Served, plain: Served) -> list[Row]:
    """Memory as deployed after its wrk run, and wrk both ways; the throughput target is
    judged with every answer worked out."""
    return [
        Row(
            "server RSS (master + 2 workers), MB",
            deployed.rss_mb,
            plain.rss_mb,
            0,
            "<= 250 MB at 100k",
            deployed.rss_mb <= 250 if label == "100k" else None,
        ),
        Row("  PSS (shared pages counted once), MB", deployed.pss_mb, plain.pss_mb, 0),
        Row("  RSS remembering no answers, MB", worked_out.rss_mb, plain.rss_mb, 0),
        *_wrk_rows("wrk, every answer worked out", worked_out.load, plain.load, label == "10k"),
        *_wrk_rows("wrk as deployed (answers remembered)", deployed.load, plain.load, None),
    ]


def _wrk_rows(
    title: str, ours: load.LoadResult, plain: load.LoadResult, judged: bool | None
) -> list[Row]:
    """Requests/s, p99 and errors; targets shown when ``judged`` is not None, and judged
    when it is True."""
    errors = ours.non_2xx + ours.socket_errors
    targets = judged is not None
    return [
        Row(
            f"{title}: requests/s",
            ours.requests_per_second,
            plain.requests_per_second,
            0,
            ">= 300 at 10k" if targets else "",
            ours.requests_per_second >= 300 if judged else None,
        ),
        Row(
            "  p99, ms",
            ours.p99_ms,
            plain.p99_ms,
            1,
            "<= 100 ms at 10k" if targets else "",
            ours.p99_ms <= 100 if judged else None,
        ),
        Row(
            "  errors (non-2xx + socket)",
            errors,
            plain.non_2xx + plain.socket_errors,
            0,
            "0",
            errors == 0,
        ),
    ]


def _p50_ms(seconds: list[float]) -> float:
    return percentile(seconds, 50) * 1000


def percentile(values: list[float], rank: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(rank / 100 * len(ordered)) - 1))]


if __name__ == "__main__":
    sys.exit(main())
