"""Page metadata: title, dates, authors and tags from meta tags, JSON-LD and markup."""

import pytest

from index.extract import parse_html
from index.html_page import extract_article, linked_data, page_head, strip_site_suffix
from index.page_tags import page_tags

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
        ("Headline · Site", "Headline"),
        (
            "json — JSON encoder and decoder — Python 3.11.2 documentation",
            "json — JSON encoder and decoder",
        ),
    ],
)
def test_site_suffix_is_removed_from_head_titles(title, expected):
    assert strip_site_suffix(title) == expected


def page(head: str = "", body: str = "<article><p>Story.</p></article>"):
    return extract_article(parse_html(f"<html><head>{head}</head><body>{body}</body></html>"))


def test_og_title_wins_and_loses_the_site_name():
    head = (
        '<meta property="og:title" content="Quiet Qubits | Example News">'
        '<meta property="og:site_name" content="Example News"><title>Other</title>'
    )
    assert page(head, "<article><h1>H1 title</h1></article>").title == "Quiet Qubits"


def test_h1_of_the_main_content_comes_before_head_title():
    body = "<header><h1>Example News</h1></header><article><h1>Quiet Qubits</h1></article>"
    assert page("<title>Something — Example News</title>", body).title == "Quiet Qubits"


def test_head_title_without_site_suffix_when_there_is_no_h1():
    assert page("<title>Quiet Qubits &#8211; Example News</title>").title == "Quiet Qubits"


def test_known_site_name_is_the_only_suffix_removed():
    head = (
        '<meta property="og:site_name" content="Example News">'
        "<title>Deep learning - what comes next · Example News</title>"
    )
    assert page(head).title == "Deep learning - what comes next"


def test_json_ld_gives_date_authors_and_keywords():
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebSite", "name": "Example"}, {"@type": ["NewsArticle"], '
        '"datePublished": "2021-05-04T10:00:00Z", "dateModified": "2021-05-05", '
        '"author": [{"@type": "Person", "name": "Ada Example"}, "Bo Example"], '
        '"keywords": "Computer vision, robots"}]}</script>'
    )
    article = page(head)
    assert (article.published, article.modified) == ("2021-05-04T10:00:00Z", "2021-05-05")
    assert article.authors == ("Ada Example", "Bo Example")
    assert article.tags == ("Computer vision", "robots")


def test_meta_published_time_wins_over_json_ld_and_time():
    head = (
        '<meta property="article:published_time" content="2020-01-01T00:00:00Z">'
        '<script type="application/ld+json">{"@type": "Article", "datePublished": "2019"}</script>'
    )
    body = '<article><time datetime="2018-01-01">x</time><p>Story.</p></article>'
    assert page(head, body).published == "2020-01-01T00:00:00Z"


def test_time_outside_the_main_content_is_not_the_date():
    body = (
        '<aside><time datetime="2001-01-01">old story</time></aside>'
        '<article><time datetime="2024-02-01">1 Feb</time><p>Story.</p></article>'
    )
    assert page("", body).published == "2024-02-01"


def test_broken_or_hostile_json_ld_is_ignored():
    head = (
        '<script type="application/ld+json">{"@type": "Article", </script>'
        f'<script type="application/ld+json">{"[" * 100_000}</script>'
        '<script type="application/ld+json">{"@graph": 5, "@type": "Article", "headline": "H"}'
        "</script>"
    )
    assert page(head).title == "H"


def test_profile_urls_are_not_author_names():
    head = (
        '<meta property="article:author" content="https://www.facebook.com/example">'
        '<meta name="author" content="Ada Example">'
    )
    assert page(head).authors == ("Ada Example",)


def test_article_tags_and_keywords_are_collected_in_order():
    head = (
        '<meta property="article:tag" content="Quantum computing">'
        '<meta property="article:tag" content="Lasers">'
        '<meta name="keywords" content="qubits; Quantum computing">'
    )
    assert page(head).tags == ("Quantum computing", "Lasers", "qubits")


def test_linked_data_prefers_an_article_to_the_web_page():
    soup = parse_html(
        '<script type="application/ld+json">[{"@type": "WebPage", "name": "page"},'
        '{"@type": "BlogPosting", "name": "post"}]</script>'
    )
    assert linked_data(page_head(page_tags(soup)))["name"] == "post"


def test_breadcrumb_trail_stops_at_the_current_page():
    body = (
        '<nav aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>'
        '<li><a href="/guides/">Guides</a></li><li class="active">Install</li>'
        '<li><a href="/edit">Edit on GitHub</a></li></ol></nav><article><p>Story.</p></article>'
    )
    assert page("", body).trail == ("Home", "Guides")


def test_json_ld_breadcrumb_list_gives_the_trail_without_the_page():
    head = (
        '<script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": ['
        '{"@type": "ListItem", "position": 2, "name": "News"},'
        '{"@type": "ListItem", "position": 1, "item": {"name": "Example Research"}},'
        '{"@type": "ListItem", "position": 3, "name": "Quiet Qubits"}]}</script>'
    )
    assert page(head).trail == ("Example Research", "News")


def test_sphinx_related_bar_gives_the_ancestors_once():
    related = (
        '<div class="related" role="navigation"><ul><li><a href="/">Python</a> &#187;</li>'
        '<li class="nav-item nav-item-1"><a href="index.html">The Python Tutorial</a> &#187;</li>'
        '<li class="nav-item nav-item-this"><a href="">9. Classes</a></li></ul></div>'
    )
    body = f'{related}<div role="main"><h1>9. Classes</h1><p>Text.</p></div>{related}'
    article = page("", body)
    assert article.trail == ("The Python Tutorial",)
    assert "Python" not in article.text.replace("The Python Tutorial", "")
