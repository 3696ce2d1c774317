"""Extraction: HTML fragments and pages to clean text, plain-text articles to story."""

import pytest

from index.extract import (
    extract_article,
    html_to_text,
    parse_html,
    split_text_article,
    strip_site_suffix,
)


def test_screen_reader_labels_are_dropped():
    markup = '<a href="https://x.org">MT-DNN<span class="sr-only"> (opens in new tab)</span></a>'
    assert html_to_text(markup) == "MT-DNN"


def test_return_to_back_link_is_dropped():
    markup = (
        '<a href="/lab/" class="icon-link icon-link--reverse">Return to Lab &#8211; Redmond</a>'
        "<h1>Deep Learning Group</h1>"
    )
    assert html_to_text(markup) == "Deep Learning Group"


def test_entities_and_odd_spaces_are_decoded():
    assert html_to_text("<p>group&#8217;s\u00a0work &amp; \ufeffplay</p>") == "group’s work & play"


def test_blocks_become_lines_and_scripts_vanish():
    markup = "<ul><li>One</li><li>Two</li></ul><script>alert(1)</script><p>Three</p>"
    assert html_to_text(markup) == "One\nTwo\nThree"


def test_plain_text_passes_through_normalised():
    assert html_to_text("  already   plain  ") == "already plain"


PAGE = """<!doctype html><html><head><title>Quiet Qubits | Example Research News</title>
<meta name="author" content="Ada Example"></head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<aside class="sidebar"><h2>Popular</h2><p>Other story</p></aside>
<article><header><h1>Quiet Qubits</h1><time datetime="2024-02-01">1 Feb</time></header>
<p>The story itself.</p><div class="share-bar">Share on social</div>
<section id="comments"><h2>Leave a Reply</h2><form><textarea></textarea></form></section>
</article><footer>© Example Research</footer></body></html>"""


def test_article_keeps_headline_and_story_only():
    page = extract_article(parse_html(PAGE))
    assert page.title == "Quiet Qubits"
    assert page.text == "Quiet Qubits\n1 Feb\nThe story itself."
    assert page.published == "2024-02-01"
    assert page.authors == ("Ada Example",)


def test_page_without_article_or_main_uses_body_minus_furniture():
    page = extract_article(parse_html(PAGE.replace("article>", "div>")))
    assert "The story itself." in page.text
    for furniture in ("Home", "Popular", "Share on social", "Leave a Reply", "©"):
        assert furniture not in page.text


def test_title_falls_back_to_head_title_without_site_name():
    markup = "<html><head><title>Quiet Qubits — Example Research</title></head><body>x</body>"
    assert extract_article(parse_html(markup)).title == "Quiet Qubits"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Headline | Site", "Headline"),
        ("Headline - Example Research", "Headline"),
        ("Headline — Site", "Headline"),
        ("Deep learning: what comes next", "Deep learning: what comes next"),
        ("Self-healing networks", "Self-healing networks"),
    ],
)
def test_site_suffix_is_removed_from_head_titles(title, expected):
    assert strip_site_suffix(title) == expected


def test_text_article_story_stops_at_comment_list():
    text = "Headline\n\nStory line.\n\n  1. A reader says hi.\n\n  2. Another.\n"
    assert split_text_article(text) == ("Headline", "Story line.")


def test_text_article_story_keeps_unindented_numbered_lists():
    text = "Headline\n\nThree steps:\n1. Collect\n2. Clean\n"
    assert split_text_article(text) == ("Headline", "Three steps:\n1. Collect\n2. Clean")


def test_text_article_without_boilerplate_keeps_everything():
    assert split_text_article("\ufeff\n  Title  \nBody one.\nBody two.") == (
        "Title",
        "Body one.\nBody two.",
    )
