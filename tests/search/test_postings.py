"""Postings read straight from whoosh3's files: the same documents, weights and positions
that Whoosh's own matchers give, over posting lists of many blocks."""

import pickle
import re

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from index.schema import build_schema
from search.postings import (
    _ids_and_weights,
    term_blocks,
    term_positions,
    term_postings,
    term_weights,
)

DOCUMENTS = 700  # a common word's postings fill several blocks of 128


@pytest.fixture(scope="module")
def reader(tmp_path_factory, article_seed):
    """An index of the seed article's sentences, each document a few of them."""
    sentences = re.split(r"(?<=[.!?])\s+", article_seed.read_text("utf-8"))
    storage = FileStorage(str(tmp_path_factory.mktemp("postings")))
    index = FileIndex.create(storage, build_schema(), "MAIN")
    writer = index.writer()
    for number in range(DOCUMENTS):
        picked = [sentences[(number * step) % len(sentences)] for step in (1, 3, 7)]
        writer.add_document(id=str(number), title=picked[0], body=" ".join(picked))
    writer.commit()
    with index.reader() as reader:
        yield reader


def whoosh_postings(reader, field, term):
    matcher = reader.postings(field, term)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value_as("positions")))
        matcher.next()
    return found


def test_documents_and_weights_are_whooshs_own(reader):
    terms = list(reader.lexicon("body"))
    assert max(reader.doc_frequency("body", term) for term in terms) > 2 * 128
    for term in terms:
        postings = term_postings(reader, "body", term)
        expected = whoosh_postings(reader, "body", term)
        assert postings.ids.tolist() == [docnum for docnum, _w, _p in expected]
        assert postings.weights.tolist() == [weight for _d, weight, _p in expected]


def test_positions_are_read_for_just_the_documents_asked_for(reader):
    term = max(reader.lexicon("body"), key=lambda t: reader.doc_frequency("body", t))
    postings = term_postings(reader, "body", term)
    expected = {
        docnum: positions for docnum, _w, positions in whoosh_postings(reader, "body", term)
    }
    asked = sorted({*range(0, DOCUMENTS, 37), *postings.ids[::50].tolist(), DOCUMENTS - 1})
    found = term_positions(reader, "body", term, postings.blocks, asked)
    assert found == {docnum: expected[docnum] for docnum in asked if docnum in expected}


def test_weights_are_read_for_just_the_documents_asked_for(reader):
    term = max(reader.lexicon("body"), key=lambda t: reader.doc_frequency("body", t))
    expected = {docnum: weight for docnum, weight, _p in whoosh_postings(reader, "body", term)}
    asked = list(range(3, DOCUMENTS, 11))
    blocks = term_blocks(reader, "body", term)
    held, weights = term_weights(reader, "body", term, blocks, asked)
    assert dict(zip(held.tolist(), weights.tolist(), strict=True)) == {
        docnum: expected[docnum] for docnum in asked if docnum in expected
    }


def test_blocks_are_found_from_their_headers_as_from_the_whole_list(reader):
    for term in list(reader.lexicon("body"))[::25]:
        from_headers = term_blocks(reader, "body", term)
        from_postings = term_postings(reader, "body", term).blocks
        assert from_headers.last_ids.tolist() == from_postings.last_ids.tolist()
        assert from_headers.starts.tolist() == from_postings.starts.tolist()


def test_a_term_not_in_the_segment_has_no_postings(reader):
    assert len(term_postings(reader, "body", b"zyzzogeton").ids) == 0


@pytest.mark.parametrize(
    "block",
    [
        ((3, 1, 4), (1.0, 5.0, 2.0), (b"\x00\x01", b"\x02", b"\x03\x04")),
        ((3, 1, 4), None, (b"\x00\x01", b"\x02", b"\x03\x04")),
        ((3, 1, 4), 2.0, (b"", b"\x02", b"(c_codecs\nencode\n")),  # the cut's mark as data
        ((3, 1, 4), (1.0, 5.0, 2.0), ()),
    ],
)
def test_a_block_read_without_its_values_gives_its_ids_and_weights(block):
    """Blocks pickled as whoosh3 pickles them (protocol 2); where the values' start is not
    where it looks, the block is unpickled whole."""
    data = memoryview(pickle.dumps(block, 2))
    assert _ids_and_weights(data, 0, 3) == block[:2]


def test_a_block_of_positions_is_read_without_unpickling_them():
    """Four postings and more: their values are a tuple after a MARK, cut off unread (so
    values that would not unpickle never are)."""
    block = (
        (3, 1, 4, 1, 5),
        (1.0, 5.0, 2.0, 6.0, 5.0),
        tuple(b"\x00\x01" * n for n in range(1, 6)),
    )
    data = pickle.dumps(block, 2)
    assert data.count(b"(c_codecs\nencode\n") == 1
    broken = data[:-4]  # the values' pickle cut short: unpickling it whole fails
    with pytest.raises(EOFError):
        pickle.loads(broken)
    assert _ids_and_weights(memoryview(broken), 0, 5) == block[:2]


def test_a_block_whose_cut_does_not_check_out_is_unpickled_whole():
    block = ((3, 1, 4), (1.0, 5.0, 2.0), (b"\x00\x01", b"\x02", b"\x03\x04"))
    data = memoryview(pickle.dumps(block, 2))
    assert _ids_and_weights(data, 0, 4) == block[:2]  # a count that the cut cannot match
