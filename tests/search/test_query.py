"""Query parsing: user syntax works, hostile strings never raise, wildcards never scan."""

import re

import pytest
from whoosh.qparser import syntax
from whoosh.query import NullQuery, Prefix, Wildcard

from index.schema import build_schema
from search.errors import BadRequest
from search.query import _parse, _plain_query, build_parser, parse_query

SCHEMA = build_schema()

HOSTILE = [
    "title:",
    '"unclosed',
    "AND OR",
    "NOT",
    ")(",
    "((((",
    "(" * 2000 + "deep",
    "*",
    "a*",
    "*tion",
    "?",
    "deep^99",
    "title:[a TO z]",
    "url:x",
    "content_hash:abc",
    "foo:bar:baz",
    "\x00\x01",
    "'",
    '"',
    "-",
    "+",
    "--deep",
    "OR deep OR",
    "\u202e\u0000evil",
    "<script>alert(1)</script>",
    "x" * 10_000,
    "deep " * 30,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
def test_hostile_text_parses_without_wildcards(text):
    parsed = parse_query(text, SCHEMA)
    assert not any(isinstance(q, Wildcard | Prefix) for q in parsed.all_words.leaves())


def test_every_word_must_match_across_fields():
    parsed = parse_query("deep learning", SCHEMA)
    assert str(parsed.all_words).count(" AND ") == 1
    assert parsed.any_word is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("area:vision", "area_text:vision"),
        ("person:smolensky", "people_text:smolenski"),
        ("kind:Group", "kind:group"),
        ("title:qubits", "title:qubit"),
        ("year:2021", "year:2021"),
    ],
)
def test_field_syntax_targets_our_fields(text, expected):
    assert str(parse_query(text, SCHEMA).all_words) == expected


def test_hyphenated_word_is_not_an_exclusion():
    assert "ANDNOT" not in str(parse_query("low-hanging fruit", SCHEMA).all_words)
    assert "ANDNOT" in str(parse_query("fruit -hanging", SCHEMA).all_words)


def test_unknown_fields_are_searched_as_words():
    assert "title:url" in str(parse_query("url:abc", SCHEMA).all_words)


def test_too_many_terms_is_a_bad_request():
    words = " ".join(f"word{i}" for i in range(60))
    with pytest.raises(BadRequest, match="too many terms"):
        parse_query(words, SCHEMA)


def _tree(node):
    """A query as nested (type, attributes, children): equal trees score alike. (Where a
    term stood in the query string is left out: nothing here reads it.)"""
    if not hasattr(node, "children"):
        return node
    unread = {"subqueries", "startchar", "endchar"}
    attributes = {k: v for k, v in vars(node).items() if k not in unread}
    return (
        type(node).__name__,
        sorted(attributes.items(), key=str),
        [*map(_tree, node.children())],
    )


@pytest.mark.parametrize("group", [syntax.AndGroup, syntax.OrGroup])
def test_plain_words_are_built_as_whooshs_parser_builds_them(article_seed, group):
    """The article's words, alone and in runs of two to five (stop words and capitals
    among them), and the parser's operators, which go to the parser."""
    words = re.findall(r"[^\W\d_]+", article_seed.read_text("utf-8"))
    texts = [
        *dict.fromkeys(words),
        *(" ".join(words[i : i + k]) for k in (2, 3, 5) for i in range(0, len(words), 3)),
        "the and",
        "Deep AND learning",
        "deep OR",
        "  Jyväskylä   peatland ",
        "İstanbul",
        "data Data data",
        "deep and learning Or vision not",
        "AND",
        "straße ﬁle ǅemal ŉ",
        "deep\tlearning\u3000vision",
        " ".join(words[:60]),
    ]
    built = 0
    for text in texts:
        parsed = build_parser(SCHEMA, group).parse(text)
        expected = None if isinstance(parsed, type(NullQuery)) else parsed.normalize()
        found = _parse(text, SCHEMA, group)
        assert _tree(found) == _tree(expected), text
        built += _tree(_plain_query(text.split(), SCHEMA, group)) == _tree(found)
    assert built > len(texts) / 2  # (the others are operators, or other than letters)
