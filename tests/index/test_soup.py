"""LeanSoup builds the tree BeautifulSoup builds, object for object, on real and odd HTML."""

import copy
import gc
import json
import pickle
import warnings
import weakref
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, SoupStrainer, Tag, XMLParsedAsHTMLWarning
from bs4.element import AttributeDict

from index.soup import LeanSoup, lean_builder

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"

ODD_MARKUP = {
    "misnested": "<p><b>bold<i>both</b>italic</i><p>next<div>in p?</p></div>",
    "stray end tags": "<div>a</span></b>b</div></p>c</li>",
    "unclosed": "<ul><li>one<li>two<table><tr><td>cell<td>cell",
    "whitespace": "<div>\n  <p> text </p>\n\t<p>\r\n</p>   </div>",
    "pre and textarea": (
        "<pre>\n  kept   \n <b> as </b>  \n <i>x</i>  </pre><textarea>  a\n  b </textarea>"
    ),
    "string containers": (
        "<style>p { x: 1 }</style><script>if (a < b) {}</script>"
        "<template><p>t</p></template><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>"
    ),
    "comments and doctype": "<!DOCTYPE html><!-- c1 --><html><body><!--c2-->x<?pi data?></body>",
    "charset meta": (
        '<head><meta charset="iso-8859-1"><meta http-equiv="Content-Type" '
        'content="text/html; charset=windows-1252"></head><p>caf\u00e9</p>'
    ),
    "namespaces": (
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:og="http://ogp.me/ns#">'
        '<meta property="og:title" content="T"><svg xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use xlink:href="#a"/></svg><math><mi>x</mi></math></html>'
    ),
    "xml declaration": '<?xml version="1.0" encoding="utf-8"?><html><p>x</p></html>',
    "attributes": '<p class=" a  b " id=x data-x="1" data-x="2" hidden>y</p><br/><img src=a>',
    "entities": "<p>&amp; &lt;b&gt; &nbsp; &eacute; &#x1F600; &bogus; &</p>",
    "empty": "",
    "only text": "just text, no tags",
    "only whitespace": " \n\t ",
    "deep": "<div>" * 3000 + "deep" + "</div>" * 3000,
    "frames and forms": "<frameset><frame src=a></frameset><form><input value=x><select><option>o",
    "namespaced attribute names": '<p {foo}bar="1" x="2">t</p><p {urn:x}lang="en" lang="fr">u</p>',
    "cdata": "<p><![CDATA[ a < b ]]></p><svg><![CDATA[ x ]]><text>t</text></svg>",
    "an end tag open several times": "<b><b><b>x</b>y</b></i></b>z<i><b>w</i>v",
}


def _stock(markup: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(
        markup, "lxml", multi_valued_attributes=None, attribute_dict_class=AttributeDict
    )


def _lean(markup: str | bytes) -> BeautifulSoup:
    return LeanSoup(markup, builder=lean_builder())


def _shape(soup: BeautifulSoup) -> list[tuple]:
    """Every object of the tree in parse order, with everything BeautifulSoup keeps of it
    and its links to the others (as positions in that order)."""
    elements = list(soup.descendants)
    place = {id(element): number for number, element in enumerate([soup, *elements])}

    def at(element) -> int | None:
        return None if element is None else place.get(id(element), -1)

    shape = []
    for element in [soup, *elements]:
        links = tuple(
            at(getattr(element, name))
            for name in ("parent", "previous_sibling", "next_sibling", "previous_element")
        )
        if isinstance(element, Tag):
            shape.append(
                (
                    element.name,
                    element.namespace,
                    element.prefix,
                    [
                        (key, type(key), str(value), type(value))
                        for key, value in element.attrs.items()
                    ],
                    type(element.attrs),
                    element.can_be_empty_element,
                    element.hidden,
                    element.known_xml,
                    element.interesting_string_types,
                    element.preserve_whitespace_tags,
                    element.cdata_list_attributes,
                    element._namespaces,
                    element.sourceline,
                    [at(child) for child in element.contents],
                    links,
                    list(vars(element)),
                )
            )
        else:
            shape.append((type(element), str(element), element.hidden, links, list(vars(element))))
    return shape


def _same_tree(markup: str | bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        stock, lean = _stock(markup), _lean(markup)
    assert _shape(lean) == _shape(stock)
    assert lean.decode() == stock.decode()


@pytest.mark.parametrize("name", list(ODD_MARKUP))
def test_odd_markup_gives_the_tree_beautifulsoup_gives(name):
    _same_tree(ODD_MARKUP[name])
    _same_tree(ODD_MARKUP[name].encode("utf-8"))


def test_fixture_pages_give_the_tree_beautifulsoup_gives():
    for path in sorted(FIXTURES.glob("*.html")):
        _same_tree(path.read_bytes())
        _same_tree(path.read_text("utf-8"))


def test_sample_corpus_gives_the_tree_beautifulsoup_gives(samples, group_seed, article_seed):
    markups: list[str | bytes] = [article_seed.read_bytes()]
    markups += [path.read_bytes() for path in sorted((samples / "articles").glob("*.html"))]
    for path in [group_seed, *sorted((samples / "wordpress").glob("*.json"))]:
        items = json.loads(path.read_text("utf-8"))
        for item in items if isinstance(items, list) else [items]:
            markups.append(item["content"]["rendered"])
    assert len(markups) >= 25  # the article seed, 7 HTML articles, 20-odd WordPress posts
    for markup in markups:
        _same_tree(markup)


def test_a_declared_charset_decodes_bytes_as_beautifulsoup_does():
    page = '<meta charset="windows-1252"><p>caf\u00e9 \u2013 na\u00efve</p>'.encode("cp1252")
    _same_tree(page)
    assert "café – naïve" in _lean(page).get_text()


def test_a_parsed_page_is_searched_and_edited_like_any_soup():
    page = FIXTURES.joinpath("docs-page.html").read_bytes()
    lean, stock = _lean(page), _stock(page)
    assert [tag.name for tag in lean.find_all(True)] == [tag.name for tag in stock.find_all(True)]
    assert [tag.get_text() for tag in lean.select("h1, h2")] == [
        tag.get_text() for tag in stock.select("h1, h2")
    ]
    for soup in (lean, stock):
        soup.find(["h1", "h2"]).decompose()
        soup.find("p").insert_before(soup.new_tag("hr"))
    assert _shape(lean) == _shape(stock)


def test_a_parsed_page_copies_and_pickles_like_any_soup():
    page = FIXTURES.joinpath("blog-post.html").read_bytes()
    lean, stock = _lean(page), _stock(page)
    assert copy.copy(lean).decode() == copy.copy(stock).decode()
    assert pickle.loads(pickle.dumps(lean)).decode() == pickle.loads(pickle.dumps(stock)).decode()


def test_asking_for_part_of_a_tree_is_refused_not_ignored():
    with pytest.raises(ValueError, match="whole trees"):
        LeanSoup("<p>a</p><a>b</a>", builder=lean_builder(), parse_only=SoupStrainer("a"))


def test_a_dismantled_tree_is_freed_without_the_cycle_collector():
    page = FIXTURES.joinpath("docs-page.html").read_bytes()
    soup = _lean(page)
    tags = [weakref.ref(tag) for tag in soup.find_all(True)]
    headline = soup.find("h1").string
    gc.disable()
    try:
        soup.dismantle()
        del soup
        assert len(tags) > 50 and all(tag() is None for tag in tags)
    finally:
        gc.enable()
    assert headline == _stock(page).find("h1").string  # strings stay strings


def test_an_undismantled_tree_waits_for_the_cycle_collector():
    soup = _lean(FIXTURES.joinpath("docs-page.html").read_bytes())
    tags = [weakref.ref(tag) for tag in soup.find_all(True)]
    gc.disable()
    try:
        del soup
        assert all(tag() is not None for tag in tags)
    finally:
        gc.enable()
    gc.collect()
    assert all(tag() is None for tag in tags)
