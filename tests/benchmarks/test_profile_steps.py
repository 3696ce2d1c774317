"""The profiler's step tables name functions that exist, so no step silently reads 0 s."""

import re
from pathlib import Path

import pytest

from benchmarks.profile_steps import REINDEX_STEPS, SEARCH_STEPS

ROOT = Path(__file__).resolve().parents[2]
OURS = ("index/", "search/", "web/")


@pytest.mark.parametrize(
    "label, path, function",
    [step for step in REINDEX_STEPS + SEARCH_STEPS if step[1].startswith(OURS) and step[2]],
)
def test_each_step_of_ours_names_a_function_in_its_file(label, path, function):
    source = (ROOT / path).read_text("utf-8")
    assert re.search(rf"^\s*def {function}\(", source, re.MULTILINE), f"{label}: {path}"
