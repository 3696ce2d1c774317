"""A WordPress object's terms (research areas, locale, labs, group type), most trusted first."""

import html
from collections.abc import Callable
from dataclasses import dataclass

from index.field_values import unique
from index.taxonomy import AREA_TAXONOMY, Taxonomy, Term, readable_slug

LOCALE_TAXONOMY = "msr-locale"
GROUP_TYPE_TAXONOMY = "msr-group-type"
LAB_TAXONOMY = "msr-research-lab"
# The object's own field of term ids, per taxonomy. Labs are ids of lab pages, not terms.
_ID_FIELDS = {
    AREA_TAXONOMY: "research-area",
    LOCALE_TAXONOMY: "msr-locale",
    GROUP_TYPE_TAXONOMY: "msr-group-type",
    LAB_TAXONOMY: "msr_research_lab",
}


@dataclass(frozen=True)
class WordPressTerms:
    areas: tuple[str, ...]
    locale: str
    labs: tuple[str, ...]
    group_type: str


def wordpress_terms(item: dict, table: Taxonomy) -> WordPressTerms:
    """Areas by name; the locale by slug (``en_us``); labs and group type by name.

    A term is found in ``_embedded["wp:term"]`` (names as the site spells them; at most
    10 per taxonomy, as WordPress embeds one page of terms), then by the object's term
    ids through the taxonomy table, then by its ``class_list`` slugs. A term already
    found is not added again. An area without a name is left out; a lab, locale or
    group type without one is kept as its id.
    """
    embedded = embedded_terms(item)
    classes = list(table.class_terms(class_list(item)))

    def terms(taxonomy: str) -> list[Term]:
        return resolved_terms(item, taxonomy, embedded, classes, table)

    return WordPressTerms(
        areas=unique(_name(term) for term in terms(AREA_TAXONOMY)),
        locale=_best(terms(LOCALE_TAXONOMY), (_slug, _name, _id)),
        labs=unique(_name(term) or _id(term) for term in terms(LAB_TAXONOMY)),
        group_type=_best(terms(GROUP_TYPE_TAXONOMY), (_name, _id)),
    )


def resolved_terms(
    item: dict, taxonomy: str, embedded: list[Term], classes: list[tuple[str, str]], table: Taxonomy
) -> list[Term]:
    """The object's terms of one taxonomy: embedded, then by id, then by class; each once."""
    found = [term for term in embedded if term.taxonomy == taxonomy]
    seen_ids = {term.id for term in found}
    for term_id in _term_ids(item.get(_ID_FIELDS[taxonomy])):
        if term_id not in seen_ids:
            found.append(table.term(taxonomy, term_id) or Term(taxonomy, id=term_id))
            seen_ids.add(term_id)
    seen_slugs = {term.slug for term in found if term.slug}
    for class_taxonomy, slug in classes:
        if class_taxonomy == taxonomy and slug not in seen_slugs:
            found.append(table.term(taxonomy, slug) or Term(taxonomy, slug=slug))
            seen_slugs.add(slug)
    return found


def embedded_terms(item: dict) -> list[Term]:
    """Terms from ``_embedded["wp:term"]``: a list per taxonomy of term objects."""
    embedded = item.get("_embedded")
    groups = embedded.get("wp:term") if isinstance(embedded, dict) else None
    return [
        Term(
            taxonomy=entry["taxonomy"],
            name=html.unescape(str(entry.get("name") or "")).strip(),
            slug=str(entry.get("slug") or ""),
            id=entry["id"] if isinstance(entry.get("id"), int) else None,
        )
        for group in (groups if isinstance(groups, list) else [])
        for entry in (group if isinstance(group, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("taxonomy"), str)
    ]


def class_list(item: dict) -> list[str]:
    """``class_list`` entries; PHP arrays with gaps in their keys arrive as JSON objects."""
    classes = item.get("class_list")
    if isinstance(classes, dict):
        classes = list(classes.values())
    if not isinstance(classes, list):
        return []
    return [entry for entry in classes if isinstance(entry, str)]


def _term_ids(value: object) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [
        int(entry)
        for entry in values
        if (isinstance(entry, int) and not isinstance(entry, bool))
        or (isinstance(entry, str) and entry.isdigit())
    ]


def _name(term: Term) -> str:
    return term.name or readable_slug(term.slug)


def _slug(term: Term) -> str:
    return term.slug


def _id(term: Term) -> str:
    return "" if term.id is None else str(term.id)


def _best(terms: list[Term], labels: tuple[Callable[[Term], str], ...]) -> str:
    """The first term's label by the first kind of label any term has."""
    for label in labels:
        for term in terms:
            if value := label(term):
                return value
    return ""
