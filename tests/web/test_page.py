"""The server-rendered page: works without JavaScript, state in the URL, nothing unescaped."""

import json
import re

import pytest
from bs4 import BeautifulSoup

from index.reindex import reindex
from index.taxonomy import load_taxonomy
from web import create_app


def page(client, query_string=""):
    response = client.get(f"/search?{query_string}")
    return response, BeautifulSoup(response.data, "lxml")


def test_home_page_lists_documents_with_facets(client):
    response, soup = page(client)
    assert response.status_code == 200
    assert soup.select_one("input#q[name=q]") is not None
    assert soup.select_one(".result-count").get_text(" ", strip=True) == "36 results"
    assert len(soup.select("li.hit")) == 10
    assert soup.select("fieldset[data-facet=area] input[type=checkbox]")


def test_search_shows_count_results_links_and_snippets(client):
    _, soup = page(client, "q=deep+learning+group")
    first = soup.select_one("li.hit")
    link = first.select_one(".hit-title a")
    assert link["href"] == "https://www.microsoft.com/en-us/research/group/deep-learning-group/"
    assert link.get_text() == "Deep Learning Group"
    assert first.select_one(".badge").get_text() == "group"
    assert first.select_one(".snippet mark") is not None
    assert "Computer vision" in [a.get_text() for a in first.select(".area")]


def test_selected_filter_is_ticked_and_shown_as_a_removable_chip(client):
    _, soup = page(client, "q=learning&area=Computer+vision&kind=project")
    ticked = {(i["name"], i["value"]) for i in soup.select("input[type=checkbox][checked]")}
    assert ticked == {("area", "Computer vision"), ("kind", "project")}
    chips = {a.get_text(" ", strip=True): a["href"] for a in soup.select("a.chip")}
    assert chips["Computer vision ×"] == "/search?q=learning&kind=project"
    assert soup.select_one("a.clear-all")["href"] == "/search?q=learning"


def test_pagination_links_keep_query_and_filters(client):
    _, soup = page(client, "q=learning&kind=project&per_page=2")
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert next_link == "/search?q=learning&kind=project&per_page=2&page=2"
    _, second = page(client, next_link.split("?", 1)[1])
    assert second.select_one(".pagination [aria-current=page]").get_text() == "2"


def test_no_results_offers_the_suggestion_and_removing_filters(client):
    _, soup = page(client, "q=quantm+zyzzogetonx&area=Computer+vision")
    text = soup.select_one(".no-results").get_text(" ", strip=True)
    assert "No results" in text
    links = [a.get_text() for a in soup.select(".no-results a")]
    assert "Search again without filters" in links


def test_did_you_mean_links_to_the_corrected_search(client):
    _, soup = page(client, "q=quantm")
    link = soup.select_one(".suggestion a")
    assert link.get_text() == "quantum"
    assert link["href"] == "/search?q=quantum"


def test_bad_parameter_renders_a_400_page(client):
    response, soup = page(client, "page=0")
    assert response.status_code == 400
    assert "page must be a whole number" in soup.select_one(".error-message").get_text()


def test_query_with_script_is_escaped_in_the_page(client):
    response, soup = page(client, "q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert b"<script>alert(1)" not in response.data
    assert all("alert" not in (s.string or "") for s in soup.find_all("script"))


@pytest.fixture
def hostile_client(tmp_path, taxonomy, group_seed):
    item = json.loads(group_seed.read_text("utf-8"))
    item["title"]["rendered"] = "&lt;script&gt;alert(1)&lt;/script&gt; Deep Group"
    item["link"] = "javascript:alert(2)"
    item["related-researchers"] = [{"display_name": "<img src=x onerror=alert(3)>"}]
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "page.json").write_text(json.dumps(item), "utf-8")
    reindex(tmp_path / "ix", taxonomy, [str(tmp_path / "src")])
    return create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()


def test_script_in_a_document_title_and_people_is_escaped(hostile_client):
    response, soup = page(hostile_client, "q=deep")
    assert b"<script>alert(1)" not in response.data
    assert b"<img src=x" not in response.data
    assert soup.select_one(".hit-title").get_text(strip=True).startswith("<script>alert(1)")
    assert not soup.select(".hit-title a")  # a javascript: link is not rendered as a link
    assert not [a for a in soup.find_all("a", href=True) if re.match(r"\s*javascript:", a["href"])]


def test_a_misspelt_search_shows_the_corrections_results_with_a_way_back(client):
    _, soup = page(client, "q=quantm+computing")
    notice = soup.select_one(".suggestion")
    assert notice.get_text(" ", strip=True).startswith("Showing results for quantum computing")
    instead = notice.select("a")[-1]
    assert instead.get_text() == "quantm computing"
    assert "exact=1" in instead["href"]
    assert (
        soup.select_one(".result-count")
        .get_text(" ", strip=True)
        .endswith("for “quantum computing”")
    )
    _, exact = page(client, instead["href"].split("?", 1)[1])
    assert exact.select_one(".suggestion").get_text(" ", strip=True).startswith("Did you mean")
    assert exact.select_one("input[name=exact][value='1']") is not None


def test_people_are_a_facet_next_to_area_kind_and_year(client):
    _, soup = page(client, "q=deep+learning")
    facets = [f["data-facet"] for f in soup.select("fieldset.facet")]
    assert facets == ["area", "person", "kind", "year"]
    people = soup.select("fieldset[data-facet=person] .facet-value")
    assert "Jyoti Aneja" in [p.get_text() for p in people]
    _, narrowed = page(client, "q=deep+learning&person=Jyoti+Aneja")
    assert narrowed.select_one(".result-count").get_text(" ", strip=True).startswith("1 result")


def test_the_search_box_is_a_combobox_with_a_suggestion_list(client):
    _, soup = page(client)
    box = soup.select_one("input#q")
    assert box["role"] == "combobox" and box["aria-controls"] == "suggestions"
    assert soup.select_one("ul#suggestions[role=listbox]").has_attr("hidden")


def test_inferred_area_is_an_outlined_chip_that_says_it_is_inferred(client):
    _, soup = page(client, "q=innovation+gap")
    seed = next(hit for hit in soup.select("li.hit") if "Innovation Gap" in hit.get_text())
    [chip] = seed.select(".area")
    assert "area-inferred" in chip["class"]
    assert chip.get_text() == "Artificial intelligence (inferred)"
    assert chip.select_one(".visually-hidden").get_text() == " (inferred)"
    assert "names no research area" in chip["title"]


def test_given_areas_are_not_marked_inferred(client):
    _, soup = page(client, "q=deep+learning+group")
    chips = soup.select_one("li.hit").select(".area")
    assert chips and not any("area-inferred" in chip["class"] for chip in chips)


def test_hide_inferred_switch_is_off_by_default_and_on_when_asked(client):
    _, soup = page(client, "q=innovation+gap")
    assert not soup.select_one("input#hide-inferred").has_attr("checked")
    _, hidden = page(client, "q=innovation+gap&inferred=0")
    switch = hidden.select_one("input#hide-inferred[name=inferred][value='0']")
    assert switch.has_attr("checked")
    assert hidden.select(".area-inferred") == []


def test_links_keep_inferred_areas_hidden(client):
    _, soup = page(client, "q=learning&kind=project&inferred=0&per_page=2")
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert next_link == "/search?q=learning&kind=project&inferred=0&per_page=2&page=2"
    assert soup.select_one("a.chip")["href"] == "/search?q=learning&inferred=0&per_page=2"
    assert soup.select_one("a.clear-all")["href"] == "/search?q=learning&inferred=0&per_page=2"


def test_hostile_area_name_in_an_inferred_chip_is_escaped(tmp_path, corpus):
    terms = [{"id": 1, "name": "<img src=x onerror=alert(4)>", "keywords": ["qubit", "quantum"]}]
    (tmp_path / "areas.json").write_text(json.dumps(terms), "utf-8")
    reindex(tmp_path / "ix", load_taxonomy(tmp_path / "areas.json"), [str(corpus / "articles")])
    client = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    response, soup = page(client, "q=qubit")
    assert b"<img src=x" not in response.data
    assert soup.select_one(".area-inferred").get_text().startswith("<img src=x")
