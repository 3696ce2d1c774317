"""Query text -> Whoosh query, safely: no wildcards, bounded size, never an exception."""

import contextlib
import re
from dataclasses import dataclass

from whoosh.fields import Schema
from whoosh.qparser import MultifieldParser, plugins, syntax
from whoosh.query import And, AndNot, Every, Not, NullQuery, Or, Phrase, Query, Term

from search.errors import BadRequest
from search.ranking import FIELD_WEIGHTS, ranking_lifts
from search.synonyms import Synonyms

MAX_TERMS = 40
MAX_NESTING = 10
SEARCH_FIELDS = list(FIELD_WEIGHTS)
# The field names a user may type (`area:vision`), and the index field each searches.
FIELD_ALIASES = {"area_text": ["area"], "people_text": ["person", "people"]}
USER_FIELDS = r"title|area|person|people|kind|year"
_WILDCARDS = re.compile(r"[*?]")
# "-word" excludes only at the start of a word: "low-hanging" is one hyphenated word.
_WORD_START = r"(?<![^\s(])"
_SIGNED_WORDS = re.compile(_WORD_START + r"(-?)(\w+)")
# The parser's operators.
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})
# A query of words of letters alone, which _plain_query builds without the parser.
_PLAIN_TEXT = re.compile(r"\s*[^\W\d_]+(?:\s+[^\W\d_]+)*\s*")
# What is not a plain word to rank by: `field:value`, `-excluded` words, operators.
_NOT_PLAIN = re.compile(
    rf"\b(?:{USER_FIELDS}):\S*|{_WORD_START}-\S+|\b(?:{'|'.join(sorted(_OPERATORS))})\b"
)


@dataclass(frozen=True)
class ParsedQuery:
    """The query every word must match, the looser one used when nothing does, and the
    optional clauses that order the results (see search/ranking.py)."""

    all_words: Query
    any_word: Query | None
    lifts: Query | None = None


def build_parser(schema: Schema, group: type = syntax.AndGroup) -> MultifieldParser:
    """Whoosh's parser with wildcards and ranges removed and only our field names allowed.

    Wildcards and ranges can make one query scan the whole lexicon (seconds per query).
    """
    fields = [name for name in SEARCH_FIELDS if name in schema]
    weights = {name: FIELD_WEIGHTS[name] for name in fields}
    parser = MultifieldParser(fields, schema, group=group, fieldboosts=weights)
    for unwanted in (
        plugins.WildcardPlugin,
        plugins.RangePlugin,
        plugins.BoostPlugin,
        plugins.EveryPlugin,
        plugins.FieldsPlugin,
    ):
        parser.remove_plugin_class(unwanted)
    parser.add_plugin(plugins.FieldsPlugin(expr=rf"(?P<text>{USER_FIELDS}):"))
    parser.add_plugin(plugins.FieldAliasPlugin(FIELD_ALIASES))
    parser.add_plugin(
        plugins.PlusMinusPlugin(plusexpr=_WORD_START + r"\+", minusexpr=_WORD_START + "-")
    )
    return parser


def parse_query(text: str, schema: Schema, synonyms: Synonyms | None = None) -> ParsedQuery:
    """Parse what the user typed; syntax Whoosh cannot make sense of is searched as words.

    Synonyms widen the words that must match; the ranking lifts (exact forms, phrases,
    whole titles) come from the words as typed.
    """
    signed = _SIGNED_WORDS.findall(text)
    if len(signed) > MAX_TERMS:
        raise BadRequest("too_many_terms", f"the query has too many terms (at most {MAX_TERMS})")
    cleaned = _WILDCARDS.sub(" ", text)
    expanded = synonyms.expand(cleaned) if synonyms else cleaned
    all_words = _parse(expanded, schema, syntax.AndGroup)
    if all_words is None:
        parsed = _plain_words(signed, schema)
    else:
        any_word = _parse(expanded, schema, syntax.OrGroup) if len(signed) > 1 else None
        parsed = ParsedQuery(all_words, None if any_word == all_words else any_word)
    return ParsedQuery(
        _weighted(parsed.all_words),
        None if parsed.any_word is None else _weighted(parsed.any_word),
        ranking_lifts(plain_words(cleaned), schema),
    )


def plain_words(text: str) -> list[str]:
    """The words to rank by, in order: no field names, excluded words or operators."""
    return re.findall(r"\w+", _NOT_PLAIN.sub(" ", text))


def _weighted(query: Query) -> Query:
    if query is NullQuery or isinstance(query, type(NullQuery)):
        return query
    return query.accept(_weigh_phrase)


def _weigh_phrase(node: Query) -> Query:
    """Whoosh's parser weighs each field's words but not its phrases; weigh those too."""
    if isinstance(node, Phrase) and node.boost == 1.0 and node.fieldname in FIELD_WEIGHTS:
        weight = FIELD_WEIGHTS[node.fieldname]
        return Phrase(node.fieldname, node.words, slop=node.slop, boost=weight)
    return node


def _plain_words(signed: list[tuple[str, str]], schema: Schema) -> ParsedQuery:
    """The words alone, keeping which were excluded: '-deep' means every page but those."""
    wanted = " ".join(word.lower() for sign, word in signed if not sign)
    unwanted = " ".join(word.lower() for sign, word in signed if sign)
    if not signed:
        return ParsedQuery(NullQuery, None)
    all_words = _parse(wanted, schema, syntax.AndGroup) if wanted else Every()
    if all_words is None:
        return ParsedQuery(NullQuery, None)
    excluded = _parse(unwanted, schema, syntax.OrGroup) if unwanted else None
    if excluded is not None:
        all_words = AndNot(all_words, excluded)
    any_word = _parse(wanted, schema, syntax.OrGroup) if wanted.count(" ") else None
    if any_word is not None and excluded is not None:
        any_word = AndNot(any_word, excluded)
    return ParsedQuery(all_words, any_word)


def _parse(text: str, schema: Schema, group: type) -> Query | None:
    """The parsed query, or None when the syntax is too deep or yields nothing searchable."""
    words = text.split()
    if _PLAIN_TEXT.fullmatch(text) and not _OPERATORS.intersection(words):
        with contextlib.suppress(_NotPlain):
            return _plain_query(words, schema, group)
    if _nesting(text) > MAX_NESTING:
        return None
    try:
        parsed = build_parser(schema, group).parse(text)
        if parsed is NullQuery or isinstance(parsed, type(NullQuery)):
            return None
        return parsed.normalize()
    except Exception:  # the parser raises assorted errors on odd syntax: `(+):`, `ANDNOT ]`
        return None


def _plain_query(words: list[str], schema: Schema, group: type) -> Query | None:
    """What Whoosh's parser (``build_parser``) makes of words of letters alone, built
    directly: for each word, its term in each field (as that field analyses it, with the
    field's weight), any of them; then all the words or any of them, as ``group`` says.
    Parsing costs about 0.15 ms a word; most searches are a few words.
    tests/search/test_query.py checks it gives the parser's query, node for node.
    _NotPlain when a field parses its own queries or a word is more than one term in it."""
    clauses: list[Query] = []
    for word in words:
        terms = []
        for name in SEARCH_FIELDS:
            if name not in schema:
                continue
            field = schema[name]
            if field.self_parsing():
                raise _NotPlain(name)
            found = list(field.process_text(word, mode="query", tokenize=True, removestops=True))
            if len(found) > 1:
                raise _NotPlain(word)
            if found:
                terms.append(Term(name, found[0], boost=FIELD_WEIGHTS[name]))
        if terms:
            clauses.append(Or(terms) if len(terms) > 1 else terms[0])
    if not clauses:
        return None
    combined = (And if group is syntax.AndGroup else Or)(clauses)
    return combined.normalize()


class _NotPlain(Exception):
    """Words that _plain_query leaves to the parser."""


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest


def highlight_words(query: Query | None) -> set[str]:
    """The analysed words a result should show marked: what the query looks for, not what
    it excludes, in the text fields."""
    words: set[str] = set()

    def collect(node: Query) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            collect(node.a)
        elif isinstance(node, Term):
            if node.fieldname in SEARCH_FIELDS and isinstance(node.text, str):
                words.add(node.text)
        elif isinstance(node, Phrase):
            if node.fieldname in SEARCH_FIELDS:
                words.update(node.words)
        else:
            for child in node.children():
                collect(child)

    if query is not None:
        collect(query)
    return words
