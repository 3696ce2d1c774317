"""SearchResponse -> the JSON the API returns (the documented shape in openapi.json)."""

from dataclasses import asdict

from search.autocomplete import Completion
from search.response import Contribution, FacetValue, Hit, SearchResponse


def response_json(response: SearchResponse) -> dict:
    return {
        "query": response.query,
        "total": response.total,
        "page": response.page,
        "per_page": response.per_page,
        "pages": response.pages,
        "took_ms": response.took_ms,
        "sort": response.sort,
        "suggestion": response.suggestion,
        "showing_results_for": response.showing_results_for,
        "fallback": response.fallback,
        "exact": response.exact,
        "inferred": response.inferred,
        "filters": {facet: list(values) for facet, values in response.filters.items()},
        "hits": [hit_json(hit) for hit in response.hits],
        "facets": {
            facet: [facet_value_json(v) for v in values]
            for facet, values in response.facets.items()
        },
    }


def hit_json(hit: Hit) -> dict:
    found = {
        "id": hit.id,
        "url": hit.url,
        "title": hit.title,
        "title_html": hit.title_html,
        "kind": hit.kind,
        "areas": list(hit.areas),
        "areas_inferred": list(hit.areas_inferred),
        "people": list(hit.people),
        "date": hit.date,
        "snippet_html": hit.snippet_html,
        "score": hit.score,
    }
    if hit.explanation is not None:
        found["explain"] = [contribution_json(c) for c in hit.explanation]
    return found


def contribution_json(contribution: Contribution) -> dict:
    return asdict(contribution)


def facet_value_json(value: FacetValue) -> dict:
    # Spelled out: dataclasses.asdict deep-copies, and a page lists hundreds of values.
    return {"value": value.value, "count": value.count, "selected": value.selected}


def completion_json(completion: Completion) -> dict:
    return {
        "type": completion.kind,
        "text": completion.text,
        "id": completion.id,
        "url": completion.url,
    }
