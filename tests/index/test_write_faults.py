"""Disk full and a read-only index folder: a clear error, and the old index intact.

These mount a small tmpfs, which needs root; elsewhere they skip and say why, except
under CI=true, where they must run.
"""

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

import index.reindex
from index.errors import IndexWriteError
from index.reindex import reindex
from search.engine import SearchEngine
from search.request import SearchRequest


@contextmanager
def tmpfs(where: Path, size: str):
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'not root'})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill_disk(folder: Path, leave: int = 200_000) -> None:
    """Fill the disk but for ``leave`` bytes: room for small files, not for a segment."""
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    os.truncate(filler, filler.stat().st_size - leave)


def still_serves(index_dir: Path, expected: int) -> None:
    engine = SearchEngine(index_dir)
    assert engine.document_count() == expected
    assert engine.search(SearchRequest(query="deep learning")).total > 0


@pytest.mark.parametrize("bulk_from_files", [1, 10**9], ids=["in bulk", "read then written"])
def test_disk_full_is_a_clear_error_and_the_old_index_stays(
    tmp_path, taxonomy, corpus, monkeypatch, bulk_from_files
):
    monkeypatch.setattr(index.reindex, "BULK_FROM_FILES", bulk_from_files)
    with tmpfs(tmp_path / "disk", "4m") as disk:
        index_dir = disk / "ix"
        reindex(index_dir, taxonomy, [str(corpus / "wordpress")])
        fill_disk(disk)
        files_before = set(os.listdir(index_dir))
        with pytest.raises(IndexWriteError, match=r"No space left on device.*unchanged"):
            reindex(index_dir, taxonomy, [str(corpus / "articles")])
        still_serves(index_dir, 22)
        assert set(os.listdir(index_dir)) == files_before  # half-written segments are gone
        with pytest.raises(IndexWriteError, match="No space left"):
            reindex(index_dir, taxonomy, full=True)
        still_serves(index_dir, 22)
        assert set(os.listdir(index_dir)) == files_before
        (disk / "filler").unlink()
        report = reindex(index_dir, taxonomy, [str(corpus / "articles")])
        assert len(report.added) == 14
        still_serves(index_dir, 36)


def test_read_only_index_folder_is_a_clear_error_and_still_serves(tmp_path, taxonomy, corpus):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        index_dir = disk / "ix"
        reindex(index_dir, taxonomy, [str(corpus)])
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        shutil.copy(corpus / "articles" / "002_2617209aba1bfd98.txt", corpus / "new.txt")
        with pytest.raises(IndexWriteError, match=r"Read-only file system.*unchanged"):
            reindex(index_dir, taxonomy)
        still_serves(index_dir, 36)


def test_cli_reports_an_unwritable_index_with_exit_4(tmp_path, corpus):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = subprocess.run(
            ["research-search", "reindex", str(corpus), "--index-dir", str(disk / "ix")],
            capture_output=True,
            text=True,
            env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
        )
        assert result.returncode == 4
        assert "cannot write the index" in result.stderr


def test_disk_full_while_writing_on_every_core_keeps_the_old_index(
    tmp_path, taxonomy, corpus, monkeypatch, worker_processes
):
    monkeypatch.setattr("index.reindex.PARALLEL_WRITE_FROM", 10)
    with tmpfs(tmp_path / "disk", "4m") as disk:
        index_dir = disk / "ix"
        reindex(index_dir, taxonomy, [str(corpus / "wordpress")])
        fill_disk(disk)
        files_before = set(os.listdir(index_dir))
        workers_before = worker_processes()
        with pytest.raises(IndexWriteError, match="No space left"):
            reindex(index_dir, taxonomy, [str(corpus)], full=True)
        still_serves(index_dir, 22)
        assert set(os.listdir(index_dir)) == files_before
        assert worker_processes() - workers_before == set()  # none left waiting for jobs
