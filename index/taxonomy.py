"""Research-area names for WordPress term ids and class_list slugs, and keywords per area."""

import html
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from index.errors import SourceError

CLASS_PREFIX = "msr-research-area-"


@dataclass(frozen=True)
class Taxonomy:
    """Maps term ids and slugs to display names, and names to keywords.

    Loaded from the table the project ships, or from the JSON that a WordPress site's
    ``/wp-json/wp/v2/research-area`` endpoint returns (same ``id``/``name``/``slug`` keys).
    ``keywords`` (area name -> words and phrases) help infer areas for pages that name none.
    """

    by_id: dict[int, str]
    by_slug: dict[str, str]
    # The file it was loaded from; None for the table the project ships.
    source: str | None = None
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def name_for_id(self, term_id: int) -> str | None:
        return self.by_id.get(term_id)

    def name_for_slug(self, slug: str) -> str:
        """The known name, or a readable one made from the slug itself."""
        return self.by_slug.get(slug) or slug.replace("-", " ").strip().capitalize()

    def areas_from_class_list(self, class_list: list[str]) -> list[str]:
        return [
            self.name_for_slug(entry[len(CLASS_PREFIX) :])
            for entry in class_list
            if isinstance(entry, str) and entry.startswith(CLASS_PREFIX)
        ]


def taxonomy_from_terms(
    terms: list[dict], source: str | None = None, known_keywords: dict | None = None
) -> Taxonomy:
    """``known_keywords`` (slug -> keywords) serve terms that bring none of their own."""
    by_id: dict[int, str] = {}
    by_slug: dict[str, str] = {}
    keywords: dict[str, tuple[str, ...]] = {}
    for term in terms:
        name = html.unescape(str(term.get("name", ""))).strip()
        if not name:
            continue
        if isinstance(term.get("id"), int):
            by_id[term["id"]] = name
        if term.get("slug"):
            by_slug[str(term["slug"])] = name
        own = _keywords_of(term, source)
        if found := own or (known_keywords or {}).get(str(term.get("slug", ""))):
            keywords[name] = found
    return Taxonomy(by_id=by_id, by_slug=by_slug, source=source, keywords=keywords)


def _keywords_of(term: dict, source: str | None) -> tuple[str, ...]:
    words = term.get("keywords", [])
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise SourceError(source or "built-in taxonomy", "keywords must be a list of strings")
    return tuple(dict.fromkeys(w.strip() for w in words if w.strip()))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The shipped table, or the user's replacement at ``path``.

    A replacement's areas without keywords borrow the shipped table's, matched by slug.
    """
    shipped = _parse_terms(resources.files("index").joinpath("taxonomy.json").read_text("utf-8"))
    if path is None:
        return taxonomy_from_terms(shipped)
    source = str(Path(path).resolve())
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(source, f"cannot read taxonomy: {error}") from error
    known = {str(term.get("slug")): _keywords_of(term, None) for term in shipped}
    return taxonomy_from_terms(_parse_terms(text, source), source, known)


def _parse_terms(text: str, source: str = "built-in taxonomy") -> list[dict]:
    try:
        terms = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(source, f"taxonomy is not valid JSON: {error}") from error
    if not isinstance(terms, list) or not all(isinstance(t, dict) for t in terms):
        raise SourceError(source, "taxonomy must be a JSON list of {id, name, slug} objects")
    return terms
