"""Every matching document found and scored at once, in NumPy.

Walking Whoosh's matchers costs a Python step per matching document, which dominates broad
queries on a large index. Here each term's postings and each field's lengths are read once
per segment (search/postings.py) and kept in a bounded cache (segments never change; new
deletions make a new key), and a query is evaluated as boolean masks and score arrays.

A word asked for in several fields (the parser's OR of one word over title, summary,
headings, people, areas and body) is scored by BM25F (Robertson and Zaragoza): each
field's term frequency, normalised by that field's length and weighted, is summed before
saturation, so a word counts at most once however many fields hold it, and a page with
every word beats one with a single word in a heavily weighted title. Other terms (a
`title:` search, the ranking lifts) are scored with Whoosh's own per-field BM25, which
tests/search/test_scoring.py checks against Whoosh. Phrases are matched from positions and
score as their words do in that field.
"""

import sys
from collections import OrderedDict
from copy import copy
from dataclasses import dataclass
from threading import Lock

import numpy as np
from whoosh import query as q
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from search.postings import (
    TermBlocks,
    TermPostings,
    field_length_codes,
    lengths_of_codes,
    term_blocks,
    term_positions,
    term_postings,
    term_postings_or_blocks,
    term_weights,
)

# Postings kept per worker. Each of gunicorn's workers keeps its own; at 100,000 pages
# 16 MB (common words as bitmaps) held the postings of the benchmark's searches, keeping
# master and two workers under 250 MB.
CACHE_BYTES = 16 * 1024 * 1024
# BM25F's saturation (k1) and length normalisation (b), shared by every field.
K1 = 0.9
B = 0.75
# A term in this many blocks or fewer is read whole and kept, even for a part.
WHOLE_RUN_BLOCKS = 8
# Documents whose positions are read at once when checking a phrase.
PHRASE_BATCH = 512
# How strongly a page's share of the asked-for words weighs when not all are on one page.
COVERAGE_POWER = 2.0


# What an entry holds besides its arrays' data (array headers, the record, its key, the
# dict's node): about 500 bytes by tracemalloc, most of the memory of a small posting list.
ENTRY_BYTES = 512


class SegmentCache:
    """A bounded LRU of what was read from segments (arrays, or records of arrays with their
    ``nbytes``), keyed by segment id and what was read; ``max_bytes`` bounds what the
    entries take in all, not only their arrays' data."""

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, np.ndarray | TermPostings | TermBlocks] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    def find(self, key: tuple):
        """What is kept under ``key``, or None; nothing is read."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def get(self, key: tuple, read):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        value = read()
        with self._lock:
            if key not in self._entries:  # (another thread may have read it meanwhile)
                self._entries[key] = value
                self._bytes += value.nbytes + ENTRY_BYTES
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.nbytes + ENTRY_BYTES
        return value


@dataclass
class Matches:
    """Which documents match, and the score of each (meaningful where ``mask`` is set)."""

    mask: np.ndarray
    scores: np.ndarray


class Scorer:
    """Masks and BM25F scores over the documents of one searcher (one committed state).

    A part of it (``part``) scores a few given documents only, its arrays as long as
    those: re-ranking the best hundred results then costs what they do, not what every
    document does.
    """

    def __init__(self, searcher: Searcher, cache: SegmentCache):
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self._cache = cache
        self.leaves = searcher.reader().leaf_readers()
        # Each segment's id, interned (thousands of keys share it), by its reader: Whoosh
        # works it out anew on every call, some 50 times a search.
        self._segment_ids = {
            id(reader): sys.intern(reader.segment().segment_id()) for reader, _ in self.leaves
        }
        self._length_codes: dict[str, np.ndarray] = {}
        weighting = searcher.weighting
        self._bm25 = weighting if isinstance(weighting, BM25F) else BM25F()
        self.live = self._live()
        # The documents a part scores (sorted), and the scorer of them all.
        self.docs: np.ndarray | None = None
        self.whole = self

    def part(self, docs: np.ndarray) -> "Scorer":
        """This scorer over ``docs`` (sorted document numbers) only."""
        part = copy(self)
        part.docs, part.size, part.live = docs, len(docs), self.live[docs]
        return part

    def docnums(self, indices: np.ndarray) -> np.ndarray:
        """The document numbers at ``indices`` of this scorer's arrays."""
        return indices if self.docs is None else self.docs[indices]

    def _live(self) -> np.ndarray:
        live = np.ones(self.size, dtype=bool)
        for reader, offset in self.leaves:
            if reader.has_deletions():
                live[np.fromiter(reader.deleted_docs_set, dtype=np.int64) + offset] = False
        return live

    def none(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    def of_docnums(self, docnums) -> np.ndarray:
        mask = self.none()
        mask[np.fromiter(docnums, dtype=np.int64)] = True
        return mask

    def postings(self, field: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (in a part, indices of its documents) and weights of a term."""
        if field not in self.searcher.schema:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        btext = text if isinstance(text, bytes) else self.searcher.schema[field].to_bytes(text)
        if self.docs is not None:
            return self._postings_in_part(field, btext)
        ids, weights = [], []
        for reader, offset in self.leaves:
            found = self.segment_postings(reader, field, btext)
            ids.append(found.ids.astype(np.int64) + offset)
            weights.append(found.weights)
        return np.concatenate(ids), np.concatenate(weights)

    def _postings_in_part(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """From the whole posting list when it is kept or short, else from the blocks that
        hold the part's documents (a common word's list is hundreds of blocks)."""
        held, weights = [], []
        for reader, offset in self.leaves:
            first, last = np.searchsorted(self.docs, [offset, offset + reader.doc_count_all()])
            local = self.docs[first:last] - offset
            kept, blocks = self._short_postings_or_blocks(reader, field, btext)
            if kept is None:
                found, found_weights = term_weights(reader, field, btext, blocks, local.tolist())
            else:
                found, found_weights = _among(kept, local)
            held.append(np.searchsorted(local, found) + first)
            weights.append(found_weights)
        return np.concatenate(held), np.concatenate(weights)

    def _short_postings_or_blocks(
        self, reader: IndexReader, field: str, btext: bytes
    ) -> tuple[TermPostings | None, TermBlocks]:
        """The term's kept postings, else (when it has more than WHOLE_RUN_BLOCKS blocks)
        where its blocks are; a short term is read whole and kept."""
        key = self._postings_key(reader, field, btext)
        kept = self._cache.find(key)
        if kept is not None:
            return kept, kept.blocks
        blocks_key = _blocks_key(key)
        blocks = self._cache.find(blocks_key)
        if blocks is not None:
            return None, blocks
        found = term_postings_or_blocks(reader, field, btext, WHOLE_RUN_BLOCKS)
        if isinstance(found, TermBlocks):
            return None, self._cache.get(blocks_key, lambda: found)
        kept = self._cache.get(key, lambda: found)
        return kept, kept.blocks

    def segment_postings(self, reader: IndexReader, field: str, btext: bytes) -> TermPostings:
        key = self._postings_key(reader, field, btext)
        return self._cache.get(key, lambda: term_postings(reader, field, btext))

    def segment_blocks(self, reader: IndexReader, field: str, btext: bytes) -> TermBlocks:
        """Where the term's blocks are: from its kept posting list, else from their headers."""
        key = self._postings_key(reader, field, btext)
        kept = self._cache.find(key)
        if kept is not None:
            return kept.blocks
        return self._cache.get(_blocks_key(key), lambda: term_blocks(reader, field, btext))

    def _postings_key(self, reader: IndexReader, field: str, btext: bytes) -> tuple:
        return ("postings", self._segment_id(reader), field, btext)

    def _segment_id(self, reader: IndexReader) -> str:
        found = self._segment_ids.get(id(reader))
        return found if found is not None else sys.intern(reader.segment().segment_id())

    def of_term(self, field: str, text: str | bytes) -> np.ndarray:
        mask = self.none()
        mask[self.postings(field, text)[0]] = True
        return mask & self.live

    def lengths_of(self, field: str, ids: np.ndarray) -> np.ndarray:
        """The length of ``field`` in each of the documents ``ids``, as Whoosh scores."""
        ids = self.docnums(ids)
        if field not in self._length_codes:
            parts = [
                self._cache.get(
                    ("lengths", self._segment_id(reader), field),
                    lambda r=reader: field_length_codes(r, field),
                )
                for reader, _offset in self.leaves
            ]
            self._length_codes[field] = np.concatenate(parts) if parts else np.empty(0, np.uint8)
        return lengths_of_codes(self._length_codes[field][ids])

    def matches(self, query: q.Query, within: np.ndarray | None = None) -> Matches:
        """The documents ``query`` matches, scored. With ``within``, phrases are only checked
        in those documents (enough for re-ranking a page of results)."""
        found = evaluate(self, query, within)
        found.mask &= self.live
        return found

    def matches_by_coverage(self, query: q.Query) -> Matches:
        """Like ``matches``, for a query that asks for any of several words: each document's
        score is scaled by the share of those words it has, so pages with more of what was
        asked come first (plain-language questions rarely have every word on one page)."""
        words, excluded = query, None
        if type(query) is q.AndNot:
            words, excluded = query.a, query.b
        if type(words) is not q.Or or len(words.subqueries) < 2:
            return self.matches(query)
        found = [evaluate(self, word, None) for word in words.subqueries]
        mask = np.logical_or.reduce([word.mask for word in found])
        coverage = np.add.reduce([word.mask.astype(np.float64) for word in found])
        scores = np.add.reduce([np.where(w.mask, w.scores, 0.0) for w in found]) * words.boost
        if excluded is not None:
            mask &= ~evaluate(self, excluded, None).mask
        shares = coverage / len(found)
        return Matches(mask & self.live, scores * shares**COVERAGE_POWER)

    def weighted_frequencies(self, term: q.Term) -> tuple[np.ndarray, np.ndarray]:
        """BM25F's input for one field: the documents holding the term, and its frequency in
        each, divided by the field's relative length and multiplied by the term's (field's)
        weight."""
        ids, weights = self.postings(term.fieldname, term.text)
        if not len(ids):
            return ids, np.empty(0)
        average = self.searcher.avg_field_length(term.fieldname) or 1
        relative = self.lengths_of(term.fieldname, ids) / average
        return ids, term.boost * weights / ((1 - B) + B * relative)

    def term_scores(self, field: str, text: str, boost: float) -> Matches:
        ids, weights = self.postings(field, text)
        scores = np.zeros(self.size)
        mask = self.none()
        mask[ids] = True
        if not len(ids):
            return Matches(mask, scores)
        if not self.searcher.schema[field].scorable:
            scores[ids] = weights * boost
            return Matches(mask, scores)
        idf = self.searcher.idf(field, text)
        average = self.searcher.avg_field_length(field) or 1
        b = self._bm25._field_B.get(field, self._bm25.B)
        k1 = self._bm25.K1
        tf = weights.astype(np.float64)
        norm = k1 * ((1 - b) + b * self.lengths_of(field, ids) / average)
        scores[ids] = idf * (tf * (k1 + 1)) / (tf + norm) * boost
        return Matches(mask, scores)


def _among(postings: TermPostings, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Those of ``docnums`` (sorted) in ``postings``, and their weights."""
    ids = postings.ids
    if not len(ids):
        return docnums[:0], postings.weights
    at = np.minimum(np.searchsorted(ids, docnums), len(ids) - 1)
    holds = ids[at] == docnums
    return docnums[holds], postings.weights[at[holds]]


def _blocks_key(postings_key: tuple) -> tuple:
    """Where the term's blocks are kept, beside its postings' key."""
    return ("blocks", *postings_key[1:])


def field_group(node: q.Query) -> list[q.Term] | None:
    """The terms of an OR that asks for one word in several fields, else None."""
    if type(node) is not q.Or or len(node.subqueries) < 2:
        return None
    terms = node.subqueries
    if not all(type(term) is q.Term for term in terms):
        return None
    if len({term.text for term in terms}) > 1 or len({t.fieldname for t in terms}) < len(terms):
        return None
    return list(terms)


def bm25f(scorer: Scorer, terms: list[q.Term], boost: float) -> Matches:
    """One word over several weighted fields, saturated once (see the module docstring)."""
    if scorer.docs is not None:  # its weight depends on how many documents have the word
        return _in_part(scorer, bm25f(scorer.whole, terms, boost))
    combined = np.zeros(scorer.size)
    for term in terms:
        ids, frequencies = scorer.weighted_frequencies(term)
        combined[ids] += frequencies  # (a term's documents are distinct)
    mask = (combined > 0) & scorer.live
    count, having = int(scorer.live.sum()), int(mask.sum())
    idf = np.log(1 + (count - having + 0.5) / (having + 0.5))
    scores = idf * combined * (K1 + 1) / (K1 + combined) * boost
    return Matches(mask, scores)


def evaluate(scorer: Scorer, node: q.Query, within: np.ndarray | None = None) -> Matches:
    """What ``node`` matches and how each match scores (deleted documents not yet removed).
    With ``within``, phrases are only checked in those documents."""
    kind = type(node)
    if kind is q.Or and (terms := field_group(node)):
        return bm25f(scorer, terms, node.boost)
    if kind is q.Term:
        return scorer.term_scores(node.fieldname, node.text, node.boost)
    if kind is q.Phrase:
        return _phrase(scorer, node, within)
    if kind in (q.And, q.Or) and not getattr(node, "minmatch", 0):
        return _compound(scorer, node, within)
    if kind is q.Not:
        inner = evaluate(scorer, node.query, within)
        return Matches(~inner.mask, np.zeros(scorer.size))
    if kind in (q.AndNot, q.AndMaybe, q.Require):
        return _binary(scorer, node, within)
    if kind is q.Every and not node.fieldname:
        return Matches(scorer.live.copy(), np.full(scorer.size, node.boost))
    if node is q.NullQuery or kind is type(q.NullQuery):
        return Matches(scorer.none(), np.zeros(scorer.size))
    return _by_whoosh(scorer, node)


def _compound(scorer: Scorer, node: q.Query, within: np.ndarray | None) -> Matches:
    is_and = type(node) is q.And
    mask = scorer.live.copy() if is_and else scorer.none()
    scores = np.zeros(scorer.size)
    for child in node.subqueries:
        found = evaluate(scorer, child, within)
        if is_and:
            mask &= found.mask
        else:
            mask |= found.mask
        scores += np.where(found.mask, found.scores, 0.0)
    return Matches(mask, scores * node.boost)


def _binary(scorer: Scorer, node: q.Query, within: np.ndarray | None) -> Matches:
    a = evaluate(scorer, node.a, within)
    kind = type(node)
    if kind is q.AndNot:
        return Matches(a.mask & ~evaluate(scorer, node.b, within).mask, a.scores)
    if kind is q.Require:
        return Matches(a.mask & evaluate(scorer, node.b, within).mask, a.scores)
    # AndMaybe: b only adds to documents a already matches, so only those are checked.
    b = evaluate(scorer, node.b, a.mask if within is None else a.mask & within)
    return Matches(a.mask, a.scores + np.where(b.mask, b.scores, 0.0))


def _phrase(scorer: Scorer, node: q.Phrase, within: np.ndarray | None) -> Matches:
    """Whoosh finds the documents with the words in order; each scores as its words do."""
    words = [scorer.term_scores(node.fieldname, word, 1.0) for word in node.words]
    candidates = scorer.live.copy()
    for word in words:
        candidates &= word.mask
    if within is not None:
        candidates &= within
    mask = _phrase_documents(scorer, node, candidates)
    scores = sum((word.scores for word in words), np.zeros(scorer.size)) * node.boost
    return Matches(mask, scores)


def _phrase_documents(scorer: Scorer, node: q.Phrase, candidates: np.ndarray) -> np.ndarray:
    """Which ``candidates`` (documents holding every word) hold the words in order.

    Each word's positions are read for just those documents, so the cost follows the
    candidates, not every document the words share.
    """
    mask = scorer.none()
    name = node.fieldname
    words = [scorer.searcher.schema[name].to_bytes(word) for word in node.words]
    indices = np.flatnonzero(candidates)
    docnums = scorer.docnums(indices)
    for reader, offset in scorer.leaves:
        in_segment = (docnums >= offset) & (docnums < offset + reader.doc_count_all())
        local, at = (docnums[in_segment] - offset).tolist(), indices[in_segment].tolist()
        blocks = [scorer.segment_blocks(reader, name, word) for word in words]
        # A batch at a time: the positions of every candidate of a phrase of common words
        # took tens of MB at once, memory a worker kept.
        for first in range(0, len(local), PHRASE_BATCH):
            batch = local[first : first + PHRASE_BATCH]
            positions = [
                term_positions(reader, name, word, word_blocks, batch)
                for word, word_blocks in zip(words, blocks, strict=True)
            ]
            for index, docnum in zip(at[first : first + PHRASE_BATCH], batch, strict=True):
                if all(docnum in found for found in positions):
                    mask[index] = _in_order([found[docnum] for found in positions], node.slop)
    return mask


def _in_order(positions: list[list[int]], slop: int) -> bool:
    """Some run of positions, one per word, each 1 to ``slop`` places after the last."""
    later = [set(p) for p in positions[1:]]
    for start in positions[0]:
        at = start
        for following in later:
            at = next((at + gap for gap in range(1, slop + 1) if at + gap in following), None)
            if at is None:
                break
        else:
            return True
    return False


def _in_part(scorer: Scorer, found: Matches) -> Matches:
    return Matches(found.mask[scorer.docs], found.scores[scorer.docs])


def _by_whoosh(scorer: Scorer, node: q.Query) -> Matches:
    """Any other kind of query: Whoosh's own matcher, for the documents it matches."""
    if scorer.docs is not None:
        return _in_part(scorer, evaluate(scorer.whole, node))
    mask = scorer.of_docnums(scorer.searcher.docs_for_query(node))
    scores = np.zeros(scorer.size)
    matcher = node.matcher(scorer.searcher)
    while matcher.is_active():
        scores[matcher.id()] = matcher.score()
        matcher.next()
    return Matches(mask, scores)


def top(scores: np.ndarray, allowed: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` best of ``allowed`` by score, ties in index order (as Whoosh ranks)."""
    docnums = np.flatnonzero(allowed)
    if len(docnums) > count:
        keep = np.argpartition(-scores[docnums], count - 1)[:count]
        threshold = scores[docnums[keep]].min()
        # Ties at the cut are settled by document number, not by argpartition's whim.
        docnums = docnums[scores[docnums] >= threshold]
    order = np.lexsort((docnums, -scores[docnums]))
    return docnums[order[:count]]
