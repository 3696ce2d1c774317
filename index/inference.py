"""Research areas for pages that name none, guessed from their text.

Two kinds of evidence, each optional:

- keywords per area from the taxonomy table (``index/taxonomy.json``, or a site's own):
  phrases matched on stemmed words, longest first, so "neural network" never also counts
  as "network";
- term profiles learned from the pages that do name their areas: for each area, the
  terms found in more of its pages than of the other pages, weighted by idf (a Rocchio
  centroid with the rest of the corpus as contrast), scored against a page by cosine.

What is learned is kept as whole-number counts (``AreaCounts``): how many labelled pages
hold each term, in all and per area. Counts add and subtract exactly, so a reindex that
changes a few labelled pages updates them by reading only those pages, and gets the
same counts as learning from scratch. ``index/area_guesses.py`` keeps them on disk,
as columns over the vocabulary (``CountArrays``) that a model is built from at once.

A page gets an area only when the evidence is clear: its score must reach a floor and
come close to the page's best area, at most three areas, and a page with too few words
gets none. A wrong area costs more than a missing one.

Plain Python and NumPy, no scikit-learn: a few dozen areas against sparse word counts is
dictionary work, and a trained scikit-learn model could not be updated by subtraction.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import repeat

import numpy as np
from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from index.document import Document

# Bump when guesses change for the same text and keywords: every page is guessed again.
MODEL_VERSION = 1
MAX_AREAS = 3
# Fewer words than this say too little about a page to guess its areas.
MIN_WORDS = 40
# An area learned from fewer labelled pages than this is a guess from an anecdote.
MIN_AREA_DOCUMENTS = 2
# Scores are scaled so that 1.0 means "confident": a profile cosine PROFILE_SCALE times
# the page's mean over all areas (raw cosines shift with corpus size, this ratio much
# less), or keyword evidence of KEYWORD_SCALE (about three distinct keywords).
PROFILE_SCALE = 1.5
KEYWORD_SCALE = 3.0
# Besides reaching 1.0, an area must score this share of the page's best area.
RELATIVE_FLOOR = 0.5
PROFILE_TERMS = 2000
# Longer "keywords" are sentences: matching them would cost a try per word per length.
MAX_KEYWORD_WORDS = 6
# With fewer areas learned, "above the page's mean area" says little.
MIN_PROFILES = 4
_WORD = re.compile(r"[^\W_]+")


class _Stems(dict):
    """Each word as found (folded) -> its stem, "" for a word ``words`` drops: one look-up
    in C for every word seen before. The first 200,000 words are kept."""

    KEPT = 200_000

    def __missing__(self, word: str) -> str:
        kept = "" if len(word) < 2 or word.isdigit() or word in STOP_WORDS else stem(word)
        if len(self) < self.KEPT:
            self[word] = kept
        return kept


_STEMS = _Stems()


def words(text: str) -> list[str]:
    """Stemmed words: lower-cased, accents folded, stop words, numbers and letters dropped."""
    folded = text.casefold()
    if not folded.isascii():  # folding looks up every character: only when needed
        folded = folded.translate(accent_map)
    return [word for word in map(_STEMS.__getitem__, _WORD.findall(folded)) if word]


def page_words(doc: Document) -> list[str]:
    """The words a guess is made from; the title counts twice. (A document the reindex
    recalled unread, ``index/manifest.py``'s ``KnownDocument``, is read for them.)"""
    doc = doc.full()
    title = words(doc.title)
    return title + title + words(" ".join([doc.summary, *doc.headings, doc.body]))


@dataclass(frozen=True)
class CountArrays:
    """``AreaCounts``' term counts as columns over a vocabulary: what a model is built from
    without a lookup per (area, term) (484,303 of them at 100,000 pages)."""

    vocabulary: list[str]
    # labelled pages that hold each term (0: none)
    term_documents: np.ndarray
    # area -> pages of that area that hold each term
    area_terms: dict[str, np.ndarray]


@dataclass(frozen=True)
class AreaCounts:
    """What the labelled pages teach, as counts that add and subtract exactly."""

    documents: int = 0
    # term -> labelled pages that hold it
    term_documents: dict[str, int] = field(default_factory=dict)
    # area -> labelled pages with that area
    area_documents: dict[str, int] = field(default_factory=dict)
    # area -> term -> pages of that area that hold the term
    area_terms: dict[str, dict[str, int]] = field(default_factory=dict)
    # The same counts as arrays, when they were read from disk (index/area_guesses.py)
    # and kept up to date since: not part of what the counts are.
    arrays: CountArrays | None = field(default=None, compare=False, repr=False)


def count_documents(docs: Iterable[Document]) -> AreaCounts:
    return updated_counts(AreaCounts(), removed=(), added=docs)


def updated_counts(
    counts: AreaCounts, removed: Iterable[Document], added: Iterable[Document]
) -> AreaCounts:
    """``counts`` without the ``removed`` pages and with the ``added`` ones (a new copy)."""
    tally = CountsTally(counts)
    for doc in removed:
        tally.add_page(doc, -1)
    for doc in added:
        tally.add_page(doc)
    return tally.counts()


class CountsTally:
    """AreaCounts being summed in place, page by page or from other counts (the counts
    of a corpus read in parts, one per worker process). Starts from a copy of ``start``."""

    def __init__(self, start: AreaCounts | None = None):
        start = start or AreaCounts()
        self.documents = start.documents
        self.term_documents = dict(start.term_documents)
        self.area_documents = dict(start.area_documents)
        self.area_terms = dict(start.area_terms)
        # Areas whose term counts are this tally's own (the others are still start's).
        self._copied: set[str] = set()
        # start's arrays, and the terms counted since, to bring them up to date.
        self._arrays = start.arrays
        self._terms_counted: set[str] = set()

    def add_page(self, doc: Document, sign: int = 1) -> None:
        """Count a labelled page (``sign`` -1: uncount it)."""
        self.add_terms(set(page_words(doc)), doc.areas, sign)

    def add_terms(self, terms: Iterable[str], areas: Iterable[str], sign: int = 1) -> None:
        """Count a labelled page by its distinct ``page_words`` and its areas."""
        self.documents += sign
        if self._arrays is not None:
            terms = set(terms)
            self._terms_counted |= terms
        _add(self.term_documents, terms, sign)
        for area in areas:
            _add(self._terms_of(area), terms, sign)
            _add(self.area_documents, (area,), sign)

    def add_counts(self, counts: AreaCounts) -> None:
        self._arrays = None  # (counts summed from workers: none were read from disk)
        self.documents += counts.documents
        _add_counts(self.term_documents, counts.term_documents)
        _add_counts(self.area_documents, counts.area_documents)
        for area, terms in counts.area_terms.items():
            _add_counts(self._terms_of(area), terms)

    def counts(self) -> AreaCounts:
        """What has been counted (the tally's dictionaries: count no more after this)."""
        area_terms = {area: terms for area, terms in self.area_terms.items() if terms}
        arrays = self._arrays_now(area_terms) if self._arrays is not None else None
        return AreaCounts(
            self.documents, self.term_documents, self.area_documents, area_terms, arrays
        )

    def _arrays_now(self, area_terms: dict[str, dict[str, int]]) -> CountArrays:
        """start's arrays with the columns of the terms counted since set from the
        counts (new terms added at the end): the same counts, read from the dicts."""
        arrays, counted = self._arrays, sorted(self._terms_counted)
        if not counted:
            return arrays
        position = {term: i for i, term in enumerate(arrays.vocabulary)}
        vocabulary = arrays.vocabulary + [term for term in counted if term not in position]
        position.update((term, i) for i, term in enumerate(vocabulary))
        at = np.array([position[term] for term in counted], dtype=np.intp)

        def column(old: np.ndarray | None, counts: dict[str, int]) -> np.ndarray:
            new = np.zeros(len(vocabulary), dtype=np.int64)
            if old is not None:
                new[: len(old)] = old
            new[at] = [counts.get(term, 0) for term in counted]
            return new

        columns = {
            area: column(arrays.area_terms.get(area), terms)
            if area in self._copied
            else _padded(arrays.area_terms[area], len(vocabulary))
            for area, terms in area_terms.items()
        }
        return CountArrays(vocabulary, column(arrays.term_documents, self.term_documents), columns)

    def _terms_of(self, area: str) -> dict[str, int]:
        if area not in self._copied:
            self.area_terms[area] = dict(self.area_terms.get(area, {}))
            self._copied.add(area)
        return self.area_terms[area]


def _padded(column: np.ndarray, size: int) -> np.ndarray:
    if len(column) == size:
        return column
    padded = np.zeros(size, dtype=np.int64)
    padded[: len(column)] = column
    return padded


def with_arrays(counts: AreaCounts) -> AreaCounts:
    """``counts`` carrying its arrays (made once, for the model and for saving)."""
    return counts if counts.arrays is not None else replace(counts, arrays=count_arrays(counts))


def count_arrays(counts: AreaCounts) -> CountArrays:
    """``counts``' arrays: those it carries, else made from its dicts (in term order)."""
    if counts.arrays is not None:
        return counts.arrays
    vocabulary = sorted(counts.term_documents)
    position = {term: i for i, term in enumerate(vocabulary)}

    def column(terms: dict[str, int]) -> np.ndarray:
        values = np.zeros(len(vocabulary), dtype=np.int64)
        if terms:
            at = np.fromiter(map(position.__getitem__, terms), dtype=np.intp, count=len(terms))
            values[at] = np.fromiter(terms.values(), dtype=np.int64, count=len(terms))
        return values

    columns = {area: column(terms) for area, terms in counts.area_terms.items()}
    return CountArrays(vocabulary, column(counts.term_documents), columns)


def _add(counter: dict[str, int], keys: Iterable[str], sign: int) -> None:
    for key in keys:
        value = counter.get(key, 0) + sign
        if value > 0:
            counter[key] = value
        else:
            counter.pop(key, None)


def _add_counts(counter: dict[str, int], other: dict[str, int]) -> None:
    for key, count in other.items():
        counter[key] = counter.get(key, 0) + count


def learned_areas(counts: AreaCounts) -> tuple[str, ...]:
    """The areas with enough labelled pages to learn a profile from."""
    return tuple(
        sorted(area for area, n in counts.area_documents.items() if n >= MIN_AREA_DOCUMENTS)
    )


@dataclass(frozen=True)
class AreaModel:
    """Ready to guess: unit-length term profiles, idf weights, keyword phrases."""

    profiles: dict[str, dict[str, float]]
    idf: dict[str, float]
    # stemmed phrase -> areas it is a keyword of
    keywords: dict[tuple[str, ...], frozenset[str]]
    # The profiles by term: term -> (area, weight) for each profile that has it. A page's
    # terms then meet only the profiles they are in, not every profile (ten times fewer).
    by_term: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    # The keyword phrases by first word: word -> the lengths of its phrases, longest first.
    phrase_lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)


def area_model(counts: AreaCounts, keywords: dict[str, tuple[str, ...]]) -> AreaModel:
    total = counts.documents
    idf = {term: math.log(1 + total / n) for term, n in counts.term_documents.items()}
    vocabulary = _Vocabulary(count_arrays(counts), counts.documents, idf)
    profiles = {
        area: profile
        for area in learned_areas(counts)
        if (profile := vocabulary.profile(area, counts.area_documents[area]))
    }
    by_term: dict[str, list[tuple[str, float]]] = {}
    for area, profile in profiles.items():
        for term, weight in profile.items():
            by_term.setdefault(term, []).append((area, weight))
    phrases = _keyword_phrases(keywords)
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        lengths.setdefault(phrase[0], set()).add(len(phrase))
    return AreaModel(
        profiles,
        idf,
        phrases,
        {term: tuple(entries) for term, entries in by_term.items()},
        {word: tuple(sorted(found, reverse=True)) for word, found in lengths.items()},
    )


class _Vocabulary:
    """Every labelled term with its page count and idf, as arrays a profile indexes.

    An area's profile weighs each of its terms: a few hundred thousand terms over all
    areas at 100k pages. The arithmetic runs in NumPy (the same IEEE operations as
    Python's floats, so the same weights), the choosing and ordering of the few thousand
    kept in Python."""

    def __init__(self, arrays: CountArrays, documents: int, idf: dict[str, float]):
        self.arrays = arrays
        self.documents = documents
        size = len(arrays.vocabulary)
        self.idf = np.fromiter(
            map(idf.get, arrays.vocabulary, repeat(0.0)), dtype=np.float64, count=size
        )

    def profile(self, area: str, size: int) -> dict[str, float]:
        """Terms more common in the area's pages than in the others', idf-weighted: the
        PROFILE_TERMS heaviest, heaviest first (ties by term), at unit length."""
        column = self.arrays.area_terms.get(area)
        if column is None:
            return {}
        at = np.flatnonzero(column > 0)
        inside = column[at]
        lift = inside / size
        others = self.documents - size
        if others:
            lift -= (self.arrays.term_documents[at] - inside) / others
        weights = lift * self.idf[at]
        kept = np.flatnonzero(lift > 0)
        if len(kept) > PROFILE_TERMS:
            # All at least as heavy as the PROFILE_TERMS-th: ties at the cut sort by term.
            cut = np.partition(weights[kept], len(kept) - PROFILE_TERMS)[-PROFILE_TERMS]
            kept = kept[weights[kept] >= cut]
        names = self.arrays.vocabulary
        chosen = zip(at[kept].tolist(), weights[kept].tolist(), strict=True)
        top = [(names[i], w) for i, w in chosen]
        top.sort(key=lambda item: (-item[1], item[0]))
        return _unit(dict(top[:PROFILE_TERMS]))


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {term: w / norm for term, w in vector.items()} if norm else {}


def _keyword_phrases(keywords: dict[str, tuple[str, ...]]) -> dict[tuple[str, ...], frozenset]:
    phrases: dict[tuple[str, ...], set[str]] = {}
    for area, entries in keywords.items():
        for entry in entries:
            phrase = tuple(words(entry))
            if 0 < len(phrase) <= MAX_KEYWORD_WORDS:
                phrases.setdefault(phrase, set()).add(area)
    return {phrase: frozenset(areas) for phrase, areas in phrases.items()}


def infer_areas(
    model: AreaModel, doc: Document, tokens: list[str] | None = None
) -> tuple[str, ...]:
    """The areas ``doc`` confidently belongs to, best first; none for a labelled page.
    ``tokens`` are its ``page_words`` when already worked out."""
    if doc.areas:
        return ()
    if tokens is None:
        tokens = page_words(doc)
    if len(tokens) < MIN_WORDS:
        return ()
    scores = area_scores(model, tokens)
    best = max(scores.values(), default=0.0)
    chosen = [
        area
        for area, score in sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        if score >= 1.0 and score >= RELATIVE_FLOOR * best
    ]
    return tuple(chosen[:MAX_AREAS])


def area_scores(model: AreaModel, tokens: list[str]) -> dict[str, float]:
    """Each area's score, 1.0 meaning confident: the mean of the kinds of evidence it has."""
    profile = _profile_scores(model, tokens)
    keyword = _keyword_scores(model, tokens)
    has_keywords = {area for areas in model.keywords.values() for area in areas}
    scores = {}
    for area in set(model.profiles) | has_keywords:
        parts = []
        if area in model.profiles:
            parts.append(profile.get(area, 0.0) / PROFILE_SCALE)
        if area in has_keywords:
            parts.append(keyword.get(area, 0.0) / KEYWORD_SCALE)
        scores[area] = sum(parts) / len(parts)
    return scores


def _profile_scores(model: AreaModel, tokens: list[str]) -> dict[str, float]:
    if len(model.profiles) < MIN_PROFILES:
        return {}
    frequencies = Counter(token for token in tokens if token in model.idf)
    vector = _unit({term: (1 + math.log(n)) * model.idf[term] for term, n in frequencies.items()})
    cosines = dict.fromkeys(model.profiles, 0.0)
    by_term = model.by_term
    for term, weight in vector.items():
        for area, area_weight in by_term.get(term, ()):
            cosines[area] += weight * area_weight
    mean = sum(cosines.values()) / len(cosines)
    return {area: cosine / mean for area, cosine in cosines.items()} if mean else {}


def _keyword_scores(model: AreaModel, tokens: list[str]) -> dict[str, float]:
    """Per area: each distinct keyword found adds 1, repeats add a little (log)."""
    found = _keyword_matches(model, tokens)
    scores: Counter[str] = Counter()
    for phrase, occurrences in found.items():
        for area in model.keywords[phrase]:
            scores[area] += 1 + math.log(occurrences)
    return dict(scores)


def _keyword_matches(model: AreaModel, tokens: list[str]) -> Counter[tuple[str, ...]]:
    """Keyword phrases in ``tokens``, longest match first, words never counted twice."""
    found: Counter[tuple[str, ...]] = Counter()
    lengths_of = model.phrase_lengths
    position = 0
    while position < len(tokens):
        for length in lengths_of.get(tokens[position], ()):
            phrase = tuple(tokens[position : position + length])
            if len(phrase) == length and phrase in model.keywords:
                found[phrase] += 1
                position += length
                break
        else:
            position += 1
    return found
