"""The benchmark's searches: the warm-up pass never repeats a timed search."""

import os
import subprocess
import sys

import pytest

from benchmarks.queries import generate_queries, warm_up_queries

AREAS = ["Artificial intelligence", "Systems and networking", "Security, privacy"]


@pytest.fixture(scope="module")
def texts(article_seed) -> list[str]:
    return article_seed.read_text("utf-8").split("\n\n")


def test_warm_up_searches_share_no_query_text_with_the_timed_ones(texts):
    timed = generate_queries(texts, AREAS, 200)
    warm_up = warm_up_queries(texts, AREAS, 200, timed)
    timed_texts = {dict(params).get("q") for params in timed}
    assert warm_up
    assert not {dict(params).get("q") for params in warm_up} & (timed_texts - {None})


def test_warm_up_browsing_without_words_differs_from_the_timed_browsing(texts):
    timed = generate_queries(texts, AREAS, 200)
    warm_up = warm_up_queries(texts, AREAS, 200, timed)
    browsing = [params for params in warm_up if "q" not in dict(params)]
    assert browsing
    assert not [params for params in browsing if params in timed]


def test_the_searches_are_the_same_in_every_process(article_seed):
    """String hashing differs between processes; the searches must not follow it."""
    program = (
        "import sys; from pathlib import Path; from benchmarks.queries import generate_queries;"
        "texts = Path(sys.argv[1]).read_text('utf-8').split('\\n\\n');"
        f"print(generate_queries(texts, {AREAS!r}, 100))"
    )
    printed = {
        subprocess.run(
            [sys.executable, "-c", program, str(article_seed)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(printed) == 1
