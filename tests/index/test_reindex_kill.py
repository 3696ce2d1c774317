"""Reindex killed with SIGKILL at random moments: the index is always the old state or
the new one, a running engine keeps answering, and the next reindex loses nothing."""

import contextlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.errors import IndexBusy
from index.reindex import indexed_documents, reindex
from index.store import open_index
from search.engine import SearchEngine
from search.request import SearchRequest

KILLS = 20
COPIES = 15  # about 250 documents: a reindex long enough to be killed mid-way


@pytest.fixture
def big_corpus(corpus) -> Path:
    articles = sorted(corpus.glob("articles/*"))
    for n in range(COPIES):
        folder = corpus / f"copy{n}"
        folder.mkdir()
        for article in articles:
            shutil.copy(article, folder / article.name)
    return corpus


def state(index_dir: Path) -> dict[str, str]:
    return {i: d.content_hash for i, d in indexed_documents(open_index(index_dir)).items()}


def change_some_files(corpus: Path, rng: random.Random, step: int) -> None:
    """Edit one story, delete one file and add one, so every run has all three kinds."""
    stories = sorted(corpus.glob("copy*/*.txt"))
    edited = rng.choice(stories)
    edited.write_text(edited.read_text("utf-8") + f"\nEdited in step {step}.\n", "utf-8")
    rng.choice([s for s in stories if s != edited]).unlink()
    (corpus / f"added-{step}.txt").write_text(f"Added story {step}\n\nBody {step}.\n", "utf-8")


def reindex_command(index_dir: Path, full: bool, parallel_write: bool = False) -> list[str]:
    """The CLI; with ``parallel_write``, writing on every core however few the documents."""
    args = ["reindex", "--index-dir", str(index_dir), *(["--full"] if full else [])]
    if parallel_write:
        code = "import index.reindex as r, web.cli as c; r.PARALLEL_WRITE_FROM = 10; c.main()"
        return [sys.executable, "-c", code, *args]
    return [str(Path(sys.executable).with_name("research-search")), *args]


def test_sigkill_at_random_moments_never_mixes_states_or_loses_documents(
    tmp_path, taxonomy, big_corpus
):
    index_dir = tmp_path / "ix"
    reindex(index_dir, taxonomy, [str(big_corpus)])
    running_server = SearchEngine(index_dir)
    rng = random.Random(20261122)
    # Kill moments are spread over how long a whole run takes on this machine, today.
    duration = {full: timed_run(index_dir, full) for full in (False, True)}
    before = state(index_dir)
    for step in range(KILLS):
        change_some_files(big_corpus, rng, step)
        expected_after = state_after_dry_run(index_dir, taxonomy, before)
        full = step % 2 == 1
        fraction = rng.uniform(0.05, 1.0)
        # A run that ends before its kill (a busy machine is slower, then faster) is a
        # complete run; the step is tried again, killed sooner, until the kill lands.
        while not kill_while_running(index_dir, full, fraction * duration[full]):
            assert state(index_dir) == expected_after, f"completed run {step} lost documents"
            before = expected_after
            change_some_files(big_corpus, rng, step)
            expected_after = state_after_dry_run(index_dir, taxonomy, before)
            fraction /= 2
        now = state(index_dir)
        assert now in (before, expected_after), f"mixed state after kill {step}"
        assert running_server.document_count() == len(now)
        assert running_server.search(SearchRequest(query="deep learning")).total > 0
        before = now
    expected = state_after_dry_run(index_dir, taxonomy, before)
    report = reindex(index_dir, taxonomy)  # the stale locks of killed runs are no obstacle
    assert report.failed == []
    assert state(index_dir) == expected


def kill_while_running(
    index_dir: Path, full: bool, after_seconds: float, parallel_write: bool = False
) -> bool:
    """Start a reindex, SIGKILL it after ``after_seconds``; False if it had already ended."""
    command = reindex_command(index_dir, full, parallel_write)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after_seconds)
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    return running


def timed_run(index_dir: Path, full: bool, parallel_write: bool = False) -> float:
    started = time.perf_counter()
    command = reindex_command(index_dir, full, parallel_write)
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def state_after_dry_run(index_dir: Path, taxonomy, before: dict[str, str]) -> dict[str, str]:
    """What the index would hold after a complete reindex, from a dry run's diff."""
    report = reindex(index_dir, taxonomy, dry_run=True)
    after = {k: v for k, v in before.items() if k not in {d.id for d in report.removed}}
    after.update({d.id: d.content_hash for d in [*report.added, *report.updated]})
    return after


def test_a_second_reindex_is_refused_while_another_process_writes(tmp_path, taxonomy, big_corpus):
    # The second asks from this process, already started: a second interpreter took
    # about as long to start as the first took to write (the CLI's exit 3 for it is
    # tests/web/test_cli.py's).
    index_dir = tmp_path / "ix"
    reindex(index_dir, taxonomy, [str(big_corpus)])
    first = subprocess.Popen(reindex_command(index_dir, full=True), stdout=subprocess.PIPE)
    lock = index_dir / "reindex.lock"
    while first.poll() is None and not lock.read_text().startswith("pid"):
        time.sleep(0.01)
    with pytest.raises(IndexBusy, match=rf"another reindex \(pid {first.pid}\)"):
        reindex(index_dir, taxonomy)
    assert first.wait() == 0
    assert len(state(index_dir)) == 36 + 14 * COPIES
    assert reindex(index_dir, taxonomy).summary_line().endswith("failed 0")


def test_a_reindex_killed_while_reading_in_parallel_leaves_the_lock_free_and_no_workers(
    tmp_path, taxonomy, big_corpus, worker_processes
):
    """Reader processes must not inherit the lock, nor outlive a SIGKILLed reindex."""
    index_dir = tmp_path / "ix"
    reindex(index_dir, taxonomy, [str(big_corpus)])
    before = worker_processes()
    process = subprocess.Popen(
        reindex_command(index_dir, full=True), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    workers = children_once_started(process)  # killed while its workers read
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert workers
    again = subprocess.run(reindex_command(index_dir, full=False), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    time.sleep(3)  # workers look for their reindex every half second
    assert worker_processes() - before == set()
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def children_once_started(process: subprocess.Popen, seconds: float = 60) -> set[int]:
    """The processes ``process`` has started, once it has started any (its reindex
    workers, forked from it), or none after ``seconds``."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        found = set()
        for task in Path(f"/proc/{process.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                found |= {int(child) for child in (task / "children").read_text().split()}
        if found:
            return found
        time.sleep(0.01)
    return set()


def test_killing_a_reindex_that_writes_on_every_core_keeps_a_whole_index(
    tmp_path, taxonomy, big_corpus, worker_processes
):
    index_dir = tmp_path / "ix"
    reindex(index_dir, taxonomy, [str(big_corpus)])
    before = state(index_dir)
    duration = timed_run(index_dir, full=True, parallel_write=True)
    assert state(index_dir) == before
    rng = random.Random(7)
    workers_before = worker_processes()
    for _ in range(5):
        kill_while_running(index_dir, True, rng.uniform(0.3, 1.0) * duration, parallel_write=True)
        assert state(index_dir) == before
    time.sleep(3)
    assert worker_processes() - workers_before == set()
    assert reindex(index_dir, taxonomy).summary_line().endswith("failed 0")
    assert state(index_dir) == before
