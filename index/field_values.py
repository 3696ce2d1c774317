"""Raw source values (URLs, dates, long text) made into Document field values."""

import re
from collections.abc import Iterable
from datetime import UTC, datetime

SUMMARY_CHARS = 300
TITLE_CHARS = 120
_WEB_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def web_url(value: object) -> str:
    """``value`` if it is an http(s) URL; anything else (javascript:, data:) is dropped."""
    url = str(value or "").strip()
    return url if _WEB_URL.match(url) else ""


def parse_date(value: object) -> datetime | None:
    """An ISO 8601 date as a timezone-aware UTC datetime; None when absent or unreadable.

    A date without an offset is taken as UTC: right for WordPress's ``date_gmt``, the
    best guess for anything else.
    """
    text = str(value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def summary_of(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= SUMMARY_CHARS:
        return flat
    return flat[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def first_line(text: str) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Non-empty values, first spelling kept, without repeats that differ only in case."""
    kept: dict[str, str] = {}
    for value in values:
        if value:
            kept.setdefault(value.casefold(), value)
    return tuple(kept.values())
