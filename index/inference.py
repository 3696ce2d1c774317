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
same counts as learning from scratch. ``index/area_cache.py`` keeps them on disk.

A page gets an area only when the evidence is clear: its score must reach a floor and
come close to the page's best area, at most three areas, and a page with too few words
gets none. A wrong area costs more than a missing one.

Plain Python, no NumPy or scikit-learn: a few dozen areas against sparse word counts is
dictionary work, and a trained scikit-learn model could not be updated by subtraction.
"""

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

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


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return stem(word)


def words(text: str) -> list[str]:
    """Stemmed words: lower-cased, accents folded, stop words, numbers and letters dropped."""
    folded = text.casefold().translate(accent_map)
    return [
        _stem(word)
        for word in _WORD.findall(folded)
        if len(word) > 1 and not word.isdigit() and word not in STOP_WORDS
    ]


def page_words(doc: Document) -> list[str]:
    """The words a guess is made from; the title counts twice. (A document the reindex
    recalled unread, ``index/manifest.py``'s ``KnownDocument``, is read for them.)"""
    doc = doc.full()
    title = words(doc.title)
    return title + title + words(" ".join([doc.summary, *doc.headings, doc.body]))


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


def count_documents(docs: Iterable[Document]) -> AreaCounts:
    return updated_counts(AreaCounts(), removed=(), added=docs)


def updated_counts(
    counts: AreaCounts, removed: Iterable[Document], added: Iterable[Document]
) -> AreaCounts:
    """``counts`` without the ``removed`` pages and with the ``added`` ones (a new copy)."""
    total = counts.documents
    term_documents = dict(counts.term_documents)
    area_documents = dict(counts.area_documents)
    area_terms = dict(counts.area_terms)
    copied: set[str] = set()
    for sign, docs in ((-1, removed), (1, added)):
        for doc in docs:
            total += sign
            terms = set(page_words(doc))
            _add(term_documents, terms, sign)
            for area in doc.areas:
                if area not in copied:
                    area_terms[area] = dict(area_terms.get(area, {}))
                    copied.add(area)
                _add(area_terms[area], terms, sign)
                _add(area_documents, (area,), sign)
    area_terms = {area: terms for area, terms in area_terms.items() if terms}
    return AreaCounts(total, term_documents, area_documents, area_terms)


def _add(counter: dict[str, int], keys: Iterable[str], sign: int) -> None:
    for key in keys:
        value = counter.get(key, 0) + sign
        if value > 0:
            counter[key] = value
        else:
            counter.pop(key, None)


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
    longest_keyword: int = 0


def area_model(counts: AreaCounts, keywords: dict[str, tuple[str, ...]]) -> AreaModel:
    total = counts.documents
    idf = {term: math.log(1 + total / n) for term, n in counts.term_documents.items()}
    profiles = {
        area: profile
        for area in learned_areas(counts)
        if (profile := _profile(counts.area_terms[area], counts.area_documents[area], counts, idf))
    }
    phrases = _keyword_phrases(keywords)
    return AreaModel(profiles, idf, phrases, max(map(len, phrases), default=0))


def _profile(
    terms: dict[str, int], size: int, counts: AreaCounts, idf: dict[str, float]
) -> dict[str, float]:
    """Terms more common in the area's pages than in the others', idf-weighted."""
    others = counts.documents - size
    term_documents = counts.term_documents  # local names: this loop runs a million times
    weights = {}
    for term, inside in terms.items():
        lift = inside / size - ((term_documents[term] - inside) / others if others else 0.0)
        if lift > 0:
            weights[term] = lift * idf[term]
    top = heapq.nsmallest(PROFILE_TERMS, weights.items(), key=lambda item: (-item[1], item[0]))
    return _unit(dict(top))


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


def infer_areas(model: AreaModel, doc: Document) -> tuple[str, ...]:
    """The areas ``doc`` confidently belongs to, best first; none for a labelled page."""
    if doc.areas:
        return ()
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
    cosines = {
        area: sum(weight * profile.get(term, 0.0) for term, weight in vector.items())
        for area, profile in model.profiles.items()
    }
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
    longest = model.longest_keyword
    position = 0
    while position < len(tokens):
        for length in range(min(longest, len(tokens) - position), 0, -1):
            phrase = tuple(tokens[position : position + length])
            if phrase in model.keywords:
                found[phrase] += 1
                position += length
                break
        else:
            position += 1
    return found
