import pytest

from benchmarks.debian_pages import PYTHON_DOC
from benchmarks.indexes import judged_names
from benchmarks.judgments import PYTHON_MANUAL, SAMPLES, read_judgments, read_typos
from benchmarks.relevance import SAMPLES_FOLDER
from index.reindex import indexed_documents
from index.store import open_index

REQUIRED_CATEGORIES = {"title", "body", "phrase", "stemmed"}


@pytest.fixture(scope="module")
def sample_names(sample_index) -> dict[str, str]:
    documents = list(indexed_documents(open_index(sample_index)).values())
    return judged_names(documents, SAMPLES_FOLDER)


def test_every_sample_judgment_names_a_sample_document(sample_names):
    expected = {name for j in read_judgments(SAMPLES) for name in j.expected}
    assert expected <= set(sample_names.values())


def test_documents_of_one_list_export_are_named_by_post_id(sample_names):
    assert sample_names["wp:msr-event:900014"] == "wordpress/list-export-page1.json#900014"
    assert sample_names["wp:msr-group:144931"] == "wordpress/000_c57470cbdd08430c.txt"


@pytest.mark.skipif(not PYTHON_DOC.exists(), reason="Debian's python3.11-doc is not installed")
def test_every_manual_judgment_names_a_page_of_the_manual():
    expected = {name for j in read_judgments(PYTHON_MANUAL) for name in j.expected}
    assert [name for name in expected if not (PYTHON_DOC / name).is_file()] == []


@pytest.mark.parametrize("path", [SAMPLES, PYTHON_MANUAL], ids=["samples", "manual"])
def test_each_set_has_40_queries_and_the_required_kinds(path):
    judgments = read_judgments(path)
    assert len(judgments) >= 40
    assert {j.category for j in judgments} >= REQUIRED_CATEGORIES


def test_typo_set_has_40_misspellings_and_names_to_keep():
    typos = read_typos()
    assert sum(not t.must_keep for t in typos) >= 40
    assert {"asyncio", "JSON", "PyPI", "GIL"} <= {t.typed for t in typos if t.must_keep}


def test_a_row_without_three_columns_is_refused(tmp_path):
    broken = tmp_path / "broken.tsv"
    broken.write_text("# comment\njson encoder\tlibrary/json.html\n", "utf-8")
    with pytest.raises(ValueError, match=r"broken\.tsv:2"):
        read_judgments(broken)
