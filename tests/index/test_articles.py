"""Articles: HTML pages of three layouts and plain-text stories with their site trailers."""

from pathlib import Path

import pytest

from index.articles import split_text_article
from index.readers import read_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"


@pytest.fixture(scope="module")
def layouts(taxonomy) -> dict:
    """The made-up pages in tests/fixtures/html, read as Documents by file stem."""
    return {path.stem: read_source(path, taxonomy).documents[0] for path in FIXTURES.glob("*.html")}


def test_blog_post_keeps_the_story_and_its_headings(layouts):
    doc = layouts["blog-post"]
    assert doc.title == "Listening to coral reefs with tiny microphones"
    assert doc.headings == (
        "Listening to coral reefs with tiny microphones",
        "Why sound?",
        "What the microphones heard",
    )
    assert "Healthy coral reefs are noisy places." in doc.body
    assert doc.body.endswith("decide where to plant new coral.")


@pytest.mark.parametrize(
    "furniture",
    [
        "Skip to the content",  # screen-reader skip link
        "About us",  # site navigation
        "Search",  # search form
        "Share this",  # share bar inside the article
        "Facebook",
        "replies on",  # comment section
        "Do the fish mind",
        "Leave a Reply",
        "email address",
        "Recent Posts",  # sidebar
        "whale song",
        "written by its students",
        "Powered by WordPress",  # footer
        "cookies",  # cookie banner
        "wpEmojiSettings",  # script
    ],
)
def test_blog_post_drops_navigation_sidebar_comments_and_banners(layouts, furniture):
    assert furniture not in layouts["blog-post"].body


def test_blog_post_metadata(layouts):
    doc = layouts["blog-post"]
    assert doc.published.isoformat() == "2022-09-14T08:30:00+00:00"
    assert doc.modified.isoformat() == "2022-09-20T10:00:00+00:00"
    assert doc.people == ("Rosa Example",)
    assert doc.url == "https://fieldnotes.example.org/2022/09/listening-to-coral-reefs/"


def test_blog_post_areas_are_its_tags_that_name_known_areas(layouts):
    # article:tag "Ecology and environment", JSON-LD keyword "Audio and acoustics";
    # "Oceans" and "coral" name no area.
    assert layouts["blog-post"].areas == ("Ecology and environment", "Audio and acoustics")


def test_docs_page_keeps_its_role_main_content_only(layouts):
    doc = layouts["docs-page"]
    assert doc.title == "Configuring the indexer"
    assert doc.headings == ("Configuring the indexer", "Sources", "Research areas")
    assert doc.body == (
        "Configuring the indexer\n"
        "The indexer reads exported pages from folders you name and keeps only their real text.\n"
        "Sources\n"
        "Give each folder once; later runs rescan every folder they remember.\n"
        "$ research-search reindex exports/\n"
        "Research areas\n"
        "Area names come from the site’s taxonomy table, saved as JSON."
    )


def test_page_with_only_body_loses_its_nav_links_and_footer(layouts):
    doc = layouts["body-only"]
    assert doc.title == "Notes on the vent survey"
    assert doc.body.startswith("Notes on the vent survey\nPosted 3 March 2021\nOur research")
    for furniture in ("Example Marine Station", "Contact", "More news", "Harbour Road", "Privacy"):
        assert furniture not in doc.body


def test_text_article_has_no_headings_and_no_areas(taxonomy, article_seed):
    [doc] = read_source(article_seed, taxonomy).documents
    assert (doc.headings, doc.areas) == ((), ())


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


@pytest.mark.parametrize(
    "trailer",
    [
        "Sign up for the newsletter",
        "Subscribe to our newsletter:",
        "Leave a Reply Cancel reply",
        "Leave a Comment",
        "3 thoughts on “Quiet qubits”",
        "One response to “Quiet qubits”",
        "12 Comments",
        "Comments are closed.",
        "Comment policy: we remove abuse and spam.",
        "Share this:",
        "Like this:",
        "Related posts",
        "You may also like",
    ],
)
def test_text_article_story_stops_at_site_trailers(trailer):
    text = f"Headline\n\nStory line.\n\n{trailer}\nTrailer text.\n"
    assert split_text_article(text) == ("Headline", "Story line.")


@pytest.mark.parametrize(
    "line",
    [
        "One comment stood out at the conference: qubits are fragile.",
        "Share this with colleagues who work on accessibility, the authors ask.",
        "Related work on lattice codes goes back to the 1990s.",
    ],
)
def test_story_lines_that_start_like_a_trailer_are_kept(line):
    assert split_text_article(f"Headline\n\nStory.\n{line}\nMore story.") == (
        "Headline",
        f"Story.\n{line}\nMore story.",
    )


def test_every_sample_text_article_ends_before_its_trailer(taxonomy, samples):
    for path in (samples / "articles").glob("*.txt"):
        [doc] = read_source(path, taxonomy).documents
        for trailer in ("Leave a Reply", "Newsletter", "Akismet", "\n  1. "):
            assert trailer not in doc.body, (path.name, trailer)


def test_breadcrumb_trail_is_the_last_line_of_the_body(tmp_path, taxonomy):
    path = tmp_path / "classes.html"
    path.write_text(
        '<body><ul><li class="nav-item nav-item-1"><a href="index.html">The Python Tutorial</a>'
        ' &#187;</li></ul><div role="main"><h1>9. Classes</h1><p>Classes bundle data.</p></div>',
        "utf-8",
    )
    [doc] = read_source(path, taxonomy).documents
    assert doc.body == "9. Classes\nClasses bundle data.\nThe Python Tutorial"
    assert doc.summary == "9. Classes Classes bundle data."  # the trail is not a summary
