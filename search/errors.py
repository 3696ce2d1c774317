"""Errors a search can end in; the web layer turns each into one HTTP status."""


class BadRequest(ValueError):
    """The request's parameters are not acceptable; ``code`` is stable, ``message`` human."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class ConfigurationError(ValueError):
    """A setting or a file it names cannot be used; the message says which and why."""
