"""`python -m benchmarks [--sizes 1k,10k]`: hostile queries, then speed at each size."""

import sys

from benchmarks import hostile_queries, speed

status = hostile_queries.main()
sys.exit(speed.main() or status)
