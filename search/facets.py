"""Facets: filtering by area, person, kind and year, and honest counts for every value.

Each facet is a column of (document, value) pairs read once per segment and merged per
searcher; counting is one NumPy ``bincount`` over the pairs whose document is in scope, so
multi-valued facets (areas, people) count every document under each of its values, and a
broad query costs no more than a narrow one. A page's inferred areas count and match like
the ones it names, unless the request leaves them out.
"""

from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from threading import Lock

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search.postings import term_postings
from search.response import FacetValue

# Request parameter -> the index fields that hold its values (areas: given, then inferred).
FACET_FIELDS = {
    "area": ("areas", "areas_inferred"),
    "person": ("people",),
    "kind": ("kind",),
    "year": ("year",),
}
# Fields of values inferred from the text, which a request may leave out.
INFERRED_FIELDS = frozenset({"areas_inferred"})
# Values listed per facet, most common first (a page shows 8 and "Show more" the rest).
MAX_VALUES = 30


@dataclass(frozen=True)
class FacetColumn:
    """One facet over one searcher: value names, and a (document, value id) pair per entry."""

    names: tuple[str, ...]
    docs: np.ndarray
    values: np.ndarray

    @cached_property
    def _ids_by_folded_name(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for i, name in enumerate(self.names):
            found.setdefault(name.casefold(), []).append(i)
        return found

    @cached_property
    def name_order(self) -> np.ndarray:
        """Each value's rank in alphabetical order (case-insensitive), for stable listings."""
        ranks = np.empty(len(self.names), dtype=np.int64)
        ranks[sorted(range(len(self.names)), key=lambda i: self.names[i].casefold())] = np.arange(
            len(self.names)
        )
        return ranks

    def value_ids(self, wanted: tuple[str, ...]) -> list[int]:
        """Ids of ``wanted`` values, matched case-insensitively; unknown values have none."""
        found = self._ids_by_folded_name
        return [i for value in wanted for i in found.get(value.casefold(), [])]

    def resolve(self, value: str) -> str:
        """The indexed spelling of ``value``, or ``value`` itself when nothing has it."""
        ids = self.value_ids((value,))
        return self.names[ids[0]] if ids else value

    def docs_with(self, value_ids: list[int], size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[self.docs[np.isin(self.values, value_ids)]] = True
        return mask

    def counts(self, scope: np.ndarray) -> np.ndarray:
        return np.bincount(self.values[scope[self.docs]], minlength=len(self.names))


class SegmentColumnCache:
    """Per-segment (document, value) pairs; segments never change, so entries never go stale."""

    def __init__(self, max_entries: int = 512):
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, tuple[list[str], np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = Lock()

    def pairs(self, reader: IndexReader, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        key = (reader.segment().segment_id(), reader.segment().deleted_count(), field)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        found = _segment_pairs(reader, field)
        with self._lock:
            self._entries[key] = found
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return found


def _segment_pairs(reader: IndexReader, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Each value's documents read as whole arrays (search/postings.py), not one by one
    through Whoosh's matchers: a hundred thousand pages name thousands of people."""
    deleted = (
        np.fromiter(reader.deleted_docs_set, dtype=np.int64) if reader.has_deletions() else None
    )
    names: list[str] = []
    docs: list[np.ndarray] = []
    for term in reader.lexicon(field):
        ids = term_postings(reader, field, term).ids
        if deleted is not None:
            ids = ids[~np.isin(ids, deleted)]
        if len(ids):
            docs.append(ids)
            names.append(term.decode("utf-8"))
    values = np.repeat(np.arange(len(names)), [len(ids) for ids in docs])
    return (
        names,
        _concat(docs).astype(_numbers_below(reader.doc_count_all())),
        values.astype(_numbers_below(len(names))),
    )


def _numbers_below(limit: int) -> type:
    """The smallest type for whole numbers under ``limit``: a hundred thousand pages have
    half a million (document, value) pairs, held by every worker."""
    return np.uint16 if limit <= 1 << 16 else np.int32


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int32)


def facet_column(searcher: Searcher, fields: tuple[str, ...], cache: SegmentColumnCache):
    """The merged column of ``fields`` over every segment of ``searcher``, merged segment
    by segment (merging all at once in 64-bit numbers took three times the memory)."""
    ids: dict[str, int] = {}
    docs, values = [], []
    for reader, offset in searcher.reader().leaf_readers():
        seg_docs, seg_values = [], []
        for field in fields:
            if field not in searcher.schema:
                continue
            names, field_docs, field_values = cache.pairs(reader, field)
            to_global = np.array([ids.setdefault(n, len(ids)) for n in names], dtype=np.int32)
            seg_docs.append(field_docs)
            seg_values.append(to_global[field_values] if len(names) else field_values)
        local, value = _concat(seg_docs).astype(np.int64), _concat(seg_values).astype(np.int64)
        if len(seg_docs) > 1:  # a value given and inferred for one document counts once
            pairs = np.unique(local * max(len(ids), 1) + value)
            local, value = pairs // max(len(ids), 1), pairs % max(len(ids), 1)
        docs.append((local + offset).astype(np.int32))
        values.append(value.astype(np.int32))
    return FacetColumn(tuple(ids), _concat(docs), _concat(values).astype(_numbers_below(len(ids))))


def selection_masks(
    columns: dict[str, FacetColumn], filters: dict[str, tuple[str, ...]], size: int
) -> dict[str, np.ndarray]:
    """For each facet with a selection, the documents having any selected value."""
    masks = {}
    for facet, selected in filters.items():
        if selected:
            column = columns[facet]
            masks[facet] = column.docs_with(column.value_ids(selected), size)
    return masks


def narrowed(matched: np.ndarray, selections: dict[str, np.ndarray], skip: str = "") -> np.ndarray:
    """``matched`` AND every facet's selection (OR within a facet) except ``skip``'s."""
    result = matched
    for facet, mask in selections.items():
        if facet != skip:
            result = result & mask
    return result


def facet_counts(
    matched: np.ndarray,
    columns: dict[str, FacetColumn],
    filters: dict[str, tuple[str, ...]],
    selections: dict[str, np.ndarray],
) -> dict[str, tuple[FacetValue, ...]]:
    """Counts per value, each facet counted with every filter applied except its own.

    So ticking one area leaves the other areas' counts visible. Selected values are always
    listed, even at zero, so they can be unticked.
    """
    counts = {}
    for facet, column in columns.items():
        tally = column.counts(narrowed(matched, selections, skip=facet))
        selected = {column.resolve(value) for value in filters.get(facet, ())}
        listed = [
            FacetValue(column.names[i], int(tally[i]), column.names[i] in selected)
            for i in _top(facet, column, tally)
        ]
        shown = {v.value for v in listed}
        for value in sorted(selected - shown):
            ids = column.value_ids((value,))
            listed.append(FacetValue(value, int(tally[ids[0]]) if ids else 0, True))
        counts[facet] = tuple(listed)
    return counts


def _top(facet: str, column: FacetColumn, tally: np.ndarray) -> np.ndarray:
    """Value ids with a count, in listing order: years newest first, others by count."""
    present = np.flatnonzero(tally)
    names = column.name_order[present]
    order = np.argsort(-names) if facet == "year" else np.lexsort((names, -tally[present]))
    return present[order[:MAX_VALUES]]
