"""The Document record: one searchable page, as every reader produces it."""

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import datetime


@dataclass(frozen=True)
class Document:
    """A clean, format-independent page ready to be indexed.

    ``content_hash`` is computed from every other field except ``source``, so moving
    a file does not count as a change but editing its text does. ``areas`` are the ones
    the source gives; ``areas_inferred`` are guessed from the text for a document that
    gives none, and are always shown as guesses.
    """

    id: str
    url: str
    title: str
    kind: str
    body: str
    summary: str = ""
    areas: tuple[str, ...] = ()
    areas_inferred: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    locale: str = ""
    labs: tuple[str, ...] = ()
    group_type: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    source: str = ""
    content_hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", _hash_of(self))

    @property
    def year(self) -> int | None:
        return self.published.year if self.published else None

    def full(self) -> "Document":
        """Itself: a ``KnownDocument`` stands for a document not read this time."""
        return self


def _hash_of(doc: Document) -> str:
    # The fields as ``asdict`` gives them (their values are strings, tuples of strings,
    # dates or None, which it would only copy), without the copying.
    data = {name: getattr(doc, name) for name in _HASHED_FIELDS}
    payload = json.dumps(data, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


_HASHED_FIELDS = tuple(f.name for f in fields(Document) if f.name not in ("source", "content_hash"))
