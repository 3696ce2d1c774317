"""Text analysis: the words the index stores for a text, in one pass over it.

Whoosh builds an analyzer as a chain of generators (tokenizer, lower-case, accent folding,
stop words, stemming): five Python frames per word, which made analysis most of the cost
of writing the index. ``FoldedWords`` yields exactly the tokens such a chain yields
(same words, positions and character offsets; tests/index/test_analysis.py compares them
on real text) from a single loop. When indexing, a dotted name (`os.path.exists`) is also
stored as its parts, so API names are found by any of their words.
"""

import re
from collections import Counter
from collections.abc import Iterator

from whoosh.analysis import STOP_WORDS, Token
from whoosh.analysis.analyzers import Analyzer
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

# Whoosh's default word pattern: letters, digits, `*` and inner dots (`os.path`).
WORD_PATTERN = r"[\w\*]+(?:\.?[\w\*]+)*"
MIN_WORD = 2


# Stems of the words seen, the most common ones anyway: looked up for every word indexed.
_STEMS: dict[str, str] = {}
_STEMS_KEPT = 100_000
# Per kind of analyzer (pattern, stop words, stems): each word as found in a text and the
# word it is indexed under ("" for none): one look-up a word instead of folding,
# checking and stemming it each time. (Kept here, not on the analyzer, which the index
# stores.)
_WORDS: dict[tuple[str, bool, bool], dict[str, str]] = {}
_WORDS_KEPT = 100_000


def stem_word(word: str) -> str:
    """The stem the index stores for a lower-cased, accent-folded word."""
    found = _STEMS.get(word)
    if found is None:
        found = stem(word)
        if len(_STEMS) < _STEMS_KEPT:
            _STEMS[word] = found
    return found


def _folded(word: str) -> str:
    """Lower-cased, accents folded (the folding looks up every character: only if needed)."""
    word = word.lower()
    return word if word.isascii() else word.translate(accent_map)


class FoldedWords(Analyzer):
    """Words lower-cased and accent-folded; optionally stop words dropped (positions closed
    up) and the rest stemmed: 'Réseaux' -> 'reseaux'; 'the' -> nothing. Its keyword
    arguments are those of Whoosh's analyzers."""

    def __init__(self, pattern: str = WORD_PATTERN, stops: bool = True, stemmed: bool = True):
        self.expression = re.compile(pattern)
        self.stops = STOP_WORDS if stops else frozenset()
        self.min_word = MIN_WORD if stops else 0
        self.stemmed = stemmed

    @property
    def is_morph(self) -> bool:
        return self.stemmed

    @property
    def dotted(self) -> bool:
        """Whether a word may hold a dot (and is then indexed by its parts too)."""
        return "." in self.expression.pattern

    def has_morph(self) -> bool:
        return self.stemmed

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        no_morph: bool = False,
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stops, min_word, stemming = self.stops, self.min_word, self.stemmed and not no_morph
        pos = None
        for number, match in enumerate(self._pieces(value, tokenize)):
            original = match.group(0) if match is not None else value
            text = original.lower()
            if not text.isascii():  # folding looks up every character: only when needed
                text = text.translate(accent_map)
            token.boost = 1.0
            if keeporiginal or match is None:  # Whoosh keeps an untokenized value's original
                token.original = original
            if chars:
                begin = match.start() if match is not None else 0
                token.startchar = start_char + begin
                token.endchar = start_char + begin + len(original)
            if len(text) < min_word or text in stops:
                if not removestops:
                    token.text, token.stopped = text, True
                    if positions:
                        token.pos = start_pos + number
                    yield token
                continue
            if positions:
                # Whoosh's StopFilter numbers the words it keeps one after another.
                pos = start_pos + number if pos is None else pos + 1
                token.pos = pos
            token.text = stem_word(text) if stemming else text
            token.stopped = False
            yield token
            if mode == "index" and "." in text:
                yield from self._parts(token, text, stemming)

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each word indexed for ``value`` and its positions, in order of first appearance:
        exactly what indexing (``mode="index"`` with positions) yields, gathered in one
        loop without a Token per word. Indexing is most of a reindex's writing time."""
        found: dict[str, list[int]] = {}
        indexed = _WORDS.setdefault((self.expression.pattern, bool(self.stops), self.stemmed), {})
        ascii_only = value.isascii()
        dotted = self.dotted
        pos = None
        for number, text in enumerate(self._findall(value.lower() if ascii_only else value)):
            word = indexed.get(text)
            if word is None:
                word = self._indexed_word(text, indexed)
            if not word:
                continue
            pos = number if pos is None else pos + 1
            places = found.get(word)
            if places is None:
                found[word] = [pos]
            else:
                places.append(pos)
            if dotted and "." in text:  # a dotted name is also found by its parts
                for part in _folded(text).split("."):
                    if len(part) >= self.min_word and part not in self.stops:
                        part = stem_word(part) if self.stemmed else part
                        found.setdefault(part, []).append(pos)
        return found

    def _indexed_word(self, token: str, indexed: dict[str, str]) -> str:
        """The word ``token`` (as found) is indexed under, "" when none; remembered."""
        text = _folded(token)
        if len(text) < self.min_word or text in self.stops:
            word = ""
        else:
            word = stem_word(text) if self.stemmed else text
        if len(indexed) < _WORDS_KEPT:
            indexed[token] = word
        return word

    def frequencies(self, value: str) -> dict[str, int]:
        """Each word indexed for ``value`` and how often: ``positions`` counted, and for
        plain words (no stop words, stems or dotted names) of ASCII text, counted in C."""
        if value.isascii() and not (self.stops or self.stemmed or self.dotted):
            return Counter(self._findall(value.lower()))
        return {word: len(places) for word, places in self.positions(value).items()}

    def _findall(self, value: str) -> list[str]:
        if self.expression.groups:
            return [match.group(0) for match in self.expression.finditer(value)]
        return self.expression.findall(value)

    def _parts(self, token: Token, text: str, stemming: bool) -> Iterator[Token]:
        """The parts of a dotted name, at its position: `os.path.exists` is also found by
        `exists`. Only when indexing: a query for `sys.exit` asks for the whole name."""
        start = getattr(token, "startchar", None)
        offset = 0
        for part in text.split("."):
            if len(part) >= self.min_word and part not in self.stops:
                token.text = stem_word(part) if stemming else part
                if start is not None:
                    token.startchar, token.endchar = start + offset, start + offset + len(part)
                yield token
            offset += len(part) + 1

    def _pieces(self, value: str, tokenize: bool):
        if not tokenize:
            return [None]
        return self.expression.finditer(value)
