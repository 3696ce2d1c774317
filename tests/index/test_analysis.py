"""The one-pass analyzers yield exactly what Whoosh's analyzer chains yield, on real text."""

import json

import pytest
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

from index.analysis import FoldedWords

CHAINS = {
    "stemmed": (
        FoldedWords(),
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter(cachesize=50000),
    ),
    "spelling": (
        FoldedWords(r"[^\W\d_]{3,}", stops=False, stemmed=False),
        RegexTokenizer(r"[^\W\d_]{3,}") | LowercaseFilter() | CharsetFilter(accent_map),
    ),
    "words": (
        FoldedWords(r"\w+", stops=False, stemmed=False),
        RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map),
    ),
}
OPTIONS = [
    {},
    {"positions": True, "chars": True},
    {"positions": True, "removestops": False, "start_pos": 3, "start_char": 7},
    {"keeporiginal": True, "mode": "query"},
    {"positions": True, "tokenize": False},
    {"no_morph": True, "positions": True},
]


def tokens(analyzer, text, options):
    keys = ("text", "pos", "startchar", "endchar", "stopped", "original", "boost")
    return [tuple(getattr(token, key, None) for key in keys) for token in analyzer(text, **options)]


def real_texts(group_seed, article_seed, samples):
    seed = json.loads(group_seed.read_text("utf-8"))
    yield seed["content"]["rendered"]
    yield article_seed.read_text("utf-8")
    for path in sorted(samples.glob("articles/*.txt")):
        yield path.read_text("utf-8")
    yield "Réseaux os.path.join *args Straße ﬁle I/O 3.11 naïve CAFÉ a an the of"


@pytest.mark.parametrize("name", CHAINS)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
def test_one_pass_analyzer_yields_what_the_whoosh_chain_does(
    name, options, group_seed, article_seed, samples
):
    ours, chain = CHAINS[name]
    for text in real_texts(group_seed, article_seed, samples):
        assert tokens(ours, text, options) == tokens(chain, text, options)


def test_stop_words_close_up_positions_like_whoosh():
    ours = FoldedWords()
    assert [(t.text, t.pos) for t in ours("the deep and learning", positions=True)] == [
        ("deep", 1),
        ("learn", 2),
    ]


def test_dotted_names_are_indexed_whole_and_by_their_parts_at_one_position():
    indexed = [
        (t.text, t.pos) for t in FoldedWords()("see os.path.exists", positions=True, mode="index")
    ]
    assert indexed == [("see", 0), ("os.path.exist", 1), ("os", 1), ("path", 1), ("exist", 1)]


def test_a_dotted_name_in_a_query_stays_whole():
    assert [t.text for t in FoldedWords()("sys.exit", mode="query")] == ["sys.exit"]
