"""Facets: filtering by area, kind and year, and honest counts for every value.

Areas are multi-valued, so counts come from per-value document sets (computed once per
searcher) intersected with the matching documents; Whoosh's FieldFacet counts each
document under one value only and gets multi-valued counts wrong. A page's inferred
areas count and match like the ones it names, unless the request leaves them out.
"""

from dataclasses import dataclass

from whoosh.searching import Searcher

from search.response import FacetValue

# Request parameter -> index field.
FACET_FIELDS = {"area": "areas", "kind": "kind", "year": "year"}
# Request parameter -> index field of values inferred from the text.
INFERRED_FIELDS = {"area": "areas_inferred"}
MAX_VALUES = 100


@dataclass(frozen=True)
class FacetSets:
    """For each facet, the documents holding each value (one searcher's view)."""

    docs: dict[str, dict[str, frozenset[int]]]

    def resolve(self, facet: str, value: str) -> str:
        """The indexed spelling of ``value`` (filters match case-insensitively)."""
        values = self.docs[facet]
        if value in values:
            return value
        folded = value.casefold()
        return next((known for known in values if known.casefold() == folded), value)

    def matching(self, facet: str, selected: tuple[str, ...]) -> frozenset[int] | None:
        """Documents with any selected value (OR within a facet); None when none selected."""
        if not selected:
            return None
        values = self.docs[facet]
        found: set[int] = set()
        for value in selected:
            found |= values.get(self.resolve(facet, value), frozenset())
        return frozenset(found)


def facet_sets(searcher: Searcher, inferred: bool = True) -> FacetSets:
    """Each facet value's documents; with ``inferred``, inferred values join given ones."""
    reader = searcher.reader()
    docs = {facet: _value_sets(reader, field) for facet, field in FACET_FIELDS.items()}
    if inferred:
        for facet, field in INFERRED_FIELDS.items():
            given = docs[facet]
            for value, ids in _value_sets(reader, field).items():
                given[value] = given.get(value, frozenset()) | ids
    return FacetSets(docs)


def _value_sets(reader, field: str) -> dict[str, frozenset[int]]:
    values = {}
    for term in reader.field_terms(field):
        value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
        postings = reader.postings(field, term)
        values[value] = frozenset(
            docnum for docnum in postings.all_ids() if not reader.is_deleted(docnum)
        )
    return {value: ids for value, ids in values.items() if ids}


def apply_filters(
    matched: frozenset[int], sets: FacetSets, filters: dict[str, tuple[str, ...]], skip: str = ""
) -> frozenset[int]:
    """``matched`` narrowed by every facet's selection (AND across facets) except ``skip``'s."""
    result = matched
    for facet, selected in filters.items():
        if facet != skip and (wanted := sets.matching(facet, selected)) is not None:
            result = result & wanted
    return result


def facet_counts(
    matched: frozenset[int], sets: FacetSets, filters: dict[str, tuple[str, ...]]
) -> dict[str, tuple[FacetValue, ...]]:
    """Counts per value, each facet counted with every filter applied except its own.

    So ticking one area leaves the other areas' counts visible.
    """
    counts = {}
    for facet in FACET_FIELDS:
        scope = apply_filters(matched, sets, filters, skip=facet)
        selected = {sets.resolve(facet, value) for value in filters.get(facet, ())}
        values = [
            FacetValue(value, len(scope & docs), value in selected)
            for value, docs in sets.docs[facet].items()
        ]
        listed = _ordered(facet, [v for v in values if v.count])[:MAX_VALUES]
        # Selected values are always listed, even at zero, so they can be unticked.
        counted = {v.value: v for v in values}
        shown = {v.value for v in listed}
        listed += [
            counted.get(value, FacetValue(value, 0, True))
            for value in sorted(selected)
            if value not in shown
        ]
        counts[facet] = tuple(listed)
    return counts


def _ordered(facet: str, values: list[FacetValue]) -> list[FacetValue]:
    if facet == "year":
        return sorted(values, key=lambda v: v.value, reverse=True)
    return sorted(values, key=lambda v: (-v.count, v.value.casefold()))
