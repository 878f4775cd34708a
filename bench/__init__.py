"""Load, latency and scale-out checks (`make bench`, `make scale-test`); not part of the product."""
