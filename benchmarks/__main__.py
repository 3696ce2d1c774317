"""`python -m benchmarks`: every benchmark in turn."""

import sys

from benchmarks import hostile_queries, inference, inference_cost

sys.exit(hostile_queries.main() or inference.main() or inference_cost.main([]))
