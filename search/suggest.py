""" "Did you mean": spelling corrections for query words that occur nowhere in the index."""

import re

from whoosh.searching import Searcher

SPELLING_FIELD = "spelling"
# Two edits turn short words into unrelated ones ("alert" -> "art").
LONG_WORD = 6
# Past this length a "word" is noise, and correcting it costs the most.
MAX_WORD = 30
_WORD = re.compile(r"\b[^\W\d_]{3,}\b(?!:)")


def did_you_mean(searcher: Searcher, text: str) -> str | None:
    """``text`` with each unknown word replaced by its closest indexed word, or None.

    Only words with no occurrence at all are corrected, nearer edits first, and words
    in capitals (acronyms, names) are left alone.
    """
    analyzer = searcher.schema[SPELLING_FIELD].analyzer
    corrector = searcher.corrector(SPELLING_FIELD)
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        word = match.group(0)
        folded = next((token.text for token in analyzer(word)), "")
        if not folded or len(folded) > MAX_WORD or word.isupper():
            return word
        if searcher.doc_frequency(SPELLING_FIELD, folded):
            return word
        for distance in (1, 2) if len(folded) >= LONG_WORD else (1,):
            found = corrector.suggest(folded, limit=1, maxdist=distance)
            if found:
                changed = True
                return found[0]
        return word

    corrected = _WORD.sub(replace, text)
    return corrected if changed else None
