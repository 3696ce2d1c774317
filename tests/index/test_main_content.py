"""Main content: which part of a full page is content, whatever its layout."""

import pytest

from index.extract import html_to_text, parse_html
from index.main_content import main_content


def main_text(markup: str) -> str:
    return main_content(parse_html(markup)).text.text


def test_page_with_only_body_keeps_its_densest_block():
    page = (
        '<body><div id="top"><a href="/">Home</a> | <a href="/news/">News</a></div>'
        '<div class="story"><p>' + "The vent survey found new chimneys. " * 8 + "</p></div>"
        '<div id="bottom">Example Station, 1 Harbour Road. <a href="/privacy/">Privacy</a></div>'
        "</body>"
    )
    assert main_text(page) == ("The vent survey found new chimneys. " * 8).strip()


def test_story_split_across_sibling_blocks_is_kept_whole():
    half = "<div><p>" + "A long paragraph of the story itself. " * 5 + "</p></div>"
    page = f"<body><div>{half}{half}</div></body>"
    assert main_text(page).count("A long paragraph") == 10


def test_heaviest_article_wins_over_a_teaser_article():
    page = (
        "<body><article><p>Teaser.</p></article>"
        "<article><h1>Real story</h1><p>" + "Words of the story. " * 20 + "</p></article></body>"
    )
    assert main_text(page).startswith("Real story\nWords of the story.")


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(
            "<body><article></article><main><p>The story lives here.</p></main></body>",
            "The story lives here.",
            id="empty article falls back to main",
        ),
        pytest.param(
            '<body><div class="footer-sticky-wrapper"><div role="main"><p>Story.</p></div></div>'
            "<footer>Footer</footer></body>",
            "Story.",
            id="role=main is kept under a wrapper with furniture words",
        ),
        pytest.param(
            "<body><aside><p>Popular this week</p></aside><div role='main'><p>Claim.</p>"
            "<aside class='footnote'><p>[1] The source.</p></aside>"
            "<aside class='sidebar'><p>See also the tutorial.</p></aside></div></body>",
            "Claim.\n[1] The source.\nSee also the tutorial.",
            id="an aside inside the main content is content, outside it is not",
        ),
        pytest.param(
            "<body><main><p>Story.</p><div id='comments'><p>A reader writes.</p></div></main>",
            "Story.",
            id="ids that name furniture are furniture",
        ),
    ],
)
def test_main_content_choice(page, expected):
    assert main_text(page) == expected


@pytest.mark.parametrize(
    "furniture",
    [
        '<div role="navigation"><a href="/">Home</a> previous | next</div>',
        '<div role="contentinfo">© Example Research</div>',
        '<div role="complementary">Popular stories</div>',
        '<div class="cookie-banner">We use cookies.</div>',
        '<div class="breadcrumbs">Home &gt; News</div>',
        '<div class="footer">Last updated on 7 October.</div>',
        '<span aria-hidden="true">decorative</span>',
        '<div style="display: none">hidden text</div>',
    ],
)
def test_furniture_inside_main_content_is_dropped(furniture):
    assert main_text(f"<body><main><p>Story.</p>{furniture}</main></body>") == "Story."


def test_headings_are_in_order_and_only_from_the_main_content():
    page = (
        "<body><nav><h2>Menu</h2></nav><article><h1>Title</h1><p>x</p><h2>Part one</h2>"
        "<h3>Detail <em>here</em></h3><aside class='related-posts'><h4>Related</h4></aside>"
        "</article></body>"
    )
    assert main_content(parse_html(page)).text.headings == ("Title", "Part one", "Detail here")


@pytest.mark.parametrize(
    "content",
    [
        '<section id="related-work"><h2>Related work</h2><p>Earlier studies.</p></section>',
        '<section id="editing-and-navigation"><h2>Editing and Navigation</h2><p>K.</p></section>',
        '<dl><dt id="http.cookiejar.CookieJar.set_cookie">set_cookie(c)</dt><dd>Sets.</dd></dl>',
    ],
)
def test_ids_made_from_headings_or_api_names_are_not_furniture(content):
    assert main_text(f"<body><main>{content}</main></body>") == html_to_text(content)


def test_header_with_the_headline_is_kept_and_site_header_is_not():
    page = (
        "<body><header><a href='/'>Example News</a></header>"
        "<article><header><h1>Headline</h1></header><p>Story.</p></article></body>"
    )
    assert main_text(page) == "Headline\nStory."


@pytest.mark.parametrize("tag", ["div", "header", "article", "section", "h2"])
def test_deeply_nested_pages_are_extracted(tag):
    depth = 100_000
    page = f"<body>{f'<{tag}>' * depth}<h1>deep text</h1>{f'</{tag}>' * depth}</body>"
    assert main_text(page) == "deep text"
