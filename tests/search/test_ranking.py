"""Ranking on the sample corpus: whole titles and exact word forms come first."""

import re

import pytest

from index.analysis import stem_word
from index.reindex import indexed_documents
from index.store import open_index
from search.engine import SearchEngine
from search.request import SearchRequest
from search.synonyms import load_synonyms

WORD = re.compile(r"\w+")


@pytest.fixture(scope="module")
def engine(sample_index):
    return SearchEngine(sample_index, load_synonyms())


@pytest.fixture(scope="module")
def documents(sample_index):
    return indexed_documents(open_index(sample_index))


def stems(text: str) -> set[str]:
    return {stem_word(word) for word in WORD.findall(text.lower())}


def ranked(engine, documents, query):
    response = engine.search(SearchRequest(query=query, per_page=50))
    return [documents[hit.id] for hit in response.hits]


@pytest.mark.parametrize(
    "query",
    [
        "learned",
        "privacy",
        "networks",
        "genomics",
        "sign language recognition",
        "quantum error correction",
        "machine translation",
        "accessibility",
    ],
)
def test_a_title_with_every_word_ranks_above_a_page_that_mentions_them_once(
    engine, documents, query
):
    wanted = stems(query)
    hits = ranked(engine, documents, query)
    titled = [i for i, doc in enumerate(hits) if wanted <= stems(doc.title)]
    once = [
        i
        for i, doc in enumerate(hits)
        if not wanted & stems(doc.title)
        and all(sum(stem_word(w) == s for w in WORD.findall(doc.body.lower())) <= 1 for s in wanted)
    ]
    assert titled, f"no title holds every word of {query!r}"
    assert max(titled) < min(once, default=len(hits)), [d.title for d in hits]


@pytest.mark.parametrize("query", ["learned", "learns", "networking", "recognising"])
def test_the_word_as_typed_ranks_above_other_forms_of_it(engine, documents, query):
    """Every page at the top has the exact word, not only another word with its stem."""
    top = ranked(engine, documents, query)[0]
    assert re.search(rf"\b{query}\b", f"{top.title} {top.body}".lower()), top.title


@pytest.mark.parametrize(
    "query", ["machine learning", "neural networks", "language models", "research group"]
)
def test_the_words_together_rank_above_the_same_words_apart(engine, documents, query):
    hits = ranked(engine, documents, query)
    together = [i for i, doc in enumerate(hits) if query in f"{doc.title} {doc.body}".lower()]
    apart = [i for i in range(len(hits)) if i not in together]
    assert together and apart
    assert min(together) < min(apart)
