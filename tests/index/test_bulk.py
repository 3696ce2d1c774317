"""A reindex from scratch or --full reads and writes on every core at once (index/bulk.py):
it must leave exactly what reading everything first and writing it after leaves."""

import json
import queue
import sqlite3
import threading
import time
from pathlib import Path

import pytest

import index.bulk
import index.reindex
from index.area_guesses import GUESSED_FILE, LEARNED_FILE
from index.bulk import BulkWriter
from index.errors import IndexWriteError
from index.manifest import MANIFEST_FILE
from index.reindex import indexed_documents, reindex
from index.store import open_index

EVERY_RUN_IN_BULK = 1
NO_RUN_IN_BULK = 10**9


def outcome(index_dir: Path, report) -> dict:
    """All that a reindex leaves: documents, guesses, what was learned, the manifest."""
    with sqlite3.connect(index_dir / MANIFEST_FILE) as db:
        rows = sorted(db.execute("SELECT * FROM documents"))
        files = sorted(db.execute("SELECT * FROM files"))
    return {
        "summary": report.summary_line(),
        "documents": indexed_documents(open_index(index_dir)),
        "guessed": json.loads((index_dir / GUESSED_FILE).read_text("utf-8")),
        "learned": json.loads((index_dir / LEARNED_FILE).read_text("utf-8")),
        "manifest": (rows, files),
    }


def both_ways(monkeypatch, taxonomy, tmp_path, runs) -> tuple[dict, dict]:
    """``runs(index_dir)`` (reindexes, the last one's report returned) in bulk and not."""
    found = []
    for threshold in (EVERY_RUN_IN_BULK, NO_RUN_IN_BULK):
        monkeypatch.setattr(index.reindex, "BULK_FROM_FILES", threshold)
        index_dir = tmp_path / f"ix-{threshold}"
        found.append(outcome(index_dir, runs(index_dir)))
    return found[0], found[1]


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data), "utf-8")


def unlabelled(post: dict, post_id: int, modified: str) -> dict:
    return {
        **post,
        "id": post_id,
        "modified_gmt": modified,
        "research-area": [],
        "class_list": [],
    }


@pytest.fixture
def corpus_with_copies(corpus) -> Path:
    """The samples, plus: a labelled post exported again, later, alone; an unlabelled post
    exported twice; a post withdrawn by a later draft of it."""
    posts = json.loads((corpus / "wordpress/list-export-page1.json").read_text("utf-8"))
    extra = corpus / "wordpress/extra"
    extra.mkdir()
    write_json(extra / "again.json", {**posts[0], "modified_gmt": "2025-01-01T00:00:00"})
    body = posts[1]["content"]["rendered"] * 3
    words = {**posts[1], "content": {"rendered": body, "protected": False}}
    write_json(extra / "plain-1.json", [unlabelled(words, 990001, "2020-01-01T00:00:00")])
    write_json(extra / "plain-2.json", [unlabelled(words, 990001, "2021-01-01T00:00:00")])
    draft = {**posts[2], "status": "draft", "modified_gmt": "2030-01-01T00:00:00"}
    write_json(extra / "draft.json", draft)
    return corpus


def test_in_bulk_the_samples_index_as_they_do_otherwise(monkeypatch, taxonomy, tmp_path, corpus):
    bulk, otherwise = both_ways(
        monkeypatch, taxonomy, tmp_path, lambda ix: reindex(ix, taxonomy, [str(corpus)])
    )
    assert bulk == otherwise
    assert bulk["summary"].startswith("added 36,")
    assert any(guess[1] for guess in bulk["guessed"]["pages"].values())  # seed 002's areas


def test_segments_that_fill_up_are_written_out_and_others_begun(
    monkeypatch, taxonomy, tmp_path, corpus_with_copies
):
    monkeypatch.setattr(index.reindex, "SEGMENT_MB", 0)  # every page fills its segment
    bulk, otherwise = both_ways(
        monkeypatch, taxonomy, tmp_path, lambda ix: reindex(ix, taxonomy, [str(corpus_with_copies)])
    )
    assert bulk == otherwise
    assert len(open_index(tmp_path / f"ix-{EVERY_RUN_IN_BULK}")._segments()) >= 36


def test_in_bulk_copies_of_a_post_leave_the_later_one_counted_once(
    monkeypatch, taxonomy, tmp_path, corpus_with_copies
):
    bulk, otherwise = both_ways(
        monkeypatch, taxonomy, tmp_path, lambda ix: reindex(ix, taxonomy, [str(corpus_with_copies)])
    )
    assert bulk == otherwise
    documents = bulk["documents"]
    assert documents["wp:msr-blog-post:900013"].modified.year == 2025
    assert not documents["wp:msr-event:990001"].areas  # guessed, not given
    assert documents["wp:msr-event:990001"].modified.year == 2021
    assert "wp:msr-project:900015" not in documents  # withdrawn by its later draft


def test_full_in_bulk_keeps_the_documents_of_a_file_that_fails(
    monkeypatch, taxonomy, tmp_path, corpus
):
    def runs(index_dir: Path):
        reindex(index_dir, taxonomy, [str(corpus)])
        broken = corpus / "wordpress/list-export-page2.json"
        saved = broken.read_bytes()
        broken.write_text("[{", "utf-8")
        try:
            return reindex(index_dir, taxonomy, full=True)
        finally:
            broken.write_bytes(saved)

    bulk, otherwise = both_ways(monkeypatch, taxonomy, tmp_path, runs)
    assert bulk == otherwise
    assert bulk["summary"] == "added 0, updated 0, removed 0, unchanged 32, failed 1"
    assert len(bulk["documents"]) == 36  # the 4 of the broken file as they were


def test_in_bulk_without_guessing_areas_nothing_is_guessed(monkeypatch, taxonomy, tmp_path, corpus):
    monkeypatch.setattr(index.reindex, "BULK_FROM_FILES", EVERY_RUN_IN_BULK)
    index_dir = tmp_path / "ix"
    report = reindex(index_dir, taxonomy, [str(corpus)], infer_areas=False)
    documents = indexed_documents(open_index(index_dir))
    assert len(report.added) == len(documents) == 36
    assert not any(doc.areas_inferred for doc in documents.values())


class Ended:
    """Stands for a worker process that has exited (``exitcode``) or not (None)."""

    def __init__(self, exitcode: int | None):
        self.exitcode = exitcode


def waiting_on(processes: list[Ended]) -> BulkWriter:
    """A BulkWriter whose workers are ``processes``, their messages put in a plain queue."""
    writer = BulkWriter(None, None, workers=len(processes))
    writer._processes = processes
    writer._results = queue.Queue()
    return writer


def test_a_worker_that_finished_and_exited_early_is_not_taken_for_lost(monkeypatch):
    # At 100k documents one worker can finish seconds before the other: its exit must not
    # fail the reindex while the reindex still waits for the other.
    monkeypatch.setattr(index.bulk, "LIVENESS_SECONDS", 0.01)
    first, second = Ended(None), Ended(0)
    writer = waiting_on([first, second])
    writer._results.put(("finished", 1, {"b": "second's guess"}, ["second's segment"]))

    def first_finishes() -> None:
        time.sleep(0.2)
        writer._results.put(("finished", 0, {"a": "first's guess"}, ["first's segment"]))
        first.exitcode = 0

    finishing = threading.Thread(target=first_finishes)
    finishing.start()
    guesses = writer.finish(None)
    finishing.join()
    assert guesses == {"a": "first's guess", "b": "second's guess"}
    assert writer._segments == [["first's segment"], ["second's segment"]]


def test_what_an_ended_worker_sent_is_taken_before_it_is_judged():
    writer = waiting_on([Ended(0), Ended(None)])
    writer._results.put(("finished", 0, {}, []))
    writer._check_alive()
    assert ("finished", 0) in writer._arrived


def test_a_worker_that_ended_before_it_finished_fails_the_reindex(monkeypatch):
    monkeypatch.setattr(index.bulk, "LIVENESS_SECONDS", 0.01)
    writer = waiting_on([Ended(None), Ended(-9)])
    writer._results.put(("counted", 1, {}))
    with pytest.raises(IndexWriteError, match=r"worker process ended \(exit code -9\)"):
        writer.finish(None)
