"""Known-item relevance: MRR@10, success@1 and success@3, ours against plain Whoosh.

Run: `make bench` (or `python -m benchmarks.relevance`). Each judged set in
benchmarks/judgments/ is indexed by our pipeline (`index.reindex`) and by plain Whoosh
with default settings (title and body TEXT, default analyzer, the default
`MultifieldParser(["title", "body"])`, top 10), fed our extracted text so that only
ranking differs; a third row gives plain Whoosh a title boost. Sets: samples/ as it is,
and every HTML page of Debian's Python 3.11 manual (installed when missing).
"""

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whoosh.qparser import MultifieldParser
from whoosh.searching import Searcher

from benchmarks.debian_pages import manual_pages, python_manual
from benchmarks.indexes import OurIndex, our_index, plain_whoosh_index
from benchmarks.judgments import PYTHON_MANUAL, SAMPLES, Judgment, read_judgments
from search.errors import BadRequest
from search.request import SearchRequest

SAMPLES_FOLDER = Path(__file__).resolve().parent.parent / "samples"
TOP = 10
PLAIN_TITLE_BOOST = 2.0
OURS, PLAIN, PLAIN_BOOSTED = "ours", "plain Whoosh", f"plain, title x{PLAIN_TITLE_BOOST:g}"

# A query -> the judged names of the top 10 results, best first.
Search = Callable[[str], list[str]]


@dataclass(frozen=True)
class Scores:
    mrr: float
    success_at_1: float
    success_at_3: float


def rank_of(found: list[str], expected: tuple[str, ...]) -> int | None:
    """1-based rank of the first expected page among ``found``; None when absent."""
    return next((place for place, name in enumerate(found, 1) if name in expected), None)


def scores(ranks: list[int | None]) -> Scores:
    count = len(ranks) or 1
    return Scores(
        mrr=sum(1 / rank for rank in ranks if rank) / count,
        success_at_1=sum(1 for rank in ranks if rank == 1) / count,
        success_at_3=sum(1 for rank in ranks if rank and rank <= 3) / count,
    )


def our_search(ours: OurIndex) -> Search:
    def search(query: str) -> list[str]:
        try:
            response = ours.engine.search(SearchRequest(query=query, per_page=TOP))
        except BadRequest as error:
            print(f"  ours refused {query!r}: {error}")
            return []
        return [ours.names[hit.id] for hit in response.hits]

    return search


def plain_search(searcher: Searcher, fieldboosts: dict[str, float] | None = None) -> Search:
    parser = MultifieldParser(["title", "body"], searcher.schema, fieldboosts=fieldboosts)

    def search(query: str) -> list[str]:
        return [hit["name"] for hit in searcher.search(parser.parse(query), limit=TOP)]

    return search


def measure_set(label: str, judgments_file: Path, root: Path, paths: list[Path]) -> None:
    judgments = read_judgments(judgments_file)
    workdir = Path(tempfile.mkdtemp(prefix="bench-relevance-"))
    try:
        started = time.perf_counter()
        ours = our_index(workdir / "ours", root, paths)
        plain_ix = plain_whoosh_index(workdir / "plain", ours.documents, ours.names)
        seconds = time.perf_counter() - started
        _check_expected(judgments_file, judgments, set(ours.names.values()))
        print(f"\n== {label}: {len(judgments)} queries over {len(ours.documents)} documents")
        print(f"   (both indexes built in {seconds:.1f} s)")
        with plain_ix.searcher() as searcher:
            systems = {
                OURS: our_search(ours),
                PLAIN: plain_search(searcher),
                PLAIN_BOOSTED: plain_search(searcher, {"title": PLAIN_TITLE_BOOST}),
            }
            ranks = {
                name: [rank_of(search(j.query), j.expected) for j in judgments]
                for name, search in systems.items()
            }
        _print_report(judgments, ranks)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _check_expected(path: Path, judgments: list[Judgment], names: set[str]) -> None:
    unknown = sorted({name for j in judgments for name in j.expected} - names)
    if unknown:
        sys.exit(f"{path}: no document is named {', '.join(unknown)}")


def _print_report(judgments: list[Judgment], ranks: dict[str, list[int | None]]) -> None:
    print(f"{'system':<28} {'MRR@10':>7} {'success@1':>10} {'success@3':>10}")
    for name, system_ranks in ranks.items():
        result = scores(system_ranks)
        print(
            f"{name:<28} {result.mrr:>7.3f} {result.success_at_1:>10.3f}"
            f" {result.success_at_3:>10.3f}"
        )
    _print_categories(judgments, ranks)
    ours, plain = ranks[OURS], ranks[PLAIN]
    worse = [i for i, j in enumerate(judgments) if _worse(ours[i], plain[i])]
    _print_queries("ours ranks the expected page worse than plain Whoosh", judgments, worse, ranks)
    missed = [i for i in range(len(judgments)) if not ours[i] or ours[i] > 3]
    _print_queries("ours has no expected page in its top 3", judgments, missed, ranks)


def _print_categories(judgments: list[Judgment], ranks: dict[str, list[int | None]]) -> None:
    print(f"\n{'MRR@10 by category':<28} {'n':>3} " + " ".join(f"{n:>15}" for n in ranks))
    for category in dict.fromkeys(j.category for j in judgments):
        members = [i for i, j in enumerate(judgments) if j.category == category]
        values = [scores([system[i] for i in members]).mrr for system in ranks.values()]
        print(f"  {category:<26} {len(members):>3} " + " ".join(f"{v:>15.3f}" for v in values))


def _print_queries(
    heading: str, judgments: list[Judgment], rows: list[int], ranks: dict[str, list[int | None]]
) -> None:
    print(f"\n{heading} ({len(rows)}); rank in the top 10, - when absent:")
    if rows:
        print(f"  {'query':<44} {'category':<9} {'ours':>5} {'plain':>6}")
    for i in rows:
        query = judgments[i].query
        shown = query if len(query) <= 44 else query[:41] + "..."
        print(
            f"  {shown:<44} {judgments[i].category:<9} {_rank(ranks[OURS][i]):>5}"
            f" {_rank(ranks[PLAIN][i]):>6}"
        )


def _worse(ours: int | None, plain: int | None) -> bool:
    return plain is not None and (ours is None or ours > plain)


def _rank(rank: int | None) -> str:
    return str(rank) if rank else "-"


def main() -> int:
    print(
        f"ours: SearchEngine.search(SearchRequest(query=...)); plain Whoosh: title and body TEXT,"
        f" default analyzer, default MultifieldParser(['title', 'body']), top {TOP};"
        f" the same extracted text"
    )
    measure_set("samples", SAMPLES, SAMPLES_FOLDER, [SAMPLES_FOLDER])
    measure_set("Python 3.11 manual", PYTHON_MANUAL, python_manual(), manual_pages())
    return 0


if __name__ == "__main__":
    sys.exit(main())
