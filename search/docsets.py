"""Which documents match: Whoosh queries evaluated to NumPy masks over one searcher's documents.

Counting every match (the exact total, facet counts) by walking Whoosh matchers costs a Python
step per document, which dominates broad queries on a large index. Here each term's documents
are read once per segment, kept in a bounded cache (segments never change; a segment with new
deletions gets a new key), and queries are combined as boolean masks in NumPy. Query kinds
that sets cannot answer (phrases) are asked of Whoosh.
"""

from collections import OrderedDict
from threading import Lock

import numpy as np
from whoosh import query as q
from whoosh.idsets import DocIdSet
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

# Term document lists kept across requests and generations, in int32 document numbers.
TERM_CACHE_BYTES = 64 * 1024 * 1024


class SegmentTermCache:
    """A bounded LRU of (segment, deletions, field, term) -> that segment's document numbers."""

    def __init__(self, max_bytes: int = TERM_CACHE_BYTES):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    def docs(self, reader: IndexReader, field: str, text: bytes) -> np.ndarray:
        segment = reader.segment()
        key = (segment.segment_id(), segment.deleted_count(), field, text)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        ids = _postings(reader, field, text)
        with self._lock:
            self._entries[key] = ids
            self._bytes += ids.nbytes
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.nbytes
        return ids


def _postings(reader: IndexReader, field: str, text: bytes) -> np.ndarray:
    if (field, text) not in reader:
        return np.empty(0, dtype=np.int32)
    return np.fromiter(reader.postings(field, text).all_ids(), dtype=np.int32)


class DocMasks:
    """Boolean masks over the documents of one searcher (one committed index state)."""

    def __init__(self, searcher: Searcher, terms: SegmentTermCache):
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self._terms = terms
        self._leaves = searcher.reader().leaf_readers()
        self.live = self._live()

    def _live(self) -> np.ndarray:
        live = np.ones(self.size, dtype=bool)
        for reader, offset in self._leaves:
            deleted = reader.deleted_docs_set if reader.has_deletions() else ()
            if deleted:
                live[np.fromiter(deleted, dtype=np.int64) + offset] = False
        return live

    def none(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    def of_docnums(self, docnums) -> np.ndarray:
        mask = self.none()
        mask[np.fromiter(docnums, dtype=np.int64)] = True
        return mask

    def of_term(self, field: str, text: str | bytes) -> np.ndarray:
        mask = self.none()
        if field not in self.searcher.schema:
            return mask
        btext = text if isinstance(text, bytes) else self.searcher.schema[field].to_bytes(text)
        for reader, offset in self._leaves:
            ids = self._terms.docs(reader, field, btext)
            mask[ids + offset] = True
        return mask

    def of_query(self, query: q.Query) -> np.ndarray:
        """The documents ``query`` matches, as Whoosh itself would count them."""
        return _evaluate(self, query) & self.live


def _evaluate(masks: DocMasks, query: q.Query) -> np.ndarray:
    kind = type(query)
    if kind is q.Term:
        return masks.of_term(query.fieldname, query.text)
    if kind in (q.Or, q.DisjunctionMax) and not getattr(query, "minmatch", 0):
        return _combine(masks, query.subqueries, np.logical_or, masks.none())
    if kind is q.And:
        return _combine(masks, query.subqueries, np.logical_and, masks.live.copy())
    if kind is q.Not:
        return ~_evaluate(masks, query.query)
    if kind is q.AndNot:
        return _evaluate(masks, query.a) & ~_evaluate(masks, query.b)
    if kind is q.AndMaybe:
        return _evaluate(masks, query.a)
    if kind is q.Require:
        return _evaluate(masks, query.a) & _evaluate(masks, query.b)
    if kind is q.Every and not query.fieldname:
        return masks.live.copy()
    if query is q.NullQuery or kind is type(q.NullQuery):
        return masks.none()
    return masks.of_docnums(masks.searcher.docs_for_query(query))


def _combine(masks: DocMasks, subqueries, operation, start: np.ndarray) -> np.ndarray:
    result = start
    for subquery in subqueries:
        operation(result, _evaluate(masks, subquery), out=result)
    return result


class MaskDocIdSet(DocIdSet):
    """A mask as the ``filter`` Whoosh's collectors test each candidate document against."""

    def __init__(self, mask: np.ndarray):
        self._bytes = mask.view(np.uint8).tobytes()
        self._count = int(mask.sum())

    def __contains__(self, docnum: int) -> bool:
        return self._bytes[docnum] == 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        return (docnum for docnum, byte in enumerate(self._bytes) if byte)
