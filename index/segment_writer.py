"""Whoosh's segment writer, with the two costs of writing a segment that need not be paid.

At commit, Whoosh writes each posting with its document's field length, which it reads
back from the new segment's lengths file one posting at a time (a seek and a read each:
a sixth of the commit). Here each field's lengths are read into memory once. And posting
blocks are written uncompressed: compressing them cost a tenth of the commit, and every
search decompresses what it reads (the index is a third larger). whoosh3 3.54.0 is
pinned exactly (pyproject.toml); ``_flush_segment`` is its step that writes the postings.
"""

from collections.abc import Callable

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

# A length byte of 0 is "no length", as Whoosh's own reader says.
_LENGTH_OF_BYTE = [None] + [byte_to_length(code) for code in range(1, 256)]


def lean_writer(ix: Index, limitmb: int) -> "LeanSegmentWriter":
    """A writer for one new segment of ``ix`` (it takes the index's write lock)."""
    return LeanSegmentWriter(ix, limitmb=limitmb, codec=W3Codec(compression=0))


class LeanSegmentWriter(SegmentWriter):
    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = LengthsInMemory(self.per_document_reader())
        try:
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
        finally:
            lengths.close()


class LengthsInMemory:
    """Field lengths of a new segment, each field's column read whole when first asked for."""

    def __init__(self, reader: W3PerDocReader):
        self._reader = reader

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable[[int], int]:
        column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return lambda docnum: default
        codes = bytes(column.load())
        return lambda docnum: _LENGTH_OF_BYTE[codes[docnum]]

    def close(self) -> None:
        self._reader.close()
