"""`python -m benchmarks`: every benchmark in turn."""

import sys

from benchmarks import (
    extraction,
    hostile_queries,
    inference,
    inference_cost,
    relevance,
    suggestions,
    typos,
)

BENCHMARKS = (
    hostile_queries.main,
    extraction.main,
    relevance.main,
    typos.main,
    suggestions.main,
    inference.main,
    lambda: inference_cost.main([]),
)

sys.exit(max(benchmark() for benchmark in BENCHMARKS))
