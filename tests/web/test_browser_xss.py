"""Browser tests: hostile titles, bodies, people, areas, links and queries never run as script."""

import copy
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, Response, expect

from index.reindex import reindex

pytestmark = pytest.mark.browser

# What each payload would leave behind if the page ever ran it.
TITLE_SCRIPT = "<script>window.__xss=7</script>"
TITLE_MARK = "</mark><script>window.__xss=6</script>"
SNIPPET_IMG = '<img src=x onerror="window.__xss=1">'
PERSON_BREAKOUT = '"><script>window.__xss=4</script>'
AREA_IMG = "<img src=x onerror=window.__xss=11>"
ARTICLE_H1 = "<svg onload=window.__xss=3> deep learning article"
TEXT_HEADLINE = '"><img src=x onerror=window.__xss=12> deep learning headline'

PAGES = {
    "home": "/",
    "word": "/search?" + urlencode({"q": "deep learning"}),
    "highlight-in-payload": "/search?" + urlencode({"q": "script mark"}),
    "query-script": "/search?" + urlencode({"q": "<script>window.__xss=9</script>"}),
    "query-breakout": "/search?" + urlencode({"q": '"><img src=x onerror=window.__xss=10>'}),
    "facet-value": "/search?" + urlencode({"area": AREA_IMG}),
    "suggestion": "/search?" + urlencode({"q": "<img src=x onerror=window.__xss=16> lerning"}),
    "pagination": "/search?"
    + urlencode({"q": "<svg onload=window.__xss=13> learning", "per_page": 1, "page": 2}),
    "error-page": "/search?" + urlencode({"sort": "<script>window.__xss=14</script>"}),
}
# Anything the page's own markup never has: inline scripts, event handlers, injected tags.
INJECTED = "script:not([src]), [onerror], [onload], [onfocus], svg, img, iframe, object, embed"


def _wordpress(seed: dict, post_id: int, post_type: str, **fields) -> dict:
    """The real group page with its id, type and the given fields replaced."""
    item = copy.deepcopy(seed)
    item.update(id=post_id, type=post_type, **fields)
    return item


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory, taxonomy, group_seed) -> Path:
    """An index of the real group page rewritten to carry XSS payloads in every field."""
    seed = json.loads(group_seed.read_text("utf-8"))
    folder = tmp_path_factory.mktemp("hostile-corpus")
    group = _wordpress(
        seed,
        900001,
        "msr-group",
        title={"rendered": "&lt;script&gt;window.__xss=7&lt;/script&gt;"},
        content={
            "rendered": seed["content"]["rendered"]
            + '<p>&lt;img src=x onerror="window.__xss=1"&gt; deep learning</p>'
            + '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
        },
        excerpt={"rendered": "<p>&lt;svg onload=window.__xss=3&gt; deep learning</p>"},
        link="javascript:window.__xss=5",
        class_list=[*seed["class_list"], "msr-research-area-<img-src=x-onerror=window.__xss=11>"],
        **{
            "related-researchers": [
                *seed["related-researchers"][:2],
                {"display_name": "&quot;&gt;&lt;script&gt;window.__xss=4&lt;/script&gt;"},
                {"display_name": "<img src=x onerror=alert(1)>"},
            ]
        },
    )
    project = _wordpress(
        seed,
        900002,
        "msr-project",
        title={
            "rendered": "Deep learning &lt;/mark&gt;&lt;script&gt;window.__xss=6&lt;/script&gt;"
        },
        content={
            "rendered": "<p>&lt;/mark&gt;&lt;script&gt;window.__xss=6&lt;/script&gt; mark</p>"
        },
        excerpt={"rendered": "<svg onload=window.__xss=3>script mark</svg>"},
        link="  JavaScript:window.__xss=5",
        **{"related-researchers": [{"display_name": "<svg onload=window.__xss=3>"}]},
    )
    publication = _wordpress(
        seed,
        900003,
        "msr-research-item",
        title={"rendered": 'Deep learning <img src=x onerror="window.__xss=1"> publication'},
        link="https://example.org/pub?x='onfocus='window.__xss=4'autofocus='",
    )
    (folder / "group.json").write_text(json.dumps(group), "utf-8")
    (folder / "wordpress-list.json").write_text(json.dumps([project, publication]), "utf-8")
    (folder / "article.html").write_text(
        "<html><head><title><script>window.__xss=8</script></title>"
        '<meta property="og:url" content="javascript:window.__xss=8">'
        '<meta name="author" content="<script>window.__xss=8</script>">'
        "</head><body><article><h1>&lt;svg onload=window.__xss=3&gt; deep learning article</h1>"
        "<p>&lt;script&gt;window.__xss=8&lt;/script&gt; payload text with deep learning</p>"
        "</article></body></html>",
        "utf-8",
    )
    (folder / "article.txt").write_text(
        f"{TEXT_HEADLINE}\n\n<script>window.__xss=12</script> a story on deep learning.\n",
        "utf-8",
    )
    index_dir = tmp_path_factory.mktemp("hostile-index")
    report = reindex(index_dir, taxonomy, [str(folder)])
    assert not report.failed, report.failed
    assert len(report.added) == 5
    return index_dir


@pytest.fixture(scope="module")
def base_url(hostile_index, serve):
    return serve(hostile_index)


@pytest.fixture
def page(open_page):
    """A page with the CSP switched off, so escaping alone must keep payloads inert."""
    return open_page(bypass_csp=True)


@pytest.fixture
def csp_page(open_page):
    """A page that enforces the app's CSP, as a real browser does."""
    return open_page()


def _load(page: Page, path: str) -> tuple[Response, list[str]]:
    """Open ``path`` and let the network settle; the response and the dialogs it opened."""
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    response = page.goto(path)
    assert response is not None
    page.wait_for_load_state("networkidle")
    return response, dialogs


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_payloads_never_execute(page: Page, path: str):
    response, dialogs = _load(page, path)
    if response.status == 200:
        assert page.locator("li.hit").count() > 0, "the page must show payload documents"
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    injected = page.eval_on_selector_all(INJECTED, "els => els.map(e => e.outerHTML)")
    assert injected == []


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_links_are_http_or_same_site(page: Page, path: str):
    _load(page, path)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs, "every page links at least to the home page"
    for href in hrefs:
        assert not href.strip().lower().startswith("javascript:"), href
        assert href.startswith(("http://", "https://", "/")), href


def test_payload_fields_show_as_text(page: Page):
    _load(page, "/search?" + urlencode({"q": "deep learning", "per_page": 100}))
    titles = page.locator(".hit-title")
    expect(titles.filter(has_text=TITLE_SCRIPT)).to_have_count(1)
    expect(titles.filter(has_text=TITLE_SCRIPT).locator("a")).to_have_count(0)
    expect(titles.filter(has_text=ARTICLE_H1)).to_have_count(1)
    expect(titles.filter(has_text=TEXT_HEADLINE)).to_have_count(1)
    expect(page.locator(".people", has_text=PERSON_BREAKOUT)).to_be_visible()
    expect(page.locator(".hit-meta .area", has_text=AREA_IMG)).to_be_visible()
    expect(page.locator(".facet-value", has_text=AREA_IMG)).to_be_visible()


def test_snippet_shows_payload_as_text_with_only_marks_added(page: Page):
    _load(page, "/search?" + urlencode({"q": "onerror"}))
    snippet = page.locator(".snippet", has_text=SNIPPET_IMG)
    expect(snippet).to_have_count(1)
    assert snippet.locator("*").evaluate_all("els => els.map(e => e.localName)") == ["mark"]


def test_highlight_marks_stay_inside_escaped_title(page: Page):
    _load(page, "/search?" + urlencode({"q": "mark"}))
    title = page.locator(".hit-title", has_text=TITLE_MARK)
    expect(title).to_have_count(1)
    assert title.locator("mark").all_inner_texts() == ["mark"]


@pytest.mark.parametrize("name", ["home", "query-script", "error-page"])
def test_csp_header_forbids_inline_script(csp_page: Page, name: str):
    response, _ = _load(csp_page, PAGES[name])
    csp = response.headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp


def test_csp_blocks_an_inline_script_added_at_runtime(csp_page: Page):
    _load(csp_page, "/")
    outcome = csp_page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener("securitypolicyviolation",
                e => resolve("blocked " + e.violatedDirective), {once: true});
            document.addEventListener("xss-ran", () => resolve("ran"), {once: true});
            const script = document.createElement("script");
            script.textContent = "window.__xss = 15; document.dispatchEvent(new Event('xss-ran'))";
            document.body.append(script);
        })"""
    )
    assert outcome.startswith("blocked script-src"), outcome
    assert csp_page.evaluate("window.__xss") is None
