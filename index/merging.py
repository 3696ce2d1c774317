"""What an incremental commit does with the small segments earlier ones left.

Each reindex that changes a few pages commits a segment of a few pages. Whoosh's own
policy (``MERGE_SMALL``) lets them pile up, even those whose every page was replaced
since, and then merges several at once, term by term through its postings reader: a
few thousand terms a segment, about a second at 100,000 pages, in the run that
happens to trigger it. Every search meanwhile visits each of those segments.

Here a commit drops segments with no live page left, and folds a small segment's live
pages into the segment being written by indexing them again from their stored fields
(all of a document is stored: ``index/schema.py``'s ``document_from_stored``). So at
most one segment of fewer than ``FOLD_PAGES`` pages stays between commits, and a
commit reindexes at most that many pages it was not asked to. Larger segments are left
to Whoosh's policy, as before.
"""

from collections.abc import Sequence

from whoosh.codec.base import Segment
from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL, SegmentWriter

from index.schema import document_fields, document_from_stored

# A segment this small is indexed again rather than kept (a few ms a page).
FOLD_PAGES = 50


def fold_small_segments(writer: SegmentWriter, segments: Sequence[Segment]) -> list[Segment]:
    """A Whoosh merge policy (``writer.commit(mergetype=...)``): the segments to keep."""
    kept = []
    for segment in segments:
        if segment.doc_count() == 0:
            continue  # every page in it deleted since
        pages = _live_pages(writer, segment) if segment.doc_count() <= FOLD_PAGES else None
        if pages is None:
            kept.append(segment)
            continue
        for fields in pages:
            writer.add_document(**fields)
    return MERGE_SMALL(writer, kept)


def _live_pages(writer: SegmentWriter, segment: Segment) -> list[dict] | None:
    """Each live page of ``segment`` as fields to index again; None (the segment is then
    kept as it is) when one cannot be rebuilt from what is stored: an index written by
    an older version, say. Folding saves time; it must never cost a commit."""
    reader = SegmentReader(writer.storage, writer.schema, segment)
    try:
        return [
            document_fields(document_from_stored(stored)) for stored in reader.all_stored_fields()
        ]
    except Exception:
        return None
    finally:
        reader.close()
