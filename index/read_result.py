"""What reading one source file gives: documents, what failed, and what was left out."""

from dataclasses import dataclass, field
from datetime import datetime

from index.document import Document
from index.errors import SourceError

NOT_PUBLISHED = "not published"
PASSWORD_PROTECTED = "password-protected"


@dataclass(frozen=True)
class Skipped:
    """An item left out on purpose (a draft, a password-protected page); not a failure.

    ``doc_id`` is the id it would have had, so an indexed copy of it can be removed;
    ``modified`` tells this revision from a published one of the same item elsewhere.
    """

    path: str
    doc_id: str
    reason: str
    detail: str = ""
    modified: datetime | None = None

    def describe(self) -> str:
        return f"{self.doc_id}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class ReadResult:
    """The documents read from one file, the parts of it that could not be read, and the
    items it holds that are not to be indexed."""

    documents: list[Document]
    errors: list[SourceError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Items found unchanged since the last reindex (by their raw hash), not read again.
    recalled: list[str] = field(default_factory=list)
    # Each item's raw hash (a WordPress object's JSON), to recognise it unchanged next time.
    raw_hashes: dict[str, str] = field(default_factory=dict)
