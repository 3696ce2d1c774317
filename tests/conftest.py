"""Shared fixtures: the real seed documents, the sample corpus, and an index built from it."""

import shutil
from pathlib import Path

import pytest

from index.reindex import reindex
from index.taxonomy import Taxonomy, load_taxonomy
from web import create_app

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT_ROOT / "samples"
GROUP_SEED = SAMPLES / "wordpress" / "000_c57470cbdd08430c.txt"
ARTICLE_SEED = SAMPLES / "articles" / "002_2617209aba1bfd98.txt"


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, taxonomy) -> Path:
    """An index of the whole sample corpus, shared read-only by tests that only search."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    report = reindex(index_dir, taxonomy, [str(SAMPLES)])
    assert not report.failed, report.failed
    return index_dir


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A private, writable copy of the sample corpus, for tests that change files."""
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture(scope="session")
def app(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def group_seed() -> Path:
    """Real: the Deep Learning Group page from the MSR WordPress REST API."""
    return GROUP_SEED


@pytest.fixture(scope="session")
def article_seed() -> Path:
    """Real: a plain-text news article with newsletter and comment boilerplate."""
    return ARTICLE_SEED
