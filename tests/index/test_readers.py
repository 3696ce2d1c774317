"""Readers: what comes out of the two real seeds, and format recognition by content."""

import json
import shutil
from datetime import UTC, datetime

import pytest

from index.errors import SourceError
from index.readers import read_source


@pytest.fixture(scope="module")
def group(taxonomy, group_seed):
    [doc] = read_source(group_seed, taxonomy).documents
    return doc


@pytest.fixture(scope="module")
def article(taxonomy, article_seed):
    [doc] = read_source(article_seed, taxonomy).documents
    return doc


def test_group_page_title_url_and_kind(group):
    assert group.title == "Deep Learning Group"
    assert group.url == "https://www.microsoft.com/en-us/research/group/deep-learning-group/"
    assert group.kind == "group"
    assert group.id == "wp:msr-group:144931"


def test_group_page_dates_are_utc(group):
    assert group.published == datetime(2015, 1, 30, 0, 14, 18, tzinfo=UTC)
    assert group.modified == datetime(2025, 10, 31, 20, 56, 57, tzinfo=UTC)


def test_group_page_areas_come_from_ids_and_class_list(group):
    assert group.areas == (
        "Algorithms",
        "Artificial intelligence",
        "Computer vision",
        "Human language technologies",
    )


def test_group_page_people_are_the_related_researchers(group):
    assert len(group.people) == 14
    assert group.people[:2] == ("Jyoti Aneja", "Harkirat Behl")
    assert "Paul Smolensky" in group.people


def test_group_body_has_content_highlights_tab_and_excerpt(group):
    assert "The Deep Learning group’s mission is to advance" in group.body  # &#8217; decoded
    assert "maximal update parametrization (µP) and µTransfer" in group.body
    assert "Visual Question Answering Challenge 2017" in group.body  # the Highlights tab
    assert "neural-symbolic reasoning" in group.body  # the excerpt


@pytest.mark.parametrize(
    "navigation",
    [
        "Return to Microsoft Research Lab",
        "(opens in new tab)",
        "https://",
        "http://",
        "144931",
        "<",
        "&#",
    ],
)
def test_group_body_has_no_navigation_labels_urls_or_markup(group, navigation):
    assert navigation not in group.body


def test_article_headline_is_the_first_line(article):
    assert article.title == "Microsoft Research Sees Narrowing Innovation Gap in Deep Learning"
    assert article.kind == "article"
    assert article.areas == ()


def test_article_body_is_the_story(article):
    assert article.body.startswith("A lead deep learning expert at Microsoft Research")
    assert article.body.endswith("how to connect a technology with a wider market.")


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Sign up to our Newsletter",
        "Subscribe now",
        "Leave a Reply",
        "Your email address will not be published",
        "Akismet",
        "Ain’t necessarily so",  # reader comment 1
        "developing DNN code on GPUs",  # reader comment 2
    ],
)
def test_article_body_leaves_out_newsletter_comments_and_form(article, boilerplate):
    assert boilerplate not in article.body


def test_format_is_recognised_by_content_not_name(tmp_path, taxonomy, group_seed):
    disguised = tmp_path / "group-page.html"
    shutil.copy(group_seed, disguised)
    [doc] = read_source(disguised, taxonomy).documents
    assert doc.kind == "group"


def test_list_export_yields_every_object(taxonomy, samples):
    result = read_source(samples / "wordpress" / "list-export-page1.json", taxonomy)
    assert len(result.documents) == 5
    assert {"blog post", "event"} <= {doc.kind for doc in result.documents}


def test_bad_element_in_list_is_named_and_the_rest_are_read(tmp_path, taxonomy, samples):
    items = json.loads((samples / "wordpress" / "list-export-page1.json").read_text("utf-8"))
    items.insert(2, {"unexpected": True})
    export = tmp_path / "export.json"
    export.write_text(json.dumps(items), "utf-8")
    result = read_source(export, taxonomy)
    assert len(result.documents) == 5
    [error] = result.errors
    assert error.path.endswith("export.json[2]")
    assert "not a WordPress REST object" in error.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"title": {"rendered": "Broken"', "invalid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"   \n\n", "empty"),
    ],
)
def test_unreadable_files_raise_source_error_with_reason(tmp_path, taxonomy, content, reason):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason):
        read_source(path, taxonomy)


def test_html_article_main_text_without_page_furniture(taxonomy, samples):
    path = samples / "articles" / "2021-02-17-self-healing-datacenter-networks.html"
    [doc] = read_source(path, taxonomy).documents
    assert doc.kind == "article"
    assert doc.published is not None
    assert doc.url.startswith("https://research.example.org/")
    for furniture in ("Leave a Reply", "Related stories", "©", "cookie", "function("):
        assert furniture not in doc.body


def test_latin1_html_is_decoded_from_its_declared_charset(taxonomy, samples):
    path = samples / "articles" / "2019-03-12-cafe-dialect-machine-translation.html"
    assert b"\xe9" in path.read_bytes()
    [doc] = read_source(path, taxonomy).documents
    assert "é" in doc.title + doc.body
    assert "\ufffd" not in doc.body


def test_javascript_links_are_not_kept_as_urls(tmp_path, taxonomy, group_seed):
    item = json.loads(group_seed.read_text("utf-8"))
    item["link"] = "javascript:alert(1)"
    path = tmp_path / "page.json"
    path.write_text(json.dumps(item), "utf-8")
    [doc] = read_source(path, taxonomy).documents
    assert doc.url == ""


def test_json_named_file_that_is_not_json_fails_rather_than_becoming_an_article(tmp_path, taxonomy):
    path = tmp_path / "export.json"
    path.write_text("not json at all", "utf-8")
    with pytest.raises(SourceError, match="invalid JSON"):
        read_source(path, taxonomy)


@pytest.mark.parametrize(
    "opening",
    [
        "<!-- saved from url=(0040)https://research.example.org/ -->\n",
        '<?xml version="1.0" encoding="utf-8"?>\n',
        "",
    ],
)
def test_html_is_recognised_after_comments_and_xml_declarations(tmp_path, taxonomy, opening):
    path = tmp_path / "page.txt"
    path.write_text(f"{opening}<p>Quiet qubits are here.</p><nav>Home</nav>", "utf-8")
    [doc] = read_source(path, taxonomy).documents
    assert doc.body == "Quiet qubits are here."


def test_text_headline_opening_with_a_bracket_is_a_text_article(tmp_path, taxonomy):
    path = tmp_path / "video.txt"
    path.write_text("[Video] How deep learning sees\n\nThe story.\n", "utf-8")
    [doc] = read_source(path, taxonomy).documents
    assert (doc.title, doc.body) == ("[Video] How deep learning sees", "The story.")


def test_entity_definitions_are_not_expanded(tmp_path, taxonomy):
    lol = "&lol;" * 10
    path = tmp_path / "laughs.html"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "{lol}">]>'
        "<html><head><title>Laughs</title></head><body><p>&lol2;</p></body></html>",
        "utf-8",
    )
    [doc] = read_source(path, taxonomy).documents
    assert doc.title == "Laughs"
    assert doc.body == "&lol2;"


def test_deeply_nested_html_is_read(tmp_path, taxonomy):
    path = tmp_path / "deep.html"
    depth = 20_000
    path.write_text(f"<html><body>{'<div>' * depth}deep text{'</div>' * depth}</body></html>")
    [doc] = read_source(path, taxonomy).documents
    assert doc.body == "deep text"


def test_deeply_nested_json_is_named_as_invalid(tmp_path, taxonomy):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SourceError, match="nested too deeply"):
        read_source(path, taxonomy)
