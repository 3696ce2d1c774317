"""Names for WordPress terms: research areas (and locales, group types, labs) by id or slug,
and keywords per area."""

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from index.errors import SourceError

AREA_TAXONOMY = "msr-research-area"
# Taxonomies whose terms WordPress writes into class_list as "<taxonomy>-<slug>".
KNOWN_TAXONOMIES = (
    AREA_TAXONOMY,
    "msr-group-type",
    "msr-locale",
    "msr-impact-theme",
    "msr-event-type",
    "msr-content-type",
    "msr-research-lab",
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Term:
    """One term of one taxonomy; ``name`` is empty when only an id or a slug is known."""

    taxonomy: str
    name: str = ""
    slug: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Taxonomy:
    """Maps research-area term ids and slugs to display names, and names to keywords.

    Loaded from the table the project ships, or from the JSON that a WordPress site's
    ``/wp-json/wp/v2/research-area`` endpoint returns (same ``id``/``name``/``slug`` keys).
    Terms whose ``taxonomy`` key names another taxonomy (``msr-locale``,
    ``msr-group-type``) are kept in ``others``, by (taxonomy, id) and (taxonomy, slug).
    ``keywords`` (area name -> words and phrases) help infer areas for pages that name none.
    """

    by_id: dict[int, str]
    by_slug: dict[str, str]
    # The file it was loaded from; None for the table the project ships.
    source: str | None = None
    others: dict[tuple[str, int | str], Term] = field(default_factory=dict)
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def name_for_id(self, term_id: int) -> str | None:
        return self.by_id.get(term_id)

    def name_for_slug(self, slug: str) -> str:
        """The known name, or a readable one made from the slug itself."""
        return self.by_slug.get(slug) or readable_slug(slug)

    def term(self, taxonomy: str, key: int | str) -> Term | None:
        """The known term with this id or slug, in any taxonomy."""
        if taxonomy != AREA_TAXONOMY:
            return self.others.get((taxonomy, key))
        name = self.name_for_id(key) if isinstance(key, int) else self.by_slug.get(key)
        return Term(taxonomy, name, "" if isinstance(key, int) else key) if name else None

    def class_terms(self, class_list: Iterable[object]) -> Iterator[tuple[str, str]]:
        """(taxonomy, slug) for each ``<taxonomy>-<slug>`` class, by the longest taxonomy.

        The longest match matters where one taxonomy's name begins another's, as a
        site's own table (``--taxonomy``) may add taxonomies to the known ones.
        """
        taxonomies = sorted(
            {*KNOWN_TAXONOMIES, *(taxonomy for taxonomy, _ in self.others)}, key=len, reverse=True
        )
        for entry in class_list:
            if not isinstance(entry, str):
                continue
            for taxonomy in taxonomies:
                if entry.startswith(taxonomy + "-") and len(entry) > len(taxonomy) + 1:
                    yield taxonomy, entry[len(taxonomy) + 1 :]
                    break

    def area_for_label(self, label: str) -> str | None:
        """The research area a page's tag or keyword names ('computer vision'), if any."""
        wanted = _NOT_WORD.sub(" ", label.casefold()).strip()
        if not wanted:
            return None
        for slug, name in self.by_slug.items():
            if wanted in (_NOT_WORD.sub(" ", name.casefold()).strip(), slug.replace("-", " ")):
                return name
        return None


def readable_slug(slug: str) -> str:
    """'robotics-autonomy' -> 'Robotics autonomy'."""
    return slug.replace("-", " ").strip().capitalize()


def taxonomy_from_terms(
    terms: list[dict], source: str | None = None, known_keywords: dict | None = None
) -> Taxonomy:
    """``known_keywords`` (slug -> keywords) serve terms that bring none of their own."""
    by_id: dict[int, str] = {}
    by_slug: dict[str, str] = {}
    others: dict[tuple[str, int | str], Term] = {}
    keywords: dict[str, tuple[str, ...]] = {}
    for entry in terms:
        name = html.unescape(str(entry.get("name", ""))).strip()
        term_id = entry["id"] if isinstance(entry.get("id"), int) else None
        slug = str(entry.get("slug") or "")
        taxonomy = str(entry.get("taxonomy") or AREA_TAXONOMY)
        if not name:
            continue
        if taxonomy != AREA_TAXONOMY:
            term = Term(taxonomy, name, slug, term_id)
            others.update({(taxonomy, key): term for key in (term_id, slug) if key})
            continue
        if term_id is not None:
            by_id[term_id] = name
        if slug:
            by_slug[slug] = name
        own = _keywords_of(entry, source)
        if found := own or (known_keywords or {}).get(slug):
            keywords[name] = found
    return Taxonomy(by_id=by_id, by_slug=by_slug, source=source, others=others, keywords=keywords)


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
