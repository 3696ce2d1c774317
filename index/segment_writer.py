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
from collections.abc import Iterator
from hashlib import md5
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
from whoosh.filedb.filetables import HashWriter, md5_hash
from whoosh.filedb.filetables import _lengths as _KEY_VALUE_LENGTHS
from whoosh.filedb.filetables import _pointer as _POINTER
from whoosh.index import Index
from whoosh.reading import IndexReader
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

# The term table's record of a term (W3TermInfo.to_bytes, not inlined).
_TERMINFO = W3TermInfo._struct
# A block's magic and length, before its info and data.
_BLOCK_HEADER_BYTES = len(WHOOSH3_HEADER_MAGIC) + 4
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
        terms = self.fieldwriter._tindex
        terms._write_hashes = _write_hashes.__get__(terms)

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
    batch = None
    for fieldname, btext, docnums, weights, values in terms:
        if fieldname != current:
            if current is not None:
                batch.flush()
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            batch = _OneBlockTerms(fieldwriter, _length_codes(lengths, fieldname))
            current = fieldname
        block = fieldwriter._postwriter
        if len(docnums) <= block._blocklimit and not block._compression:
            batch.add(btext, docnums, weights, values)
            continue
        batch.flush()  # Whoosh's writer writes to the files next
        length_of = batch.length_of
        fieldwriter.start_term(btext)
        for start in range(0, len(docnums), block._blocklimit):
            if start:
                block._write_block()
            end = start + block._blocklimit
            _fill_block(block, docnums[start:end], weights[start:end], values[start:end], length_of)
        fieldwriter.finish_term()
        batch.resume()
    if current is not None:
        batch.flush()
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


class _OneBlockTerms:
    """Terms of one field whose postings fit in one uncompressed block, written as the
    postings writer and the term table write them (``start_term``, ``_write_block(last=
    True)``, ``finish_term``, the hash file's ``add``) but gathered in memory and written
    to the two files in large pieces: most terms are rare, and a commit is mostly these.
    ``flush`` before anything else writes to the files, ``resume`` after."""

    FLUSH_BYTES = 1 << 20

    def __init__(self, fieldwriter: W3FieldWriter, codes: bytes | None):
        self.fieldwriter = fieldwriter
        self.codes = codes
        self.prefix = pack_ushort(fieldwriter._fieldid)
        self.postings = bytearray()
        self.table = bytearray()
        # How the postings writer's _mini_values keeps a block's values.
        fixed = fieldwriter._format.fixed_value_size()
        self.values_kept = "tuple" if fixed is None or fixed < 0 else "join" if fixed else "none"
        tindex = fieldwriter._tindex
        self.positions, self.buckets = tindex.index, tindex.buckets
        self.hashed = _md5_hash if tindex.hashfn is md5_hash else tindex.hashfn
        self.resume()

    def length_of(self, docnum: int) -> int | None:
        return _LENGTH_OF_BYTE[self.codes[docnum]] if self.codes is not None else None

    def resume(self) -> None:
        """Go on where the files end now (and the term table's last key)."""
        self.postings_at = self.fieldwriter._postfile.tell()
        self.table_at = self.fieldwriter._tindex.dbfile.tell()
        self.last_key = self.fieldwriter._tindex.lastkey

    def add(self, btext: bytes, docnums: list[int], weights: list[float], values: list) -> None:
        rounded = array("f", weights)  # the block keeps weights as 32-bit floats
        first = rounded[0]
        if len(rounded) == 1 or all(w == first for w in rounded):
            mini_weights = None if first == 1.0 else first
        else:
            mini_weights = tuple(rounded)
        kept = self.values_kept
        if kept == "none":
            mini_values = None
        else:
            present = [value for value in values if value]
            mini_values = tuple(present) if kept == "tuple" else b"".join(present)
        codes = self.codes
        if codes is None:
            low = high = 0
        elif len(docnums) == 1:
            low = high = codes[docnums[0]]
        else:
            found = [code for docnum in docnums if (code := codes[docnum])]
            low, high = (min(found), max(found)) if found else (0, 0)
        maxweight = max(0, *weights)
        last = docnums[-1]
        deltas = (last,) if len(docnums) == 1 else tuple(_deltas(docnums))
        data = dumps((deltas, mini_weights, mini_values), 2)
        info = dumps((len(docnums), last, maxweight, 0, low, high), 2)
        postings = self.postings
        start = self.postings_at + len(postings)
        size = len(info) + len(data)
        postings += WHOOSH3_HEADER_MAGIC
        postings += pack_int(-size)  # negative: the last block
        postings += info
        postings += data
        terminfo = (
            _TERMINFO.pack(
                False, sum(rounded), len(docnums), low, high, maxweight, docnums[0], last
            )
            + pack_long(start)
            + pack_int(size + _BLOCK_HEADER_BYTES)
        )
        key = self.prefix + btext
        table = self.table
        at = self.table_at + len(table)
        self.positions.append(at)  # what OrderedHashWriter.add does; keys come sorted
        table += _KEY_VALUE_LENGTHS.pack(len(key), len(terminfo))
        table += key
        table += terminfo
        hashed = self.hashed(key)
        self.buckets[hashed & 255].append((hashed, at))
        self.last_key = key
        if len(postings) + len(table) > self.FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        self.fieldwriter._tindex.lastkey = self.last_key
        if self.postings:
            self.fieldwriter._postfile.write(bytes(self.postings))
            self.postings.clear()
        if self.table:
            self.fieldwriter._tindex.dbfile.write(bytes(self.table))
            self.table.clear()
        self.resume()


def _md5_hash(key: bytes) -> int:
    """Whoosh's ``md5_hash`` (the low 32 bits of the key's MD5), without the hex."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


def _write_hashes(self: HashWriter) -> None:
    """Whoosh's ``HashWriter._write_hashes``, each bucket's table in one write, not one a
    slot (a term table has two slots a term)."""
    dbfile = self.dbfile
    null = (0, 0)
    for entries in self.buckets:
        position = dbfile.tell()
        slots = 2 * len(entries)
        self.directory.append((position, slots))
        table = [null] * slots
        for hashed, at in entries:
            slot = (hashed >> 8) % slots
            while table[slot] != null:
                slot = (slot + 1) % slots
            table[slot] = (hashed, at)
        dbfile.write(b"".join([_POINTER.pack(hashed, at) for hashed, at in table]))


def _deltas(numbers: list[int]) -> Iterator[int]:
    previous = 0
    for number in numbers:
        yield number - previous
        previous = number


def _length_codes(reader: IndexReader, fieldname: str) -> bytes | None:
    """Each document's length byte of ``fieldname`` (0: none), from the field's whole
    lengths column read once; None when the field keeps no lengths."""
    column = reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return None if column is None else bytes(column.load())
