"""Query text -> Whoosh query, safely: no wildcards, bounded size, never an exception."""

import re
from dataclasses import dataclass

from whoosh.fields import Schema
from whoosh.qparser import MultifieldParser, plugins, syntax
from whoosh.query import NullQuery, Query

from search.errors import BadRequest

MAX_TERMS = 40
MAX_NESTING = 10
SEARCH_FIELDS = ["title", "summary", "body", "people_text", "area_text"]
# The field names a user may type (`area:vision`), and the index field each searches.
FIELD_ALIASES = {"area_text": ["area"], "people_text": ["person", "people"]}
USER_FIELDS = r"title|area|person|people|kind|year"
_WILDCARDS = re.compile(r"[*?]")
_WORDS = re.compile(r"\w+")
# "-word" excludes only at the start of a word: "low-hanging" is one hyphenated word.
_WORD_START = r"(?<![^\s(])"
_LEAF_LIMIT_ERROR = "too_many_terms"


@dataclass(frozen=True)
class ParsedQuery:
    """The query every word must match, and the looser one used when nothing does."""

    all_words: Query
    any_word: Query | None
    words: tuple[str, ...]


def build_parser(schema: Schema, group: type = syntax.AndGroup) -> MultifieldParser:
    """Whoosh's parser with wildcards and ranges removed and only our field names allowed.

    Wildcards and ranges can make one query scan the whole lexicon (seconds per query).
    """
    parser = MultifieldParser(SEARCH_FIELDS, schema, group=group)
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


def parse_query(text: str, schema: Schema) -> ParsedQuery:
    """Parse what the user typed; malformed syntax is searched as plain words."""
    words = tuple(_WORDS.findall(text))
    cleaned = _WILDCARDS.sub(" ", text)
    all_words = _parse(cleaned, schema, syntax.AndGroup)
    if all_words is None:
        cleaned = " ".join(word.lower() for word in words)
        all_words = _parse(cleaned, schema, syntax.AndGroup) or NullQuery
    if sum(1 for _ in all_words.leaves()) > MAX_TERMS * len(SEARCH_FIELDS):
        raise BadRequest(_LEAF_LIMIT_ERROR, f"the query has too many terms (at most {MAX_TERMS})")
    any_word = _parse(cleaned, schema, syntax.OrGroup) if len(words) > 1 else None
    if any_word is not None and any_word == all_words:
        any_word = None
    return ParsedQuery(all_words=all_words, any_word=any_word, words=words)


def _parse(text: str, schema: Schema, group: type) -> Query | None:
    """The parsed query, or None when the syntax is too deep or yields nothing searchable."""
    if _nesting(text) > MAX_NESTING:
        return None
    try:
        parsed = build_parser(schema, group).parse(text)
    except (RecursionError, ValueError, TypeError, AttributeError):
        return None
    if parsed is NullQuery or isinstance(parsed, type(NullQuery)):
        return None
    return parsed.normalize()


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest
