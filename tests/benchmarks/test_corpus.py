"""The benchmark corpus: what our readers take from its files, and its skewed distributions."""

import json
import random
from collections import Counter
from datetime import UTC, datetime

import pytest

from benchmarks.corpus import Zipf, generate_documents, write_corpus
from benchmarks.debian_pages import Section
from index.readers import read_source
from index.scan import list_files

SECTIONS = [
    Section(
        f"Heading {n}",
        (f"<p>Paragraph {n} about caf&eacute; sockets and queues.</p>", "<pre>x = 1</pre>"),
        f"page-{n // 3}.html",
    )
    for n in range(30)
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(generate_documents(250, SECTIONS), folder)
    return folder


@pytest.fixture(scope="module")
def documents(corpus, taxonomy):
    read = [read_source(path, taxonomy) for path in list_files([str(corpus)])]
    assert not [error for result in read for error in result.errors]
    return [doc for result in read for doc in result.documents]


def test_every_generated_document_is_read_once(documents):
    assert len(documents) == 250
    assert len({doc.id for doc in documents}) == 250


def test_about_half_are_html_articles_and_half_wordpress_objects(documents):
    articles = sum(doc.kind == "article" for doc in documents)
    assert 90 < articles < 160


def test_wordpress_list_pages_hold_at_most_100_objects_of_one_type(corpus):
    for path in (corpus / "wordpress").rglob("*.json"):
        items = json.loads(path.read_text("utf-8"))
        assert 1 <= len(items) <= 100
        assert {item["type"] for item in items} == {path.parent.name}


def test_wordpress_objects_carry_areas_people_and_utc_dates(documents):
    objects = [doc for doc in documents if doc.id.startswith("wp:")]
    assert sum(bool(doc.areas) for doc in objects) > len(objects) * 0.7
    assert sum(bool(doc.people) for doc in objects) > len(objects) * 0.7
    assert all(datetime(2005, 1, 1, tzinfo=UTC) <= doc.published for doc in objects)


def test_article_pages_keep_only_the_article_text(documents):
    articles = [doc for doc in documents if doc.kind == "article"]
    assert all(doc.people and doc.published for doc in articles)
    assert not any("Sign up for our newsletter" in doc.body for doc in articles)
    assert not any("Related stories" in doc.body for doc in articles)
    assert all("Paragraph" in doc.body and "café" in doc.body for doc in articles)


def test_same_seed_gives_the_same_documents():
    first = list(generate_documents(20, SECTIONS))
    assert first == list(generate_documents(20, SECTIONS))


def test_zipf_picks_the_first_values_most():
    zipf, rng = Zipf(range(20)), random.Random(3)
    picks = Counter(zipf.pick(rng) for _ in range(2000))
    assert picks[0] > picks[1] > picks[5] > picks[19]


def test_zipf_distinct_picks_never_repeat_a_value():
    picked = Zipf(range(20)).pick_distinct(random.Random(3), 5)
    assert len(set(picked)) == len(picked) == 5
