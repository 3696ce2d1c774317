"""The one-loop field indexing writes exactly the postings Whoosh's own way writes."""

import json
from pathlib import Path

import pytest
from whoosh.fields import TEXT

from index.schema import AnalysedText, build_schema

TEXT_FIELDS = [name for name, field in build_schema().items() if isinstance(field, AnalysedText)]


def real_texts(group_seed: Path, article_seed: Path, samples: Path) -> list[str]:
    seed = json.loads(group_seed.read_text("utf-8"))
    texts = [seed["content"]["rendered"], article_seed.read_text("utf-8")]
    texts += [path.read_text("utf-8") for path in sorted(samples.glob("articles/*.txt"))]
    texts.append("Réseaux os.path.join *args Straße ﬁle I/O 3.11 naïve CAFÉ a an the of İstanbul")
    texts.append("The the a an of")
    return texts


def whoosh_postings(field: AnalysedText, text: str) -> list[tuple]:
    return sorted(TEXT.index(field, text))


@pytest.mark.parametrize("name", TEXT_FIELDS)
def test_each_text_field_indexes_what_whoosh_would(name, group_seed, article_seed, samples):
    field = build_schema()[name]
    for text in real_texts(group_seed, article_seed, samples):
        assert sorted(field.index(text)) == whoosh_postings(field, text)


def test_the_field_covers_every_analysed_text_field():
    assert set(TEXT_FIELDS) >= {"title", "body", "summary", "headings", "spelling", "title_words"}


def test_dotted_names_keep_their_parts_at_the_name_position():
    body = build_schema()["body"]
    positions = {word: freq for word, freq, _weight, _value in body.index("see os.path.exists")}
    assert positions == {b"see": 1, b"os.path.exist": 1, b"os": 1, b"path": 1, b"exist": 1}
