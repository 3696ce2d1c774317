"""A reindex from scratch or --full reads and writes on every core at once (index/bulk.py):
it must leave exactly what reading everything first and writing it after leaves."""

import gc
import json
import os
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
from index.document import Document
from index.errors import IndexBusy, IndexWriteError
from index.inference import page_words
from index.manifest import MANIFEST_FILE, FileStamp
from index.reindex import indexed_documents, reindex, reindex_lock
from index.store import open_index
from index.workers import new_queue, start_worker

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


def test_pages_handed_from_one_worker_to_another_index_as_they_do_otherwise(
    monkeypatch, taxonomy, tmp_path, corpus_with_copies
):
    # Every file a batch of its own, so that both workers read and have pages waiting;
    # the one with most left hands all of its waiting pages over.
    monkeypatch.setattr(index.bulk, "BATCH_BYTES", 1)
    monkeypatch.setattr(
        index.bulk, "_shares", lambda left: [float("inf") if w == max(left) else 0.0 for w in left]
    )
    given = []
    takers = index.bulk._takers

    def noting_takers(handed, deficits):
        taken = takers(handed, deficits)
        given.append((handed, taken))
        return taken

    monkeypatch.setattr(index.bulk, "_takers", noting_takers)
    bulk, otherwise = both_ways(
        monkeypatch, taxonomy, tmp_path, lambda ix: reindex(ix, taxonomy, [str(corpus_with_copies)])
    )
    assert bulk == otherwise
    ((handed, taken),) = given
    (giver,) = [worker for worker, pages in enumerate(handed) if pages]
    to_others = [doc.id for worker, pages in enumerate(taken) if worker != giver for doc in pages]
    assert sorted(doc.id for doc in handed[giver]) == sorted(to_others)
    assert not taken[giver]
    assert all(doc.id in bulk["guessed"]["pages"] for doc in handed[giver])


def test_words_worked_out_while_the_model_is_built_give_the_same_guesses(
    monkeypatch, taxonomy, tmp_path, corpus
):
    # The model comes late: each worker works out every waiting page's words meanwhile,
    # and guesses from those (workers are forked: they have this test's patches).
    model = index.reindex.area_model

    def late_model(*args):
        time.sleep(0.5)
        return model(*args)

    guess_of = index.bulk.guess_of

    def guess_of_worked_out_words(doc, area_model, tokens=None):
        if tokens != page_words(doc):
            raise ValueError(f"{doc.id}: words not worked out while waiting")
        return guess_of(doc, area_model, tokens)

    monkeypatch.setattr(index.reindex, "area_model", late_model)
    monkeypatch.setattr(index.bulk, "_shares", lambda left: [0.0] * len(left))
    monkeypatch.setattr(index.bulk, "guess_of", guess_of_worked_out_words)
    bulk, otherwise = both_ways(
        monkeypatch, taxonomy, tmp_path, lambda ix: reindex(ix, taxonomy, [str(corpus)])
    )
    assert bulk == otherwise
    assert any(guess[1] for guess in bulk["guessed"]["pages"].values())  # seed 002's areas


def test_larger_batches_are_handed_out_earlier():
    stamps = {f"{n}.html": FileStamp(size, 0) for n, size in enumerate([10, 10, 10, 10, 10**6])}
    stamps["gone.html"] = None  # vanished since listed
    batches = [[path] for path in stamps]
    # A megabyte is about four batches' worth: it goes a quarter of its place in.
    assert index.bulk._handing_out(batches, stamps) == [0, 1, 4, 2, 3, 5]


def test_a_worker_hands_over_its_last_waiting_pages_up_to_its_share():
    worker = index.bulk._Worker.__new__(index.bulk._Worker)
    pages = [Document(id=str(n), url="", title="", kind="news", body="x" * 100) for n in range(5)]
    worker.waiting = [pages[0], None, pages[1], pages[2], None, pages[3], pages[4]]
    assert worker.hand_over(240) == [pages[4], pages[3]]  # a third would pass 240 by over half
    assert worker.waiting == [pages[0], None, pages[1], pages[2]]
    assert worker.hand_over(0) == []


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
    for worker in (0, 1):
        writer._results.put(("handed", worker, []))
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
    writer._results.put(("counted", 1, {}, 0.0))
    with pytest.raises(IndexWriteError, match=r"worker process ended \(exit code -9\)"):
        writer.finish(None)


def report_open_files_and_collector(answers) -> None:
    """In a worker: the files it has open, and whether its cyclic collector runs."""
    fds = Path("/proc/self/fd")
    opened = []
    for fd in fds.iterdir():
        try:
            opened.append(os.readlink(fd))
        except OSError:  # the listing's own descriptor, closed by now
            continue
    answers.put((opened, gc.isenabled()))


def test_a_forked_worker_leaves_the_reindex_lock_to_the_reindex(tmp_path):
    index_dir = tmp_path / "ix"
    answers = new_queue()
    gc.disable()  # as a reindex runs
    try:
        with reindex_lock(index_dir):
            worker = start_worker(report_open_files_and_collector, answers)
            opened, collecting = answers.get(timeout=30)
            worker.join(timeout=30)
            # The worker's closing its copy freed nothing: the lock is still held.
            with pytest.raises(IndexBusy), reindex_lock(index_dir):
                pass
    finally:
        gc.enable()
    lock = str(index_dir / "reindex.lock")
    assert any(name.startswith("pipe:") for name in opened)  # what it was forked with
    assert lock not in opened
    assert collecting  # it collects the cycles of what it parses
    assert worker.exitcode == 0
