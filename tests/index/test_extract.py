"""Extraction: HTML fragments to clean text and headings."""

from index.extract import PageText, fragment_text, html_to_text


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


def test_heading_permalinks_are_dropped_from_text_and_headings():
    markup = (
        '<h1>json — JSON encoder<a class="headerlink" href="#json">¶</a></h1>'
        '<h2>Basic Usage<a href="#basic">#</a></h2><p>Text.</p>'
    )
    assert fragment_text(markup) == PageText(
        "json — JSON encoder\nBasic Usage\nText.",
        ("json — JSON encoder", "Basic Usage"),
        "json — JSON encoder",
    )


def test_a_heading_inside_a_heading_is_one_heading():
    assert fragment_text("<h2>Outer <h3>inner</h3></h2>").headings == ("Outer inner",)
