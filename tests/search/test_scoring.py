"""NumPy scoring matches and scores exactly what Whoosh itself would, query by query."""

import pytest
from whoosh.index import open_dir
from whoosh.query import AndMaybe

from search import matching  # noqa: F401  (the same Whoosh fixes the engine runs with)
from search.query import parse_query
from search.scoring import Scorer, SegmentCache, top
from search.synonyms import load_synonyms

QUERIES = [
    "deep learning",
    "learning",
    '"deep learning"',
    "quantum OR genome",
    "vision -medical",
    "-deep",
    "title:qubits",
    "kind:project learning",
    "ai ethics",
    "natural language processing",
    "network privacy security",
]


@pytest.fixture(scope="module")
def searcher(sample_index):
    with open_dir(str(sample_index)).searcher() as searcher:
        yield searcher


@pytest.fixture(scope="module")
def scorer(searcher):
    return Scorer(searcher, SegmentCache())


def whoosh_scores(searcher, query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_equal_whooshs(searcher, scorer, text):
    parsed = parse_query(text, searcher.schema, load_synonyms())
    for query in filter(None, [parsed.all_words, parsed.any_word]):
        expected = whoosh_scores(searcher, query)
        found = scorer.matches(query)
        assert set(found.mask.nonzero()[0].tolist()) == set(expected)
        for docnum, score in expected.items():
            assert found.scores[docnum] == pytest.approx(score, rel=1e-5), (text, docnum)


@pytest.mark.parametrize("text", ["deep learning", "learning", "sign language recognition"])
def test_lifts_add_what_whoosh_adds_for_them(searcher, scorer, text):
    parsed = parse_query(text, searcher.schema, load_synonyms())
    expected = whoosh_scores(searcher, AndMaybe(parsed.all_words, parsed.lifts))
    base = scorer.matches(parsed.all_words)
    lifted = scorer.matches(parsed.lifts, within=base.mask)
    for docnum, score in expected.items():
        ours = base.scores[docnum] + (lifted.scores[docnum] if lifted.mask[docnum] else 0.0)
        assert ours == pytest.approx(score, rel=1e-5), docnum


def test_top_breaks_ties_by_document_number(scorer):
    scores = scorer.none().astype(float)
    scores[[3, 5, 7, 9]] = [1.0, 2.0, 2.0, 2.0]
    allowed = scorer.none()
    allowed[[3, 5, 7, 9]] = True
    assert top(scores, allowed, 2).tolist() == [5, 7]
    assert top(scores, allowed, 10).tolist() == [5, 7, 9, 3]
