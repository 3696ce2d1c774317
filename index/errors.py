"""Errors raised while reading sources and writing the index."""


class SourceError(Exception):
    """A source file could not be read into documents; the message says why."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexBusy(Exception):
    """Another reindex holds the index lock."""


class IndexMissing(Exception):
    """There is no index in the folder yet."""


class IndexWriteError(Exception):
    """The index could not be written (disk full, read-only folder); it is unchanged."""
