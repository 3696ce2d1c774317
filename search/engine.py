"""The search engine: one SearchRequest in, one SearchResponse out, over a live index."""

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from whoosh.index import Index
from whoosh.query import AndMaybe, Or, Phrase, Query

from index.schema import split_values
from index.store import open_index_to_search
from search import matching  # noqa: F401  (fixes `-word` before any search runs)
from search.autocomplete import Completion
from search.errors import BadRequest
from search.explain import explain
from search.facets import (
    FACET_FIELDS,
    SegmentColumnCache,
    facet_counts,
    narrowed,
    selection_masks,
)
from search.generation import RESPONSES_KEPT, Generation, Memo
from search.highlight import Marker, marker_for
from search.query import highlight_words
from search.request import SearchRequest
from search.response import Hit, SearchResponse
from search.scoring import Matches, SegmentCache, top
from search.suggest import Vocabulary, did_you_mean
from search.synonyms import Synonyms

# After this many answers from one state of the index, what the process holds is put
# out of the cyclic collector's way (see SearchEngine).
FREEZE_AFTER = frozenset({1, 10, 100, 1000, 10_000})
# How many of the best matches the ranking lifts re-order (see _best).
RERANK_WINDOW = 100
# How many of those are checked for the query's words as a phrase.
PHRASE_WINDOW = 10
# Segments whose spelling words are kept (an index has a handful; old ones fall out).
VOCABULARIES_KEPT = 64


class SearchEngine:
    """Answers searches from the newest committed index, without a restart.

    Each request leases the current searcher. When a reindex has committed, the next
    request opens a fresh searcher; the old one is closed once its last request ends.
    (Whoosh's ``Searcher.refresh()`` is not used: in whoosh3 it can show both the old
    and new copies of an updated document.) Term and facet data read from a segment are
    kept across index states, since Whoosh never changes a segment once written.

    With ``freeze``, for a long-running server: what the engine keeps (each segment's
    spelling words, facet columns, postings; 10,000s of containers at 100,000 pages) was
    walked by every full cyclic collection, 50 ms at 100k each, several times in 300
    searches, each landing on one answer. After the 1st, 10th, 100th... answer of an
    index state the engine freezes what the process holds (``gc.freeze``, which costs
    nothing), so collections walk only what is newer. A new index state unfreezes it
    all, for the old state's cycles to be collected.
    """

    def __init__(
        self,
        index_dir: Path,
        synonyms: Synonyms | None = None,
        responses_kept: int = RESPONSES_KEPT,
        freeze: bool = False,
    ):
        self.index_dir = Path(index_dir)
        self.synonyms = synonyms
        self.freeze = freeze
        # Whole answers remembered per index state: a popular search is worked out once.
        self.responses_kept = responses_kept
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._current: Generation | None = None
        self._cache = SegmentCache()
        self._vocabularies: Memo[Vocabulary] = Memo(VOCABULARIES_KEPT)
        self._column_cache = SegmentColumnCache()

    @contextmanager
    def generation(self) -> Iterator[Generation]:
        with self._lock:
            current = self._fresh_generation()
            current.users += 1
        try:
            yield current
        finally:
            with self._lock:
                current.users -= 1
                if current.retired and current.users == 0:
                    current.searcher.close()

    def _fresh_generation(self) -> Generation:
        current = self._current
        if current is not None and current.searcher.up_to_date():
            return current
        if self._index is None:
            self._index = open_index_to_search(self.index_dir)
        fresh = Generation(
            self._index.searcher(),
            self._cache,
            self._column_cache,
            self.synonyms,
            responses_kept=self.responses_kept,
            vocabulary_cache=self._vocabularies,
        )
        if current is not None:
            if self.freeze:
                gc.unfreeze()
            current.retired = True
            if current.users == 0:
                current.searcher.close()
        self._current = fresh
        return fresh

    def document_count(self) -> int:
        with self.generation() as gen:
            return gen.searcher.doc_count()

    def complete(self, typed: str, limit: int) -> tuple[Completion, ...]:
        with self.generation() as gen:
            return gen.completions(typed, limit)

    def search(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        with self.generation() as gen:
            response = gen.response(request.key(), lambda: _search_or_correct(gen, request))
            gen.answered += 1  # racing threads may count one answer less: harmless
            if self.freeze and gen.answered in FREEZE_AFTER:
                gc.freeze()
        return replace(response, took_ms=round((time.perf_counter() - started) * 1000, 2))


def _search_or_correct(gen: Generation, request: SearchRequest) -> SearchResponse:
    """The results for the query as typed; when no page has all its words but a spelling
    correction's words are all on some page, the correction's results, saying so (unless
    the request asked for the words exactly as typed)."""
    typed = request.query
    suggestion = did_you_mean(gen.searcher, gen.vocabularies, typed) if typed else None
    response = replace(_search(gen, request), suggestion=suggestion)
    if not suggestion or request.exact or (response.total and not response.fallback):
        return response
    corrected = _search(gen, replace(request, query=suggestion))
    if not corrected.total or corrected.fallback:
        return response
    return replace(
        corrected, query=request.query, suggestion=suggestion, showing_results_for=suggestion
    )


def _search(gen: Generation, request: SearchRequest) -> SearchResponse:
    found = _matching(gen, request)
    columns = gen.columns(request.inferred)
    selections = selection_masks(columns, request.filters, gen.scorer.size)
    selected = narrowed(found.matches.mask, selections)
    total = int(selected.sum())
    last_page = max(1, -(-total // request.per_page))
    if request.page > last_page:
        raise BadRequest(
            "page_out_of_range", f"page {request.page} is past the last page ({last_page})"
        )
    hits: tuple[Hit, ...] = ()
    if total:
        hits = _page_of_hits(gen, found, selected, request)
    return SearchResponse(
        query=request.query,
        total=total,
        page=request.page,
        per_page=request.per_page,
        took_ms=0.0,
        sort=request.sort,
        filters={facet: request.selected(facet) for facet in FACET_FIELDS},
        hits=hits,
        facets=facet_counts(found.matches.mask, columns, request.filters, selections),
        fallback=found.fallback,
        exact=request.exact,
        inferred=request.inferred,
    )


@dataclass(frozen=True)
class _Found:
    """What a query matched and how they score; the lifts that re-rank the best of them."""

    matches: Matches
    query: Query | None
    lifts: Query | None = None
    fallback: bool = False

    @property
    def ranking(self) -> Query | None:
        """The whole query as Whoosh would score it (for explanations)."""
        if self.query is None or self.lifts is None:
            return self.query
        return AndMaybe(self.query, self.lifts)


def _matching(gen: Generation, request: SearchRequest) -> _Found:
    """Every word must match; when no document has them all, any word will do. With no query
    text every document matches and there is nothing to rank by."""
    scorer = gen.scorer
    if not request.query:
        return _Found(Matches(scorer.live.copy(), np.zeros(scorer.size)), None)
    parsed = gen.parsed(request.query)
    every_word = scorer.matches(parsed.all_words)
    if parsed.any_word is None or every_word.mask.any():
        return _Found(every_word, parsed.all_words, parsed.lifts)
    any_word = scorer.matches_by_coverage(parsed.any_word)
    if any_word.mask.any():
        return _Found(any_word, parsed.any_word, parsed.lifts, fallback=True)
    return _Found(every_word, parsed.all_words, parsed.lifts)


def _page_of_hits(
    gen: Generation, found: _Found, selected: np.ndarray, request: SearchRequest
) -> tuple[Hit, ...]:
    start, end = (request.page - 1) * request.per_page, request.page * request.per_page
    if found.query is None or request.sort == "newest":
        docnums = _newest(gen, selected, end)
        scores = np.zeros(len(docnums))
    else:
        docnums, scores = _best(gen, found, selected, end)
    marker = marker_for(highlight_words(found.query))
    ranked = list(zip(docnums[start:end].tolist(), scores[start:end].tolist(), strict=True))
    hits = [_hit(gen, docnum, score, marker, request.inferred) for docnum, score in ranked]
    if request.explain:  # with no query text there is nothing to explain: an empty list
        query = found.ranking
        docnums = [docnum for docnum, _score in ranked]
        reasons = explain(gen.scorer, query, docnums) if query is not None else [()] * len(hits)
        hits = [replace(hit, explanation=why) for hit, why in zip(hits, reasons, strict=True)]
    return tuple(hits)


def _best(
    gen: Generation, found: _Found, selected: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` best of ``selected``: the top RERANK_WINDOW re-ranked with the lifts
    (exact forms, phrases, whole titles), then the rest by their base score.

    The window is the same for every page, so pages never overlap or skip a result.
    """
    scores = found.matches.scores
    window = top(scores, selected, RERANK_WINDOW)
    window_scores = scores[window]
    if found.lifts is not None and len(window):
        window_scores = window_scores + _lifted(gen, found.lifts, window)
    order = np.lexsort((window, -window_scores))
    docnums, ranked_scores = window[order], window_scores[order]
    if count > len(window):
        rest_allowed = selected.copy()
        rest_allowed[window] = False
        rest = top(scores, rest_allowed, count - len(window))
        docnums = np.concatenate([docnums, rest])
        ranked_scores = np.concatenate([ranked_scores, scores[rest]])
    return docnums, ranked_scores


def _lifted(gen: Generation, lifts: Query, window: np.ndarray) -> np.ndarray:
    """What the lifts add to each result in ``window`` (best first): lifts on words for
    the whole window, phrases for its best PHRASE_WINDOW only (they read positions).
    Only those documents are scored, not every one."""
    clauses = lifts.subqueries if isinstance(lifts, Or) else [lifts]
    phrases = [clause for clause in clauses if isinstance(clause, Phrase)]
    words = [clause for clause in clauses if not isinstance(clause, Phrase)]
    added = np.zeros(len(window))
    for part, reach in ((words, window), (phrases, window[:PHRASE_WINDOW])):
        if part:
            order = np.argsort(reach)
            lifted = gen.scorer.part(reach[order]).matches(Or(part))
            added[order] += np.where(lifted.mask, lifted.scores, 0.0)
    return added


def _newest(gen: Generation, selected: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` newest of ``selected``, undated last, ties in index order."""
    docnums = np.flatnonzero(selected)
    # One sortable key: newer first, then lower document number.
    keys = -gen.recency[docnums] * len(selected) + docnums
    if len(docnums) > count:
        keep = np.argpartition(keys, count - 1)[:count]
        docnums, keys = docnums[keep], keys[keep]
    return docnums[np.argsort(keys)]


def _hit(gen: Generation, docnum: int, score: float, marker: Marker, inferred: bool) -> Hit:
    stored = gen.searcher.stored_fields(int(docnum))
    published = stored.get("published")
    title = stored.get("title", "")
    return Hit(
        id=stored["id"],
        url=stored.get("url", ""),
        title=title,
        title_html=marker.title_html(title),
        kind=stored.get("kind", ""),
        areas=split_values(stored.get("areas")),
        areas_inferred=split_values(stored.get("areas_inferred")) if inferred else (),
        people=split_values(stored.get("people")),
        date=published.date().isoformat() if published else "",
        snippet_html=marker.snippet_html(stored.get("body", ""), stored.get("summary", "")),
        score=round(float(score or 0.0), 4),
    )
