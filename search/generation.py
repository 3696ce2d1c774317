"""One committed state of the index, and what the engine works out from it once.

Everything here is derived from one searcher and is dropped with it when a reindex
commits; what is read from segments (term postings, facet values) lives in caches that
outlast it (search/scoring.py, search/facets.py), since Whoosh never changes a segment.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from threading import Lock
from typing import Generic, TypeVar

import numpy as np
from whoosh.searching import Searcher

from search.autocomplete import Completion, complete
from search.facets import (
    FACET_FIELDS,
    INFERRED_FIELDS,
    FacetColumn,
    SegmentColumnCache,
    facet_column,
)
from search.query import ParsedQuery, parse_query
from search.response import SearchResponse
from search.scoring import Scorer, SegmentCache
from search.suggest import Vocabulary
from search.synonyms import Synonyms

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """Answers remembered by key, at most ``size`` of them (the oldest go first)."""

    def __init__(self, size: int):
        self.size = size
        self._answers: dict[Hashable, Value] = {}
        self._lock = Lock()

    def get(self, key: Hashable, work_out: Callable[[], Value]) -> Value:
        with self._lock:
            if key in self._answers:
                return self._answers[key]
        answer = work_out()
        if self.size:
            with self._lock:
                if len(self._answers) >= self.size:
                    del self._answers[next(iter(self._answers))]
                self._answers[key] = answer
        return answer


# Memos' sizes bound what a worker keeps: a remembered answer is about 19 KB, a parsed
# query 4 KB (so these hold at most about 10 and 2 MB), a completion list 1-2 KB.
RESPONSES_KEPT = 512
PARSED_KEPT = 512
COMPLETIONS_KEPT = 1024


@dataclass
class Generation:
    """One searcher over one committed state of the index, and what it has worked out once.

    Shared by concurrent requests; the lazily built parts are idempotent, so two requests
    racing to build one only waste a little work.
    """

    searcher: Searcher
    cache: SegmentCache
    column_cache: SegmentColumnCache
    synonyms: Synonyms | None
    users: int = 0
    retired: bool = False
    # Searches answered from it (see SearchEngine's ``freeze``).
    answered: int = 0
    _scorer: Scorer | None = field(default=None, repr=False)
    _columns: dict[tuple[str, ...], FacetColumn] = field(default_factory=dict, repr=False)
    _recency: np.ndarray | None = field(default=None, repr=False)
    # Each segment's spelling words, kept by the engine for as long as the segment lives.
    vocabulary_cache: "Memo[Vocabulary] | None" = None
    # Searches answered in full, with their results; 0 remembers none.
    responses_kept: int = RESPONSES_KEPT
    _completions: Memo = field(default_factory=lambda: Memo(COMPLETIONS_KEPT), repr=False)
    _parsed: Memo = field(default_factory=lambda: Memo(PARSED_KEPT), repr=False)
    _responses: Memo | None = field(default=None, repr=False)

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            self._scorer = Scorer(self.searcher, self.cache)
        return self._scorer

    def columns(self, inferred: bool) -> dict[str, FacetColumn]:
        found = {}
        for facet, all_fields in FACET_FIELDS.items():
            fields = tuple(f for f in all_fields if inferred or f not in INFERRED_FIELDS)
            if fields not in self._columns:
                self._columns[fields] = facet_column(self.searcher, fields, self.column_cache)
            found[facet] = self._columns[fields]
        return found

    @property
    def recency(self) -> np.ndarray:
        """Seconds since 1970 per document number (0 when undated), for "newest first"."""
        if self._recency is None:
            parts = [
                self.cache.get(
                    ("recency", reader.segment().segment_id()),
                    lambda r=reader: np.fromiter(r.column_reader("recency"), dtype=np.int64),
                )
                for reader, _offset in self.searcher.reader().leaf_readers()
            ]
            self._recency = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        return self._recency

    @property
    def vocabularies(self) -> list[Vocabulary]:
        memo = self.vocabulary_cache or Memo(0)
        return [
            memo.get(reader.segment().segment_id(), lambda r=reader: Vocabulary.of(r))
            for reader, _offset in self.searcher.reader().leaf_readers()
        ]

    def parsed(self, text: str) -> ParsedQuery:
        """The query parsed, remembered: the same searches come again and again."""
        return self._parsed.get(
            text, lambda: parse_query(text, self.searcher.schema, self.synonyms)
        )

    def completions(self, typed: str, limit: int) -> tuple[Completion, ...]:
        """Search-as-you-type suggestions, remembered: each keystroke asks again."""
        return self._completions.get((typed, limit), lambda: complete(self.scorer, typed, limit))

    def response(self, key: Hashable, work_out: Callable[[], SearchResponse]) -> SearchResponse:
        """A whole search's answer, remembered for this state of the index."""
        if self._responses is None:
            self._responses = Memo(self.responses_kept)
        return self._responses.get(key, work_out)
