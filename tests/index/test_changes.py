"""A reindex that reads only the changed files (``Run.write_changes``) ends where the
whole run (``Run.prepare``, every record loaded) would: the same report, the same index,
the same manifest and the same saved guesses, on the sample corpus changed as editors do."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from index import area_guesses
from index.area_guesses import GUESSED_FILE, LEARNED_FILE, guesses_stamp, load_saved_guesses
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
    learned = index_dir / LEARNED_FILE
    return {
        "learned": learned.exists() and json.loads(learned.read_bytes()),
        "stamp is the file's": manifest.guesses == guesses_stamp(index_dir),
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


def list_items(corpus: Path) -> list[dict]:
    return json.loads((corpus / LIST_PAGE).read_text("utf-8"))


def test_an_older_copy_of_a_listed_post_in_another_file_keeps_later_runs_quick(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    # The same post exported alone, older than in the list page: the lone copy loses,
    # its file is read each time, and each time it loses again.
    item = dict(list_items(corpus)[0], modified="2001-01-01T00:00:00", modified_gmt=None)
    (corpus / "wordpress" / "single-older.json").write_text(json.dumps(item), "utf-8")
    report, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, edit_article)
    assert taken
    assert report.summary_line() == "added 0, updated 1, removed 0, unchanged 35, failed 0"


def test_an_older_draft_of_a_post_published_elsewhere_keeps_later_runs_quick(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    draft = dict(list_items(corpus)[1], status="draft", modified="2001-01-01T00:00:00")
    draft["modified_gmt"] = draft["modified"]
    (corpus / "wordpress" / "drafts.json").write_text(json.dumps([draft]), "utf-8")
    report, taken = compare(tmp_path, taxonomy, corpus, monkeypatch, fast_runs, edit_article)
    assert taken
    assert report.summary_line().startswith("added 0, updated 1, removed 0, unchanged 35")


@pytest.mark.parametrize("whole", [False, True], ids=["quick", "whole run"])
def test_the_losing_copy_of_a_post_is_indexed_when_the_winning_copy_goes(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs, whole
):
    # A newer export of a listed post wins over the list page's copy; when its file is
    # deleted, the list page's copy (never recorded) must take its place.
    monkeypatch.setattr(area_guesses, "SMALL_CORPUS", 0)  # the post is labelled
    monkeypatch.setattr(area_guesses, "DRIFT_SHARE", 0.5)
    item = list_items(corpus)[0]
    newer = dict(item, modified="2030-01-01T00:00:00", modified_gmt="2030-01-01T00:00:00")
    single = corpus / "wordpress" / "zz-single.json"
    single.write_text(json.dumps(newer), "utf-8")
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    doc_id = f"wp:{item['type']}:{item['id']}"
    assert indexed_documents(open_index(tmp_path / "ix"))[doc_id].source == str(single)
    single.unlink()
    fast_runs.clear()
    if whole:
        whole_run_only(monkeypatch)
    report = reindex(tmp_path / "ix", taxonomy)
    assert [doc.id for doc in report.updated] == [doc_id]
    back = indexed_documents(open_index(tmp_path / "ix"))[doc_id]
    assert back.source == str(corpus / LIST_PAGE)
    assert fast_runs == ([] if whole else [True])


def both_ways(tmp_path, taxonomy, monkeypatch) -> None:
    """Reindex the copies "fast" and "whole", the second by the whole run; they agree."""
    fast = reindex(tmp_path / "fast", taxonomy)
    with monkeypatch.context() as patch:
        whole_run_only(patch)
        whole = reindex(tmp_path / "whole", taxonomy)
    assert report_of(fast) == report_of(whole)
    assert state(tmp_path / "fast") == state(tmp_path / "whole")


def test_a_run_killed_before_its_manifest_is_saved_takes_the_next_run_whole(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    reindex(tmp_path / "fast", taxonomy, [str(corpus)])
    shutil.copytree(tmp_path / "fast", tmp_path / "whole")
    edit_article(corpus)
    with monkeypatch.context() as patch:  # the run dies after its commit
        patch.setattr(Run, "save_manifest", lambda *args: None)
        reindex(tmp_path / "fast", taxonomy)
        reindex(tmp_path / "whole", taxonomy)
    (corpus / "articles" / "new.txt").write_text("Robots\n\nQuantum privacy networks.\n")
    fast_runs.clear()
    both_ways(tmp_path, taxonomy, monkeypatch)
    assert fast_runs == [False]  # the manifest is a generation behind the index
    edit_article(corpus)
    fast_runs.clear()
    both_ways(tmp_path, taxonomy, monkeypatch)
    assert fast_runs == [True]


def test_guesses_that_failed_to_save_take_the_next_run_whole(
    tmp_path, taxonomy, corpus, monkeypatch, fast_runs
):
    reindex(tmp_path / "fast", taxonomy, [str(corpus)])
    shutil.copytree(tmp_path / "fast", tmp_path / "whole")
    (corpus / "articles" / "new.txt").write_text("Robots\n\nQuantum privacy networks.\n")
    real = area_guesses.write_json_atomically

    def failing(target, *args, **kwargs):
        if target.name == GUESSED_FILE:
            raise OSError(28, "No space left on device")
        return real(target, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(area_guesses, "write_json_atomically", failing)
        reindex(tmp_path / "fast", taxonomy)
        reindex(tmp_path / "whole", taxonomy)
    edit_article(corpus)
    fast_runs.clear()
    both_ways(tmp_path, taxonomy, monkeypatch)
    assert fast_runs == [False]  # the guesses on disk are not the index's
