"""SearchRequest: the one validated description of what a user asked for."""

from dataclasses import dataclass, field
from typing import Protocol

from search.errors import BadRequest
from search.facets import FACET_FIELDS

MAX_QUERY_CHARS = 500
MAX_PAGE = 1000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 200
SORTS = ("relevance", "newest")
MAX_TYPED_CHARS = 100
MAX_SUGGESTIONS = 10


class Arguments(Protocol):
    """What a query string offers: Flask's ``request.args`` is one."""

    def get(self, key: str, default: str | None = None) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    # Search the words as typed: no automatic spelling correction.
    exact: bool = False
    # Say, for each result, which words in which fields matched and how much each counted.
    explain: bool = False
    # Whether areas inferred from the text count, match filters and are shown.
    inferred: bool = True

    def selected(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())

    def key(self) -> tuple:
        """Everything that decides the answer, hashable: the same key, the same response."""
        filters = tuple(sorted((facet, values) for facet, values in self.filters.items()))
        return (
            self.query,
            filters,
            self.sort,
            self.page,
            self.per_page,
            self.exact,
            self.explain,
            self.inferred,
        )


def request_from_args(args: Arguments) -> SearchRequest:
    """Validate query-string arguments; BadRequest says what is wrong with which one."""
    query = (args.get("q") or "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise BadRequest(
            "query_too_long", f"q is {len(query):,} characters; the limit is {MAX_QUERY_CHARS}"
        )
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadRequest("bad_sort", f"sort must be one of {', '.join(SORTS)}, not {sort[:40]!r}")
    return SearchRequest(
        query=query,
        filters={name: _filter_values(args, name) for name in FACET_FIELDS},
        sort=sort,
        page=_whole_number(args, "page", 1, 1, MAX_PAGE),
        per_page=_whole_number(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        exact=_flag(args, "exact", default=False),
        explain=_flag(args, "explain", default=False),
        inferred=_flag(args, "inferred", default=True),
    )


def _flag(args: Arguments, name: str, default: bool) -> bool:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if raw not in ("0", "1"):
        raise BadRequest(f"bad_{name}", f"{name} must be 0 (off) or 1 (on), not {raw[:40]!r}")
    return raw == "1"


def _filter_values(args: Arguments, name: str) -> tuple[str, ...]:
    values = [v.strip() for v in args.getlist(name) if v.strip()]
    if len(values) > MAX_FILTER_VALUES:
        raise BadRequest("too_many_filters", f"at most {MAX_FILTER_VALUES} {name} values")
    if any(len(v) > MAX_FILTER_CHARS for v in values):
        raise BadRequest("filter_too_long", f"{name} values are at most {MAX_FILTER_CHARS} chars")
    if name == "year" and not all(_is_year(v) for v in values):
        raise BadRequest("bad_year", "year must be a four-digit year such as 2021")
    return tuple(dict.fromkeys(values))


def _is_year(value: str) -> bool:
    return len(value) == 4 and value.isascii() and value.isdigit()


def _whole_number(args: Arguments, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    number = _int_or_none(raw.strip())
    if number is None or not low <= number <= high:
        raise BadRequest(f"bad_{name}", f"{name} must be a whole number from {low} to {high}")
    return number


def _int_or_none(text: str) -> int | None:
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        return None
    return int(text)


@dataclass(frozen=True)
class SuggestRequest:
    """What has been typed into the search box so far, and how many suggestions to give."""

    typed: str = ""
    limit: int = MAX_SUGGESTIONS


def suggest_request_from_args(args: Arguments) -> SuggestRequest:
    typed = (args.get("q") or "").lstrip()
    if len(typed) > MAX_TYPED_CHARS:
        raise BadRequest(
            "query_too_long", f"q is {len(typed):,} characters; the limit is {MAX_TYPED_CHARS}"
        )
    return SuggestRequest(typed, _whole_number(args, "limit", MAX_SUGGESTIONS, 1, MAX_SUGGESTIONS))
