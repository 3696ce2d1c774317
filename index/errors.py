"""Errors raised while reading sources and writing the index."""


class SourceError(Exception):
    """A source file could not be read into documents; the message says why."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):
        # Sent back from worker processes whole, not rebuilt from the joined message.
        return SourceError, (self.path, self.reason)


class IndexBusy(Exception):
    """Another reindex holds the index lock."""


class IndexMissing(Exception):
    """There is no index in the folder yet."""


class IndexWriteError(Exception):
    """The index could not be written (disk full, read-only folder); it is unchanged."""


class EndpointRefused(Exception):
    """The URL given to fetch is not an http(s) WordPress list endpoint."""


class FetchError(Exception):
    """One page could not be fetched or saved; the message names it and says why."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class NoSuchRoute(FetchError):
    """The site answers that it has no such REST route (``rest_no_route``)."""


class OutputError(Exception):
    """Fetched pages could not be saved (disk full, read-only folder)."""
