"""A few hundred varied searches made from the corpus's own words, as URL query strings.

Words, two- and three-word searches, quoted phrases, area/kind/year filters, pages 2 and 3,
filter-only browsing and misspelt words (for "did you mean"), in seeded proportions.
"""

import json
import random
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from bs4 import BeautifulSoup
from whoosh.analysis import STOP_WORDS

from index.scan import list_files

SAMPLE_FILES = 60
TOP_WORDS = 1500
COMMON_WORDS = 150
_WORD = re.compile(r"[^\W\d_]{4,}")
_KINDS = ("article", "publication", "project", "blog post", "event", "group")
_YEARS = [str(year) for year in range(2012, 2026)]
Params = list[tuple[str, str]]
# The warm-up searches come from another seed than the timed ones (5, the default).
WARM_UP_SEED = 6


def corpus_texts(corpus: Path, sample: int = SAMPLE_FILES) -> list[str]:
    """The visible text of a seeded sample of the corpus's files (one text per document)."""
    files = list_files([str(corpus)])
    texts: list[str] = []
    for path in random.Random(1).sample(files, min(sample, len(files))):
        if path.suffix == ".json":
            items = json.loads(path.read_text("utf-8"))
            texts += [_text(item["content"]["rendered"]) for item in items[:20]]
        else:
            texts.append(_text(path.read_text("utf-8")))
    return texts


def _text(markup: str) -> str:
    return BeautifulSoup(markup, "lxml").get_text(" ")


def generate_queries(texts: list[str], areas: list[str], count: int, seed: int = 5) -> list[Params]:
    """``count`` searches; each is the list of query-string parameters for /api/search."""
    rng = random.Random(seed)
    # Each text's words in the order they come (not a set's), so that words as frequent
    # as each other are listed, and so picked, the same way in every process.
    frequency = Counter(
        word
        for text in texts
        for word in dict.fromkeys(_WORD.findall(text.lower()))
        if word not in STOP_WORDS
    )
    words = [word for word, _ in frequency.most_common(TOP_WORDS)]
    sentences = [s.split() for text in texts for s in re.split(r"[.!?\n]", text) if len(s) > 40]
    makers = [
        (30, lambda: [("q", rng.choice(words))]),
        (15, lambda: [("q", " ".join(rng.sample(words[:400], 2)))]),
        (8, lambda: [("q", " ".join(rng.sample(words[:200], 3)))]),
        (10, lambda: [("q", _phrase(rng, sentences))]),
        (15, lambda: [("q", rng.choice(words)), *_filters(rng, areas)]),
        (8, lambda: [("q", rng.choice(words[:COMMON_WORDS])), ("page", rng.choice("23"))]),
        (5, lambda: _filters(rng, areas) or [("kind", "article")]),
        (9, lambda: [("q", _misspelt(rng, words))]),
    ]
    weights = [weight for weight, _ in makers]
    return [rng.choices(makers, weights=weights)[0][1]() for _ in range(count)]


def warm_up_queries(
    texts: list[str], areas: list[str], count: int, timed: list[Params]
) -> list[Params]:
    """Searches like the timed ones but none with the same query text (or, without one,
    the same filters), so that nothing a server remembers per query (parsed queries,
    whole answers) is found by the timed pass."""
    timed_keys = {_memo_key(params) for params in timed}
    warm = generate_queries(texts, areas, count, seed=WARM_UP_SEED)
    return [params for params in warm if _memo_key(params) not in timed_keys]


def _memo_key(params: Params) -> tuple:
    text = dict(params).get("q", "")
    return (text,) if text else tuple(params)


def _phrase(rng: random.Random, sentences: list[list[str]]) -> str:
    """Two or three consecutive words of a real sentence, in quotes."""
    for _ in range(100):
        sentence = rng.choice(sentences)
        length = rng.choice((2, 3))
        start = rng.randrange(max(1, len(sentence) - length))
        words = [w.strip(",;:()\"'") for w in sentence[start : start + length]]
        if all(w.isalpha() for w in words):
            return '"' + " ".join(words) + '"'
    return '"' + " ".join(sentences[0][:2]) + '"'


def _filters(rng: random.Random, areas: list[str]) -> Params:
    """One to three filters; popular areas are picked more often (Zipf, as in the corpus)."""
    chosen: Params = []
    if rng.random() < 0.6:
        weights = [1 / rank for rank in range(1, len(areas) + 1)]
        chosen.append(("area", rng.choices(areas, weights=weights)[0]))
    if rng.random() < 0.4:
        chosen.append(("kind", rng.choice(_KINDS)))
    if rng.random() < 0.4:
        chosen.append(("year", rng.choice(_YEARS)))
    return chosen


def _misspelt(rng: random.Random, words: list[str]) -> str:
    """A long word with two neighbouring letters swapped or one letter dropped."""
    word = rng.choice([w for w in words if len(w) >= 7] or words)
    position = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return word[:position] + word[position + 1 :]


def search_path(params: Params) -> str:
    return "/api/search?" + urlencode(params)
