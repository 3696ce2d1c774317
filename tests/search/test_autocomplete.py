"""Search as you type over the sample corpus: titles first, then completed queries."""

import pytest

from search.engine import SearchEngine


@pytest.fixture(scope="module")
def engine(sample_index):
    return SearchEngine(sample_index)


def texts(engine, typed, kind=None, limit=10):
    return [c.text for c in engine.complete(typed, limit) if kind in (None, c.kind)]


def test_an_unfinished_word_offers_titles_that_start_with_it(engine):
    titles = texts(engine, "dee", "title")
    assert "Deep Learning Group" in titles
    assert all("deep" in title.lower() for title in titles)


def test_earlier_words_must_all_be_in_the_title(engine):
    titles = texts(engine, "sign lang", "title")
    assert titles and all("sign language" in title.lower() for title in titles)


def test_completed_queries_follow_the_words_already_typed(engine):
    queries = texts(engine, "neural n", "query")
    assert queries[0] in ("neural network", "neural networks")
    assert all(query.startswith("neural n") for query in queries)


def test_a_word_followed_by_a_space_is_finished(engine):
    assert texts(engine, "deep ", "query") == []
    assert "Deep Learning Group" in texts(engine, "deep ", "title")


def test_at_most_limit_suggestions_and_no_duplicates(engine):
    found = texts(engine, "a", limit=7)
    assert len(found) <= 7
    assert len({t.casefold() for t in found}) == len(found)


def test_nothing_matches_nothing(engine):
    assert texts(engine, "zzzqqq") == []
    assert texts(engine, "!!!") == []
