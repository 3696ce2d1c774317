"""Whole posting lists and field lengths read from a Whoosh segment into NumPy arrays.

Whoosh hands postings out one document at a time; scoring every match that way costs a
Python step per document. whoosh3 3.54.0 (pinned exactly in pyproject.toml) keeps each
posting list in blocks that already hold the block's document numbers and weights, and each
field's lengths in one byte column, so both are read here block by block or column by
column. This is the one module that relies on those internals; anything unexpected falls
back to Whoosh's public, per-document interface.
"""

from bisect import bisect_left

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

# Decoded lengths for each of the 256 length bytes Whoosh stores.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY_IDS = np.empty(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.empty(0, dtype=np.float32)


def term_postings(reader: IndexReader, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of ``text`` in ``field`` in one segment, deletions included.

    Deleted documents are left in: callers mask them out, which lets these arrays be
    cached for as long as the segment lives.
    """
    if (field, text) not in reader:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    matcher = _raw_matcher(reader, field, text)
    if isinstance(matcher, W3LeafMatcher):
        return _read_blocks(matcher)
    return _read_one_by_one(matcher)


def _raw_matcher(reader: IndexReader, field: str, text: bytes):
    terms = getattr(reader, "_terms", None)
    if terms is None:
        return reader.postings(field, text)
    return terms.matcher(field, text, reader.schema[field].format, scorer=None)


def _read_blocks(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int32))
        weights.append(np.asarray(matcher._weights, dtype=np.float32))
        matcher._next_block()
    if not ids:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    return np.concatenate(ids), _compact(np.concatenate(weights))


def _compact(weights: np.ndarray) -> np.ndarray:
    """Weights as one byte each when they are whole counts under 256, as they nearly always
    are (a term's frequency in a field): the cache then holds more posting lists."""
    if len(weights) and weights.max() < 256 and np.all(weights == np.floor(weights)):
        return weights.astype(np.uint8)
    return weights


def _read_one_by_one(matcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int32), _compact(np.array(weights, dtype=np.float32))


def term_positions(
    reader: IndexReader, field: str, text: bytes, docnums: list[int]
) -> dict[int, list[int]]:
    """Where ``text`` stands in ``field`` of each of ``docnums`` (sorted, segment-local) that
    holds it. Blocks are skipped by their largest id and searched by bisection, so a few
    documents cost a few lookups however long the posting list is."""
    if (field, text) not in reader:
        return {}
    matcher = _raw_matcher(reader, field, text)
    if not isinstance(matcher, W3LeafMatcher):
        return _positions_one_by_one(matcher, docnums)
    found = {}
    for docnum in docnums:
        if matcher.is_active() and docnum > matcher.block_max_id():
            matcher._skip_to_block(lambda target=docnum: target > matcher.block_max_id())
        if not matcher.is_active():
            break
        if matcher._ids is None:
            matcher._read_ids()
        matcher._i = bisect_left(matcher._ids, docnum, matcher._i)
        if matcher._ids[matcher._i] == docnum:
            found[docnum] = matcher.value_as("positions")
    return found


def _positions_one_by_one(matcher, docnums: list[int]) -> dict[int, list[int]]:
    found = {}
    for docnum in docnums:
        if matcher.is_active() and matcher.id() < docnum:
            matcher.skip_to(docnum)
        if not matcher.is_active():
            break
        if matcher.id() == docnum:
            found[docnum] = matcher.value_as("positions")
    return found


def field_lengths(reader: IndexReader, field: str) -> np.ndarray:
    """The length of ``field`` in each document of one segment, as Whoosh scores with it."""
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN) if perdoc else None
    if column is None:
        lengths = [reader.doc_field_length(n, field) or 0 for n in range(count)]
        return np.array(lengths, dtype=np.float32)
    codes = np.frombuffer(bytes(column.load()), dtype=np.uint8, count=count)
    return _LENGTH_OF_BYTE[codes]
