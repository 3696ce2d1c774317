"""SearchResponse -> the JSON the API returns (the documented shape in openapi.json)."""

from search.response import FacetValue, Hit, SearchResponse


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
        "fallback": response.fallback,
        "inferred": response.inferred,
        "filters": {facet: list(values) for facet, values in response.filters.items()},
        "hits": [hit_json(hit) for hit in response.hits],
        "facets": {
            facet: [facet_value_json(v) for v in values]
            for facet, values in response.facets.items()
        },
    }


def hit_json(hit: Hit) -> dict:
    return {
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


def facet_value_json(value: FacetValue) -> dict:
    return {"value": value.value, "count": value.count, "selected": value.selected}
