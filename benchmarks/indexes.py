"""One document set indexed twice: by our pipeline, and by plain Whoosh from the same text.

Plain Whoosh is given our extracted text (from our Document records), so that only
ranking differs between the two, never extraction.
"""

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import Index

from index.document import Document
from index.reindex import indexed_documents, reindex
from index.store import open_index
from index.taxonomy import load_taxonomy
from search.engine import SearchEngine
from search.synonyms import load_synonyms


@dataclass(frozen=True)
class OurIndex:
    engine: SearchEngine
    index: Index
    # Document id -> the judgments' name for it (see ``judged_names``).
    names: dict[str, str]
    documents: list[Document]


def our_index(folder: Path, root: Path, paths: list[Path]) -> OurIndex:
    """``paths`` indexed by ``index.reindex`` into ``folder``; names are relative to ``root``."""
    reindex(folder, load_taxonomy(), [str(path) for path in paths])
    ix = open_index(folder)
    documents = list(indexed_documents(ix).values())
    engine = SearchEngine(folder, load_synonyms())  # as the app runs it
    return OurIndex(engine, ix, judged_names(documents, root), documents)


def judged_names(documents: list[Document], root: Path) -> dict[str, str]:
    """How the judgments name each document: its file relative to ``root``, plus
    ``#post-id`` when one file (a WordPress list export) holds several documents."""
    per_file = Counter(doc.source for doc in documents)
    names = {}
    for doc in documents:
        name = os.path.relpath(doc.source, root)
        if per_file[doc.source] > 1:
            name += "#" + doc.id.rsplit(":", 1)[-1]
        names[doc.id] = name
    return names


def plain_whoosh_index(folder: Path, documents: list[Document], names: dict[str, str]) -> Index:
    """Whoosh with default settings: title and body TEXT with the default analyzer.

    The body holds every text our engine searches besides the title (summary, headings,
    people, areas and body), so both systems search the same words.
    """
    schema = Schema(name=ID(stored=True), title=TEXT(), body=TEXT())
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), schema)
    with ix.writer() as writer:
        for doc in documents:
            writer.add_document(name=names[doc.id], title=doc.title, body=_all_text(doc))
    return ix


def _all_text(doc: Document) -> str:
    return "\n".join([doc.summary, *doc.headings, *doc.people, *doc.areas, doc.body])
