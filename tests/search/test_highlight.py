"""Highlights: the query's words marked in titles and snippets, the rest escaped."""

import pytest

from search.engine import SearchEngine
from search.highlight import Marker, scannable
from search.request import SearchRequest

# From samples/articles/2024-07-30-peatland-sensors.html.
PEATLAND = (
    "Researchers from Example Research Lab – Cambridge, working with peatland scientists in "
    "Scotland and near Jyväskylä in Finland, have installed 150 sensor stakes"
)


@pytest.fixture(scope="module")
def engine(sample_index):
    return SearchEngine(sample_index)


@pytest.mark.parametrize("typed", ["jyvaskyla", "Jyväskylä", "JYVASKYLA"])
def test_a_word_is_marked_as_written_however_its_accents_were_typed(engine, typed):
    [hit] = engine.search(SearchRequest(query=typed)).hits
    assert "<mark>Jyväskylä</mark>" in hit.snippet_html


def test_an_accented_letter_matches_its_plain_letter_in_either_case():
    marker = Marker(("jyvaskyla",))
    assert "near <mark>Jyväskylä</mark> in" in marker.title_html(PEATLAND)
    assert marker.title_html("JYVÄSKYLÄ") == "<mark>JYVÄSKYLÄ</mark>"


def test_a_form_inside_a_longer_word_is_not_marked():
    assert "<mark>" not in Marker(("search",)).title_html(PEATLAND)


def test_the_words_a_stem_stands_for_are_marked_and_no_others_sharing_its_letters():
    marked = Marker(("research", "stake")).title_html(PEATLAND)
    assert marked.startswith("<mark>Researchers</mark> from Example <mark>Research</mark> Lab")
    assert marked.endswith("150 sensor <mark>stakes</mark>")
    assert "<mark>" not in Marker(("peat",)).title_html(PEATLAND)  # "peatland" is its own stem
    # A stem may end in a letter its words do not.
    marked = Marker(("memori",)).title_html("Memory, memories and memorable")
    assert marked == "<mark>Memory</mark>, <mark>memories</mark> and memorable"


def test_a_letter_whose_lower_case_is_longer_keeps_the_marks_in_place():
    marked = Marker(("istanbul",)).title_html("İstanbul and Istanbul")
    assert marked == "<mark>İstanbul</mark> and <mark>Istanbul</mark>"


def test_the_scanned_text_keeps_every_letter_in_its_place():
    scanned = scannable(PEATLAND)
    assert len(scanned) == len(PEATLAND)
    assert "Lab   Cambridge" in scanned  # the dash is not a letter: a space
    assert "near Jyvaskyla in Finland" in scanned
    assert scanned.isascii()
    assert scannable("Ærø") == "Æro"  # Æ folds to two letters in the index: left alone


@pytest.mark.parametrize(
    ("text", "keep"),
    [
        ("π≈3 “ж”", ""),  # letters that stay outside ASCII: spaces would gain nothing
        ("\u039a\u039f\u03a3\u00ad\u039c\u039f\u03a3’", ""),  # "Σ" lower-cases by its neighbours
        ("i\u0307stanbul’s", "\u0307"),  # the query's own word has the combining dot
        ("".join(chr(0x2200 + n) for n in range(65)), ""),  # a pass each: too many
    ],
)
def test_a_text_that_spaces_could_mark_differently_is_scanned_as_it_is(text, keep):
    assert scannable(text, frozenset(keep)) == text
    assert scannable("é" + text, frozenset(keep)) == "e" + text  # accents still folded


def test_a_word_with_a_combining_mark_is_marked_beside_a_curly_quote():
    assert Marker(("i\u0307stanbul",)).title_html("i\u0307stanbul’s") == (
        "<mark>i\u0307stanbul</mark>’s"
    )


def test_a_word_between_typographic_quotes_and_dashes_is_marked():
    marked = Marker(("jyvaskyla", "sensor")).title_html("“Jyväskylä’s”—sensors\u00a0Jyväskylä")
    assert marked == ("“<mark>Jyväskylä</mark>’s”—<mark>sensors</mark>\u00a0<mark>Jyväskylä</mark>")


def test_a_dotted_name_is_marked_whole_before_its_first_part():
    marker = Marker(("async", "asyncio.run", "os", "os.path"))
    marked = marker.title_html("call asyncio.run() from async code in the os.path module")
    assert marked == (
        "call <mark>asyncio.run</mark>() from <mark>async</mark> code in the "
        "<mark>os.path</mark> module"
    )


def test_a_text_of_endless_candidates_is_checked_only_so_far():
    """1,500 distinct words sharing a query word's prefix, none of them its form:
    each candidate is stemmed, so only the first MAX_CANDIDATES are looked at."""
    words = [f"memor{chr(97 + n // 26 % 26)}{chr(97 + n % 26)}x" for n in range(1500)]
    text = " ".join([*words, "memory"])
    assert "<mark>" not in Marker(("memori",)).snippet_html(text, "")
    assert Marker(("memori",)).snippet_html("memory " + text, "").startswith("<mark>memory</mark>")
