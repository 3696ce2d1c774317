"""Ranking weights chosen by measurement: coordinate ascent on MRR@10 over the judged queries.

Run: `python -m benchmarks.tuning` (not part of `make bench`: it searches every judged query
a few hundred times). The samples and Debian's Python manual are indexed once; then, one
weight at a time, each candidate value is tried and the best kept (search/ranking.py reads
its weights when a query is parsed, so no reindex is needed). To keep the choice honest the
queries are split in two folds: weights tuned on one fold are scored on the other, and the
printed cross-validated MRR is the figure to trust. The weights to ship are then tuned on
all queries and printed, for copying into search/ranking.py by hand.
"""

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.debian_pages import manual_pages, python_manual
from benchmarks.indexes import OurIndex, our_index
from benchmarks.judgments import PYTHON_MANUAL, SAMPLES, Judgment, read_judgments
from benchmarks.relevance import SAMPLES_FOLDER, TOP, rank_of, scores
from search import ranking, scoring
from search.engine import SearchEngine
from search.errors import BadRequest
from search.request import SearchRequest
from search.synonyms import load_synonyms

# Each weight and the values tried for it. The lifts stay above zero: exact word forms and
# phrases must rank above stemmed matches (the requirement), whatever MRR says.
CANDIDATES = {
    "title": [2.0, 3.0, 4.0, 6.0, 8.0],
    "summary": [0.5, 1.0, 1.5, 2.5],
    "headings": [1.0, 2.0, 3.0, 4.0],
    "people_text": [1.0, 2.0, 3.0],
    "area_text": [0.5, 1.0, 1.5, 2.5],
    "EXACT_FORM_WEIGHT": [0.25, 0.5, 1.0, 2.0],
    "EXACT_TITLE_WEIGHT": [0.25, 0.5, 1.0, 2.0],
    "PHRASE_TITLE": [0.5, 1.0, 2.0, 4.0],
    "PHRASE_BODY": [0.25, 0.5, 1.0, 2.0],
    "WHOLE_TITLE_WEIGHT": [0.0, 1.0, 2.0, 4.0],
    "K1": [0.9, 1.2, 1.6, 2.0],
    "B": [0.5, 0.75, 0.9],
    "COVERAGE_POWER": [1.0, 2.0, 3.0],
}
ROUNDS = 2
Weights = dict[str, float]
Case = tuple[OurIndex, Judgment]
# Where each non-field weight lives: (module, attribute) or (module, dict, key).
PLACES = {
    "EXACT_FORM_WEIGHT": (ranking, "EXACT_FORM_WEIGHT"),
    "EXACT_TITLE_WEIGHT": (ranking, "EXACT_TITLE_WEIGHT"),
    "PHRASE_TITLE": (ranking, "PHRASE_WEIGHTS", "title"),
    "PHRASE_BODY": (ranking, "PHRASE_WEIGHTS", "body"),
    "WHOLE_TITLE_WEIGHT": (ranking, "WHOLE_TITLE_WEIGHT"),
    "K1": (scoring, "K1"),
    "B": (scoring, "B"),
    "COVERAGE_POWER": (scoring, "COVERAGE_POWER"),
}


def current_weights() -> Weights:
    weights = {name: ranking.FIELD_WEIGHTS[name] for name in CANDIDATES if name.islower()}
    for name, (module, attribute, *key) in PLACES.items():
        value = getattr(module, attribute)
        weights[name] = value[key[0]] if key else value
    return weights


def apply(weights: Weights) -> None:
    for name, value in weights.items():
        if name.islower():
            ranking.FIELD_WEIGHTS[name] = value
            continue
        module, attribute, *key = PLACES[name]
        if key:
            getattr(module, attribute)[key[0]] = value
        else:
            setattr(module, attribute, value)


def mrr(weights: Weights, cases: list[Case]) -> float:
    apply(weights)
    engines: dict[int, SearchEngine] = {}
    ranks = []
    for ours, judgment in cases:
        engine = engines.setdefault(id(ours), SearchEngine(ours.engine.index_dir, load_synonyms()))
        try:
            hits = engine.search(SearchRequest(query=judgment.query, per_page=TOP)).hits
        except BadRequest:
            hits = ()
        ranks.append(rank_of([ours.names[hit.id] for hit in hits], judgment.expected))
    return scores(ranks).mrr


def tune(start: Weights, cases: list[Case], log: Callable[[str], None]) -> Weights:
    best, best_score = dict(start), mrr(start, cases)
    for _ in range(ROUNDS):
        for name, values in CANDIDATES.items():
            for value in values:
                trial = {**best, name: value}
                score = mrr(trial, cases)
                if score > best_score + 1e-9:
                    best, best_score = trial, score
                    log(f"    {name} = {value:g}: MRR {score:.3f}")
    return best


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="tuning-"))
    start = current_weights()
    try:
        sets = [
            (our_index(folder / "samples", SAMPLES_FOLDER, [SAMPLES_FOLDER]), SAMPLES),
            (our_index(folder / "manual", python_manual(), manual_pages()), PYTHON_MANUAL),
        ]
        cases = [(ours, j) for ours, path in sets for j in read_judgments(path)]
        folds = [cases[0::2], cases[1::2]]
        print(f"{len(cases)} judged queries; shipped weights: MRR {mrr(start, cases):.3f}")
        for number, (train, test) in enumerate([folds, folds[::-1]], 1):
            print(f"fold {number}: tuning on {len(train)} queries")
            tuned = tune(start, train, print)
            before, after = mrr(start, test), mrr(tuned, test)
            print(f"  held-out {len(test)} queries: MRR {before:.3f} shipped -> {after:.3f} tuned")
        print("all queries:")
        final = tune(start, cases, print)
        print("weights to ship:", {name: value for name, value in final.items()})
    finally:
        apply(start)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
