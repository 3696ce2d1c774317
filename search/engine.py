"""The search engine: one SearchRequest in, one SearchResponse out, over a live index."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh.index import Index
from whoosh.query import Every, Query
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher

from index.schema import split_values
from index.store import open_index
from search import matching  # noqa: F401  (fixes `-word` before any search runs)
from search.errors import BadRequest
from search.facets import FACET_FIELDS, FacetSets, apply_filters, facet_counts, facet_sets
from search.highlight import snippet_html, title_html
from search.query import parse_query
from search.request import SearchRequest
from search.response import Hit, SearchResponse
from search.suggest import did_you_mean


@dataclass
class _Generation:
    """One searcher over one committed state of the index, shared by concurrent requests."""

    searcher: Searcher
    users: int = 0
    retired: bool = False
    # Keyed by whether inferred areas count.
    _facets: dict[bool, FacetSets] = field(default_factory=dict, repr=False)

    def facets(self, inferred: bool) -> FacetSets:
        if inferred not in self._facets:
            self._facets[inferred] = facet_sets(self.searcher, inferred)
        return self._facets[inferred]


class SearchEngine:
    """Answers searches from the newest committed index, without a restart.

    Each request leases the current searcher. When a reindex has committed, the next
    request opens a fresh searcher; the old one is closed once its last request ends.
    (Whoosh's ``Searcher.refresh()`` is not used: in whoosh3 it can show both the old
    and new copies of an updated document.)
    """

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._current: _Generation | None = None

    @contextmanager
    def generation(self) -> Iterator[_Generation]:
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

    def _fresh_generation(self) -> _Generation:
        current = self._current
        if current is not None and current.searcher.up_to_date():
            return current
        if self._index is None:
            self._index = open_index(self.index_dir)
        fresh = _Generation(self._index.searcher())
        if current is not None:
            current.retired = True
            if current.users == 0:
                current.searcher.close()
        self._current = fresh
        return fresh

    def document_count(self) -> int:
        with self.generation() as gen:
            return gen.searcher.doc_count()

    def search(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        with self.generation() as gen:
            response = _search(gen, request)
        return replace(response, took_ms=round((time.perf_counter() - started) * 1000, 2))


def _search(gen: _Generation, request: SearchRequest) -> SearchResponse:
    searcher, sets = gen.searcher, gen.facets(request.inferred)
    query, fallback = _choose_query(searcher, request)
    matched = frozenset(searcher.docs_for_query(query))
    selected = apply_filters(matched, sets, request.filters)
    last_page = max(1, -(-len(selected) // request.per_page))
    if request.page > last_page:
        raise BadRequest(
            "page_out_of_range", f"page {request.page} is past the last page ({last_page})"
        )
    hits: tuple[Hit, ...] = ()
    if selected:
        hits = _page_of_hits(searcher, query, selected, request)
    suggestion = did_you_mean(searcher, request.query) if request.query else None
    return SearchResponse(
        query=request.query,
        total=len(selected),
        page=request.page,
        per_page=request.per_page,
        took_ms=0.0,
        sort=request.sort,
        filters={facet: request.selected(facet) for facet in FACET_FIELDS},
        hits=hits,
        facets=facet_counts(matched, sets, request.filters),
        suggestion=suggestion,
        fallback=fallback,
        inferred=request.inferred,
    )


def _choose_query(searcher: Searcher, request: SearchRequest) -> tuple[Query, bool]:
    """Every word must match; when no document has them all, any word will do."""
    if not request.query:
        return Every(), False
    parsed = parse_query(request.query, searcher.schema)
    if parsed.any_word is None or _any_match(searcher, parsed.all_words):
        return parsed.all_words, False
    if _any_match(searcher, parsed.any_word):
        return parsed.any_word, True
    return parsed.all_words, False


def _any_match(searcher: Searcher, query: Query) -> bool:
    return next(iter(searcher.docs_for_query(query)), None) is not None


def _page_of_hits(
    searcher: Searcher, query: Query, allowed: frozenset[int], request: SearchRequest
) -> tuple[Hit, ...]:
    newest = request.sort == "newest" or not request.query
    results = searcher.search(
        query,
        filter=set(allowed),
        limit=request.page * request.per_page,
        sortedby="recency" if newest else None,
        reverse=newest,
        terms=True,
    )
    start = (request.page - 1) * request.per_page
    return tuple(_hit(hit, request.inferred) for hit in results[start : start + request.per_page])


def _hit(hit: WhooshHit, inferred: bool) -> Hit:
    stored = hit.fields()
    published = stored.get("published")
    return Hit(
        id=stored["id"],
        url=stored.get("url", ""),
        title=stored.get("title", ""),
        title_html=title_html(hit),
        kind=stored.get("kind", ""),
        areas=split_values(stored.get("areas")),
        areas_inferred=split_values(stored.get("areas_inferred")) if inferred else (),
        people=split_values(stored.get("people")),
        date=published.date().isoformat() if published else "",
        snippet_html=snippet_html(hit),
        score=round(float(hit.score or 0.0), 4),
    )
