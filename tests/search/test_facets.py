"""Facet counts equal a brute-force count over the sample documents, for mixed filters."""

from collections import Counter
from dataclasses import replace

import pytest

from index.reindex import indexed_documents
from index.store import open_index
from search.engine import SearchEngine
from search.facets import MAX_VALUES
from search.request import SearchRequest


@pytest.fixture(scope="module")
def engine(sample_index):
    return SearchEngine(sample_index)


@pytest.fixture(scope="module")
def documents(sample_index):
    return indexed_documents(open_index(sample_index))


FACETS = ("area", "person", "kind", "year")


def values_of(doc, facet, inferred=True):
    return {
        "area": set(doc.areas) | (set(doc.areas_inferred) if inferred else set()),
        "person": set(doc.people),
        "kind": {doc.kind},
        "year": {str(doc.year or "")},
    }[facet]


def passes(doc, filters, skip="", inferred=True):
    return all(
        values_of(doc, facet, inferred) & set(selected)
        for facet, selected in filters.items()
        if selected and facet != skip
    )


def brute_force_counts(docs, filters, inferred=True):
    counts = {}
    for facet in FACETS:
        scope = [doc for doc in docs if passes(doc, filters, facet, inferred)]
        counts[facet] = Counter(v for doc in scope for v in values_of(doc, facet, inferred) if v)
    return counts


def top_values(facet, counts):
    """The values a facet lists: the MAX_VALUES most common (years: the latest)."""
    if facet == "year":
        order = sorted(counts, reverse=True)
    else:
        order = sorted(counts, key=lambda value: (-counts[value], value.casefold()))
    return {value: counts[value] for value in order[:MAX_VALUES]}


FILTER_MIXES = [
    ("", {}),
    ("", {"area": ("Computer vision",)}),
    ("", {"area": ("Computer vision", "Quantum computing")}),
    ("deep learning", {}),
    ("deep learning", {"area": ("Artificial intelligence",), "kind": ("project", "group")}),
    ("learning", {"year": ("2019", "2021"), "kind": ("publication", "project", "article")}),
    ("network", {"area": ("Systems and networking",), "year": ("2021",)}),
    ("", {"person": ("Jyoti Aneja", "Siobhan Keane")}),
    ("learning", {"person": ("Siobhan Keane",), "area": ("Computer vision",)}),
]


@pytest.mark.parametrize("inferred", [True, False])
@pytest.mark.parametrize(("query", "filters"), FILTER_MIXES)
def test_counts_equal_brute_force_over_matching_documents(
    engine, documents, query, filters, inferred
):
    everything = engine.search(SearchRequest(query=query, per_page=100))
    matched = [documents[hit.id] for hit in everything.hits]
    assert len(matched) == everything.total
    response = engine.search(
        SearchRequest(query=query, filters=filters, per_page=100, inferred=inferred)
    )
    expected = brute_force_counts(matched, filters, inferred)
    for facet in FACETS:
        got = {v.value: v.count for v in response.facets[facet] if v.count}
        ticked = {v: expected[facet][v] for v in filters.get(facet, ()) if expected[facet][v]}
        assert got == top_values(facet, expected[facet]) | ticked, facet
    wanted = {d.id for d in matched if passes(d, filters, inferred=inferred)}
    assert response.total == len(wanted)
    assert {hit.id for hit in response.hits} == wanted


def test_multi_valued_areas_count_every_document_under_each_of_its_areas(engine, documents):
    response = engine.search(SearchRequest())
    counts = {v.value: v.count for v in response.facets["area"]}
    docs = documents.values()
    assert counts["Algorithms"] == sum("Algorithms" in d.areas + d.areas_inferred for d in docs)
    assert sum(counts.values()) == sum(len(d.areas) + len(d.areas_inferred) for d in docs)


def test_an_area_filter_matches_pages_whose_area_is_inferred(engine):
    response = engine.search(
        SearchRequest(query="innovation gap", filters={"area": ("Artificial intelligence",)})
    )
    [seed] = [hit for hit in response.hits if hit.title.startswith("Microsoft Research Sees")]
    assert (seed.areas, seed.areas_inferred) == ((), ("Artificial intelligence",))


def test_without_inferred_areas_they_neither_count_nor_match_nor_show(engine, documents):
    request = SearchRequest(query="innovation gap", inferred=False)
    assert all(hit.areas_inferred == () for hit in engine.search(request).hits)
    filtered = engine.search(replace(request, filters={"area": ("Artificial intelligence",)}))
    assert "Microsoft Research Sees" not in {hit.title[:23] for hit in filtered.hits}
    everything = engine.search(SearchRequest(inferred=False))
    counts = {v.value: v.count for v in everything.facets["area"]}
    assert sum(counts.values()) == sum(len(d.areas) for d in documents.values())


def test_ticking_an_area_keeps_other_areas_counts_visible(engine):
    response = engine.search(
        SearchRequest(query="deep learning", filters={"area": ("Computer vision",)})
    )
    areas = {v.value: v for v in response.facets["area"]}
    assert areas["Computer vision"].selected
    assert areas["Artificial intelligence"].count > 0
    assert response.total == areas["Computer vision"].count


def test_selected_value_with_no_matches_is_listed_at_zero(engine):
    response = engine.search(
        SearchRequest(query="quantum", filters={"kind": ("event",), "area": ("No such area",)})
    )
    assert response.total == 0
    assert response.hits == ()
    listed = {(v.value, v.count, v.selected) for v in response.facets["area"]}
    assert ("No such area", 0, True) in listed


def test_filter_values_match_case_insensitively(engine):
    exact = engine.search(SearchRequest(filters={"area": ("Computer vision",)}))
    folded = engine.search(SearchRequest(filters={"area": ("computer VISION",)}))
    assert folded.total == exact.total > 0


def test_filter_that_selects_nothing_returns_nothing_not_everything(engine):
    # Whoosh ignores filter=set(); an empty selection must still mean zero hits.
    response = engine.search(SearchRequest(filters={"year": ("1999",)}))
    assert response.total == 0
    assert response.hits == ()


def test_or_within_a_facet_and_across_facets(engine):
    one = engine.search(SearchRequest(filters={"kind": ("group",)})).total
    two = engine.search(SearchRequest(filters={"kind": ("group", "project")})).total
    narrowed = engine.search(
        SearchRequest(filters={"kind": ("group", "project"), "area": ("Computer vision",)})
    ).total
    assert 0 < one < two
    assert 0 < narrowed < two
