"""NumPy scoring: Whoosh's matches, BM25F for a word over several fields, and Whoosh's own
scores for single-field terms and the ranking lifts."""

import math
import re

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, open_dir

from index.schema import build_schema
from search import (
    matching,  # noqa: F401  (the same Whoosh fixes the engine runs with)
    scoring,
)
from search.query import parse_query
from search.scoring import ENTRY_BYTES, K1, B, Scorer, SegmentCache, bm25f, field_group, top
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
def test_matches_are_whooshs_own(searcher, scorer, text):
    parsed = parse_query(text, searcher.schema, load_synonyms())
    for query in filter(None, [parsed.all_words, parsed.any_word]):
        expected = set(searcher.docs_for_query(query))
        assert set(scorer.matches(query).mask.nonzero()[0].tolist()) == expected


@pytest.mark.parametrize("text", ["title:qubits", "kind:project", "person:smolensky"])
def test_a_term_in_one_field_scores_as_whoosh_scores_it(searcher, scorer, text):
    query = parse_query(text, searcher.schema).all_words
    found = scorer.matches(query)
    for docnum, score in whoosh_scores(searcher, query).items():
        assert found.scores[docnum] == pytest.approx(score, rel=1e-5)


def reference_bm25f(searcher, terms, docnum) -> float:
    """BM25F for one document, the slow way, from Whoosh's public per-document answers."""
    reader = searcher.reader()
    combined = 0.0
    having = set()
    for term in terms:
        if (term.fieldname, term.text) not in reader:
            continue
        postings = reader.postings(term.fieldname, term.text)
        having |= set(postings.all_ids())
        postings = reader.postings(term.fieldname, term.text)
        postings.skip_to(docnum)
        if postings.is_active() and postings.id() == docnum:
            length = reader.doc_field_length(docnum, term.fieldname) or 0
            relative = length / searcher.avg_field_length(term.fieldname)
            combined += term.boost * postings.weight() / ((1 - B) + B * relative)
    count = searcher.doc_count()
    idf = math.log(1 + (count - len(having) + 0.5) / (len(having) + 0.5))
    return idf * combined * (K1 + 1) / (K1 + combined)


@pytest.mark.parametrize("text", ["deep learning", "network privacy security", "qubits"])
def test_a_word_over_several_fields_scores_bm25f(searcher, scorer, text):
    query = parse_query(text, searcher.schema).all_words
    groups = [node for node in [query, *query.children()] if field_group(node)]
    found = scorer.matches(query)
    for docnum in found.mask.nonzero()[0].tolist():
        expected = sum(reference_bm25f(searcher, field_group(g), docnum) for g in groups)
        assert found.scores[docnum] == pytest.approx(expected, rel=1e-5)


def test_every_word_once_beats_one_word_in_a_heavy_field(scorer, searcher):
    """A word in several fields saturates once: no single field can swamp the other words."""
    group = field_group(parse_query("genome", searcher.schema).all_words)
    ceiling = math.log(1 + (scorer.live.sum() + 0.5) / 1.5) * (K1 + 1)
    assert bm25f(scorer, group, 1.0).scores.max() < ceiling


@pytest.mark.parametrize("text", ["deep learning", "learning", "sign language recognition"])
def test_lifts_add_what_whoosh_scores_for_them(searcher, scorer, text):
    parsed = parse_query(text, searcher.schema, load_synonyms())
    base = scorer.matches(parsed.all_words)
    lifted = scorer.matches(parsed.lifts, within=base.mask)
    expected = whoosh_scores(searcher, parsed.lifts)
    for docnum in base.mask.nonzero()[0].tolist():
        ours = lifted.scores[docnum] if lifted.mask[docnum] else 0.0
        assert ours == pytest.approx(expected.get(docnum, 0.0), rel=1e-5, abs=1e-9), docnum


def test_top_breaks_ties_by_document_number(scorer):
    scores = scorer.none().astype(float)
    scores[[3, 5, 7, 9]] = [1.0, 2.0, 2.0, 2.0]
    allowed = scorer.none()
    allowed[[3, 5, 7, 9]] = True
    assert top(scores, allowed, 2).tolist() == [5, 7]
    assert top(scores, allowed, 10).tolist() == [5, 7, 9, 3]


def test_the_cache_bound_counts_each_entry_not_only_its_data():
    cache = SegmentCache(max_bytes=10 * (ENTRY_BYTES + 8))  # ten 1-float arrays
    reads = []

    def read():
        reads.append(1)
        return np.zeros(1)

    for number in range(25):
        cache.get(("lengths", "segment", str(number)), read)
    for number in range(15, 25):
        cache.get(("lengths", "segment", str(number)), read)
    assert len(reads) == 25  # the last ten are still kept
    cache.get(("lengths", "segment", "0"), read)
    assert len(reads) == 26


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("lists_kept", [True, False])
def test_a_part_scores_its_documents_as_the_whole_does(searcher, scorer, text, lists_kept):
    """Whether the whole posting lists are kept or only the blocks that hold the part's
    documents are read."""
    parsed = parse_query(text, searcher.schema, load_synonyms())
    docs = np.arange(1, scorer.size, 3)
    for query in filter(None, [parsed.all_words, parsed.any_word, parsed.lifts]):
        whole = scorer.matches(query)
        fresh = scorer if lists_kept else Scorer(searcher, SegmentCache())
        part = fresh.part(docs).matches(query)
        assert part.mask.tolist() == whole.mask[docs].tolist()
        assert part.scores[part.mask].tolist() == whole.scores[docs][part.mask].tolist()


@pytest.mark.parametrize("text", ['"deep learning"', '"quantum error correction"', "deep learning"])
def test_a_phrase_checked_a_few_documents_at_a_time_matches_whooshs(
    searcher, scorer, text, monkeypatch
):
    monkeypatch.setattr(scoring, "PHRASE_BATCH", 2)
    parsed = parse_query(text, searcher.schema)
    for query in filter(None, [parsed.all_words, parsed.lifts]):
        expected = set(searcher.docs_for_query(query))
        assert set(Scorer(searcher, SegmentCache()).matches(query).mask.nonzero()[0]) == expected


@pytest.fixture(scope="module")
def segmented(tmp_path_factory, article_seed):
    """An index of the seed article's sentences in three segments, each written apart."""
    sentences = re.split(r"(?<=[.!?])\s+", article_seed.read_text("utf-8"))
    storage = FileStorage(str(tmp_path_factory.mktemp("segmented")))
    index = FileIndex.create(storage, build_schema(), "MAIN")
    for segment, count in enumerate((300, 150, 40)):
        writer = index.writer()
        for number in range(count):
            picked = [sentences[(number * step + segment) % len(sentences)] for step in (1, 5)]
            writer.add_document(id=f"{segment}-{number}", title=picked[0], body=" ".join(picked))
        writer.commit(merge=False)
    with index.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 3
        yield searcher


def test_each_segments_postings_are_its_own_whole_and_in_part(segmented):
    """Postings are kept per segment under the segment's id: a word's documents and
    weights over all segments are Whoosh's, read whole and for a part."""
    scorer = Scorer(segmented, SegmentCache())
    part = scorer.part(np.arange(0, segmented.doc_count_all(), 3))
    terms = list(segmented.reader().lexicon("body"))[::7]
    assert len(terms) > 20
    for term in terms:
        matcher = segmented.reader().postings("body", term)
        expected = {}
        while matcher.is_active():
            expected[matcher.id()] = matcher.weight()
            matcher.next()
        ids, weights = scorer.postings("body", term)
        assert dict(zip(ids.tolist(), weights.tolist(), strict=True)) == expected
        held, part_weights = part.postings("body", term)
        in_part = {
            int(part.docs[i]): w for i, w in zip(held.tolist(), part_weights.tolist(), strict=True)
        }
        assert in_part == {d: w for d, w in expected.items() if d % 3 == 0}
