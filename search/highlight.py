"""Highlighted titles and snippets: escaped document text with only <mark> added.

No document is re-analysed. The words to mark are the query's terms and the words that stem
to them, found by one regular expression in the start of the stored text, lower-cased,
with its accented letters replaced by plain ones and, mostly, characters outside ASCII
that no word has by spaces, letter for letter (so offsets are those of the text).
"""

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import escape
from itertools import islice

from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

SNIPPET_CHARS = 220
FRAGMENTS = 2
LEAD_CHARS = 50
# A word this short is marked only as it is, not by its forms.
MIN_STEM_FOR_FORMS = 3
MAX_MATCHES = 40
# Words sharing a query word's prefix checked per text: each is stemmed (cached), so a
# text of thousands of distinct such words (a word list) costs a bounded time.
MAX_CANDIDATES = 1000
MAX_WINDOW_STARTS = 60
# Passages are sought in the start of a long text: the best are rarely further in.
MAX_SCAN_CHARS = 20_000
# Different characters outside ASCII a text may have and still be scanned as ASCII (see
# scannable): each is one pass over the text.
MAX_SPACED = 64


# Accented letters -> their plain letter, one for one (so that lengths never change).
# (Whoosh's table also lower-cases a few ASCII capitals; the text is lower-cased anyway.)
_PLAIN_LETTER = {
    chr(code): plain for code, plain in accent_map.items() if len(plain) == 1 and code > 127
}
_ASCII_BYTES = bytes(range(128))


@dataclass(frozen=True)
class Marker:
    """Marks one query's ``words`` in any text: each word itself and, for words of
    MIN_STEM_FOR_FORMS letters or more, every word whose stem it is (`memori` marks
    "memory" and "memories").

    The forms are found in the text, not listed from the lexicon first: a word that shares
    all but the last letter of a query word is a candidate (so its prefix is sought), and
    is marked when its stem is a query word. Listing a stem's forms from the lexicon cost
    0.4 to 1.4 ms per word at 10,000 pages, more than marking ten results.
    """

    words: tuple[str, ...]

    @cached_property
    def pattern(self) -> re.Pattern:
        """The candidates in lower-cased text. A pattern that starts with a letter is found
        much faster than one that starts by looking behind, so where a match starts is
        checked apart (see _matches)."""
        return re.compile(rf"(?:{self._alternatives})(?!\w)")

    @property
    def _alternatives(self) -> str:
        """Each word as it is, or its prefix and the rest of a word; the longest first, so
        that `os.path` is tried before `os` where both would match."""
        literals = [(word, "") for word in self.words if len(word) < MIN_STEM_FOR_FORMS]
        literals += [(_prefix(word), r"\w*") for word in self.stems]
        literals.sort(key=lambda pair: (-len(pair[0]), pair[0]))
        return "|".join(re.escape(literal) + rest for literal, rest in literals)

    @cached_property
    def _wide_letters(self) -> frozenset[str]:
        """The characters outside ASCII in the words: a text that has one is scanned as
        it is (see scannable)."""
        return frozenset(char for word in self.words for char in word if not char.isascii())

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(word for word in self.words if len(word) >= MIN_STEM_FOR_FORMS)

    def marks(self, word: str) -> bool:
        """Whether ``word`` (lower-cased, accents folded) is a query word or one of its forms."""
        return word in self.words or (
            len(word) >= MIN_STEM_FOR_FORMS and _stem_of_form(word) in self.stems
        )

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
        if not self.words:
            return ()
        folded = scannable(text[:MAX_SCAN_CHARS], self._wide_letters)
        lowered = folded.lower()
        if len(lowered) != len(folded):
            # Only "İ" lower-cases to two letters, and folding has made it "i" already;
            # should another ever do so, letter by letter keeps the offsets.
            lowered = "".join(letter.lower()[0] for letter in folded)
        words = (
            (m.start(), m.end(), m.group(0))
            for m in self.pattern.finditer(lowered)
            if _starts_a_word(lowered, m.start())
        )
        return (match for match in islice(words, MAX_CANDIDATES) if self.marks(match[2]))


def _prefix(stem: str) -> str:
    """What every word with this stem starts with, nearly always: a stem may end in a
    letter its words do not (`memori`: "memory")."""
    return stem[:-1] if len(stem) > MIN_STEM_FOR_FORMS else stem


def scannable(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` as the pattern scans it, letter for letter: each accented letter replaced by
    its plain one, as the index folds it, and, where that makes the whole text ASCII,
    every other character that cannot be part of a word (a curly quote, a dash, a
    no-break space) by a space.

    An ASCII text is lower-cased and scanned several times faster, and one curly
    apostrophe makes a whole text wide. The text is left wide, and only its accents
    folded, where spaces would gain nothing or could change what is marked: when it has a
    letter that stays outside ASCII (Greek, Chinese; Greek's "Σ" lower-cases by its
    neighbours, which spaces would change), a character of ``keep`` (the query's own
    words have it: "i̇" has a combining dot), or more than MAX_SPACED different
    characters outside ASCII, each a pass over the text. The non-ASCII characters present
    are found by dropping the ASCII bytes of the text's UTF-8, much faster than
    ``str.translate``, which looks every character up.
    """
    if text.isascii():
        return text
    present = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    found = set(present.decode("utf-8", "surrogatepass"))
    if len(found) <= MAX_SPACED and not found & keep:
        spaced = [(char, _scanned_as(char)) for char in found]
        if all(plain for _char, plain in spaced):
            for char, plain in spaced:
                text = text.replace(char, plain)
            return text
    for letter in found.intersection(_PLAIN_LETTER):
        text = text.replace(letter, _PLAIN_LETTER[letter])
    return text


@lru_cache(maxsize=4096)
def _scanned_as(char: str) -> str:
    """The ASCII character a non-ASCII one is scanned as, where it has one: an accented
    letter's plain letter, a space for a character no word has; else ""."""
    plain = _PLAIN_LETTER.get(char, "" if char.isalnum() else " ")
    return plain if plain.isascii() else ""


def _starts_a_word(text: str, at: int) -> bool:
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")


# The index's stemmer with a cache of its own: the shared one (100,000 stems) would fill
# with the lexicon's words, megabytes a worker never gave back.
_stem_of_form = lru_cache(maxsize=10_000)(porter_stem)


def marker_for(words: Iterable[str]) -> Marker:
    """A marker for the query's words (stems, or raw words the user typed)."""
    return Marker(tuple(sorted(set(words))))


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
