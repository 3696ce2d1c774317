"""Incremental commits fold small segments in: no pile of tiny or emptied segments."""

import shutil

import pytest
from whoosh.qparser import QueryParser

from index.reindex import indexed_documents, reindex
from index.store import open_index

STORY = "articles/002_2617209aba1bfd98.txt"


def segments(index_dir) -> list[tuple[int, int]]:
    """(live, all) documents of each segment."""
    return [(s.doc_count(), s.doc_count_all()) for s in open_index(index_dir)._segments()]


def edit(path, old, new):
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


def test_edits_leave_one_small_segment_and_the_documents_a_fresh_index_has(
    tmp_path, taxonomy, corpus, monkeypatch
):
    monkeypatch.setattr("index.merging.FOLD_PAGES", 5)  # the first run's 36 pages stay
    index_dir = tmp_path / "ix"
    reindex(index_dir, taxonomy, [str(corpus)])
    story = corpus / STORY
    page = corpus / "wordpress" / "list-export-page1.json"
    for round_ in range(4):
        edit(story, "low-hanging" if round_ == 0 else f"round {round_ - 1}", f"round {round_}")
        if round_ == 2:
            edit(page, "Microsoft", "Micro soft")
        report = reindex(index_dir, taxonomy)
        assert report.changed
        small = [s for s in segments(index_dir) if s[1] <= 5]
        assert len(small) == 1, segments(index_dir)  # the one just written
    # The 36-page segment and one holding the latest edits; none emptied.
    assert len(segments(index_dir)) == 2
    assert all(live > 0 for live, _ in segments(index_dir))
    fresh = tmp_path / "fresh"
    reindex(fresh, taxonomy, [str(corpus)])
    assert indexed_documents(open_index(index_dir)) == indexed_documents(open_index(fresh))
    with open_index(index_dir).searcher() as searcher:
        query = QueryParser("body", open_index(index_dir).schema).parse('"round 3"')
        assert [hit["source"] for hit in searcher.search(query)] == [str(story)]


def test_a_segment_whose_every_page_was_replaced_is_dropped(tmp_path, taxonomy, corpus):
    index_dir = tmp_path / "ix"
    reindex(index_dir, taxonomy, [str(corpus)])
    story = corpus / STORY
    original = story.read_bytes()
    for _ in range(3):  # as the benchmark does: edit, reindex, undo, reindex
        edit(story, "low-hanging", "low-lying")
        reindex(index_dir, taxonomy)
        story.write_bytes(original)
        reindex(index_dir, taxonomy)
    # The sample's first segment is small too (36 pages): folded into the newest.
    assert segments(index_dir) == [(36, 36)]


@pytest.mark.parametrize("fold_pages", [0, 50])
def test_a_new_file_is_searchable_whether_or_not_segments_fold(
    tmp_path, taxonomy, corpus, article_seed, monkeypatch, fold_pages
):
    monkeypatch.setattr("index.merging.FOLD_PAGES", fold_pages)
    index_dir = tmp_path / "ix"
    reindex(index_dir, taxonomy, [str(corpus)])
    shutil.copy(article_seed, corpus / "articles" / "copy-of-seed.txt")
    report = reindex(index_dir, taxonomy)
    assert len(report.added) == 1
    assert len(indexed_documents(open_index(index_dir))) == 37
    assert len(segments(index_dir)) == (2 if fold_pages == 0 else 1)


def test_a_segment_whose_pages_cannot_be_rebuilt_is_kept_and_the_commit_goes_on(
    tmp_path, taxonomy, corpus, monkeypatch
):
    index_dir = tmp_path / "ix"
    reindex(index_dir, taxonomy, [str(corpus)])

    def unreadable(stored):
        raise KeyError("a field this version does not know")

    monkeypatch.setattr("index.merging.document_from_stored", unreadable)
    edit(corpus / STORY, "low-hanging", "low-lying")
    report = reindex(index_dir, taxonomy)
    assert len(report.updated) == 1
    assert segments(index_dir) == [(35, 36), (1, 1)]  # kept, less the page replaced
    assert len(indexed_documents(open_index(index_dir))) == 36
