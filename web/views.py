"""Routes: the search page, its JSON twin, the API description and a health check."""

from importlib import resources
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from search.engine import SearchEngine
from search.facets import FACET_FIELDS
from search.request import DEFAULT_PER_PAGE, request_from_args, suggest_request_from_args
from search.response import SearchResponse
from web.json_api import completion_json, response_json

blueprint = Blueprint("search", __name__)
FACET_LABELS = {"area": "Research area", "person": "Person", "kind": "Type", "year": "Year"}
INFERRED_TITLE = "Inferred from the text: the page names no research area"


def engine() -> SearchEngine:
    return current_app.extensions["search_engine"]


@blueprint.get("/")
@blueprint.get("/search")
def search_page():
    response = engine().search(request_from_args(request.args))
    return render_template(
        "search.html",
        response=response,
        url=SearchUrls(response),
        facet_labels=FACET_LABELS,
        inferred_title=INFERRED_TITLE,
    )


@blueprint.get("/api/search")
def search_api():
    return jsonify(response_json(engine().search(request_from_args(request.args))))


@blueprint.get("/api/suggest")
def suggest_api():
    asked = suggest_request_from_args(request.args)
    found = engine().complete(asked.typed, asked.limit) if asked.typed.strip() else ()
    return jsonify({"query": asked.typed, "suggestions": [completion_json(c) for c in found]})


@blueprint.get("/api/openapi.json")
def openapi():
    text = resources.files("web").joinpath("openapi.json").read_text("utf-8")
    return Response(text, mimetype="application/json")


@blueprint.get("/healthz")
def healthz():
    return jsonify({"status": "ok", "documents": engine().document_count()})


class SearchUrls:
    """Links from one result page to its neighbours: all state lives in the URL."""

    def __init__(self, response: SearchResponse):
        self.response = response

    def _params(self) -> list[tuple[str, str]]:
        r = self.response
        params = [("q", r.query)] if r.query else []
        params += [(facet, v) for facet in FACET_FIELDS for v in r.filters.get(facet, ())]
        if not r.inferred:
            params.append(("inferred", "0"))
        if r.sort != "relevance":
            params.append(("sort", r.sort))
        if r.per_page != DEFAULT_PER_PAGE:
            params.append(("per_page", str(r.per_page)))
        if r.exact:
            params.append(("exact", "1"))
        return params

    def _url(self, params: list[tuple[str, str]]) -> str:
        return "/search?" + urlencode(params) if params else "/search"

    def page(self, number: int) -> str:
        params = self._params()
        return self._url(params + ([("page", str(number))] if number > 1 else []))

    def without(self, facet: str, value: str) -> str:
        return self._url([p for p in self._params() if p != (facet, value)])

    def without_filters(self) -> str:
        return self._url([p for p in self._params() if p[0] not in FACET_FIELDS])

    def query(self, text: str) -> str:
        """Another query with the same filters; a suggested one is never searched exactly."""
        kept = [p for p in self._params() if p[0] not in ("q", "exact")]
        return self._url([("q", text), *kept])

    def exact(self, text: str) -> str:
        """The same search for ``text`` exactly as typed (no spelling correction)."""
        kept = [p for p in self._params() if p[0] not in ("q", "exact")]
        return self._url([("q", text), *kept, ("exact", "1")])
