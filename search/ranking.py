"""How results are ordered: BM25F field weights, and optional clauses that lift better matches.

Whoosh scores each field with BM25 and adds the fields up; the weights below multiply each
field's share at query time (so changing them needs no reindex). On top of the words every
result must contain, optional clauses add to a result's score when it also has:
- the words as the user typed them, not only a word with the same stem (`learned` over
  `learning`), from the unstemmed spelling field, and more so in the title;
- the words next to each other in the title or body (a phrase);
- every word in its title, so a page named for the query beats one that mentions it once.
The weights were chosen by measurement on judged queries (benchmarks/relevance.py).
"""

from whoosh.fields import Schema
from whoosh.query import And, Or, Phrase, Query, Term

# Query-time weight of each text field.
FIELD_WEIGHTS = {
    "title": 4.0,
    "summary": 1.5,
    "headings": 2.0,
    "people_text": 2.0,
    "area_text": 1.5,
    "body": 1.0,
}
EXACT_FORM_WEIGHT = 2.0
EXACT_TITLE_WEIGHT = 1.0
PHRASE_WEIGHTS = {"title": 2.0, "body": 0.25}
WHOLE_TITLE_WEIGHT = 4.0
EXACT_FIELD = "spelling"
EXACT_TITLE_FIELD = "title_words"


def ranking_lifts(words: list[str], schema: Schema) -> Query | None:
    """The optional clauses that lift results having ``words`` in better ways, or None.

    ``words`` are the plain words the user typed, in order (no field names, no excluded
    words); the lifts add to the score of results that already match, never match more.
    """
    lifts = _exact_forms(words, schema) + _phrases(words, schema) + _whole_title(words, schema)
    return Or(lifts) if lifts else None


def _analysed(field: str, words: list[str], schema: Schema) -> list[str]:
    if field not in schema:
        return []
    analyzer = schema[field].analyzer
    return [token.text for word in words for token in analyzer(word)]


def _exact_forms(words: list[str], schema: Schema) -> list[Query]:
    forms = _analysed(EXACT_FIELD, words, schema)
    in_title = _analysed(EXACT_TITLE_FIELD, words, schema)
    return [
        *(Term(EXACT_FIELD, form, boost=EXACT_FORM_WEIGHT) for form in dict.fromkeys(forms)),
        *(Term(EXACT_TITLE_FIELD, f, boost=EXACT_TITLE_WEIGHT) for f in dict.fromkeys(in_title)),
    ]


def _phrases(words: list[str], schema: Schema) -> list[Query]:
    if len(words) < 2:
        return []
    lifts = []
    for field, weight in PHRASE_WEIGHTS.items():
        stems = _analysed(field, words, schema)
        if len(stems) >= 2:
            lifts.append(Phrase(field, stems, boost=weight))
    return lifts


def _whole_title(words: list[str], schema: Schema) -> list[Query]:
    stems = _analysed("title", words, schema)
    if len(stems) == 1:  # (Whoosh drops the boost of an AND of one)
        return [Term("title", stems[0], boost=WHOLE_TITLE_WEIGHT)]
    if not stems:
        return []
    return [And([Term("title", stem) for stem in stems], boost=WHOLE_TITLE_WEIGHT)]
