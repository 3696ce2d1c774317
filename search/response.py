"""SearchResponse and its parts: what both the HTML page and the JSON API render."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Contribution:
    """One clause a result matched (a word or phrase in one field) and its part of the score."""

    field: str
    term: str
    score: float
    share: float


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    url: str
    title: str
    title_html: str
    kind: str
    areas: tuple[str, ...]
    # Guessed from the text for a page that names no area; shown as a guess.
    areas_inferred: tuple[str, ...]
    people: tuple[str, ...]
    date: str
    snippet_html: str
    score: float
    # Only when the request asked for it (explain=1).
    explanation: tuple[Contribution, ...] | None = None


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class SearchResponse:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    sort: str
    filters: dict[str, tuple[str, ...]]
    hits: tuple[Hit, ...] = ()
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    # "Did you mean": the query with each word found nowhere replaced by a close indexed one.
    suggestion: str | None = None
    # Set when the query as typed found nothing, so the results are for the suggestion.
    showing_results_for: str | None = None
    # True when no document had every word, so documents with any word are shown.
    fallback: bool = False
    # The request asked for the words exactly as typed (no correction).
    exact: bool = False
    # Whether inferred areas were counted, matched and shown.
    inferred: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
