"""The JSON API: documented shape, 400s that say what is wrong, health and description."""

import pytest

from web import create_app

HIT_KEYS = {
    "id",
    "url",
    "title",
    "title_html",
    "kind",
    "areas",
    "areas_inferred",
    "people",
    "date",
    "snippet_html",
    "score",
}
RESPONSE_KEYS = {
    "query",
    "total",
    "page",
    "per_page",
    "pages",
    "took_ms",
    "sort",
    "suggestion",
    "showing_results_for",
    "fallback",
    "exact",
    "inferred",
    "filters",
    "hits",
    "facets",
}


def test_search_response_has_the_documented_shape(client):
    body = client.get("/api/search?q=deep+learning&area=Computer+vision&per_page=3").get_json()
    assert set(body) == RESPONSE_KEYS
    assert body["query"] == "deep learning"
    assert body["filters"] == {"area": ["Computer vision"], "person": [], "kind": [], "year": []}
    assert body["per_page"] == 3 and body["page"] == 1
    assert body["pages"] == -(-body["total"] // 3)
    assert len(body["hits"]) == 3
    for hit in body["hits"]:
        assert set(hit) == HIT_KEYS
        assert "Computer vision" in hit["areas"]
    assert set(body["facets"]) == {"area", "person", "kind", "year"}
    for value in body["facets"]["area"]:
        assert set(value) == {"value", "count", "selected"}


def test_json_is_utf8_with_keys_in_the_documented_order(client):
    response = client.get("/api/search?q=jyvaskyla")
    assert response.content_type == "application/json"
    assert "Jyväskylä".encode() in response.data
    assert list(response.get_json())[:4] == ["query", "total", "page", "per_page"]


def seed_hit(body: dict) -> dict:
    return next(hit for hit in body["hits"] if hit["id"].startswith("article:002_"))


def test_page_naming_no_area_carries_its_inferred_area(client):
    body = client.get("/api/search?q=innovation+gap&area=Artificial+intelligence").get_json()
    assert body["inferred"] is True
    hit = seed_hit(body)
    assert (hit["areas"], hit["areas_inferred"]) == ([], ["Artificial intelligence"])
    areas = {v["value"]: v["count"] for v in body["facets"]["area"]}
    assert areas["Artificial intelligence"] == body["total"]


def ai_count(body: dict) -> int:
    counts = {v["value"]: v["count"] for v in body["facets"]["area"]}
    return counts.get("Artificial intelligence", 0)


def test_inferred_0_leaves_inferred_areas_out_of_hits_facets_and_filters(client):
    on = client.get("/api/search?q=learning&per_page=100").get_json()
    off = client.get("/api/search?q=learning&per_page=100&inferred=0").get_json()
    assert off["inferred"] is False
    assert all(hit["areas_inferred"] == [] for hit in off["hits"])
    guessed = sum("Artificial intelligence" in hit["areas_inferred"] for hit in on["hits"])
    assert guessed > 0
    assert ai_count(off) == ai_count(on) - guessed
    filtered = client.get("/api/search?q=innovation+gap&inferred=0&area=Artificial+intelligence")
    assert all(not hit["id"].startswith("article:002_") for hit in filtered.get_json()["hits"])


def test_repeated_filters_are_or_within_a_facet(client):
    one = client.get("/api/search?kind=group").get_json()["total"]
    both = client.get("/api/search?kind=group&kind=project").get_json()["total"]
    assert 0 < one < both


@pytest.mark.parametrize(
    ("query_string", "code"),
    [
        ("page=0", "bad_page"),
        ("page=-1", "bad_page"),
        ("page=abc", "bad_page"),
        ("page=1001", "bad_page"),
        ("per_page=101", "bad_per_page"),
        ("per_page=0", "bad_per_page"),
        ("page=50", "page_out_of_range"),
        ("sort=oldest", "bad_sort"),
        ("inferred=no", "bad_inferred"),
        ("inferred=2", "bad_inferred"),
        ("year=last", "bad_year"),
        ("q=" + "x" * 501, "query_too_long"),
        ("area=" + "&area=".join(str(n) for n in range(21)), "too_many_filters"),
    ],
)
def test_bad_parameters_get_a_400_saying_what_is_wrong(client, query_string, code):
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]


@pytest.mark.parametrize("query", ["title:", "(" * 400, "\x00", "deep (+) learning"])
def test_malformed_queries_never_fail(client, query):
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code == 200
    assert response.get_json()["query"] == query.strip()


def test_healthz_reports_the_document_count(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "documents": 36}


def test_openapi_describes_the_search_endpoint(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    parameters = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert parameters == {
        "q",
        "area",
        "person",
        "kind",
        "year",
        "inferred",
        "sort",
        "page",
        "per_page",
        "exact",
        "explain",
    }
    schema = spec["components"]["schemas"]["SearchResponse"]
    assert set(schema["required"]) == RESPONSE_KEYS - {"sort"}
    assert set(spec["components"]["schemas"]["Hit"]["required"]) == HIT_KEYS


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_missing_index_is_a_503_with_a_hint(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503
    assert "research-search reindex" in response.get_json()["error"]["message"]
    assert client.get("/healthz").status_code == 503


def test_every_response_carries_security_headers(client):
    for path in ("/", "/api/search?q=x", "/api/nothing", "/static/style.css"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_no_route_accepts_a_writing_method(app, client, method):
    paths = {rule.rule for rule in app.url_map.iter_rules() if "<" not in rule.rule}
    assert {"/", "/search", "/api/search", "/api/openapi.json", "/healthz"} <= paths
    for path in paths:
        response = client.open(path, method=method)
        assert response.status_code == 405, (method, path)
        assert "GET" in response.headers["Allow"], path
    assert client.open("/api/search", method=method).get_json()["error"]["code"] == (
        "method_not_allowed"
    )


def test_suggest_returns_titles_then_queries_for_what_was_typed(client):
    body = client.get("/api/suggest", query_string={"q": "deep l"}).get_json()
    assert body["query"] == "deep l"
    kinds = [s["type"] for s in body["suggestions"]]
    assert kinds == sorted(kinds, key=lambda kind: kind != "title")
    first = body["suggestions"][0]
    assert first["type"] == "title" and first["text"].lower().startswith("deep learning")
    assert first["url"].startswith("https://")


def test_suggest_for_nothing_typed_is_empty_and_limits_are_400s(client):
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []
    assert len(client.get("/api/suggest?q=a&limit=3").get_json()["suggestions"]) <= 3
    for bad in ({"q": "a", "limit": "11"}, {"q": "x" * 101}):
        response = client.get("/api/suggest", query_string=bad)
        assert response.status_code == 400
        assert response.get_json()["error"]["message"]


def test_explain_adds_why_each_hit_matched(client):
    hits = client.get("/api/search?q=deep+learning&explain=1").get_json()["hits"]
    assert hits and all(hit["explain"] for hit in hits)
    assert {"field", "term", "score", "share"} == set(hits[0]["explain"][0])
    assert "explain" not in client.get("/api/search?q=deep+learning").get_json()["hits"][0]
    assert client.get("/api/search?q=deep&explain=maybe").status_code == 400


def test_a_query_that_finds_nothing_shows_its_corrections_results(client):
    body = client.get("/api/search?q=quantm+computing").get_json()
    assert body["showing_results_for"] == "quantum computing" and body["total"] > 0
    exact = client.get("/api/search?q=quantm+computing&exact=1").get_json()
    assert exact["showing_results_for"] is None


def test_the_served_engine_freezes_what_it_keeps_but_not_under_tests(sample_index, monkeypatch):
    engine = "search_engine"
    assert create_app({"INDEX_DIR": str(sample_index)}).extensions[engine].freeze
    assert (
        not create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).extensions[engine].freeze
    )
    monkeypatch.setenv("RESEARCH_SEARCH_FREEZE_GC", "0")
    assert not create_app({"INDEX_DIR": str(sample_index)}).extensions[engine].freeze
