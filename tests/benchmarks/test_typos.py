from benchmarks.judgments import Typo
from benchmarks.typos import LEFT_ALONE, RIGHT, WRONG_CHANGE, verdict

MISSPELT = Typo("enviroment", "environment", "dropped")
NAME = Typo("PyPI", "PyPI", "keep")


def test_the_intended_word_is_right_whatever_its_case():
    assert verdict(MISSPELT, "Environment") == RIGHT


def test_a_misspelt_word_left_as_typed_is_left_alone():
    assert verdict(MISSPELT, None) == LEFT_ALONE
    assert verdict(MISSPELT, "enviroment") == LEFT_ALONE


def test_a_misspelt_word_changed_to_another_word_is_a_wrong_change():
    assert verdict(MISSPELT, "environ") == WRONG_CHANGE


def test_a_name_is_right_only_when_left_alone():
    assert verdict(NAME, None) == RIGHT
    assert verdict(NAME, "pipe") == WRONG_CHANGE


def test_two_slips_count_as_two_edits():
    assert Typo("asyncronus", "asynchronous", "two").edits == 2
    assert MISSPELT.edits == 1
