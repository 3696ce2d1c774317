"""A reindex that reads only the changed files (``Run.write_changes``) ends where the
whole run (``Run.prepare``, every record loaded) would: the same report, the same index,
the same manifest and the same saved guesses, on the sample corpus changed as editors do."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from index import area_guesses
from index.area_guesses import GUESSED_FILE, load_saved_guesses
from index.manifest import load_manifest
from index.reindex import Run, indexed_documents, reindex
from index.store import open_index

ARTICLE = Path("articles") / "privacy-homomorphic-encryption.txt"
LIST_PAGE = Path("wordpress") / "list-export-page1.json"


@pytest.fixture
def fast_runs(monkeypatch) -> list[bool]:
    """Whether each reindex since was done by ``write_changes`` (True) or the whole run."""
    runs: list[bool] = []
    real = Run.write_changes

    def recording(self, *args):
        prepared = real(self, *args)
        runs.append(prepared is not None)
        return prepared

    monkeypatch.setattr(Run, "write_changes", recording)
    return runs


def whole_run_only(monkeypatch) -> None:
    monkeypatch.setattr(Run, "write_changes", lambda *args: None)


def state(index_dir: Path) -> dict:
    """Everything a later run or a search reads of an index folder."""
    ix = open_index(index_dir)
    manifest = load_manifest(index_dir, ix.latest_generation())
    assert manifest is not None, "the manifest must describe the index"
    guesses = load_saved_guesses(index_dir)
    return {
        "documents": indexed_documents(ix),
        "rows": manifest.rows,
        "files": manifest.files,
        "reading": manifest.reading,
        "guesses": guesses and (guesses.trained_on, guesses.areas, guesses.drift, guesses.pages),
    }


def report_of(report) -> tuple:
    ids = [
        sorted(doc.id for doc in docs) for docs in (report.added, report.updated, report.removed)
    ]
    return report.summary_line(), ids, sorted((f.path, f.reason) for f in report.failed)


def compare(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs, change: Callable[[Path], None], **options
) -> tuple:
    """Index the corpus, make ``change``, and reindex a copy of the index each way; the
    two must agree. Returns the report and whether ``write_changes`` did the run."""
    first = tmp_path / "fast"
    reindex(first, taxonomy, [str(corpus)], **options)
    shutil.copytree(first, tmp_path / "whole")
    change(corpus)
    fast_runs.clear()
    fast = reindex(first, taxonomy, **options)
    taken = fast_runs == [True]
    with monkeypatch.context() as patch:
        whole_run_only(patch)
        whole = reindex(tmp_path / "whole", taxonomy, **options)
        assert report_of(fast) == report_of(whole)
        assert state(first) == state(tmp_path / "whole")
        # What the quick run recorded lets a whole run find nothing left to do.
        again = reindex(first, taxonomy, **options)
        assert not again.changed, again.summary_line()
    return fast, taken


def edit_article(corpus: Path) -> None:
    story = corpus / ARTICLE
    story.write_text(story.read_text("utf-8") + "\nMore on encryption soon.\n", "utf-8")


def edit_list_post(field: str, value) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        items = json.loads((corpus / LIST_PAGE).read_text("utf-8"))
        items[2][field] = value(items[2][field])
        (corpus / LIST_PAGE).write_text(json.dumps(items), "utf-8")

    return edit


def test_an_edited_article_is_read_alone_and_indexed_as_a_whole_run_would(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    report, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, edit_article)
    assert taken
    assert report.summary_line() == "added 0, updated 1, removed 0, unchanged 35, failed 0"


def test_nothing_changed_is_told_without_loading_every_record(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    report, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, lambda c: None)
    assert taken
    assert report.summary_line() == "added 0, updated 0, removed 0, unchanged 36, failed 0"


def test_an_added_and_a_deleted_file(tmp_path, taxonomy, corpus, monkeypatch, fast_runs):
    def change(corpus: Path) -> None:
        (corpus / "articles" / "teaching-computers-to-write-code.txt").unlink()
        (corpus / "articles" / "a-new-story.txt").write_text(
            "Robots learn to sort recycling\n\nA new study shows robots sorting waste.\n", "utf-8"
        )

    report, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, change)
    assert taken
    assert report.summary_line() == "added 1, updated 0, removed 1, unchanged 35, failed 0"


def test_an_edited_labelled_post_in_a_list_page_retrains_as_a_whole_run_does(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    # On the small sample every page is guessed afresh when a labelled page changes;
    # a large corpus keeps the other guesses, and so must the quick run.
    monkeypatch.setattr(area_guesses, "SMALL_CORPUS", 0)
    monkeypatch.setattr(area_guesses, "DRIFT_SHARE", 0.5)
    change = edit_list_post(
        "content", lambda c: {**c, "rendered": c["rendered"] + "<p>Qubits.</p>"}
    )
    report, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, change)
    assert taken
    assert [doc.areas != () for doc in report.updated] == [True]
    assert load_saved_guesses(tmp_path / "fast").drift == 1


def test_a_post_turned_draft_leaves_the_index(tmp_path, taxonomy, corpus, monkeypatch, fast_runs):
    monkeypatch.setattr(area_guesses, "SMALL_CORPUS", 0)
    monkeypatch.setattr(area_guesses, "DRIFT_SHARE", 0.5)
    report, taken = compare(
        tmp_path,
        taxonomy,
        corpus,
        monkeypatch,
        fast_runs,
        edit_list_post("status", lambda s: "draft"),
    )
    assert taken
    assert len(report.removed) == 1 and len(report.skipped) == 1


def test_a_file_broken_keeps_its_documents(tmp_path, taxonomy, corpus, monkeypatch, fast_runs):
    def change(corpus: Path) -> None:
        (corpus / LIST_PAGE).write_bytes(b'[{"id": 1, broken')

    report, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, change)
    assert taken
    assert [failure.path for failure in report.failed] == [str(corpus / LIST_PAGE)]
    assert not report.removed


def test_without_inferred_areas(tmp_path, taxonomy, corpus, monkeypatch, fast_runs):
    report, taken = compare(
        tmp_path, taxonomy, corpus, monkeypatch, fast_runs, edit_article, infer_areas=False
    )
    assert taken
    assert report.summary_line() == "added 0, updated 1, removed 0, unchanged 35, failed 0"


def test_a_post_exported_again_under_a_new_name_takes_the_whole_run(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    # Its id is also an unchanged file's: the whole run settles which copy wins.
    def change(corpus: Path) -> None:
        group = corpus / "wordpress" / "msr-group-900003-quantum-architectures-group.json"
        shutil.copy(group, corpus / "wordpress" / "quantum-again.json")

    _, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, change)
    assert not taken


def test_guesses_not_the_index_own_take_the_whole_run(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    # Written over since the manifest was (restored from a backup, say).
    def change(corpus: Path) -> None:
        guessed = tmp_path / "fast" / GUESSED_FILE
        data = json.loads(guessed.read_text("utf-8"))
        guessed.write_text(json.dumps(data) + "\n", "utf-8")
        edit_article(corpus)

    _, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, change)
    assert not taken


def test_a_run_without_guesses_then_one_with_them_takes_the_whole_run(
    tmp_path, taxonomy, corpus, fast_runs
):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    reindex(tmp_path / "ix", taxonomy, infer_areas=False)
    fast_runs.clear()
    report = reindex(tmp_path / "ix", taxonomy)
    assert fast_runs == [False]
    guessed = [doc for doc in indexed_documents(open_index(tmp_path / "ix")).values()]
    assert any(doc.areas_inferred for doc in guessed)
    assert report.updated
