"""`python -m benchmarks`: every benchmark in turn; fails if any of them does."""

import sys

from benchmarks import extraction, hostile_queries

sys.exit(max(benchmark.main() for benchmark in (hostile_queries, extraction)))
