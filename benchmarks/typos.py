"""Did-you-mean on misspelt words: our suggestion against Whoosh's default corrector.

Run: `make bench` (or `python -m benchmarks.typos`). Indexes the HTML pages of Debian's
Python 3.11 manual with our pipeline, then asks about each word in
benchmarks/judgments/typos.tsv (misspellings of words in the manual, and acronyms and
names that must be left alone): our `SearchResponse.suggestion` (timed as a whole search
request), and Whoosh's default `searcher.correct_query`, which corrects words missing
from the index with `searcher.corrector("body")`, over the same index's stemmed body field.
"""

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from whoosh.qparser import QueryParser
from whoosh.searching import Searcher

from benchmarks.debian_pages import manual_pages, python_manual
from benchmarks.indexes import our_index
from benchmarks.judgments import Typo, read_typos
from search.engine import SearchEngine
from search.request import SearchRequest

RIGHT, LEFT_ALONE, WRONG_CHANGE = "right", "left alone", "wrong change"
# The first search pays for loading the index; it is not a word's cost.
WARM_UP = "python"

# A word -> the word suggested instead, or None when it is left as typed.
Corrector = Callable[[str], str | None]


def verdict(typo: Typo, suggested: str | None) -> str:
    if suggested is None or suggested.lower() == typo.typed.lower():
        return RIGHT if typo.must_keep else LEFT_ALONE
    return RIGHT if suggested.lower() == typo.intended.lower() else WRONG_CHANGE


def our_corrector(engine: SearchEngine) -> Corrector:
    return lambda word: engine.search(SearchRequest(query=word)).suggestion


def whoosh_corrector(searcher: Searcher) -> Corrector:
    parser = QueryParser("body", searcher.schema)

    def correct(word: str) -> str | None:
        correction = searcher.correct_query(parser.parse(word), word)
        return correction.string if correction.string != word else None

    return correct


def ask(corrector: Corrector, typos: list[Typo]) -> tuple[list[str | None], float]:
    """Each word's suggestion, and the mean milliseconds per word."""
    corrector(WARM_UP)
    answers, times = [], []
    for typo in typos:
        started = time.perf_counter()
        answers.append(corrector(typo.typed))
        times.append(time.perf_counter() - started)
    return answers, statistics.fmean(times) * 1000


def main() -> int:
    typos = read_typos()
    workdir = Path(tempfile.mkdtemp(prefix="bench-typos-"))
    try:
        ours = our_index(workdir / "ours", python_manual(), manual_pages())
        print(f"did you mean, over {len(ours.documents)} pages of the Python 3.11 manual")
        with ours.index.searcher() as searcher:
            systems = {
                "ours (whole search)": ask(our_corrector(ours.engine), typos),
                "Whoosh correct_query": ask(whoosh_corrector(searcher), typos),
            }
        _print_table(typos, systems)
        _print_mistakes(typos, systems)
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _groups(typos: list[Typo]) -> dict[str, list[int]]:
    return {
        "misspelt, 1 edit": [i for i, t in enumerate(typos) if not t.must_keep and t.edits == 1],
        "misspelt, 2 edits": [i for i, t in enumerate(typos) if not t.must_keep and t.edits == 2],
        "names to keep": [i for i, t in enumerate(typos) if t.must_keep],
    }


def _print_table(typos: list[Typo], systems: dict) -> None:
    print(f"{'system':<22} {'words':<18} {'right':>7} {LEFT_ALONE:>11} {WRONG_CHANGE:>13}")
    for name, (answers, _) in systems.items():
        for group, members in _groups(typos).items():
            verdicts = [verdict(typos[i], answers[i]) for i in members]
            counts = [verdicts.count(kind) for kind in (RIGHT, LEFT_ALONE, WRONG_CHANGE)]
            right = f"{counts[0]}/{len(members)}"
            print(f"{name:<22} {group:<18} {right:>7} {counts[1]:>11} {counts[2]:>13}")
    for name, (_, milliseconds) in systems.items():
        print(f"{name:<22} {milliseconds:.1f} ms a word (mean)")


def _print_mistakes(typos: list[Typo], systems: dict) -> None:
    names = list(systems)
    print(
        f"\nwords any system gets wrong:\n  {'typed':<16} {'meant':<16} "
        + " ".join(f"{name:<22}" for name in names)
    )
    for i, typo in enumerate(typos):
        answers = [systems[name][0][i] for name in names]
        if all(verdict(typo, answer) == RIGHT for answer in answers):
            continue
        shown = " ".join(f"{answer or '-':<22}" for answer in answers)
        print(f"  {typo.typed:<16} {typo.intended:<16} {shown}")


if __name__ == "__main__":
    sys.exit(main())
