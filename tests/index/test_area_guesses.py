"""Inferred areas in reindex: stored with the page, cheap to keep, redone when evidence changes."""

import json
import os
import shutil
from dataclasses import replace

import pytest

import index.inference
import index.scan
from index import area_guesses
from index.area_guesses import GUESSED_FILE, LEARNED_FILE, load_counts, load_saved_guesses
from index.inference import count_documents
from index.reindex import indexed_documents, reindex
from index.sources import remembered_infer_areas
from index.store import open_index
from index.taxonomy import load_taxonomy

SEED_TITLE = "Microsoft Research Sees Narrowing Innovation Gap in Deep Learning"


def documents(index_dir):
    return indexed_documents(open_index(index_dir))


def inferred(index_dir) -> dict[str, tuple[str, ...]]:
    return {doc.title: doc.areas_inferred for doc in documents(index_dir).values()}


def snapshot(index_dir) -> dict[str, float]:
    """Every file in the index folder with its modification time (the lock aside)."""
    return {
        name: os.stat(index_dir / name).st_mtime_ns
        for name in os.listdir(index_dir)
        if name != "reindex.lock"
    }


@pytest.fixture
def pages_read(monkeypatch) -> list[str]:
    """Titles of the pages whose words inference reads, in order."""
    read: list[str] = []
    original = index.inference.page_words

    def counting(doc):
        read.append(doc.title)
        return original(doc)

    monkeypatch.setattr(index.inference, "page_words", counting)
    return read


def test_seed_article_is_indexed_with_an_inferred_area(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    assert inferred(tmp_path / "ix")[SEED_TITLE] == ("Artificial intelligence",)


def test_pages_with_their_own_areas_are_indexed_without_inferred_ones(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    labelled = [doc for doc in documents(tmp_path / "ix").values() if doc.areas]
    assert len(labelled) == 22
    assert all(doc.areas_inferred == () for doc in labelled)


def test_reindex_where_nothing_changed_writes_nothing(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    before = snapshot(tmp_path / "ix")
    report = reindex(tmp_path / "ix", taxonomy)
    assert report.summary_line() == "added 0, updated 0, removed 0, unchanged 36, failed 0"
    assert snapshot(tmp_path / "ix") == before


def test_reindex_where_nothing_changed_reads_no_page_for_inference(
    tmp_path, taxonomy, corpus, pages_read
):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    pages_read.clear()
    reindex(tmp_path / "ix", taxonomy)
    assert pages_read == []


def test_an_edited_unlabelled_page_is_the_only_one_read_again(
    tmp_path, taxonomy, corpus, pages_read
):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    story = corpus / "articles" / "privacy-homomorphic-encryption.txt"
    story.write_text(story.read_text("utf-8") + "\nMore on encryption soon.\n", "utf-8")
    pages_read.clear()
    report = reindex(tmp_path / "ix", taxonomy)
    assert [doc.title for doc in report.updated] == pages_read
    assert len(pages_read) == 1


def test_on_a_large_corpus_an_edited_labelled_page_is_read_without_the_others(
    tmp_path, taxonomy, corpus, pages_read, monkeypatch
):
    monkeypatch.setattr(area_guesses, "SMALL_CORPUS", 0)
    monkeypatch.setattr(area_guesses, "DRIFT_SHARE", 0.5)
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    group = corpus / "wordpress" / "msr-group-900003-quantum-architectures-group.json"
    group.write_text(group.read_text("utf-8").replace("qubits", "qubit arrays"), "utf-8")
    pages_read.clear()
    reindex(tmp_path / "ix", taxonomy)
    # The old version leaves the counts and the new one enters them; no article is read.
    assert pages_read == ["Quantum Architectures Group"] * 2
    labelled = [doc for doc in documents(tmp_path / "ix").values() if doc.areas]
    saved = load_saved_guesses(tmp_path / "ix")
    assert load_counts(tmp_path / "ix", saved.trained_on) == count_documents(labelled)


def test_unlabelled_pages_are_updated_when_labelled_pages_teach_their_areas(tmp_path, corpus):
    # A site's own taxonomy without keywords: only labelled pages can teach the areas.
    terms = [{"id": 1, "name": "Nothing shipped", "slug": "nothing-shipped"}]
    (tmp_path / "areas.json").write_text(json.dumps(terms), "utf-8")
    taxonomy = load_taxonomy(tmp_path / "areas.json")
    reindex(tmp_path / "ix", taxonomy, [str(corpus / "articles")])
    assert not any(inferred(tmp_path / "ix").values())
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus / "wordpress")])
    assert len(report.added) == 22
    assert SEED_TITLE in {doc.title for doc in report.updated}
    assert inferred(tmp_path / "ix")[SEED_TITLE]


def test_switched_off_inference_removes_inferred_areas_and_is_remembered(
    tmp_path, taxonomy, corpus
):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    report = reindex(tmp_path / "ix", taxonomy, infer_areas=False)
    assert len(report.updated) == 14
    assert not any(inferred(tmp_path / "ix").values())
    assert remembered_infer_areas(tmp_path / "ix") is False
    back_on = reindex(tmp_path / "ix", taxonomy, infer_areas=True)
    assert len(back_on.updated) == 14
    assert remembered_infer_areas(tmp_path / "ix") is True


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_lost_or_broken_inference_files_are_rebuilt_to_the_same_guesses(
    tmp_path, taxonomy, corpus, damage
):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    guesses = inferred(tmp_path / "ix")
    for name in (LEARNED_FILE, GUESSED_FILE):
        if damage == "delete":
            (tmp_path / "ix" / name).unlink()
        else:
            (tmp_path / "ix" / name).write_text('{"format": 1, "pages": [', "utf-8")
    report = reindex(tmp_path / "ix", taxonomy)
    assert report.summary_line() == "added 0, updated 0, removed 0, unchanged 36, failed 0"
    assert inferred(tmp_path / "ix") == guesses
    assert load_saved_guesses(tmp_path / "ix") is not None


def test_files_from_another_index_are_not_trusted(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    reindex(tmp_path / "other", taxonomy, [str(corpus / "articles")])
    guesses = inferred(tmp_path / "ix")
    for name in (LEARNED_FILE, GUESSED_FILE):
        shutil.copy(tmp_path / "other" / name, tmp_path / "ix" / name)
    assert reindex(tmp_path / "ix", taxonomy).unchanged == 36
    assert inferred(tmp_path / "ix") == guesses


def test_dry_run_saves_no_inference_files(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus / "articles")])
    before = snapshot(tmp_path / "ix")
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus / "wordpress")], dry_run=True)
    assert len(report.added) == 22
    assert snapshot(tmp_path / "ix") == before


def test_a_list_page_of_unlabelled_posts_is_read_once_when_all_are_guessed_again(
    tmp_path, taxonomy, corpus, monkeypatch
):
    page = corpus / "wordpress" / "list-export-page1.json"
    posts = json.loads(page.read_text("utf-8"))
    for post in posts:
        post["research-area"] = []
        post["class_list"] = [c for c in post["class_list"] if "research-area" not in c]
    page.write_text(json.dumps(posts), "utf-8")
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    from_page = [doc for doc in documents(tmp_path / "ix").values() if doc.source == str(page)]
    assert len(from_page) == 5
    assert not any(doc.areas for doc in from_page)
    reads: list[str] = []
    original = index.scan.read_source

    def counting(path, *args, **kwargs):
        reads.append(str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(index.scan, "read_source", counting)
    # A labelled page changes: on a corpus this small every unlabelled page is guessed
    # again, and the unchanged list page is read for its five posts' text.
    group = corpus / "wordpress" / "msr-group-900003-quantum-architectures-group.json"
    group.write_text(group.read_text("utf-8").replace("qubits", "qubit arrays"), "utf-8")
    report = reindex(tmp_path / "ix", taxonomy)
    assert report.failed == []
    assert reads.count(str(page)) == 1


def _as_dicts(arrays) -> tuple[dict, dict]:
    """CountArrays as the dictionaries AreaCounts keeps."""
    names = arrays.vocabulary

    def counts(column) -> dict[str, int]:
        return {names[i]: int(n) for i, n in enumerate(column.tolist()) if n}

    return counts(arrays.term_documents), {a: counts(c) for a, c in arrays.area_terms.items()}


def test_counts_read_back_and_updated_keep_their_arrays_equal_to_their_counts(
    tmp_path, taxonomy, corpus
):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    labelled = [doc for doc in documents(tmp_path / "ix").values() if doc.areas]
    saved = load_saved_guesses(tmp_path / "ix")
    loaded = load_counts(tmp_path / "ix", saved.trained_on)
    assert loaded == count_documents(labelled) and loaded.arrays is not None
    assert _as_dicts(loaded.arrays) == (loaded.term_documents, loaded.area_terms)
    # One page edited: a word no page had, and an area no page had.
    old, other = labelled[0], labelled[1]
    new = replace(old, body=old.body + " zyzzyva", areas=(*old.areas, "Brand new area"))
    updated = index.inference.updated_counts(loaded, removed=[old, other], added=[new])
    assert updated == count_documents([new, *labelled[2:]])
    assert _as_dicts(updated.arrays) == (updated.term_documents, updated.area_terms)
    assert "zyzzyva" in updated.arrays.vocabulary
    plain = replace(updated, arrays=None)  # the model made from the dictionaries
    from_arrays = index.inference.area_model(updated, taxonomy.keywords)
    from_dicts = index.inference.area_model(plain, taxonomy.keywords)
    assert from_arrays.profiles == from_dicts.profiles
    for area, profile in from_arrays.profiles.items():
        assert list(profile.items()) == list(from_dicts.profiles[area].items())


def test_the_counts_file_is_the_same_whichever_way_the_counts_were_made(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    saved = load_saved_guesses(tmp_path / "ix")
    loaded = load_counts(tmp_path / "ix", saved.trained_on)
    again = area_guesses._learned(saved.trained_on, loaded)  # from its arrays
    fresh = area_guesses._learned(saved.trained_on, replace(loaded, arrays=None))
    assert again == fresh == json.loads((tmp_path / "ix" / LEARNED_FILE).read_text("utf-8"))


def test_counts_saved_by_term_as_before_are_read_and_not_learned_again(
    tmp_path, taxonomy, corpus, pages_read, monkeypatch
):
    monkeypatch.setattr(area_guesses, "SMALL_CORPUS", 0)
    monkeypatch.setattr(area_guesses, "DRIFT_SHARE", 0.5)
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    saved = load_saved_guesses(tmp_path / "ix")
    counts = load_counts(tmp_path / "ix", saved.trained_on)
    by_term = {  # the file as format 2 wrote it
        "format": 2,
        "trained_on": saved.trained_on,
        "documents": counts.documents,
        "term_documents": counts.term_documents,
        "area_documents": counts.area_documents,
        "area_terms": counts.area_terms,
    }
    (tmp_path / "ix" / LEARNED_FILE).write_text(json.dumps(by_term), "utf-8")
    assert load_counts(tmp_path / "ix", saved.trained_on) == counts
    group = corpus / "wordpress" / "msr-group-900003-quantum-architectures-group.json"
    group.write_text(group.read_text("utf-8").replace("qubits", "qubit arrays"), "utf-8")
    pages_read.clear()
    reindex(tmp_path / "ix", taxonomy)
    # The old version leaves the counts and the new one enters them; nothing else is read.
    assert pages_read == ["Quantum Architectures Group"] * 2
    assert json.loads((tmp_path / "ix" / LEARNED_FILE).read_text("utf-8"))["format"] == 3
