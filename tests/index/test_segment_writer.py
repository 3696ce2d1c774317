"""The lean segment writer writes, byte for byte, the segment Whoosh's own writer writes."""

from dataclasses import replace
from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from index.document import Document
from index.readers import read_source
from index.scan import list_files
from index.schema import build_schema, document_fields
from index.segment_writer import LeanSegmentWriter, PostingsInMemory

# Copies enough for the common words' postings to fill several blocks of 128.
COPIES = 12


@pytest.fixture(scope="module")
def documents(samples, taxonomy) -> list[Document]:
    read = [
        doc for path in list_files([str(samples)]) for doc in read_source(path, taxonomy).documents
    ]
    return [replace(doc, id=f"{doc.id}/{n}") for n in range(COPIES) for doc in read]


def segment_files(index_dir: Path, writer_class: type, docs: list[Document]) -> dict[str, bytes]:
    """The files of the one segment ``writer_class`` writes for ``docs``, by what they hold."""
    index_dir.mkdir()
    ix = FileIndex.create(FileStorage(str(index_dir)), build_schema(), "MAIN")
    writer = writer_class(ix, limitmb=64, codec=W3Codec(compression=0), compound=False)
    for doc in docs:
        writer.add_document(**document_fields(doc))
    writer.commit()
    (segment,) = ix._segments()
    prefix = segment.segment_id()
    return {
        path.name.removeprefix(prefix): path.read_bytes() for path in index_dir.glob(f"{prefix}.*")
    }


def test_the_lean_writer_writes_the_segment_whoosh_writes(tmp_path, documents):
    whoosh = segment_files(tmp_path / "whoosh", SegmentWriter, documents)
    lean = segment_files(tmp_path / "lean", LeanSegmentWriter, documents)
    assert set(lean) == set(whoosh) >= {".pst", ".trm", "._stored.col"}
    for name in whoosh:
        assert lean[name] == whoosh[name], f"{name} differs"


def test_postings_come_back_by_field_and_term_each_in_the_order_added():
    pool = PostingsInMemory()
    for item in [
        ("title", b"zebra", 0, 1.0, b"\x01"),
        ("body", b"yak", 0, 2.0, b""),
        ("title", b"ant", 1, 1.0, b"\x02"),
        ("body", b"yak", 3, 1.0, b"\x03\x04"),
    ]:
        pool.add(item)
    assert list(pool.by_term()) == [
        ("body", b"yak", [0, 3], [2.0, 1.0], [b"", b"\x03\x04"]),
        ("title", b"ant", [1], [1.0], [b"\x02"]),
        ("title", b"zebra", [0], [1.0], [b"\x01"]),
    ]
    pool.cleanup()
    assert list(pool.by_term()) == []


def test_written_in_small_pieces_the_segment_is_the_same(tmp_path, documents, monkeypatch):
    """Terms gathered in memory go to the files a piece at a time (a megabyte, at scale)."""
    monkeypatch.setattr("index.segment_writer._OneBlockTerms.FLUSH_BYTES", 300)
    whoosh = segment_files(tmp_path / "whoosh", SegmentWriter, documents)
    lean = segment_files(tmp_path / "lean", LeanSegmentWriter, documents)
    for name in whoosh:
        assert lean[name] == whoosh[name], f"{name} differs"
