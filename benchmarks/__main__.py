"""`python -m benchmarks`: every benchmark in turn."""

import sys

from benchmarks import hostile_queries, relevance, typos

sys.exit(max(benchmark.main() for benchmark in (hostile_queries, relevance, typos)))
