"""Whoosh's segment writer, without the costs of writing a segment that need not be paid.

Whoosh keeps a new segment's postings as one tuple each in a pool that it sorts, spills
to disk in runs and merges back at commit, then writes them one call per posting, looking
up each posting's field length in the lengths file just written (a seek and a read).
Here postings are kept in compact arrays, grouped and sorted by term in NumPy once, and
written a block at a time with the lengths read into memory once; posting blocks are
left uncompressed (compressing them cost a tenth of the commit, and every search
decompresses what it reads). What is written is the same segment, posting for posting
(tests/index/test_segment_writer.py). A segment is never spilled: the reindex starts
another one when one has grown to its memory budget (``is_full``).

whoosh3 3.54.0 is pinned exactly (pyproject.toml): ``_flush_segment`` is its step that
writes the postings, and the postings writer's block buffer is filled here directly.
"""

from array import array
from collections.abc import Callable, Iterator
from pickle import dumps

import numpy as np
from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3TermInfo,
    _lenfield,
)
from whoosh.index import Index
from whoosh.reading import IndexReader
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

# A length byte of 0 is "no length", as Whoosh's own reader says.
_LENGTH_OF_BYTE = [None] + [byte_to_length(code) for code in range(1, 256)]
# Bytes a term costs besides its postings (its key and its place in the dictionary).
_TERM_BYTES = 160
# Postings turned into Python lists at a time when writing them.
CHUNK_POSTINGS = 1 << 20


def lean_writer(ix: Index, limitmb: int, locked: bool = True) -> "LeanSegmentWriter":
    """A writer for one new segment of ``ix``, meant to hold about ``limitmb`` of postings;
    ``locked``, it takes the index's write lock (a worker writing a segment for the
    process that holds it does not)."""
    codec = W3Codec(compression=0)
    return LeanSegmentWriter(ix, limitmb=limitmb, codec=codec, _lk=locked)


def finished_segment(writer: SegmentWriter) -> Segment | None:
    """The writer's segment written out whole, for another writer to commit (None when
    nothing was added to it). The writer's temporary folder is left alone: writers of one
    index share it, and the committing writer removes it; so do the unused segment files."""
    if not writer.doc_count():
        writer._close_segment()
        return None
    return writer._finalize_segment()


class LeanSegmentWriter(SegmentWriter):
    def __init__(self, ix: Index, limitmb: int, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool.cleanup()
        self.pool = PostingsInMemory()
        self.budget = limitmb * 1024 * 1024

    def is_full(self) -> bool:
        """Whether the postings held have reached the writer's memory budget."""
        return self.pool.nbytes >= self.budget

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader()
        try:
            write_postings(self.fieldwriter, self.schema, reader, self.pool.by_term())
            self.fieldwriter.close()
        finally:
            reader.close()


class PostingsInMemory:
    """Postings as they are added, in flat arrays (about 30 bytes each, where the tuples
    of Whoosh's pool take about 200); given back grouped by term, in term order."""

    def __init__(self):
        self._term_ids: dict[tuple[str, bytes], int] = {}
        self._terms = array("I")
        self._docnums = array("I")
        self._weights = array("d")
        self._values = bytearray()
        self._value_ends = array("Q")

    @property
    def nbytes(self) -> int:
        postings = len(self._terms) * 24 + len(self._values)
        return postings + len(self._term_ids) * _TERM_BYTES

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, btext, docnum, weight, value = item
        key = (fieldname, btext)
        term = self._term_ids.get(key)
        if term is None:
            term = self._term_ids[key] = len(self._term_ids)
        self._terms.append(term)
        self._docnums.append(docnum)
        self._weights.append(weight)
        if value:
            self._values += value
        self._value_ends.append(len(self._values))

    def by_term(self) -> Iterator[tuple[str, bytes, list[int], list[float], list[bytes]]]:
        """(field, term, document numbers, weights, values) for each term, in order of field
        and term; each term's postings in the order they were added."""
        keys = sorted(self._term_ids)
        rank = np.empty(len(keys), dtype=np.int64)
        rank[[self._term_ids[key] for key in keys]] = np.arange(len(keys))
        ranks = rank[np.frombuffer(self._terms, dtype=np.uint32)] if keys else rank
        order = np.argsort(ranks, kind="stable")
        counts = np.bincount(ranks, minlength=len(keys)).tolist()
        ends = np.frombuffer(self._value_ends, dtype=np.uint64)
        starts = np.zeros_like(ends)
        starts[1:] = ends[:-1]
        data = bytes(self._values)
        at = 0
        for first, last in _runs(counts, CHUNK_POSTINGS):
            # Python lists for a run of terms at a time: for all postings at once they
            # would take several times the memory the arrays do.
            end = at + sum(counts[first:last])
            chosen = order[at:end]
            docnums = np.frombuffer(self._docnums, dtype=np.uint32)[chosen].tolist()
            weights = np.frombuffer(self._weights, dtype=np.float64)[chosen].tolist()
            bounds = zip(starts[chosen].tolist(), ends[chosen].tolist(), strict=True)
            values = [data[start:stop] for start, stop in bounds]
            offset = 0
            for key, count in zip(keys[first:last], counts[first:last], strict=True):
                stop = offset + count
                yield (*key, docnums[offset:stop], weights[offset:stop], values[offset:stop])
                offset = stop
            at = end

    def cleanup(self) -> None:
        """Forget every posting."""
        self._term_ids.clear()
        for column in (self._terms, self._docnums, self._weights, self._value_ends):
            del column[:]
        self._values.clear()


def _runs(counts: list[int], size: int) -> Iterator[tuple[int, int]]:
    """(first, last) ranges of ``counts`` that add up to about ``size`` (or one count)."""
    first, total = 0, 0
    for index, count in enumerate(counts):
        if total and total + count > size:
            yield first, index
            first, total = index, 0
        total += count
    if first < len(counts):
        yield first, len(counts)


def write_postings(
    fieldwriter: W3FieldWriter,
    schema,
    lengths: IndexReader,
    terms: Iterator[tuple[str, bytes, list[int], list[float], list[bytes]]],
) -> None:
    """Write each term's postings a block at a time: what Whoosh's ``add_postings`` does one
    posting at a time (blocks of the same size, with the same statistics)."""
    current = None
    length_of = _no_length
    for fieldname, btext, docnums, weights, values in terms:
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            length_of = _lengths_of(lengths, fieldname)
            current = fieldname
        block = fieldwriter._postwriter
        if len(docnums) <= block._blocklimit and not block._compression:
            _write_one_block(fieldwriter, btext, docnums, weights, values, length_of)
            continue
        fieldwriter.start_term(btext)
        for start in range(0, len(docnums), block._blocklimit):
            if start:
                block._write_block()
            end = start + block._blocklimit
            _fill_block(block, docnums[start:end], weights[start:end], values[start:end], length_of)
        fieldwriter.finish_term()
    if current is not None:
        fieldwriter.finish_field()


def _fill_block(block, docnums: list[int], weights: list[float], values: list[bytes], length_of):
    """The postings writer's block buffer holding these postings, with their statistics."""
    block._ids = array("I", docnums)
    block._weights = array("f", weights)
    block._values = [value for value in values if value]
    block._maxweight = max(0, *weights)
    found = [n for docnum in docnums if (n := length_of(docnum))]
    block._minlength = min(found) if found else None
    block._maxlength = max(found, default=0)


def _write_one_block(fieldwriter, btext: bytes, docnums, weights, values, length_of) -> None:
    """A term whose postings fit in one uncompressed block, written as the postings writer
    writes it (``start_term``, ``_write_block(last=True)``, ``finish_term``) but without
    its steps for terms of many blocks: most terms are rare, and this is most of a commit."""
    block = fieldwriter._postwriter
    block._format = fieldwriter._format
    _fill_block(block, docnums, weights, values, length_of)
    data = dumps((tuple(_deltas(docnums)), block._mini_weights(), block._mini_values()), 2)
    info = dumps(
        (
            len(docnums),
            docnums[-1],
            block._maxweight,
            0,
            length_to_byte(block._minlength),
            length_to_byte(block._maxlength),
        ),
        2,
    )
    postfile = block._postfile
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    postfile.write_int(-(len(info) + len(data)))  # negative: the last block
    postfile.write(info)
    postfile.write(data)
    terminfo = W3TermInfo(
        sum(block._weights),
        len(docnums),
        block._minlength,
        block._maxlength,
        block._maxweight,
        docnums[0],
        docnums[-1],
    )
    terminfo.set_extent(start, postfile.tell() - start)
    key = pack_ushort(fieldwriter._fieldid) + btext
    fieldwriter._tindex.add(key, terminfo.to_bytes())


def _deltas(numbers: list[int]) -> Iterator[int]:
    previous = 0
    for number in numbers:
        yield number - previous
        previous = number


def _no_length(docnum: int) -> None:
    return None


def _lengths_of(reader: IndexReader, fieldname: str) -> Callable[[int], int | None]:
    """Each document's length of ``fieldname``, as Whoosh's writer reads it (None for
    none), from the field's whole lengths column read once."""
    column = reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return _no_length
    codes = bytes(column.load())
    return lambda docnum: _LENGTH_OF_BYTE[codes[docnum]]
