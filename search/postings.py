"""Whole posting lists and field lengths read from a Whoosh segment into NumPy arrays.

Whoosh hands postings out one document at a time; scoring every match that way costs a
Python step per document. whoosh3 3.54.0 (pinned exactly in pyproject.toml) writes each
term's postings as one run in the segment's postings file: a tag, then blocks of up to
128 postings, each its length (negative for the last), a pickled header (count, last id,
best weight, compression, shortest and longest length) and pickled, maybe compressed,
data (id gaps, weights, values such as positions). Here a term's run is read from the
file in one piece and its blocks decoded at once. Where each block starts is kept (or
read from the blocks' headers alone), so that the weights or positions of a few
documents are read from just their blocks. Field lengths are one byte column per field.
This is the one module that relies on those internals; anything unexpected falls back to
Whoosh's public, per-document interface.
"""

import io
import pickle
import zlib
from array import array
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
# Where a block's pickled values start (see _ids_and_weights), and what closes it before.
_VALUES_START = b"(c_codecs\nencode\n"
_TUPLE2_STOP = b"\x86."


@dataclass(frozen=True, slots=True)
class TermBlocks:
    """Where each block of a term's run starts in the postings file (then where the run
    ends), and the last document each holds: enough to read just the blocks that hold
    some documents. Empty when the postings can only be read through Whoosh's matchers."""

    last_ids: np.ndarray
    starts: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.last_ids.nbytes + self.starts.nbytes


@dataclass(frozen=True, slots=True)
class TermPostings:
    """One term's postings in one segment, deleted documents included (callers mask them
    out, so this can be kept for as long as the segment lives), and its blocks.

    A common word's documents are kept as a bitmap of the segment (one bit a document),
    a rarer word's as their numbers (two bytes each in segments of up to 65,536): the
    postings of a query's common words are most of what a worker keeps.
    """

    stored_ids: np.ndarray
    weights: np.ndarray
    blocks: TermBlocks
    as_bitmap: bool = False

    @property
    def ids(self) -> np.ndarray:
        if self.as_bitmap:
            return np.flatnonzero(np.unpackbits(self.stored_ids))
        return self.stored_ids

    @property
    def nbytes(self) -> int:
        return self.stored_ids.nbytes + self.weights.nbytes + self.blocks.nbytes


def _kept(ids: np.ndarray, weights: np.ndarray, blocks: TermBlocks, size: int) -> TermPostings:
    """Postings in the smaller form: a bitmap of the segment's ``size`` documents when
    they hold the term in more than one in sixteen, else the numbers."""
    if len(ids) * 16 <= size:
        return TermPostings(ids, weights, blocks)
    bitmap = np.zeros(size, dtype=bool)
    bitmap[ids] = True
    return TermPostings(np.packbits(bitmap), weights, blocks, as_bitmap=True)


NO_BLOCKS = TermBlocks(_EMPTY_IDS, _EMPTY_STARTS)
NO_POSTINGS = TermPostings(_EMPTY_IDS, _EMPTY_WEIGHTS, NO_BLOCKS)


@dataclass(frozen=True)
class _Run:
    """A term's run of blocks as read from the postings file, and where it starts there."""

    data: bytes
    start: int
    id_type: type


def term_postings(reader: IndexReader, field: str, text: bytes) -> TermPostings:
    """The postings of ``text`` in ``field`` in one segment, every block decoded."""
    found = term_postings_or_blocks(reader, field, text, max_blocks=None)
    assert isinstance(found, TermPostings)
    return found


def term_postings_or_blocks(
    reader: IndexReader, field: str, text: bytes, max_blocks: int | None
) -> TermPostings | TermBlocks:
    """The postings of ``text`` in ``field`` in one segment when its run has at most
    ``max_blocks`` blocks (None: however many), else where its blocks are (as
    ``term_blocks``); the run read once either way."""
    try:
        run = _run(reader, field, text)
    except TermNotFound:
        return NO_POSTINGS
    if run is None:
        return _read_one_by_one(reader, field, text)
    blocks = list(_blocks(run.data))
    if max_blocks is not None and len(blocks) > max_blocks:
        return _directory(
            run,
            [header[1] for _at, header, _data in blocks],
            [run.start + at for at, _header, _data in blocks],
        )
    ids, weights, last_ids, starts = [], [], [], []
    # Each block becomes arrays at once: a long list's Python ints never pile up.
    for at, header, data in blocks:
        count, last_id, _best, compressed, _shortest, _longest = header
        gaps, block_weights = _ids_and_weights(data, compressed, count)
        ids.append(np.cumsum(np.array(gaps, dtype=run.id_type), dtype=run.id_type))
        weights.append(_block_weights(block_weights, count))
        last_ids.append(last_id)
        starts.append(run.start + at)
    if not ids:
        return NO_POSTINGS
    directory = _directory(run, last_ids, starts)
    weights_kept = _compact(np.concatenate(weights))
    return _kept(np.concatenate(ids), weights_kept, directory, reader.doc_count_all())


def term_blocks(reader: IndexReader, field: str, text: bytes) -> TermBlocks:
    """Where the blocks of ``text`` in ``field`` are, from their headers alone: far less
    work than decoding them when only a few documents are wanted."""
    found = term_postings_or_blocks(reader, field, text, max_blocks=-1)
    return found.blocks if isinstance(found, TermPostings) else found


def _run(reader: IndexReader, field: str, text: bytes) -> "_Run | None":
    """The term's whole run, read in one piece; None when it is not stored as whoosh3
    writes a run (then Whoosh's matchers read it). TermNotFound when the segment does not
    have it (most words are in no segment's people or areas, and a small segment lacks
    most words: asking Whoosh again cost a second look-up in its term table)."""
    terms = getattr(reader, "_terms", None)
    if terms is None:
        return None
    info = terms.term_info(field, text)
    if info.is_inlined():
        return None
    start, length = info.extent()
    # (whoosh3 reads the length back as a 1-tuple)
    length = length[0] if isinstance(length, tuple) else length
    data = terms._postfile.get(start, length)
    if not data.startswith(WHOOSH3_HEADER_MAGIC):
        return None
    return _Run(data, start, _id_type(reader))


def _id_type(reader: IndexReader) -> type:
    """Segment-local document numbers in two bytes where they fit (segments of up to
    65,536 documents, as reindexing writes them at 100,000), else four."""
    return np.uint16 if reader.doc_count_all() <= 1 << 16 else np.int32


def _directory(run: _Run, last_ids: list[int], starts: list[int]) -> TermBlocks:
    return TermBlocks(
        np.array(last_ids, dtype=run.id_type),
        np.array([*starts, run.start + len(run.data)], dtype=np.int64),
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


def _ids_and_weights(data: memoryview, compressed: int, count: int) -> tuple:
    """A block's id gaps and weights, without unpickling its values (positions).

    whoosh3 pickles a block's (ids, weights, values) with protocol 2, which writes each
    value (bytes) as a call of ``_codecs.encode``: most of the time unpickling a block
    takes, and a phrase's words alone need them. The values' tuple starts where that call
    is first named, just after the tuple's MARK; the pickle cut there and closed with
    TUPLE2 and STOP gives (ids, weights). Whatever does not check out is unpickled whole.
    """
    raw = zlib.decompress(data) if compressed else bytes(data)
    cut = raw.find(_VALUES_START)
    if cut > 0:
        try:
            ids, weights = pickle.loads(raw[:cut] + _TUPLE2_STOP)
        except Exception:  # (a cut in the wrong place: unpickled whole below)
            pass
        else:
            if _block_shaped(ids, weights, count):
                return ids, weights
    found = pickle.loads(raw)
    return found[0], found[1]


def _block_shaped(ids: object, weights: object, count: int) -> bool:
    """Whether ``ids`` and ``weights`` are what a block of ``count`` postings holds: ids
    each, and weights each, all alike (a float) or all 1 (None)."""
    return (
        isinstance(ids, tuple | bytes | array)
        and len(ids) == count
        and (
            weights is None
            or isinstance(weights, float)
            or (isinstance(weights, tuple | array) and len(weights) == count)
        )
    )


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
    return _kept(ids_found, weights_found, NO_BLOCKS, reader.doc_count_all())


def term_weights(
    reader: IndexReader, field: str, text: bytes, blocks: TermBlocks, docnums: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Those of ``docnums`` (sorted, segment-local) that hold ``text`` in ``field``, and its
    weight in each, reading only the blocks that hold them."""
    found = [
        (docnum, _block_weights(data[1], len(data[0]))[i])
        for docnum, data, i in _postings_at(reader, field, text, blocks, docnums, values=False)
    ]
    held = np.array([docnum for docnum, _weight in found], dtype=np.int64)
    return held, _compact(np.array([weight for _docnum, weight in found], dtype=np.float32))


def term_positions(
    reader: IndexReader, field: str, text: bytes, blocks: TermBlocks, docnums: list[int]
) -> dict[int, list[int]]:
    """Where ``text`` stands in ``field`` of each of ``docnums`` (sorted, segment-local)
    that holds it, reading only the blocks that hold them."""
    decode = _positions_decoder(reader.schema[field].format)
    return {
        docnum: decode(data[2][i])
        for docnum, data, i in _postings_at(reader, field, text, blocks, docnums)
    }


def _postings_at(
    reader: IndexReader,
    field: str,
    text: bytes,
    blocks: TermBlocks,
    docnums: list[int],
    values: bool = True,
) -> Iterator[tuple[int, tuple, int]]:
    """(document, its block's data: id gaps, weights and, with ``values``, values; its
    place in the block) for each of ``docnums`` that holds the term. Without blocks,
    Whoosh's matcher reads them (as a one-posting block each)."""
    if not len(blocks.starts):
        matcher = reader.postings(field, text) if (field, text) in reader else None
        for docnum in docnums:
            if matcher is not None and matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher is None or not matcher.is_active():
                return
            if matcher.id() == docnum:
                yield docnum, ((docnum,), (matcher.weight(),), (matcher.value(),)), 0
        return
    postfile = reader._terms._postfile
    in_block = np.searchsorted(blocks.last_ids, docnums).tolist()
    read, ids, data = -1, [], ()
    for docnum, block in zip(docnums, in_block, strict=True):  # (blocks ascend with docnums)
        if block >= len(blocks.last_ids):
            return
        if block != read:
            start, end = blocks.starts[block : block + 2].tolist()
            _at, header, raw = next(_blocks(postfile.get(start, end - start), at=0))
            if values:
                data = _unpickled(raw, header[3])
            else:
                data = _ids_and_weights(raw, header[3], header[0])
            read, ids = block, list(accumulate(data[0]))
        i = bisect_left(ids, docnum)
        if i < len(ids) and ids[i] == docnum:
            yield docnum, data, i


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
