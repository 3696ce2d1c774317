"""`python -m benchmarks [--sizes 1k,10k,100k]`: every benchmark in turn; the speed runs
take the sizes (see benchmarks/speed.py)."""

import sys

from benchmarks import (
    extraction,
    hostile_queries,
    inference,
    inference_cost,
    relevance,
    speed,
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
    lambda: speed.main(sys.argv[1:]),
)

sys.exit(max(benchmark() for benchmark in BENCHMARKS))
