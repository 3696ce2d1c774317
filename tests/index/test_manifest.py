"""The manifest: a reindex reads only files that changed, and recalls the rest correctly."""

import json
import os
import sqlite3

import pytest

from index import scan as scanning
from index import wordpress
from index.manifest import MANIFEST_FILE
from index.reindex import indexed_documents, reindex
from index.store import open_index
from index.taxonomy import load_taxonomy


@pytest.fixture
def reads(monkeypatch):
    """The paths read_source is asked to read, in this process."""
    seen: list[str] = []
    real = scanning.read_source

    def counting(path, *args, **kwargs):
        seen.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(scanning, "read_source", counting)
    return seen


def state(index_dir):
    return {i: d.content_hash for i, d in indexed_documents(open_index(index_dir)).items()}


def touch_later(path):
    """Change a file's modification time, as an editor's save would."""
    stamp = path.stat()
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))


def test_a_second_run_with_nothing_changed_reads_no_file(tmp_path, taxonomy, corpus, reads):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    reads.clear()
    report = reindex(tmp_path / "ix", taxonomy)
    assert report.summary_line() == "added 0, updated 0, removed 0, unchanged 36, failed 0"
    assert reads == []


def test_only_the_changed_file_is_read_and_updated(tmp_path, taxonomy, corpus, reads):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    story = corpus / "articles" / "deep-learning-weather-station.txt"
    story.write_text("A corrected headline\n" + story.read_text("utf-8"), "utf-8")
    reads.clear()
    report = reindex(tmp_path / "ix", taxonomy)
    assert reads == [str(story)]
    assert [doc.source for doc in report.updated] == [str(story)]
    assert report.unchanged == 35


def test_recalled_documents_end_where_a_full_read_ends(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "recalled", taxonomy, [str(corpus)])
    export = corpus / "wordpress" / "list-export-page1.json"
    items = json.loads(export.read_text("utf-8"))
    items[0]["title"]["rendered"] = "A renamed blog post"
    export.write_text(json.dumps(items), "utf-8")
    (corpus / "articles" / "genomics-machine-learning-rare-disease.txt").unlink()
    reindex(tmp_path / "recalled", taxonomy)
    reindex(tmp_path / "read", taxonomy, [str(corpus)], full=True)
    assert state(tmp_path / "recalled") == state(tmp_path / "read")


def test_a_same_size_edit_with_a_new_time_is_read(tmp_path, taxonomy, corpus, reads):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    story = corpus / "articles" / "privacy-homomorphic-encryption.txt"
    text = story.read_text("utf-8")
    story.write_text(text.replace("encryption", "Encryption", 1), "utf-8")
    touch_later(story)
    reads.clear()
    assert len(reindex(tmp_path / "ix", taxonomy).updated) == 1
    assert reads == [str(story)]


def test_a_failing_file_is_read_and_named_every_time(tmp_path, taxonomy, corpus, reads):
    broken = corpus / "wordpress" / "broken.json"
    broken.write_text('{"id": 1, "title": ', "utf-8")
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    reads.clear()
    report = reindex(tmp_path / "ix", taxonomy)
    assert reads == [str(broken)]
    assert [error.path for error in report.failed] == [str(broken)]


def test_a_manifest_behind_the_index_is_ignored_and_everything_read(
    tmp_path, taxonomy, corpus, reads
):
    """As after a reindex killed between its commit and saving the manifest."""
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    with sqlite3.connect(tmp_path / "ix" / MANIFEST_FILE) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'generation'")
    reads.clear()
    report = reindex(tmp_path / "ix", taxonomy)
    assert report.unchanged == 36
    assert len(reads) == 29


def test_a_damaged_manifest_costs_a_full_read_not_the_index(tmp_path, taxonomy, corpus, reads):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    (tmp_path / "ix" / MANIFEST_FILE).write_bytes(b"not a database")
    reads.clear()
    assert reindex(tmp_path / "ix", taxonomy).unchanged == 36
    assert len(reads) == 29


def test_another_taxonomy_reads_every_file_again(tmp_path, taxonomy, corpus, reads):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    table = tmp_path / "areas.json"
    table.write_text(json.dumps([{"id": 13562, "name": "Vision", "slug": "computer-vision"}]))
    reads.clear()
    report = reindex(tmp_path / "ix", load_taxonomy(table))
    assert len(reads) == 29
    assert report.updated


def test_full_reads_every_file(tmp_path, taxonomy, corpus, reads):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    reads.clear()
    reindex(tmp_path / "ix", taxonomy, full=True)
    assert len(reads) == 29


def test_of_a_changed_list_page_only_the_changed_post_is_extracted(
    tmp_path, taxonomy, corpus, monkeypatch
):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    export = corpus / "wordpress" / "list-export-page1.json"
    items = json.loads(export.read_text("utf-8"))
    items[2]["title"]["rendered"] = "A renamed project"
    export.write_text(json.dumps(items), "utf-8")
    extracted = []
    real = wordpress.wordpress_document
    monkeypatch.setattr(
        wordpress,
        "wordpress_document",
        lambda item, *args: extracted.append(item["id"]) or real(item, *args),
    )
    report = reindex(tmp_path / "ix", taxonomy)
    assert extracted == [items[2]["id"]]
    assert [doc.title for doc in report.updated] == ["A renamed project"]
    assert report.unchanged == 35
