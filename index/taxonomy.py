"""Research-area names for WordPress term ids and class_list slugs."""

import html
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from index.errors import SourceError

CLASS_PREFIX = "msr-research-area-"
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Taxonomy:
    """Maps term ids and slugs to display names.

    Loaded from the table the project ships, or from the JSON that a WordPress site's
    ``/wp-json/wp/v2/research-area`` endpoint returns (same ``id``/``name``/``slug`` keys).
    """

    by_id: dict[int, str]
    by_slug: dict[str, str]
    # The file it was loaded from; None for the table the project ships.
    source: str | None = None

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

    def area_for_label(self, label: str) -> str | None:
        """The research area a page's tag or keyword names ('computer vision'), if any."""
        wanted = _NOT_WORD.sub(" ", label.casefold()).strip()
        if not wanted:
            return None
        for slug, name in self.by_slug.items():
            if wanted in (_NOT_WORD.sub(" ", name.casefold()).strip(), slug.replace("-", " ")):
                return name
        return None


def taxonomy_from_terms(terms: list[dict], source: str | None = None) -> Taxonomy:
    by_id: dict[int, str] = {}
    by_slug: dict[str, str] = {}
    for term in terms:
        name = html.unescape(str(term.get("name", ""))).strip()
        if not name:
            continue
        if isinstance(term.get("id"), int):
            by_id[term["id"]] = name
        if term.get("slug"):
            by_slug[str(term["slug"])] = name
    return Taxonomy(by_id=by_id, by_slug=by_slug, source=source)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The shipped table, or the user's replacement at ``path``."""
    if path is None:
        text = resources.files("index").joinpath("taxonomy.json").read_text("utf-8")
        source = "built-in taxonomy"
    else:
        source = str(Path(path).resolve())
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SourceError(source, f"cannot read taxonomy: {error}") from error
    try:
        terms = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(source, f"taxonomy is not valid JSON: {error}") from error
    if not isinstance(terms, list) or not all(isinstance(t, dict) for t in terms):
        raise SourceError(source, "taxonomy must be a JSON list of {id, name, slug} objects")
    return taxonomy_from_terms(terms, None if path is None else source)
