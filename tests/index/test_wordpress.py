"""WordPress REST objects of every post type, built from the real seed (an msr-group).

Each fixture is the seed with the fields a test names changed; the changed values
(titles, ids, terms, texts) are made up, in the shape the real API returns them.
"""

import copy
import json
from datetime import UTC, datetime

import pytest

from index.errors import SourceError
from index.read_result import NOT_PUBLISHED, PASSWORD_PROTECTED
from index.readers import read_source
from index.taxonomy import taxonomy_from_terms
from index.wordpress import kind_name

SEED_URL = "https://www.microsoft.com/en-us/research/group/deep-learning-group/"


@pytest.fixture(scope="module")
def seed(group_seed) -> dict:
    return json.loads(group_seed.read_text("utf-8"))


@pytest.fixture
def read(tmp_path, taxonomy):
    """Write WordPress objects to a file and read them back as a ReadResult."""

    def read_items(items, table=taxonomy):
        path = tmp_path / "export.json"
        path.write_text(json.dumps(items), "utf-8")
        return read_source(path, table)

    return read_items


def as_type(seed: dict, post_type: str, **fields) -> dict:
    item = copy.deepcopy(seed)
    item.update(type=post_type, id=900_000 + len(post_type), **fields)
    return item


def one_part(seed: dict, post_type: str, **fields) -> dict:
    """The seed as ``post_type`` with only the content and excerpt given: no tabs."""
    return as_type(seed, post_type, **{"tab-content": [], "excerpt": rendered("")} | fields)


def rendered(markup: str, protected: bool = False) -> dict:
    return {"rendered": markup, "protected": protected}


def term(taxonomy: str, term_id: int, name: str, slug: str) -> dict:
    """An embedded term as WordPress returns it under _embedded["wp:term"]."""
    return {
        "id": term_id,
        "link": f"https://www.microsoft.com/en-us/research/{taxonomy}/{slug}/",
        "name": name,
        "slug": slug,
        "taxonomy": taxonomy,
        "_links": {"self": [{"href": "https://www.microsoft.com/en-us/research/wp-json/..."}]},
    }


@pytest.mark.parametrize(
    ("post_type", "kind"),
    [
        ("msr-group", "group"),
        ("msr-project", "project"),
        ("msr-research-item", "publication"),
        ("msr-blog-post", "blog post"),
        ("post", "blog post"),
        ("msr-event", "event"),
        ("msr-video", "video"),
        ("msr-case-study", "case study"),
        ("wsuwp_people_profile", "wsuwp people profile"),
    ],
)
def test_every_post_type_gets_a_kind_people_understand(read, seed, post_type, kind):
    [doc] = read(as_type(seed, post_type)).documents
    assert (doc.kind, doc.id) == (kind, f"wp:{post_type}:{900_000 + len(post_type)}")
    assert kind_name(post_type) == kind


def test_unknown_type_is_read_like_any_other(read, seed):
    [doc] = read(as_type(seed, "msr-case-study")).documents
    assert doc.title == "Deep Learning Group"
    assert "Visual Question Answering Challenge 2017" in doc.body
    assert "Computer vision" in doc.areas


def test_publication_abstract_is_its_excerpt(read, seed):
    item = one_part(
        seed,
        "msr-research-item",
        title=rendered("Sparse Attention for Low-Resource Translation"),
        content=rendered("<p>We study sparse attention.</p><h2>Results</h2><p>Faster.</p>"),
        excerpt=rendered("<p>A sparse transformer that translates four times faster.</p>"),
    )
    [doc] = read(item).documents
    assert doc.summary == "A sparse transformer that translates four times faster."
    assert doc.body == (
        "We study sparse attention.\nResults\nFaster.\n"
        "A sparse transformer that translates four times faster."
    )
    assert doc.headings == ("Results",)


def test_publication_without_excerpt_takes_its_abstract_from_content(read, seed):
    item = one_part(
        seed,
        "msr-research-item",
        content=rendered("<p>We present a family of efficient transformer models.</p>"),
    )
    [doc] = read(item).documents
    assert doc.summary == "We present a family of efficient transformer models."


def test_automatic_excerpt_is_not_indexed_twice(read, seed):
    opening = "Healthy reefs are noisy places, full of crackling shrimp and grunting fish."
    item = one_part(
        seed,
        "post",
        content=rendered(f"<p>{opening}</p><p>More of the story.</p>"),
        excerpt=rendered(f"<p>{opening[:40]} [&hellip;]</p>"),
    )
    [doc] = read(item).documents
    assert doc.body == f"{opening}\nMore of the story."


def test_areas_come_first_from_embedded_terms(read, seed):
    item = as_type(seed, "msr-project")
    item["_embedded"] = {
        "wp:term": [
            [
                term("msr-research-area", 13561, "Algorithms", "algorithms"),
                term(
                    "msr-research-area", 13556, "Artificial Intelligence", "artificial-intelligence"
                ),
            ],
            [term("msr-group-type", 243694, "Research group", "group")],
            [term("msr-locale", 268875, "English (US)", "en_us")],
        ]
    }
    item["research-area"] = [13561, 13556]
    item["class_list"] = [
        "msr-research-area-algorithms",
        "msr-research-area-artificial-intelligence",
    ]
    [doc] = read(item).documents
    assert doc.areas == ("Algorithms", "Artificial Intelligence")  # the site's spelling
    assert doc.group_type == "Research group"
    assert doc.locale == "en_us"


def test_embedded_terms_capped_at_ten_are_completed_from_ids_and_classes(read, seed):
    table = taxonomy_from_terms(
        [{"id": 100 + n, "name": f"Area {n}", "slug": f"area-{n}"} for n in range(12)]
    )
    item = as_type(seed, "msr-project")
    item["_embedded"] = {
        "wp:term": [
            [term("msr-research-area", 100 + n, f"Area {n}", f"area-{n}") for n in range(10)]
        ]
    }
    item["research-area"] = [100 + n for n in range(11)]  # Area 10 only by id
    item["class_list"] = [f"msr-research-area-area-{n}" for n in range(12)]  # Area 11 only here
    [doc] = read(item, table).documents
    assert doc.areas == tuple(f"Area {n}" for n in range(12))


def test_group_page_areas_come_from_class_list_when_ids_are_unknown(read, seed):
    item = as_type(seed, "msr-group")
    item["research-area"] = [99999001]
    item["class_list"] = ["msr-research-area-ecology-environment", "msr-research-area-robotics"]
    [doc] = read(item).documents
    assert doc.areas == ("Ecology and environment", "Robotics")


def test_class_list_may_arrive_as_a_json_object(read, seed):
    item = as_type(seed, "msr-group")
    item["research-area"] = []
    item["class_list"] = {"0": "post-144931", "5": "msr-research-area-computer-vision", "9": "x"}
    [doc] = read(item).documents
    assert doc.areas == ("Computer vision",)


def test_seed_locale_lab_and_group_type(read, seed):
    [doc] = read(seed).documents
    assert doc.locale == "en_us"  # msr-locale-en_us in class_list
    assert doc.group_type == "Group"  # msr-group-type-group in class_list
    assert doc.labs == ("199565",)  # msr_research_lab: an id, as no table names it


def test_locale_lab_and_group_type_take_names_from_the_taxonomy_table(read, seed):
    table = taxonomy_from_terms(
        [
            {"id": 268875, "name": "English (US)", "slug": "en_us", "taxonomy": "msr-locale"},
            {"id": 243694, "name": "Research group", "slug": "group", "taxonomy": "msr-group-type"},
            {
                "id": 199565,
                "name": "Lab – Redmond",
                "slug": "redmond",
                "taxonomy": "msr-research-lab",
            },
        ]
    )
    item = as_type(seed, "msr-group", class_list=[])
    [doc] = read(item, table).documents
    assert (doc.locale, doc.group_type, doc.labs) == ("en_us", "Research group", ("Lab – Redmond",))


def test_locale_and_group_type_without_names_or_classes_are_their_ids(read, seed):
    [doc] = read(as_type(seed, "msr-group", class_list=[])).documents
    assert (doc.locale, doc.group_type) == ("268875", "243694")


def test_types_without_these_terms_leave_them_empty(read, seed):
    item = as_type(seed, "post", class_list=["post-1", "category-news"])
    for key in ("msr-locale", "msr-group-type", "msr_research_lab"):
        item.pop(key)
    [doc] = read(item).documents
    assert (doc.locale, doc.group_type, doc.labs) == ("", "", ())


@pytest.mark.parametrize("status", ["draft", "pending", "private", "future", "trash"])
def test_items_not_published_are_skipped_and_named(read, seed, status):
    result = read([seed, as_type(seed, "msr-project", status=status)])
    assert [doc.kind for doc in result.documents] == ["group"]
    [skipped] = result.skipped
    assert (skipped.reason, skipped.detail) == (NOT_PUBLISHED, f"status {status}")
    assert skipped.path.endswith("export.json[1]")
    assert skipped.doc_id == "wp:msr-project:900011"
    assert result.errors == []


def test_password_protected_items_are_skipped(read, seed):
    item = as_type(seed, "msr-blog-post", content=rendered("", protected=True))
    result = read(item)
    assert result.documents == []
    assert [s.reason for s in result.skipped] == [PASSWORD_PROTECTED]


def test_item_without_status_counts_as_published(read, seed):
    item = copy.deepcopy(seed)
    item.pop("status")
    assert len(read(item).documents) == 1


def test_url_is_link_never_guid(read, seed):
    item = copy.deepcopy(seed)
    item.pop("link")
    [doc] = read(item).documents
    assert doc.url == ""
    [doc] = read(seed).documents
    assert doc.url == SEED_URL


def test_dates_fall_back_to_local_date_when_gmt_is_missing(read, seed):
    item = as_type(seed, "msr-event", date_gmt=None, modified_gmt=None)
    [doc] = read(item).documents
    assert doc.published == datetime(2020, 2, 27, 20, 34, 30, tzinfo=UTC)
    assert doc.modified == datetime(2025, 10, 31, 13, 56, 57, tzinfo=UTC)


def test_body_has_every_tab_and_headings_in_order(read, seed):
    item = as_type(
        seed,
        "msr-project",
        content=rendered("<h2>Overview</h2><p>What we do.</p>"),
    )
    item["tab-content"] = [
        {"id": 0, "name": "Publications", "content": "<h3>2024</h3><p>A paper.</p>"},
        {"id": 1, "name": "People", "content": "<p>Who we are.</p>"},
    ]
    [doc] = read(item).documents
    assert doc.headings == ("Overview", "Publications", "2024", "People")
    assert doc.body.startswith("Overview\nWhat we do.\nPublications\n2024\nA paper.\nPeople\n")


def test_seed_headings_are_its_h1_and_its_tab(read, seed):
    [doc] = read(seed).documents
    assert doc.headings == ("Deep Learning Group", "Highlights")


@pytest.mark.parametrize(
    "markup",
    [
        '<p><iframe src="https://www.youtube.com/embed/x"><span class="mce_SELRES_start">'
        "\ufeff</span></iframe></p>",
        '<div class="wp-block-buttons"><button>Subscribe to updates</button></div>',
        "<script>var msr = {};</script><noscript>Enable JavaScript</noscript>",
        '<a href="https://x.org">Dataset<span class="sr-only"> (opens in new tab)</span></a>',
        '<a href="/lab/" class="icon-link icon-link--reverse">Return to Lab &#8211; Redmond</a>',
    ],
)
def test_content_furniture_is_never_body_text(read, seed, markup):
    item = one_part(seed, "msr-blog-post", content=rendered(f"<p>Story.</p>{markup}"))
    [doc] = read(item).documents
    assert doc.body in ("Story.", "Story.\nDataset")


def test_a_file_of_taxonomy_terms_is_named_as_such_not_read_as_pages(tmp_path, taxonomy):
    terms = [
        {
            "id": 13562,
            "name": "Computer vision",
            "slug": "computer-vision",
            "taxonomy": "msr-research-area",
            "link": "https://example.org/area/cv/",
        },
        {
            "id": 13556,
            "name": "Artificial intelligence",
            "slug": "artificial-intelligence",
            "taxonomy": "msr-research-area",
            "link": "https://example.org/area/ai/",
        },
    ]
    path = tmp_path / "research-area.json"
    path.write_text(json.dumps(terms), "utf-8")
    with pytest.raises(SourceError, match=r"terms of msr-research-area, not pages.*--taxonomy"):
        read_source(path, taxonomy)
