"""Reindex: incremental by content hash, one commit, failures named and never destructive."""

import json
import os
import shutil

import pytest

from index.errors import IndexBusy, SourceError
from index.reindex import indexed_documents, reindex, reindex_lock
from index.sources import remembered_sources
from index.store import open_index
from index.taxonomy import load_taxonomy


def ids(index_dir):
    return set(indexed_documents(open_index(index_dir)))


def test_first_run_adds_every_sample_document(tmp_path, taxonomy, corpus):
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    assert report.summary_line() == "added 36, updated 0, removed 0, unchanged 0, failed 0"
    assert len(ids(tmp_path / "ix")) == 36


def test_second_run_changes_nothing(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    again = reindex(tmp_path / "ix", taxonomy)
    assert again.summary_line() == "added 0, updated 0, removed 0, unchanged 36, failed 0"


def test_edited_file_is_updated_and_new_file_added(tmp_path, taxonomy, corpus, article_seed):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    story = corpus / "articles" / "002_2617209aba1bfd98.txt"
    story.write_text(story.read_text("utf-8").replace("low-hanging", "low-lying"), "utf-8")
    shutil.copy(article_seed, corpus / "articles" / "copy-of-seed.txt")
    report = reindex(tmp_path / "ix", taxonomy)
    assert [doc.title for doc in report.updated] == [
        "Microsoft Research Sees Narrowing Innovation Gap in Deep Learning"
    ]
    assert len(report.added) == 1
    assert report.unchanged == 35
    [updated] = [
        d for d in indexed_documents(open_index(tmp_path / "ix")).values() if d.source == str(story)
    ]
    assert "low-lying" in updated.body


def test_deleted_file_removes_its_documents(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    (corpus / "wordpress" / "list-export-page1.json").unlink()
    report = reindex(tmp_path / "ix", taxonomy)
    assert len(report.removed) == 5
    assert len(ids(tmp_path / "ix")) == 31


def test_broken_file_is_named_and_its_documents_are_kept(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    export = corpus / "wordpress" / "list-export-page2.json"
    export.write_text(export.read_text("utf-8")[:500], "utf-8")  # truncated mid-object
    report = reindex(tmp_path / "ix", taxonomy)
    [failure] = report.failed
    assert failure.path == str(export)
    assert "invalid JSON" in failure.reason
    assert report.removed == []
    assert len(ids(tmp_path / "ix")) == 36


def test_broken_file_does_not_stop_the_others(tmp_path, taxonomy, corpus):
    (corpus / "wordpress" / "broken.json").write_text("[{", "utf-8")
    (corpus / "articles" / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    assert len(report.added) == 36
    assert sorted(os.path.basename(f.path) for f in report.failed) == ["broken.json", "photo.html"]


def test_dry_run_reports_the_diff_and_writes_nothing(tmp_path, taxonomy, corpus):
    index_dir = tmp_path / "ix"
    report = reindex(index_dir, taxonomy, [str(corpus)], dry_run=True)
    assert len(report.added) == 36
    assert not index_dir.exists()


def test_dry_run_after_a_change_leaves_the_index_as_it_was(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    (corpus / "articles" / "002_2617209aba1bfd98.txt").unlink()
    report = reindex(tmp_path / "ix", taxonomy, dry_run=True)
    assert len(report.removed) == 1
    assert len(ids(tmp_path / "ix")) == 36


def test_sources_are_remembered_and_added_to(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus / "wordpress")])
    reindex(tmp_path / "ix", taxonomy, [str(corpus / "articles")])
    assert remembered_sources(tmp_path / "ix") == [
        str(corpus / "wordpress"),
        str(corpus / "articles"),
    ]
    assert len(ids(tmp_path / "ix")) == 36


def test_missing_source_folder_fails_and_keeps_its_documents(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    shutil.rmtree(corpus)
    report = reindex(tmp_path / "ix", taxonomy)
    assert [f.reason for f in report.failed] == ["folder not found; its documents are kept"]
    assert len(ids(tmp_path / "ix")) == 36


def test_full_rebuild_from_new_paths_replaces_the_old_sources(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus / "articles")], full=True)
    assert len(ids(tmp_path / "ix")) == 14
    assert len(report.removed) == 22
    assert remembered_sources(tmp_path / "ix") == [str(corpus / "articles")]


def test_full_rebuild_keeps_documents_of_files_that_fail(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    (corpus / "wordpress" / "list-export-page1.json").write_text("not json", "utf-8")
    report = reindex(tmp_path / "ix", taxonomy, full=True)
    assert len(report.failed) == 1
    assert len(ids(tmp_path / "ix")) == 36


def test_same_post_in_two_exports_is_indexed_once_at_its_latest_revision(
    tmp_path, taxonomy, group_seed
):
    item = json.loads(group_seed.read_text("utf-8"))
    newer = {**item, "modified_gmt": "2026-01-01T00:00:00", "title": {"rendered": "Renamed"}}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.json").write_text(json.dumps([newer]), "utf-8")
    (tmp_path / "src" / "b.json").write_text(json.dumps(item), "utf-8")
    reindex(tmp_path / "ix", taxonomy, [str(tmp_path / "src")])
    [doc] = indexed_documents(open_index(tmp_path / "ix")).values()
    assert doc.title == "Renamed"


def test_second_reindex_while_one_holds_the_lock_is_refused(tmp_path, taxonomy, corpus):
    with reindex_lock(tmp_path / "ix"), pytest.raises(IndexBusy, match="another reindex"):
        reindex(tmp_path / "ix", taxonomy, [str(corpus)])


def test_symlink_loop_does_not_trap_the_walk(tmp_path, taxonomy, corpus):
    (corpus / "articles" / "loop").symlink_to(corpus, target_is_directory=True)
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    assert len(report.added) == 36


def test_moved_file_updates_its_source_so_a_later_failure_keeps_it(tmp_path, taxonomy, group_seed):
    (tmp_path / "src").mkdir()
    shutil.copy(group_seed, tmp_path / "src" / "a.json")
    reindex(tmp_path / "ix", taxonomy, [str(tmp_path / "src")])
    (tmp_path / "src" / "a.json").rename(tmp_path / "src" / "b.json")
    assert len(reindex(tmp_path / "ix", taxonomy).updated) == 1
    (tmp_path / "src" / "b.json").write_text("{broken", "utf-8")
    report = reindex(tmp_path / "ix", taxonomy)
    assert (len(report.failed), report.removed) == (1, [])
    assert len(ids(tmp_path / "ix")) == 1


def test_path_that_does_not_exist_is_refused_and_not_remembered(tmp_path, taxonomy, corpus):
    with pytest.raises(SourceError, match="no such file or folder"):
        reindex(tmp_path / "ix", taxonomy, [str(corpus), str(tmp_path / "typo")])
    assert remembered_sources(tmp_path / "ix") == []


def test_remembered_single_file_that_is_deleted_takes_its_document(tmp_path, taxonomy, corpus):
    story = corpus / "articles" / "002_2617209aba1bfd98.txt"
    reindex(tmp_path / "ix", taxonomy, [str(story)])
    story.unlink()
    report = reindex(tmp_path / "ix", taxonomy)
    assert (len(report.removed), report.failed) == (1, [])


def test_unexpected_field_types_do_not_stop_the_file(tmp_path, taxonomy, group_seed):
    item = json.loads(group_seed.read_text("utf-8"))
    item.update(
        {
            "tab-content": [{"content": 7}],
            "research-area": 13561,
            "date_gmt": "0001-01-01T00:00:00+05:00",
            "related-researchers": "nobody",
        }
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "odd.json").write_text(json.dumps(item), "utf-8")
    report = reindex(tmp_path / "ix", taxonomy, [str(tmp_path / "src")])
    assert (len(report.added), report.failed) == (1, [])


def test_taxonomy_file_among_the_sources_is_not_read_as_pages(tmp_path, group_seed):
    folder = tmp_path / "site"
    folder.mkdir()
    shutil.copy(group_seed, folder / "group.json")
    terms = [{"id": 13562, "name": "Vision", "slug": "computer-vision", "link": "https://x/"}]
    (folder / "research-area.json").write_text(json.dumps(terms), "utf-8")
    report = reindex(tmp_path / "ix", load_taxonomy(folder / "research-area.json"), [str(folder)])
    assert report.summary_line() == "added 1, updated 0, removed 0, unchanged 0, failed 0"


def set_status(export, position: int, **fields) -> dict:
    """Change one object of a list export in place, as an editor's re-export would."""
    items = json.loads(export.read_text("utf-8"))
    items[position].update(fields)
    export.write_text(json.dumps(items), "utf-8")
    return items[position]


def test_draft_and_protected_items_are_skipped_counted_and_not_failures(tmp_path, taxonomy, corpus):
    export = corpus / "wordpress" / "list-export-page1.json"
    set_status(export, 0, status="draft")
    set_status(export, 1, content={"rendered": "", "protected": True})
    report = reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    assert report.summary_line() == (
        "added 34, updated 0, removed 0, unchanged 0, failed 0, "
        "skipped 2 (not published 1, password-protected 1)"
    )
    assert [(s.path, s.doc_id) for s in report.skipped] == [
        (f"{export}[0]", "wp:msr-blog-post:900013"),
        (f"{export}[1]", "wp:msr-event:900014"),
    ]


def test_published_item_that_becomes_a_draft_leaves_the_index(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    set_status(corpus / "wordpress" / "list-export-page1.json", 0, status="draft")
    report = reindex(tmp_path / "ix", taxonomy)
    assert [doc.id for doc in report.removed] == ["wp:msr-blog-post:900013"]
    assert "wp:msr-blog-post:900013" not in ids(tmp_path / "ix")


def test_draft_leaves_the_index_even_when_its_file_has_a_bad_element(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    export = corpus / "wordpress" / "list-export-page1.json"
    set_status(export, 0, status="private")
    export.write_text(export.read_text("utf-8")[:-1] + ', "oops"]', "utf-8")
    report = reindex(tmp_path / "ix", taxonomy)
    assert [doc.id for doc in report.removed] == ["wp:msr-blog-post:900013"]
    assert len(report.failed) == 1


def test_full_reindex_drops_a_draft_too(tmp_path, taxonomy, corpus):
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])
    set_status(corpus / "wordpress" / "list-export-page1.json", 0, status="draft")
    reindex(tmp_path / "ix", taxonomy, [str(corpus)], full=True)
    assert "wp:msr-blog-post:900013" not in ids(tmp_path / "ix")


@pytest.mark.parametrize(
    ("draft_modified", "indexed"), [("2019-10-01", True), ("2030-01-01", False)]
)
def test_of_a_draft_and_a_published_copy_the_later_revision_wins(
    tmp_path, taxonomy, corpus, draft_modified, indexed
):
    items = json.loads((corpus / "wordpress" / "list-export-page1.json").read_text("utf-8"))
    draft = dict(items[0], status="draft", modified_gmt=f"{draft_modified}T00:00:00")
    (corpus / "wordpress" / "draft.json").write_text(json.dumps(draft), "utf-8")
    reindex(tmp_path / "ix", taxonomy, [str(corpus)])  # published copy: 2019-10-04
    assert ("wp:msr-blog-post:900013" in ids(tmp_path / "ix")) is indexed


def test_indexing_on_every_core_gives_the_same_index(tmp_path, taxonomy, corpus, monkeypatch):
    reindex(tmp_path / "one", taxonomy, [str(corpus)])
    monkeypatch.setattr("index.reindex.PARALLEL_WRITE_FROM", 10)
    reindex(tmp_path / "many", taxonomy, [str(corpus)])
    reindex(tmp_path / "many", taxonomy, full=True)
    with open_index(tmp_path / "many").searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2  # one segment per worker
    one = indexed_documents(open_index(tmp_path / "one"))
    many = indexed_documents(open_index(tmp_path / "many"))
    assert {i: d.content_hash for i, d in one.items()} == {
        i: d.content_hash for i, d in many.items()
    }
