"""Area inference: keywords and learned profiles guess areas for pages that name none."""

import heapq
import math
from dataclasses import replace

import pytest

from index.document import Document
from index.inference import (
    AreaCounts,
    area_model,
    area_scores,
    count_documents,
    infer_areas,
    updated_counts,
    words,
)
from index.scan import scan

# Measured 0.85 precision, 0.50 recall (benchmarks/inference.py); a regression fails here.
PRECISION_FLOOR = 0.75
RECALL_FLOOR = 0.40


@pytest.fixture(scope="module")
def sample_documents(samples, taxonomy) -> dict[str, Document]:
    return scan([str(samples)], taxonomy, lambda files: files).documents


@pytest.fixture(scope="module")
def labelled(sample_documents) -> list[Document]:
    return [doc for doc in sample_documents.values() if doc.areas]


@pytest.fixture(scope="module")
def model(labelled, taxonomy):
    return area_model(count_documents(labelled), taxonomy.keywords)


def article(title: str, body: str) -> Document:
    return Document(id=f"article:{title}", url="", title=title, kind="article", body=body)


def by_title(documents: dict[str, Document], start: str) -> Document:
    return next(doc for doc in documents.values() if doc.title.startswith(start))


def test_seed_article_is_inferred_to_be_about_artificial_intelligence(
    model, sample_documents, article_seed
):
    [seed] = [doc for doc in sample_documents.values() if doc.source == str(article_seed)]
    assert seed.areas == ()
    assert infer_areas(model, seed) == ("Artificial intelligence",)


def test_labelled_page_never_gets_inferred_areas(model, labelled):
    assert all(infer_areas(model, doc) == () for doc in labelled)


def test_held_out_labels_are_mostly_guessed_right(labelled, taxonomy):
    guessed = right = hidden = 0
    for doc in labelled:
        others = count_documents(other for other in labelled if other.id != doc.id)
        guess = set(infer_areas(area_model(others, taxonomy.keywords), replace(doc, areas=())))
        guessed += len(guess)
        right += len(guess & set(doc.areas))
        hidden += len(doc.areas)
    assert right / guessed >= PRECISION_FLOOR
    assert right / hidden >= RECALL_FLOOR


def test_at_most_three_areas_are_guessed(model, sample_documents):
    assert max(len(infer_areas(model, doc)) for doc in sample_documents.values()) == 3


def test_short_text_gets_no_guess_however_clear(model):
    assert infer_areas(model, article("Qubits", "Quantum computing with logical qubits.")) == ()


def test_text_about_nothing_the_areas_know_gets_no_guess(model):
    body = (
        "Preheat the oven and butter a deep tin. Cream the butter with the sugar until pale, "
        "beat in the eggs one at a time, then fold in the flour, the ground almonds and the "
        "zest of two lemons. Spoon the batter into the tin, smooth the top and bake for forty "
        "minutes, until a skewer comes out clean. While it bakes, warm the lemon juice with "
        "more sugar to make a syrup, prick the warm cake all over and pour the syrup on. "
        "Leave it in the tin to cool completely before slicing; it keeps for three days."
    )
    assert infer_areas(model, article("Lemon drizzle cake", body)) == ()


def test_keywords_alone_guess_without_any_labelled_page(taxonomy, sample_documents):
    keywords_only = area_model(AreaCounts(), taxonomy.keywords)
    qubit = by_title(sample_documents, "Quantum error correction milestone")
    assert infer_areas(keywords_only, qubit)[0] == "Quantum computing"


def test_profiles_alone_guess_from_the_labelled_pages(labelled, sample_documents):
    profiles_only = area_model(count_documents(labelled), {})
    genomics = by_title(sample_documents, "Genomics Team Uses Machine Learning")
    assert "Medical, health & genomics" in infer_areas(profiles_only, genomics)


def test_a_keyword_inside_a_longer_keyword_counts_once(taxonomy):
    keywords_only = area_model(AreaCounts(), taxonomy.keywords)
    scores = area_scores(keywords_only, words("neural networks and neural networks " * 20))
    assert scores["Artificial intelligence"] > 0
    assert scores["Systems and networking"] == 0


def test_words_are_stemmed_folded_and_stripped_of_numbers_and_stop_words():
    assert words("The Réseaux of 2021 learned GPUs") == ["reseaux", "learn", "gpu"]


def test_counts_updated_with_a_few_pages_equal_counts_learned_from_scratch(labelled):
    first, second, *rest = labelled
    edited = replace(second, body=second.body + " qubits", content_hash="")
    updated = updated_counts(count_documents([first, second, *rest]), [second], [edited])
    assert updated == count_documents([first, edited, *rest])


def test_removing_every_page_leaves_no_counts(labelled):
    emptied = updated_counts(count_documents(labelled), labelled, [])
    assert emptied == AreaCounts()


def test_a_sentence_given_as_a_keyword_is_ignored():
    sentence = "quantum " * 7
    model = area_model(AreaCounts(), {"Quantum computing": (sentence, "qubit")})
    assert model.phrase_lengths == {"qubit": (1,)}


def _profile_by_the_loop(counts: AreaCounts, area: str, keep: int) -> dict[str, float]:
    """The profile as first written, one term at a time in plain Python."""
    size, total = counts.area_documents[area], counts.documents
    others = total - size
    weights = {}
    for term, inside in counts.area_terms[area].items():
        everywhere = counts.term_documents[term]
        lift = inside / size - ((everywhere - inside) / others if others else 0.0)
        if lift > 0:
            weights[term] = lift * math.log(1 + total / everywhere)
    top = heapq.nsmallest(keep, weights.items(), key=lambda item: (-item[1], item[0]))
    norm = math.sqrt(sum(w * w for _, w in top))
    return {term: w / norm for term, w in top}


@pytest.mark.parametrize("keep", [2000, 25])
def test_profiles_are_the_plain_loops_weight_for_weight_in_order(
    labelled, taxonomy, monkeypatch, keep
):
    monkeypatch.setattr("index.inference.PROFILE_TERMS", keep)
    counts = count_documents(labelled)
    model = area_model(counts, taxonomy.keywords)
    assert model.profiles
    for area, profile in model.profiles.items():
        expected = _profile_by_the_loop(counts, area, keep)
        assert list(profile.items()) == list(expected.items())  # same floats, same order
    if keep == 25:
        assert {len(profile) for profile in model.profiles.values()} == {25}
