"""Synonyms: a query that names a thing one way also finds its other names."""

import pytest

from search.engine import SearchEngine
from search.errors import ConfigurationError
from search.request import SearchRequest
from search.synonyms import load_synonyms


@pytest.fixture(scope="module")
def synonyms():
    return load_synonyms()


@pytest.fixture(scope="module")
def engines(sample_index, synonyms):
    return SearchEngine(sample_index), SearchEngine(sample_index, synonyms)


def ids(engine, query):
    return {hit.id for hit in engine.search(SearchRequest(query=query, per_page=100)).hits}


def test_an_acronym_finds_pages_that_spell_it_out(engines):
    plain, with_synonyms = engines
    assert ids(plain, "nlp") == set()
    assert "wp:msr-group:144931" in ids(with_synonyms, "nlp")  # "natural language processing"


def test_spelled_out_name_finds_the_acronym_too(engines):
    plain, with_synonyms = engines
    spelled = ids(with_synonyms, "artificial intelligence")
    assert spelled >= ids(plain, "artificial intelligence") | ids(plain, "ai")


def test_quoted_phrases_field_terms_and_excluded_words_stay_as_typed(synonyms):
    assert synonyms.expand('"ai safety" title:ai -ai') == '"ai safety" title:ai -ai'


def test_a_run_of_words_is_replaced_by_its_group(synonyms):
    assert synonyms.expand("Natural Language Processing tools") == (
        "((Natural Language Processing) OR nlp) tools"
    )


def test_a_users_file_joins_groups_that_share_a_name(tmp_path):
    extra = tmp_path / "synonyms.txt"
    extra.write_text("# ours\nai, machine intelligence\n", "utf-8")
    expanded = load_synonyms(extra).expand("machine intelligence")
    assert '"artificial intelligence"' in expanded and "ai" in expanded


def test_a_group_of_one_name_is_a_clear_error(tmp_path):
    extra = tmp_path / "synonyms.txt"
    extra.write_text("ai\n", "utf-8")
    with pytest.raises(ConfigurationError, match=r"synonyms.txt:1: a group needs two"):
        load_synonyms(extra)


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigurationError, match="cannot read synonyms file"):
        load_synonyms(tmp_path / "missing.txt")
