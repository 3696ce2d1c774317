"""Why a result matched: each word or phrase it has, per field, and its share of the score.

Computed by the same scoring as the ranking (search/scoring.py), part by part: a word asked
for in several fields scores once (BM25F), and that score is split between the fields in
proportion to what each added before saturation; other terms and phrases score alone.
Boosts above a part multiply it. A word that counts twice in one field (as a word, and
again in the lift for a title holding every word) is listed once, with both added.
"""

from collections.abc import Iterator

import numpy as np
from whoosh.query import AndMaybe, AndNot, Not, Phrase, Query, Term

from search.response import Contribution
from search.scoring import Scorer, bm25f, evaluate, field_group

# Index field -> the name a reader of the explanation knows it by.
FIELD_NAMES = {
    "people_text": "people",
    "area_text": "areas",
    "spelling": "exact form",
    "title_words": "exact form in title",
}
# (field, term) -> score of each document.
Parts = dict[tuple[str, str], np.ndarray]


def explain(scorer: Scorer, query: Query, docnums: list[int]) -> list[tuple[Contribution, ...]]:
    """For each of ``docnums``, the parts of ``query`` it matched, largest first."""
    parts: Parts = {}
    for node, weight in _scored_parts(query, 1.0):
        for key, scores in _part_scores(scorer, node).items():
            parts[key] = parts.get(key, 0.0) + scores * weight
    return [_contributions(parts, docnum) for docnum in docnums]


def _contributions(parts: Parts, docnum: int) -> tuple[Contribution, ...]:
    scores = {key: float(values[docnum]) for key, values in parts.items() if values[docnum] > 0}
    total = sum(scores.values()) or 1.0
    found = [
        Contribution(field, term, round(score, 4), round(score / total, 4))
        for (field, term), score in scores.items()
    ]
    return tuple(sorted(found, key=lambda c: -c.score))


def _scored_parts(node: Query, weight: float) -> Iterator[tuple[Query, float]]:
    """Word groups, terms and phrases that can add to a score, with the boosts above them."""
    if isinstance(node, Not):
        return
    if field_group(node) or isinstance(node, Term | Phrase):
        yield node, weight
        return
    if isinstance(node, AndNot):
        yield from _scored_parts(node.a, weight)
        return
    below = weight * getattr(node, "boost", 1.0)
    children = [node.a, node.b] if isinstance(node, AndMaybe) else list(node.children())
    for child in children:
        yield from _scored_parts(child, below)


def _part_scores(scorer: Scorer, node: Query) -> Parts:
    terms = field_group(node)
    if terms is None:
        found = evaluate(scorer, node)
        text = " ".join(node.words) if isinstance(node, Phrase) else str(node.text)
        return {_key(node.fieldname, text): np.where(found.mask, found.scores, 0.0)}
    group = bm25f(scorer, terms, node.boost)
    shares = [_every_document(scorer, *scorer.weighted_frequencies(term)) for term in terms]
    combined = np.add.reduce(shares)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            _key(term.fieldname, term.text): np.where(
                group.mask & (share > 0), group.scores * share / combined, 0.0
            )
            for term, share in zip(terms, shares, strict=True)
        }


def _every_document(scorer: Scorer, ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    spread = np.zeros(scorer.size)
    spread[ids] = values
    return spread


def _key(field: str, term: str) -> tuple[str, str]:
    return FIELD_NAMES.get(field, field), term
