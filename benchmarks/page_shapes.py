"""Generated documents rendered as the sources arrive: WordPress REST objects and HTML pages."""

import html
from dataclasses import dataclass
from datetime import datetime

import lxml.html

from benchmarks.debian_pages import Section
from index.taxonomy import AREA_TAXONOMY

SITE = "https://research.example.org"
SITE_NAME = "Example Research News"
WORDPRESS_PATHS = {
    "msr-group": "group",
    "msr-project": "project",
    "msr-research-item": "publication",
    "msr-blog-post": "blog",
    "post": "news",
    "msr-event": "event",
}
_NAV = ("Home", "News", "Research areas", "Labs", "Publications", "Careers", "Contact us")


@dataclass(frozen=True)
class Area:
    name: str
    slug: str
    term_id: int | None


@dataclass(frozen=True)
class GeneratedDocument:
    """One document of the corpus before it is rendered into a file."""

    number: int
    post_type: str  # a WordPress type, or "article" for an HTML page
    title: str
    sections: tuple[Section, ...]
    areas: tuple[Area, ...]
    people: tuple[str, ...]
    published: datetime
    modified: datetime
    related_titles: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        words = "".join(c if c.isalnum() else " " for c in self.title.lower()).split()
        return "-".join(words[:8]) or "untitled"


def content_html(doc: GeneratedDocument) -> str:
    """The body: the first section's blocks, then each further section under an <h2>."""
    parts = list(doc.sections[0].blocks)
    for section in doc.sections[1:]:
        parts.append(f"<h2>{html.escape(section.heading)}</h2>")
        parts.extend(section.blocks)
    return "\n".join(parts)


def excerpt_html(doc: GeneratedDocument, words: int = 40) -> str:
    """WordPress's automatic excerpt: the opening words and ' [&hellip;]'."""
    text = " ".join(_plain_text(doc.sections[0].blocks[0]).split()[:words])
    return f"<p>{html.escape(text)} [&hellip;]</p>\n"


def wordpress_object(doc: GeneratedDocument) -> dict:
    """The object a WordPress list endpoint (`/wp-json/wp/v2/<type>`) returns for ``doc``."""
    link = f"{SITE}/{WORDPRESS_PATHS[doc.post_type]}/{doc.slug}/"
    post_id = 100000 + doc.number
    return {
        "id": post_id,
        "date": _iso(doc.published),
        "date_gmt": _iso(doc.published),
        "guid": {"rendered": f"{SITE}/?p={post_id}"},
        "modified": _iso(doc.modified),
        "modified_gmt": _iso(doc.modified),
        "slug": doc.slug,
        "status": "publish",
        "type": doc.post_type,
        "link": link,
        "title": {"rendered": html.escape(doc.title, quote=False)},
        "content": {"rendered": content_html(doc), "protected": False},
        "excerpt": {"rendered": excerpt_html(doc), "protected": False},
        "featured_media": 0,
        "template": "",
        "research-area": [area.term_id for area in doc.areas if area.term_id is not None],
        "class_list": [
            f"post-{post_id}",
            doc.post_type,
            f"type-{doc.post_type}",
            "status-publish",
            "hentry",
            *(f"{AREA_TAXONOMY}-{area.slug}" for area in doc.areas),
        ],
        "related-researchers": [
            {"type": "user_nicename", "display_name": name, "user_nicename": _nicename(name)}
            for name in doc.people
        ],
        "meta": {"benchmark_data": True},
        "_links": {"self": [{"href": f"{SITE}/wp-json/wp/v2/{doc.post_type}/{post_id}"}]},
    }


def article_page(doc: GeneratedDocument) -> str:
    """A full news page: header, navigation, sidebar and footer around the <article>."""
    title = html.escape(doc.title)
    url = f"{SITE}/news/{doc.published:%Y/%m}/{doc.slug}/"
    authors = "".join(f'<meta name="author" content="{html.escape(n)}">\n' for n in doc.people)
    byline = ", ".join(html.escape(name) for name in doc.people)
    areas = "".join(
        f'<a rel="tag" href="{SITE}/research-area/{a.slug}/">{html.escape(a.name)}</a> '
        for a in doc.areas
    )
    related = "".join(
        f'<li><a href="{SITE}/news/">{html.escape(t)}</a></li>' for t in doc.related_titles
    )
    nav = "".join(f'<li><a href="{SITE}/">{label}</a></li>' for label in _NAV)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {SITE_NAME}</title>
<meta name="description" content="{html.escape(_plain_text(excerpt_html(doc))[:200])}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{_iso(doc.published)}Z">
<meta property="article:modified_time" content="{_iso(doc.modified)}Z">
{authors}<link rel="canonical" href="{url}">
<link rel="stylesheet" href="{SITE}/static/news.css">
<script>window.dataLayer = window.dataLayer || [];</script>
</head>
<body class="single single-post">
<header class="site-header">
<a class="skip-link" href="#content">Skip to content</a>
<div class="brand"><a href="{SITE}/news/">{SITE_NAME}</a></div>
<nav class="main-nav" aria-label="Main menu"><ul>{nav}</ul></nav>
<form class="search-form" role="search" action="{SITE}/search/"><input type="search" name="q">
<button type="submit">Search</button></form>
</header>
<div id="content" class="site-content">
<article class="post">
<h1 class="entry-title">{title}</h1>
<p class="byline">By {byline} &middot;
<time datetime="{_iso(doc.published)}Z">{doc.published:%d %B %Y}</time></p>
<div class="entry-content">
{content_html(doc)}
</div>
<p class="tags">{areas}</p>
</article>
<aside class="sidebar"><h2>Related stories</h2><ul>{related}</ul>
<div class="newsletter"><h2>Sign up for our newsletter</h2><form><input type="email"></form></div>
</aside>
</div>
<footer class="site-footer"><p>&copy; {doc.published:%Y} Example Research.
<a href="{SITE}/privacy/">Privacy</a> &middot; <a href="{SITE}/terms/">Terms of use</a></p></footer>
</body>
</html>
"""


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _nicename(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower())


def _plain_text(markup: str) -> str:
    return lxml.html.fragment_fromstring(markup, create_parent="div").text_content()
