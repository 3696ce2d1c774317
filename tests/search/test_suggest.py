"""Spelling corrections: the words near a typed word, over the sample corpus's vocabulary."""

from itertools import islice, pairwise

import pytest
from rapidfuzz.distance import OSA

from index.store import open_index_to_search
from search.suggest import Vocabulary, letter_bits


@pytest.fixture(scope="module")
def vocabularies(sample_index) -> list[Vocabulary]:
    with open_index_to_search(sample_index).searcher() as searcher:
        return [Vocabulary.of(reader) for reader, _offset in searcher.reader().leaf_readers()]


def every_word(vocabulary: Vocabulary) -> list[str]:
    return [word for lines in vocabulary.words.values() for word in lines.split("\n")]


def typos(word: str) -> list[str]:
    """Each kind of edit once, at a few places: a letter left out, added, changed
    (also to letters outside ASCII), and two letters swapped; then two of them."""
    ones = []
    for at in range(0, len(word), 3):
        ones += [word[:at] + word[at + 1 :], word[:at] + "q" + word[at:]]
        ones += [word[:at] + "é" + word[at + 1 :], word[:at] + word[at + 1 : at + 2] + word[at]]
        ones += [word[:at] + "ж" + word[at:]]
    return [*ones, *(typo[:1] + typo[2:] for typo in ones if len(typo) > 3)]


def test_every_word_within_the_distance_is_found_as_a_full_comparison_finds_it(vocabularies):
    """The letter bits only pass over words that cannot be near: checked against
    comparing the typed word with every word of the vocabulary."""
    [largest, *_] = sorted(vocabularies, key=lambda v: -sum(len(w) for w in v.words.values()))
    words = every_word(largest)
    checked = 0
    for word in islice((w for w in words if len(w) >= 4), 0, None, 40):
        for typed in typos(word):
            for distance in (1, 2):
                near = {(found, edits) for found, edits, _count in largest.near(typed, distance)}
                expected = {
                    (other, OSA.distance(typed, other))
                    for other in words
                    if OSA.distance(typed, other) <= distance
                }
                assert near == expected, typed
                checked += len(expected)
    assert checked > 1000


def test_a_found_word_carries_its_document_count(vocabularies):
    vocabulary = vocabularies[0]
    for length, lines in vocabulary.words.items():
        for index, word in enumerate(lines.split("\n")[:50]):
            [(found, edits, count)] = [f for f in vocabulary.near(word, 0)]
            assert (found, edits) == (word, 0)
            assert count == vocabulary.counts[length][index] > 0


def test_each_edit_changes_at_most_two_of_the_letter_bits():
    def differing(a: str, b: str) -> int:
        return int(letter_bits(a) ^ letter_bits(b)).bit_count()

    assert differing("form", "from") == 0  # swapped
    assert differing("learning", "lerning") == 1  # left out
    assert differing("sensor", "sensors") == 0  # added, a letter it has
    assert differing("sensor", "sensur") == 2  # changed
    assert differing("peat", "péat") == 2  # changed to a letter outside ASCII


def test_words_outside_ascii_and_the_basic_plane_are_found_as_a_full_comparison_finds_them():
    """Letters that share a bit with another ("é" with "i"), or need two UTF-16 units."""
    words = ["café", "cafe", "caffè", "naïve", "naive", "😀😃😄😁", "😀😃😄😆", "ǅemal", "straße"]
    words += ["strasse", "жизнь", "жизни", "日本語", "日本人", "iiii", "éééé", "x\u0307yz"]
    vocabulary = Vocabulary.of_words((word, n + 1) for n, word in enumerate(words))
    documents = {word: n + 1 for n, word in enumerate(words)}
    for typed in [*words, "cafi", "naïv", "😀😃😄", "strase", "жизн", "日本", "iéii", "xyz"]:
        for distance in (1, 2):
            expected = {
                (word, OSA.distance(typed, word), documents[word])
                for word in words
                if OSA.distance(typed, word) <= distance
            }
            assert set(vocabulary.near(typed, distance)) == expected, typed


def test_a_word_is_held_where_the_index_has_documents_for_it(sample_index, vocabularies):
    with open_index_to_search(sample_index).searcher() as searcher:
        words = {word for vocabulary in vocabularies for word in every_word(vocabulary)}
        # Parts of words, longer words, and strings spanning two lines of a length.
        others = {word[:-1] for word in words} | {word + "s" for word in words}
        others |= {word[1:] + "\n" for word in words}
        others |= {"\n".join(pair) for pair in pairwise(sorted(words))}
        for word in sorted(words | others | {""}):
            held = any(vocabulary.has(word) for vocabulary in vocabularies)
            assert held == (searcher.doc_frequency("spelling", word) > 0), repr(word)
        assert len(words) > 1000
