"""Search as you type: titles and query completions for what has been typed so far.

The last word is treated as unfinished and completed from the index's own words (the most
common first); the words before it must all be in a title for that title to be offered.
Titles come from an unstemmed title field, ranked by BM25 (short, exact titles first).
"""

import heapq
import re
from dataclasses import dataclass
from itertools import islice

from whoosh.analysis import STOP_WORDS
from whoosh.query import And, Or, Term
from whoosh.searching import Searcher

from index.schema import word_analyzer
from search.scoring import Scorer

TITLE_FIELD = "title_words"
TERM_FIELD = "spelling"
MAX_SUGGESTIONS = 10
MAX_TITLES = 5
# Words read from the lexicon for one prefix: bounds the cost of a one-letter prefix.
MAX_PREFIX_SCAN = 5000
EXPANSIONS = 20
_WORD_CHARS = re.compile(r"\w")


@dataclass(frozen=True)
class Completion:
    """One suggestion: a document's title (with its id and URL), or a query to run."""

    kind: str
    text: str
    id: str = ""
    url: str = ""


def complete(masks: Scorer, typed: str, limit: int = MAX_SUGGESTIONS) -> tuple[Completion, ...]:
    """Up to ``limit`` suggestions for ``typed``: matching titles first, then completions."""
    searcher = masks.searcher
    words = [token.text for token in word_analyzer()(typed)]
    if not words:
        return ()
    unfinished = _WORD_CHARS.match(typed[-1:]) is not None
    done, partial = (words[:-1], words[-1]) if unfinished else (words, "")
    endings = _common_words(searcher, TITLE_FIELD, partial)
    titles = _titles(searcher, done, endings, bool(partial))
    seen = {c.text.casefold() for c in titles}
    queries = [
        Completion("query", text)
        for word in _completions(masks, done, partial)
        if (text := " ".join([*done, word])).casefold() not in seen
    ]
    return tuple([*titles, *queries][:limit])


def _common_words(searcher: Searcher, field: str, prefix: str) -> list[str]:
    """The indexed words of ``field`` starting with ``prefix``, most documents first."""
    if field not in searcher.schema or not prefix:
        return []
    scanned = islice(searcher.reader().iter_prefix(field, prefix), MAX_PREFIX_SCAN)
    counted = ((info.doc_frequency(), _text(word)) for word, info in scanned)
    best = heapq.nlargest(EXPANSIONS, ((n, w) for n, w in counted if w not in STOP_WORDS))
    return [word for _n, word in best]


def _completions(masks: Scorer, done: list[str], partial: str) -> list[str]:
    """Endings for ``partial`` that occur with the words before it, most documents first."""
    endings = [w for w in _common_words(masks.searcher, TERM_FIELD, partial) if w not in done]
    if not done:
        return endings
    before = masks.live.copy()
    for word in done:
        before &= masks.of_term(TERM_FIELD, word)
    together = sorted(
        ((int((before & masks.of_term(TERM_FIELD, w)).sum()), w) for w in endings),
        key=lambda c: -c[0],
    )
    # Words that merely share some page with the others are noise beside frequent pairings.
    floor = max(1, together[0][0] // 3) if together else 1
    return [word for count, word in together if count >= floor]


def _titles(searcher: Searcher, done: list[str], endings: list[str], partial: bool):
    if TITLE_FIELD not in searcher.schema or (partial and not endings):
        return []
    clauses = [Term(TITLE_FIELD, word) for word in done]
    if endings:
        clauses.append(Or([Term(TITLE_FIELD, word) for word in endings]))
    found = searcher.search(And(clauses), limit=MAX_TITLES)
    return [
        Completion("title", hit["title"], hit["id"], hit.get("url", ""))
        for hit in found
        if hit.get("title")
    ]


def _text(word: bytes | str) -> str:
    return word.decode("utf-8") if isinstance(word, bytes) else word
