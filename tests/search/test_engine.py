"""The engine over the sample corpus: matching, fallback, sorting, paging, suggestions."""

import gc
import json
import re
import shutil

import pytest

from index.reindex import indexed_documents, reindex
from index.store import open_index
from index.taxonomy import load_taxonomy
from search.engine import SearchEngine
from search.errors import BadRequest
from search.request import SearchRequest

HOSTILE_QUERIES = [
    "deep (+) learning",
    "(+):",
    "REQUIRE ANDNOT ]",
    "REQUIRE ANDMAYBE area: \u0130",
    "title:",
    '"unclosed',
    "AND OR",
    "(" * 400,
    "*",
    "a* b* c*",
    "\x00",
    "\ud800",
    "kind:",
    "-",
    "+",
    "deep^99",
    "title:[a TO z]",
    "\u202e",
    "<script>alert(1)</script>",
    "NOT",
    "-deep -learning",
]


@pytest.fixture(scope="module")
def engine(sample_index):
    return SearchEngine(sample_index)


def search(engine, query="", **options):
    return engine.search(SearchRequest(query=query, **options))


def test_title_match_ranks_the_group_page_first(engine):
    assert search(engine, "deep learning group").hits[0].title == "Deep Learning Group"


def test_all_words_must_match(engine, sample_index):
    documents = indexed_documents(open_index(sample_index))
    both = search(engine, "quantum error", per_page=100)
    assert both.total > 0 and not both.fallback
    assert both.total < search(engine, "quantum", per_page=100).total
    for hit in both.hits:
        doc = documents[hit.id]
        text = " ".join([doc.title, doc.summary, doc.body, *doc.areas]).lower()
        assert re.search(r"\bquantum", text) and re.search(r"\berror", text)


def test_when_no_document_has_every_word_any_word_will_do(engine):
    response = search(engine, "quantum zyzzogeton")
    assert response.fallback
    assert response.total == search(engine, "quantum").total


def test_phrase_is_stricter_than_words(engine):
    assert search(engine, '"learning deep"').total < search(engine, "learning deep").total


def test_minus_word_excludes(engine):
    with_vision = search(engine, "deep learning", per_page=100).total
    without = search(engine, "deep learning -vision", per_page=100)
    assert 0 < without.total < with_vision
    assert all("Computer vision" not in hit.areas for hit in without.hits)


def test_or_widens(engine):
    assert search(engine, "qubit OR genome").total > search(engine, "qubit").total


def test_accents_are_folded(engine):
    assert search(engine, "cafe").total == search(engine, "café").total > 0


def test_newest_sort_puts_undated_documents_last(engine):
    hits = search(engine, "learning", sort="newest", per_page=100).hits
    dates = [hit.date for hit in hits]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates == dated + [""] * (len(dates) - len(dated))


@pytest.mark.parametrize("query", ["learning", "deep learning", "network privacy", "ai"])
def test_pages_partition_the_results_with_an_exact_total(engine, query):
    everything = search(engine, query, per_page=100)
    last = -(-everything.total // 4)
    pages = [search(engine, query, per_page=4, page=n) for n in range(1, last + 1)]
    seen = [hit.id for page in pages for hit in page.hits]
    assert len(seen) == len(set(seen)) == everything.total
    assert pages[0].pages == last


def test_page_past_the_end_is_a_bad_request(engine):
    last = search(engine, "learning", per_page=4).pages
    with pytest.raises(BadRequest, match="past the last page"):
        search(engine, "learning", per_page=4, page=last + 1)


def test_no_fallback_is_claimed_when_nothing_matches_at_all(engine):
    response = search(engine, "zyzzx qwxqw")
    assert (response.total, response.fallback) == (0, False)


def test_only_excluded_words_mean_everything_but_those(engine):
    everything = search(engine).total
    assert search(engine, "-deep").total == everything - search(engine, "deep").total


def test_query_of_symbols_only_finds_nothing(engine):
    assert search(engine, "(+):").total == 0


@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=lambda t: repr(t[:20]))
def test_hostile_queries_search_without_error(engine, text):
    assert search(engine, text).total >= 0


def test_misspelled_word_gets_a_suggestion(engine):
    response = search(engine, "quantm computing")
    assert response.suggestion == "quantum computing"


def test_acronyms_are_not_corrected(engine):
    assert search(engine, "XKCDQ").suggestion is None


def test_a_misspelt_query_shows_the_corrections_results_and_says_so(engine):
    response = search(engine, "deep lerning")
    assert response.query == "deep lerning"
    assert response.showing_results_for == "deep learning"
    assert not response.fallback
    assert response.total == search(engine, "deep learning").total


def test_exact_searches_the_words_as_typed_and_still_offers_the_correction(engine):
    response = search(engine, "deep lerning", exact=True)
    assert response.showing_results_for is None
    assert response.suggestion == "deep learning"
    assert response.fallback  # only "deep" is anywhere


def test_explain_accounts_for_the_whole_score(engine):
    for hit in search(engine, "deep learning", explain=True, per_page=5).hits:
        assert hit.explanation
        assert sum(c.score for c in hit.explanation) == pytest.approx(hit.score, rel=1e-3)
        assert sum(c.share for c in hit.explanation) == pytest.approx(1.0, abs=1e-3)
    top = search(engine, "deep learning group", explain=True).hits[0]
    assert top.explanation[0].field == "title"


def test_explain_is_left_out_unless_asked(engine):
    assert all(hit.explanation is None for hit in search(engine, "deep").hits)


def test_snippets_mark_matches_and_escape_everything_else(engine):
    [hit] = search(engine, "deep learning group", per_page=1).hits
    assert "<mark>" in hit.snippet_html
    assert hit.title_html == "<mark>Deep</mark> <mark>Learning</mark> <mark>Group</mark>"
    stripped = hit.snippet_html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped


def test_script_in_a_title_comes_back_escaped(tmp_path, taxonomy, group_seed):
    item = json.loads(group_seed.read_text("utf-8"))
    item["title"]["rendered"] = "&lt;script&gt;alert(1)&lt;/script&gt; Deep Group"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "page.json").write_text(json.dumps(item), "utf-8")
    reindex(tmp_path / "ix", taxonomy, [str(tmp_path / "src")])
    [hit] = SearchEngine(tmp_path / "ix").search(SearchRequest(query="deep group")).hits
    assert hit.title == "<script>alert(1)</script> Deep Group"
    assert hit.title_html.startswith("&lt;script&gt;alert(1)&lt;/script&gt; <mark>Deep</mark>")


def test_engine_sees_a_reindex_without_restart_and_no_stale_copies(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    engine = SearchEngine(tmp_path / "ix")
    assert search(engine, "low-hanging fruit").total == 1
    story = corpus / "articles" / "002_2617209aba1bfd98.txt"
    story.write_text(story.read_text("utf-8").replace("Narrowing", "Widening"), "utf-8")
    (corpus / "wordpress" / "list-export-page1.json").unlink()
    reindex(tmp_path / "ix", taxonomy)
    hits = search(engine, "low-hanging fruit").hits
    assert [hit.title for hit in hits] == [
        "Microsoft Research Sees Widening Innovation Gap in Deep Learning"
    ]
    assert engine.document_count() == 31


def test_request_in_flight_keeps_its_searcher_through_a_reindex(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    engine = SearchEngine(tmp_path / "ix")
    with engine.generation() as old:
        shutil.copy(corpus / "articles" / "002_2617209aba1bfd98.txt", corpus / "extra.txt")
        reindex(tmp_path / "ix", taxonomy)
        assert engine.document_count() == 37
        assert old.searcher.doc_count() == 36  # still open and usable


def test_a_repeated_search_is_answered_from_memory_until_the_index_changes(tmp_path, corpus):
    index_dir = tmp_path / "ix"
    taxonomy = load_taxonomy()
    reindex(index_dir, taxonomy, [str(corpus)])
    engine = SearchEngine(index_dir)
    first = engine.search(SearchRequest(query="qubit"))
    assert engine.search(SearchRequest(query="qubit")).hits == first.hits
    (corpus / "articles" / "qubits-again.txt").write_text("Qubits again\n\nMore qubit news.\n")
    reindex(index_dir, taxonomy)
    assert engine.search(SearchRequest(query="qubit")).total == first.total + 1


def test_remembering_no_answers_answers_the_same(sample_index):
    remembering, forgetting = SearchEngine(sample_index), SearchEngine(sample_index, None, 0)
    for query in ("deep learning", "vision -medical", ""):
        request = SearchRequest(query=query, per_page=20)
        assert remembering.search(request).hits == forgetting.search(request).hits


@pytest.fixture
def unfrozen():
    """The cyclic collector as it was, whatever a test froze."""
    yield
    gc.unfreeze()


def test_a_serving_engine_freezes_what_it_keeps_until_the_index_changes(
    tmp_path, taxonomy, corpus, unfrozen
):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    engine = SearchEngine(tmp_path / "ix", freeze=True)
    assert engine.search(SearchRequest(query="speech")).total == 4
    assert gc.get_freeze_count() > 0
    story = corpus / "articles" / "privacy-homomorphic-encryption.txt"
    story.write_text(story.read_text("utf-8") + "\nMore on encryption soon.\n", "utf-8")
    reindex(tmp_path / "ix", taxonomy)
    # The next request opens the new state: the old one's cycles can be collected.
    assert engine.document_count() == 36
    assert gc.get_freeze_count() == 0
    assert engine.search(SearchRequest(query="encryption")).total
    assert gc.get_freeze_count() > 0


def test_an_engine_freezes_nothing_unless_asked(sample_index, unfrozen):
    gc.unfreeze()
    engine = SearchEngine(sample_index)
    for _ in range(10):
        engine.search(SearchRequest(query="speech"))
    assert gc.get_freeze_count() == 0
