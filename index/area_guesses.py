"""Inferred areas during a reindex: reuse what earlier runs learned and guessed.

Reindex calls ``with_inferred_areas`` between scanning the sources and planning the
diff; a guess is part of a page's content hash, so a changed guess updates the page.

A reindex must stay cheap on a large corpus (100,000 pages: no change in seconds, ten
changed pages in a couple). Reading every page's words on every run would not be, so
two files beside the index keep what earlier runs did:

- ``areas-learned.json``: the counts learned from the labelled pages
  (``inference.AreaCounts``), with a fingerprint of the labelled pages (id and content
  hash) they came from; a column of counts per area over the vocabulary (32-bit
  integers, base64), read into arrays a model is built from without a lookup per term.
  When labelled pages change, only those are read: the old version (from the index) is
  subtracted and the new one added. Counts are whole numbers, so the result equals
  learning from scratch.
- ``areas-guessed.json``: each unlabelled page's guess, with the page's content hash
  as read (before its guess) and as indexed (with it). A page whose text did not change
  keeps its guess without being read or hashed again, as long as the model it was
  guessed with still stands.

A changed model does not re-guess every unlabelled page at once: that would read
every page on every run where one labelled page changed, and rewrite in the index the
pages whose guess moved across a threshold. Changed and new pages are guessed with the
current model at once; all pages are guessed afresh when the labelled pages changed
since the last full round add up to more than ``DRIFT_SHARE`` of them, when an area is
learned or forgotten, when the keywords change, on ``--full``, and on every change
while there are at most ``SMALL_CORPUS`` unlabelled pages (where it costs little).
Both files carry the fingerprint they belong to: if they do not match the index (a
reindex killed between its commit and saving them), everything is learned afresh.
They are JSON, not pickle, so a tampered index folder cannot run code.
"""

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple

import numpy as np

from index.document import Document
from index.inference import (
    MODEL_VERSION,
    AreaCounts,
    AreaModel,
    CountArrays,
    area_model,
    count_arrays,
    count_documents,
    infer_areas,
    learned_areas,
    updated_counts,
    with_arrays,
)
from index.store import read_json, write_json_atomically

LEARNED_FILE = "areas-learned.json"
GUESSED_FILE = "areas-guessed.json"
DRIFT_SHARE = 0.05
SMALL_CORPUS = 200
FILE_FORMAT = 2
# The counts' file: columns of counts (format 2 held a dictionary per area).
LEARNED_FORMAT = 3

LoadCounts = Callable[[str], AreaCounts | None]


class Guess(NamedTuple):
    """One page's guess, and the content hashes that let a later run reuse it unread."""

    # The page as read, without a guess.
    read_hash: str
    areas: tuple[str, ...]
    # The page with its guess, as indexed (computing it hashes the whole page).
    content_hash: str


@dataclass(frozen=True)
class SavedGuesses:
    """The guesses of the last run, and what they were made with."""

    # Fingerprint of the labelled pages the model learned from.
    trained_on: str
    # Fingerprint of the keywords and the model's version.
    made_with: str
    # The areas the model had learned.
    areas: tuple[str, ...]
    # Labelled pages changed since every page was last guessed afresh.
    drift: int
    pages: dict[str, Guess]


@dataclass(frozen=True)
class Inference:
    """One run's documents, with guesses filled in, and what to save for the next."""

    documents: dict[str, Document]
    # Fingerprint of the labelled pages the counts are learned from.
    trained_on: str
    # None when what is on disk is still right.
    guesses: SavedGuesses | None
    counts: AreaCounts | None


def with_inferred_areas(
    documents: dict[str, Document],
    indexed: dict[str, Document],
    kept: dict[str, Document],
    keywords: dict[str, tuple[str, ...]],
    saved: SavedGuesses | None,
    load_counts: LoadCounts,
    full: bool = False,
) -> Inference:
    """``documents`` (as read) with areas inferred for those that name none.

    ``indexed`` is the index before this run and ``kept`` the pages it keeps although
    their source failed: the model learns from the labelled pages that will be in the
    index. ``saved`` is the last run's guesses; ``load_counts`` returns the counts
    saved for a fingerprint, if any. ``full`` learns and guesses everything afresh.
    """
    labelled = {doc.id: doc for doc in [*kept.values(), *documents.values()] if doc.areas}
    was_trained_on = fingerprint(doc for doc in indexed.values() if doc.areas)
    # The last run's work holds only if it was for the index as it is now.
    reusable = None if full or saved is None or saved.trained_on != was_trained_on else saved
    learning = _Learning(labelled, indexed, reusable, load_counts)
    made_with = _fingerprint_of(keywords)
    unlabelled = [doc for doc in documents.values() if not doc.areas]
    afresh = _guess_afresh(reusable, made_with, learning, len(unlabelled))
    model = cache(lambda: area_model(learning.counts, keywords))
    previous = {} if afresh or reusable is None else reusable.pages
    pages = {doc.id: _guess(doc, previous.get(doc.id), model) for doc in unlabelled}
    drift = 0 if afresh or reusable is None else reusable.drift + learning.changes
    areas = learning.areas if learning.changes or reusable is None else reusable.areas
    guesses = SavedGuesses(learning.trained_on, made_with, areas, drift, pages)
    changed = None if guesses == saved else guesses
    return Inference(
        _with_guesses(documents, pages), learning.trained_on, changed, learning.counts_to_save
    )


def inferred_for_changes(
    documents: dict[str, Document],
    indexed: dict[str, Document],
    kept: dict[str, Document],
    rest: list[tuple[str, str]],
    keywords: dict[str, tuple[str, ...]],
    saved: SavedGuesses | None,
    load_counts: LoadCounts,
) -> Inference | None:
    """What ``with_inferred_areas`` gives, worked out from what changed only: for a run
    that read only the changed files (``reindex.Run.write_changes``). ``documents``,
    ``indexed`` and ``kept`` are those files' pages (now, before, and kept although their
    file failed); ``rest`` the labelled pages of the other files (ids and content
    hashes), unchanged. The other unlabelled pages keep their saved guesses, as in
    ``with_inferred_areas``.

    None when this run cannot be worked out so: no saved guesses for the index as it
    was, keywords changed, every page to be guessed afresh, or no saved counts (to be
    learned again from every labelled page). The whole run then does it.
    """
    before = [(doc.id, doc.content_hash) for doc in indexed.values() if doc.areas]
    made_with = _fingerprint_of(keywords)
    if saved is None or saved.made_with != made_with:
        return None
    if saved.trained_on != _fingerprint_pairs([*rest, *before]):
        return None
    labelled = {doc.id: doc for doc in [*kept.values(), *documents.values()] if doc.areas}
    learning = _Learning(labelled, indexed, saved, load_counts, rest)
    touched = indexed.keys() | documents.keys() | kept.keys()
    others = {doc_id: guess for doc_id, guess in saved.pages.items() if doc_id not in touched}
    unlabelled = [doc for doc in documents.values() if not doc.areas]
    if _guess_afresh(saved, made_with, learning, len(others) + len(unlabelled)):
        return None
    model = cache(lambda: area_model(learning.counts, keywords))
    pages = {doc.id: _guess(doc, saved.pages.get(doc.id), model) for doc in unlabelled}
    if learning.from_scratch:  # the saved counts are gone: learning needs every page
        return None
    areas = learning.areas if learning.changes else saved.areas
    drift = saved.drift + learning.changes
    guesses = SavedGuesses(learning.trained_on, made_with, areas, drift, {**others, **pages})
    changed = None if guesses == saved else guesses
    return Inference(
        _with_guesses(documents, pages), learning.trained_on, changed, learning.counts_to_save
    )


def _with_guesses(documents: dict[str, Document], pages: dict[str, Guess]) -> dict[str, Document]:
    """``documents``, those with guessed areas carrying them (and their hash with them)."""
    guessed = {
        doc_id: replace(
            documents[doc_id], areas_inferred=guess.areas, content_hash=guess.content_hash
        )
        for doc_id, guess in pages.items()
        if guess.areas
    }
    return {**documents, **guessed}


def inference_from_guesses(
    documents: dict[str, Document],
    kept: dict[str, Document],
    keywords: dict[str, tuple[str, ...]],
    counts: AreaCounts,
    pages: dict[str, Guess],
    saved: SavedGuesses | None,
) -> Inference:
    """What ``with_inferred_areas(..., full=True)`` gives, for a run whose counts were
    learned and whose pages were guessed elsewhere: by the worker processes that read
    them (index/bulk.py). ``pages`` holds a guess for every unlabelled document."""
    labelled = {doc.id: doc for doc in [*kept.values(), *documents.values()] if doc.areas}
    trained_on = fingerprint(labelled.values())
    made_with = _fingerprint_of(keywords)
    guesses = SavedGuesses(trained_on, made_with, learned_areas(counts), 0, pages)
    changed = None if guesses == saved else guesses
    return Inference(_with_guesses(documents, pages), trained_on, changed, counts)


def guess_of(doc: Document, model: AreaModel, tokens: list[str] | None = None) -> Guess:
    """A guess for an unlabelled page made afresh with ``model`` (from its ``page_words``,
    ``tokens``, when they are already worked out)."""
    return _guess(doc, None, lambda: model, tokens)


class _Learning:
    """This run's counts, worked out (and read from disk) only when first needed."""

    def __init__(
        self,
        labelled: dict[str, Document],
        indexed: dict[str, Document],
        saved: SavedGuesses | None,
        load_counts: LoadCounts,
        rest: list[tuple[str, str]] | None = None,
    ):
        # ``rest``: the labelled pages besides ``labelled`` and ``indexed`` (ids and
        # content hashes), the same before and after, when those are only what changed.
        self.labelled = labelled
        self.rest = rest or []
        self.trained_on = _fingerprint_pairs(
            [*self.rest, *((doc.id, doc.content_hash) for doc in labelled.values())]
        )
        self.labelled_count = len(self.rest) + len(labelled)
        self.saved = saved
        self.load_counts = load_counts
        before = {doc.id: doc for doc in indexed.values() if doc.areas}
        self.removed = [doc for doc in before.values() if _differs(doc, labelled)]
        self.added = [doc for doc in labelled.values() if _differs(doc, before)]
        self.changes = len({doc.id for doc in [*self.removed, *self.added]})
        self.from_scratch = False

    @cached_property
    def counts(self) -> AreaCounts:
        old = self.load_counts(self.saved.trained_on) if self.saved else None
        if old is None:
            self.from_scratch = True
            return with_arrays(count_documents(self.labelled.values()))
        return with_arrays(updated_counts(old, self.removed, self.added) if self.changes else old)

    @property
    def areas(self) -> tuple[str, ...]:
        return learned_areas(self.counts)

    @property
    def counts_to_save(self) -> AreaCounts | None:
        worked_out = "counts" in self.__dict__
        return self.counts if worked_out and (self.changes or self.from_scratch) else None


def _differs(doc: Document, others: dict[str, Document]) -> bool:
    other = others.get(doc.id)
    return other is None or other.content_hash != doc.content_hash


def _guess_afresh(
    saved: SavedGuesses | None, made_with: str, learning: _Learning, unlabelled: int
) -> bool:
    """Whether every unlabelled page must be guessed again, not only new and changed ones."""
    if saved is None or saved.made_with != made_with:
        return True
    if not learning.changes:
        return False
    return (
        unlabelled <= SMALL_CORPUS
        or saved.drift + learning.changes > DRIFT_SHARE * learning.labelled_count
        or learning.areas != saved.areas
        or learning.from_scratch
    )


def _guess(
    doc: Document, previous: Guess | None, model: Callable, tokens: list[str] | None = None
) -> Guess:
    if previous is not None and previous.read_hash == doc.content_hash:
        return previous
    areas = infer_areas(model(), doc, tokens)
    if not areas:
        return Guess(doc.content_hash, areas, doc.content_hash)
    guessed = replace(doc.full(), areas_inferred=areas, content_hash="")
    return Guess(doc.content_hash, areas, guessed.content_hash)


def fingerprint(docs: Iterable[Document]) -> str:
    """Names a set of pages at their current content (ids and content hashes)."""
    return _fingerprint_pairs([(doc.id, doc.content_hash) for doc in docs])


def _fingerprint_pairs(pairs: list[tuple[str, str]]) -> str:
    lines = sorted(f"{doc_id}\t{content_hash}\n" for doc_id, content_hash in pairs)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()[:32]


def _fingerprint_of(keywords: dict[str, tuple[str, ...]]) -> str:
    payload = json.dumps([MODEL_VERSION, keywords], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def load_saved_guesses(index_dir: Path) -> SavedGuesses | None:
    """The last run's guesses; None when there are none or the file is not ours."""
    data = read_json(index_dir / GUESSED_FILE)
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        return None
    try:
        made = tuple.__new__  # 50,000 guesses at 100,000 pages: no Python __new__ each
        pages = {
            str(doc_id): made(Guess, (str(read_hash), tuple(map(str, areas)), str(content_hash)))
            for doc_id, (read_hash, areas, content_hash) in data["pages"].items()
        }
        areas = tuple(map(str, data["areas"]))
        return SavedGuesses(data["trained_on"], data["made_with"], areas, data["drift"], pages)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def load_counts(index_dir: Path, trained_on: str) -> AreaCounts | None:
    """The counts saved for ``trained_on``; None when the file holds other counts."""
    data = read_json(index_dir / LEARNED_FILE)
    if not isinstance(data, dict) or data.get("trained_on") != trained_on:
        return None
    if data.get("format") == FILE_FORMAT:  # as earlier versions saved them
        return _counts_by_term(data)
    if data.get("format") != LEARNED_FORMAT:
        return None
    try:
        vocabulary = data["terms"]
        size = len(vocabulary)
        if not all(isinstance(term, str) for term in vocabulary) or len(set(vocabulary)) < size:
            return None
        everywhere = _column(data["term_documents"], size)
        columns = {str(area): _column(column, size) for area, column in data["area_terms"].items()}
        if (everywhere <= 0).any() or any((column < 0).any() for column in columns.values()):
            return None
        area_terms = {}
        for area, column in columns.items():
            at = np.flatnonzero(column).tolist()
            area_terms[area] = dict(
                zip(map(vocabulary.__getitem__, at), column[at].tolist(), strict=True)
            )
        return AreaCounts(
            documents=int(data["documents"]),
            term_documents=dict(zip(vocabulary, everywhere.tolist(), strict=True)),
            area_documents={str(area): int(n) for area, n in data["area_documents"].items()},
            area_terms=area_terms,
            arrays=CountArrays(vocabulary, everywhere, columns),
        )
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error):
        return None


def _counts_by_term(data: dict) -> AreaCounts | None:
    """Counts saved a dictionary per area (format 2): read once, then saved as columns,
    rather than learned again from every labelled page."""
    try:
        return AreaCounts(
            documents=int(data["documents"]),
            term_documents=dict(data["term_documents"]),
            area_documents=dict(data["area_documents"]),
            area_terms={area: dict(terms) for area, terms in data["area_terms"].items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _column(encoded: str, size: int) -> np.ndarray:
    """A column of counts as saved: 32-bit little-endian integers, base64."""
    column = np.frombuffer(base64.b64decode(encoded, validate=True), dtype="<i4")
    if len(column) != size:
        raise ValueError("a column of the wrong length")
    return column.astype(np.int64)


def _learned(trained_on: str, counts: AreaCounts) -> dict:
    """The counts as saved: columns over the vocabulary in term order (so that the same
    counts always give the same file), terms no labelled page holds left out."""
    arrays = count_arrays(counts)
    vocabulary = arrays.vocabulary
    order = np.array(sorted(range(len(vocabulary)), key=vocabulary.__getitem__), dtype=np.intp)
    order = order[arrays.term_documents[order] > 0]

    def encoded(column: np.ndarray) -> str:
        return base64.b64encode(column[order].astype("<i4").tobytes()).decode("ascii")

    return {
        "format": LEARNED_FORMAT,
        "trained_on": trained_on,
        "documents": counts.documents,
        "terms": [vocabulary[i] for i in order.tolist()],
        "term_documents": encoded(arrays.term_documents),
        "area_documents": counts.area_documents,
        "area_terms": {
            area: encoded(column)
            for area, column in arrays.area_terms.items()
            if area in counts.area_terms
        },
    }


def save_inference(index_dir: Path, inference: Inference) -> str:
    """Keep what this run learned and guessed, for the next; only what changed is written.

    Called after the commit. A failure to write is not the commit's failure: the
    files are checked against the index when read, so the next run relearns. Returns
    the guesses file's ``guesses_stamp`` when it holds this run's guesses, else "".
    """
    counts, guesses = inference.counts, inference.guesses
    try:
        if counts is not None:
            learned = _learned(inference.trained_on, counts)
            write_json_atomically(index_dir / LEARNED_FILE, learned, indent=None)
        if guesses is not None:
            guessed = {"format": FILE_FORMAT} | _shallow(guesses)
            write_json_atomically(index_dir / GUESSED_FILE, guessed, indent=None)
    except OSError:
        return ""
    return guesses_stamp(index_dir)


def guesses_stamp(index_dir: Path) -> str:
    """Names the guesses file as it is on disk (inode, size, time; "" when there is none):
    the manifest records it, so that a run reading only changed files trusts the
    saved guesses of every other page only if they are the ones that went with the
    index (index/reindex.py ``write_changes``)."""
    try:
        status = os.stat(index_dir / GUESSED_FILE)
    except OSError:
        return ""
    return f"{status.st_ino}:{status.st_size}:{status.st_mtime_ns}"


def _shallow(record: SavedGuesses) -> dict:
    """A record's fields as a dict, values shared: ``asdict`` deep-copies (seconds here)."""
    return {field.name: getattr(record, field.name) for field in fields(record)}
