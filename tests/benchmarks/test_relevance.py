from benchmarks.relevance import rank_of, scores


def test_rank_is_the_place_of_the_first_expected_page_found():
    found = ["a.html", "b.html", "c.html", "d.html"]
    assert rank_of(found, ("d.html", "b.html")) == 2


def test_rank_is_none_when_no_expected_page_is_in_the_results():
    assert rank_of(["a.html", "b.html"], ("z.html",)) is None


def test_scores_are_mean_reciprocal_rank_and_success_rates():
    result = scores([1, 2, 4, None])
    assert result.mrr == (1 + 1 / 2 + 1 / 4) / 4
    assert result.success_at_1 == 1 / 4
    assert result.success_at_3 == 2 / 4
