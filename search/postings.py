"""Whole posting lists and field lengths read from a Whoosh segment into NumPy arrays.

Whoosh hands postings out one document at a time; scoring every match that way costs a
Python step per document. whoosh3 3.54.0 (pinned exactly in pyproject.toml) writes each
term's postings as one run in the segment's postings file: a tag, then blocks of up to
128 postings, each its length (negative for the last), a pickled header (count, last id,
best weight, compression, shortest and longest length) and pickled, maybe compressed,
data (id gaps, weights, values such as positions). Here a term's run is read from the
file in one piece and its blocks decoded at once; where each block starts is kept, so
that positions for a few documents are read from just their blocks. Field lengths are one
byte column per field. This is the one module that relies on those internals; anything
unexpected falls back to Whoosh's public, per-document interface.
"""

import io
import pickle
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.formats import Format, Positions
from whoosh.reading import IndexReader, TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

# Decoded lengths for each of the 256 length bytes Whoosh stores.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY_IDS = np.empty(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.empty(0, dtype=np.float32)
_EMPTY_STARTS = np.empty(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class TermPostings:
    """One term's postings in one segment, deleted documents included (callers mask them
    out, so this can be kept for as long as the segment lives).

    ``block_starts`` says where each block starts in the postings file, then where the
    run ends; ``block_last_ids`` the last document of each. Both are empty when the
    postings were read through Whoosh's interface.
    """

    ids: np.ndarray
    weights: np.ndarray
    block_last_ids: np.ndarray
    block_starts: np.ndarray

    @property
    def nbytes(self) -> int:
        arrays = (self.ids, self.weights, self.block_last_ids, self.block_starts)
        return sum(array.nbytes for array in arrays)


NO_POSTINGS = TermPostings(_EMPTY_IDS, _EMPTY_WEIGHTS, _EMPTY_IDS, _EMPTY_STARTS)


def term_postings(reader: IndexReader, field: str, text: bytes) -> TermPostings:
    """The postings of ``text`` in ``field`` in one segment."""
    terms = getattr(reader, "_terms", None)
    if terms is None:
        return _read_one_by_one(reader, field, text)
    try:
        info = terms.term_info(field, text)
    except TermNotFound:
        return NO_POSTINGS
    if info.is_inlined():
        return _read_one_by_one(reader, field, text)
    start, length = info.extent()
    # (whoosh3 reads the length back as a 1-tuple)
    length = length[0] if isinstance(length, tuple) else length
    run = terms._postfile.get(start, length)
    if not run.startswith(WHOOSH3_HEADER_MAGIC):
        return _read_one_by_one(reader, field, text)
    return _decoded(run, start, _id_type(reader))


def _id_type(reader: IndexReader) -> type:
    """Segment-local document numbers in two bytes where they fit (segments of up to
    65,536 documents, as reindexing writes them at 100,000), else four."""
    return np.uint16 if reader.doc_count_all() <= 1 << 16 else np.int32


def _decoded(run: bytes, start: int, id_type: type) -> TermPostings:
    # Each block becomes arrays at once: a long list's Python ints never pile up.
    ids, weights, last_ids, starts = [], [], [], []
    for at, header, data in _blocks(run):
        count, last_id, _best, compressed, _shortest, _longest = header
        gaps, block_weights, _values = _unpickled(data, compressed)
        ids.append(np.cumsum(np.array(gaps, dtype=id_type), dtype=id_type))  # (from 0)
        weights.append(_block_weights(block_weights, count))
        last_ids.append(last_id)
        starts.append(start + at)
    if not ids:
        return NO_POSTINGS
    return TermPostings(
        ids=np.concatenate(ids),
        weights=_compact(np.concatenate(weights)),
        block_last_ids=np.array(last_ids, dtype=id_type),
        block_starts=np.array([*starts, start + len(run)], dtype=np.int64),
    )


def _block_weights(weights: tuple | float | None, count: int) -> np.ndarray:
    """A block's weights as whoosh3 stores them: all 1 (None), all the same, or each."""
    if weights is None:
        return np.ones(count, dtype=np.float32)
    if isinstance(weights, float):
        return np.full(count, weights, dtype=np.float32)
    return np.array(weights, dtype=np.float32)


def _blocks(
    run: bytes, at: int = len(WHOOSH3_HEADER_MAGIC)
) -> Iterator[tuple[int, tuple, memoryview]]:
    """(where in ``run`` it starts, header, data) of each block from ``at`` on."""
    stream = io.BytesIO(run)
    view = memoryview(run)
    while at < len(run):
        length = int.from_bytes(view[at : at + 4], "big", signed=True)
        end = at + 4 + abs(length)
        stream.seek(at + 4)
        header = pickle.load(stream)
        yield at, header, view[stream.tell() : end]
        if length < 0:
            return
        at = end


def _unpickled(data: memoryview, compressed: int) -> tuple:
    return pickle.loads(zlib.decompress(data) if compressed else data)


def _compact(weights: np.ndarray) -> np.ndarray:
    """Weights as one byte each when they are whole counts under 256, as they nearly always
    are (a term's frequency in a field): the cache then holds more posting lists."""
    if len(weights) and weights.max() < 256 and np.all(weights == np.floor(weights)):
        return weights.astype(np.uint8)
    return weights


def _read_one_by_one(reader: IndexReader, field: str, text: bytes) -> TermPostings:
    if (field, text) not in reader:
        return NO_POSTINGS
    matcher = reader.postings(field, text)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    ids_found = np.array(ids, dtype=_id_type(reader))
    weights_found = _compact(np.array(weights, dtype=np.float32))
    return TermPostings(ids_found, weights_found, _EMPTY_IDS, _EMPTY_STARTS)


def term_positions(
    reader: IndexReader, field: str, text: bytes, postings: TermPostings, docnums: list[int]
) -> dict[int, list[int]]:
    """Where ``text`` stands in ``field`` of each of ``docnums`` (sorted, segment-local) that
    holds it, reading only the blocks of ``postings`` (the term's) that hold them."""
    if not len(postings.block_starts):
        return _positions_one_by_one(reader, field, text, docnums)
    postfile = reader._terms._postfile
    decode = _positions_decoder(reader.schema[field].format)
    blocks = np.searchsorted(postings.block_last_ids, docnums).tolist()
    found = {}
    read, ids, values = -1, [], ()
    for docnum, block in zip(docnums, blocks, strict=True):  # (blocks ascend with docnums)
        if block >= len(postings.block_last_ids):
            break
        if block != read:
            start, end = postings.block_starts[block : block + 2].tolist()
            _at, header, data = next(_blocks(postfile.get(start, end - start), at=0))
            gaps, _weights, values = _unpickled(data, header[3])
            read, ids = block, list(accumulate(gaps))
        i = bisect_left(ids, docnum)
        if i < len(ids) and ids[i] == docnum:
            found[docnum] = decode(values[i])
    return found


def _positions_decoder(format_: Format) -> Callable[[bytes], list[int]]:
    """How a posting's value becomes positions. For Whoosh's Positions format (its count,
    then the gaps pickled, the pickle's last byte sometimes left off) without its two
    Python calls a posting: a phrase of common words decodes hundreds of thousands."""
    if type(format_) is not Positions:
        return lambda value: format_.decode_as("positions", value)

    def positions(value: bytes) -> list[int]:
        gaps = pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")
        return list(accumulate(gaps))

    return positions


def _positions_one_by_one(
    reader: IndexReader, field: str, text: bytes, docnums: list[int]
) -> dict[int, list[int]]:
    if (field, text) not in reader:
        return {}
    matcher = reader.postings(field, text)
    found = {}
    for docnum in docnums:
        if matcher.is_active() and matcher.id() < docnum:
            matcher.skip_to(docnum)
        if not matcher.is_active():
            break
        if matcher.id() == docnum:
            found[docnum] = matcher.value_as("positions")
    return found


def field_length_codes(reader: IndexReader, field: str) -> np.ndarray:
    """The length of ``field`` in each document of one segment as the byte Whoosh stores
    (a quarter of the memory of the lengths themselves; see ``lengths_of_codes``)."""
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN) if perdoc else None
    if column is None:
        lengths = [reader.doc_field_length(n, field) or 0 for n in range(count)]
        return np.array([length_to_byte(length) for length in lengths], dtype=np.uint8)
    return np.frombuffer(bytes(column.load()), dtype=np.uint8, count=count)


def lengths_of_codes(codes: np.ndarray) -> np.ndarray:
    """Field lengths as Whoosh scores with them, from their stored bytes."""
    return _LENGTH_OF_BYTE[codes]
