"""Why a result matched: each query term or phrase it has, per field, and its share of the score.

Whoosh adds up the scores of the clauses a document matches (weighted words per field,
phrases, the ranking lifts), so scoring each clause alone for the document and scaling by
the weights above it accounts for the whole score. A word that counts twice in one field
(as a word, and again in the lift for a title holding every word) is listed once.
"""

from collections.abc import Iterator

from whoosh.query import AndMaybe, AndNot, Not, Phrase, Query, Term
from whoosh.searching import Searcher

from search.response import Contribution

# Index field -> the name a reader of the explanation knows it by.
FIELD_NAMES = {
    "people_text": "people",
    "area_text": "areas",
    "spelling": "exact form",
}


def explain(searcher: Searcher, query: Query, docnum: int) -> tuple[Contribution, ...]:
    """The clauses of ``query`` that document ``docnum`` matches, largest share first."""
    scores: dict[tuple[str, str], float] = {}
    for leaf, weight in _scored_leaves(query, 1.0):
        score = _leaf_score(searcher, leaf, docnum) * weight
        if score > 0:
            term = " ".join(leaf.words) if isinstance(leaf, Phrase) else str(leaf.text)
            key = (FIELD_NAMES.get(leaf.fieldname, leaf.fieldname), term)
            scores[key] = scores.get(key, 0.0) + score
    total = sum(scores.values()) or 1.0
    contributions = [
        Contribution(field=field, term=term, score=round(score, 4), share=round(score / total, 4))
        for (field, term), score in scores.items()
    ]
    return tuple(sorted(contributions, key=lambda c: -c.score))


def _scored_leaves(node: Query, weight: float) -> Iterator[tuple[Query, float]]:
    """Terms and phrases that can add to a score, with the product of the boosts above them."""
    if isinstance(node, Not):
        return
    if isinstance(node, Term | Phrase):
        yield node, weight
        return
    if isinstance(node, AndNot):
        yield from _scored_leaves(node.a, weight * node.boost)
        return
    below = weight * getattr(node, "boost", 1.0)
    children = [node.a, node.b] if isinstance(node, AndMaybe) else list(node.children())
    for child in children:
        yield from _scored_leaves(child, below)


def _leaf_score(searcher: Searcher, leaf: Query, docnum: int) -> float:
    matcher = leaf.matcher(searcher)
    if not matcher.is_active():
        return 0.0
    if matcher.id() < docnum:
        matcher.skip_to(docnum)
    if matcher.is_active() and matcher.id() == docnum:
        return float(matcher.score())
    return 0.0
