"""`python -m benchmarks`: every benchmark in turn."""

import sys

from benchmarks import hostile_queries

sys.exit(hostile_queries.main())
