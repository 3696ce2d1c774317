"""Highlighted titles and snippets: escaped document text with only <mark> added.

No document is re-analysed. The words to mark are the indexed forms that share a stem with
a query term (read once per index state from the unstemmed spelling lexicon), found in the
stored text by one regular expression that also accepts accented letters for plain ones.
"""

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from itertools import islice

from whoosh.reading import IndexReader
from whoosh.support.charset import accent_map

from index.analysis import stem_word

SPELLING_FIELD = "spelling"
SNIPPET_CHARS = 220
FRAGMENTS = 2
LEAD_CHARS = 50
# A stem this short shares its prefix with too much of the lexicon to list its forms.
MIN_STEM_FOR_FORMS = 3
MAX_FORMS_PER_TERM = 64
MAX_MATCHES = 120
MAX_WINDOW_STARTS = 60


def _accent_classes() -> dict[str, str]:
    variants: dict[str, set[str]] = {}
    for code, plain in accent_map.items():
        if len(plain) == 1 and plain.isalpha():
            variants.setdefault(plain.lower(), set()).add(chr(code))
    return {plain: "".join(sorted(chars | {plain})) for plain, chars in variants.items()}


_ACCENTS = _accent_classes()


class WordForms:
    """Indexed word forms per stem, for one index state (an unbounded but small cache)."""

    def __init__(self, reader: IndexReader):
        self._reader = reader
        self._forms: dict[str, tuple[str, ...]] = {}

    def of(self, stem: str) -> tuple[str, ...]:
        if stem not in self._forms:
            self._forms[stem] = self._lookup(stem)
        return self._forms[stem]

    def _lookup(self, stem: str) -> tuple[str, ...]:
        if len(stem) < MIN_STEM_FOR_FORMS or SPELLING_FIELD not in self._reader.schema:
            return (stem,)
        prefix = stem[:-1] if len(stem) > MIN_STEM_FOR_FORMS else stem
        candidates = islice(self._reader.expand_prefix(SPELLING_FIELD, prefix), 5000)
        forms = [stem]
        for word in candidates:
            word = word.decode("utf-8") if isinstance(word, bytes) else word
            if word != stem and stem_word(word) == stem:
                forms.append(word)
                if len(forms) >= MAX_FORMS_PER_TERM:
                    break
        return tuple(forms)


@dataclass(frozen=True)
class Marker:
    """Marks one query's words in any text; ``pattern`` is None when there is nothing to mark."""

    pattern: re.Pattern | None

    def title_html(self, title: str) -> str:
        return _marked(title, list(self._matches(title)), 0, len(title))

    def snippet_html(self, body: str, fallback: str) -> str:
        """The best passages of ``body`` with matches marked, else ``fallback`` escaped."""
        matches = list(islice(self._matches(body), MAX_MATCHES))
        if not matches:
            return escape(fallback, quote=False)
        short = len(body) <= SNIPPET_CHARS
        windows = [(0, len(body))] if short else _best_windows(body, matches)
        parts = []
        for start, end in windows:
            inside = [m for m in matches if m[0] >= start and m[1] <= end]
            parts.append(_marked(body, inside, start, end))
        prefix = "… " if windows[0][0] > 0 else ""
        suffix = " …" if windows[-1][1] < len(body) else ""
        return prefix + " … ".join(parts) + suffix

    def _matches(self, text: str) -> Iterable[tuple[int, int, str]]:
        if self.pattern is None:
            return ()
        return ((m.start(), m.end(), m.group(0).casefold()) for m in self.pattern.finditer(text))


def marker_for(words: Iterable[str], forms: WordForms) -> Marker:
    """A marker for the query's words (stems, or raw words the user typed)."""
    all_forms = sorted({form for word in words for form in forms.of(word)}, key=len, reverse=True)
    if not all_forms:
        return Marker(None)
    alternatives = "|".join(_accent_tolerant(form) for form in all_forms)
    return Marker(re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE))


def _accent_tolerant(form: str) -> str:
    return "".join(f"[{re.escape(_ACCENTS[c])}]" if c in _ACCENTS else re.escape(c) for c in form)


def _best_windows(text: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Up to FRAGMENTS non-overlapping passages that together show the most different words."""
    size = SNIPPET_CHARS // FRAGMENTS
    starts = [m[0] for m in matches]
    candidates = []
    for match_start in starts[:MAX_WINDOW_STARTS]:
        begin = max(0, match_start - LEAD_CHARS)
        inside = matches[bisect_left(starts, begin) : bisect_left(starts, begin + size)]
        candidates.append(((begin, begin + size), {w for _s, e, w in inside if e <= begin + size}))
    chosen: list[tuple[int, int]] = []
    seen: set[str] = set()
    for _ in range(FRAGMENTS):
        free = [c for c in candidates if not any(c[0][0] < b and a < c[0][1] for a, b in chosen)]
        if not free:
            break
        window, words = max(free, key=lambda c: (len(c[1] - seen), len(c[1]), -c[0][0]))
        chosen.append(window)
        seen |= words
    return [_to_word_edges(text, a, b) for a, b in sorted(chosen)]


def _to_word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, min(end, len(text))


def _marked(text: str, matches: list[tuple[int, int, str]], start: int, end: int) -> str:
    parts, at = [], start
    for s, e, _word in matches:
        if s < at or e > end:
            continue
        parts.append(escape(text[at:s], quote=False))
        parts.append(f"<mark>{escape(text[s:e], quote=False)}</mark>")
        at = e
    parts.append(escape(text[at:end], quote=False))
    return "".join(parts).replace("\n", " ")
