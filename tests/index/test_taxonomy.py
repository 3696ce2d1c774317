"""Taxonomy: research-area names from term ids and class_list slugs."""

import json

import pytest

from index.errors import SourceError
from index.taxonomy import load_taxonomy, taxonomy_from_terms


@pytest.mark.parametrize(
    ("term_id", "name"),
    [
        (13561, "Algorithms"),
        (13556, "Artificial intelligence"),
        (13562, "Computer vision"),
        (13545, "Human language technologies"),
        (13553, "Medical, health & genomics"),
        (243138, "Quantum computing"),
    ],
)
def test_shipped_table_names_known_term_ids(taxonomy, term_id, name):
    assert taxonomy.name_for_id(term_id) == name


def test_shipped_table_names_other_areas_by_slug(taxonomy):
    assert taxonomy.name_for_slug("systems-and-networking") == "Systems and networking"
    assert taxonomy.name_for_slug("security-privacy-cryptography") == (
        "Security, privacy, and cryptography"
    )


def test_unknown_slug_still_reads_as_a_name(taxonomy):
    assert taxonomy.name_for_slug("robotics-autonomy") == "Robotics autonomy"


def test_class_list_entries_other_than_terms_are_ignored(taxonomy):
    classes = ["post-1", "msr-group", "msr-research-area-computer-vision", "msr-locale-en_us", 7]
    assert list(taxonomy.class_terms(classes)) == [
        ("msr-research-area", "computer-vision"),
        ("msr-locale", "en_us"),
    ]


def test_wordpress_research_area_response_replaces_the_table(tmp_path):
    terms = [{"id": 7, "count": 3, "name": "Robots &amp; Autonomy", "slug": "robots", "link": ""}]
    path = tmp_path / "research-area.json"
    path.write_text(json.dumps(terms), "utf-8")
    replaced = load_taxonomy(path)
    assert replaced.name_for_id(7) == "Robots & Autonomy"
    assert replaced.name_for_id(13561) is None


def test_broken_taxonomy_file_is_a_source_error(tmp_path):
    path = tmp_path / "research-area.json"
    path.write_text("{not json", "utf-8")
    with pytest.raises(SourceError, match="not valid JSON"):
        load_taxonomy(path)


def test_shipped_table_has_keywords_for_every_area(taxonomy):
    assert len(taxonomy.keywords) == len(taxonomy.by_slug) == 22
    assert "qubit" in taxonomy.keywords["Quantum computing"]


def test_site_taxonomy_borrows_shipped_keywords_by_slug(tmp_path):
    terms = [
        {"id": 13562, "name": "Seeing machines", "slug": "computer-vision"},
        {"id": 7, "name": "Robots", "slug": "robots", "keywords": ["robot", "grasping"]},
        {"id": 8, "name": "Unheard of", "slug": "unheard-of"},
    ]
    path = tmp_path / "research-area.json"
    path.write_text(json.dumps(terms), "utf-8")
    keywords = load_taxonomy(path).keywords
    assert "computer vision" in keywords["Seeing machines"]
    assert keywords["Robots"] == ("robot", "grasping")
    assert "Unheard of" not in keywords


def test_keywords_that_are_not_a_list_of_strings_are_a_source_error(tmp_path):
    path = tmp_path / "research-area.json"
    path.write_text(json.dumps([{"id": 7, "name": "Robots", "keywords": "robot"}]), "utf-8")
    with pytest.raises(SourceError, match="keywords must be a list of strings"):
        load_taxonomy(path)


@pytest.mark.parametrize(
    ("label", "area"),
    [
        ("Computer vision", "Computer vision"),
        ("computer-vision", "Computer vision"),
        ("MEDICAL, HEALTH & GENOMICS", "Medical, health & genomics"),
        ("audio acoustics", "Audio and acoustics"),
        ("Oceans", None),
        ("", None),
    ],
)
def test_page_tags_name_known_areas_only(taxonomy, label, area):
    assert taxonomy.area_for_label(label) == area


def test_class_list_slug_is_split_at_the_longest_taxonomy_name():
    table = taxonomy_from_terms(
        [{"id": 1, "name": "Applied", "slug": "applied", "taxonomy": "msr-research-area-type"}]
    )
    assert list(table.class_terms(["msr-research-area-type-applied", "msr-locale-en_us"])) == [
        ("msr-research-area-type", "applied"),
        ("msr-locale", "en_us"),
    ]
