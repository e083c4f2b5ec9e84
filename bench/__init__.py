"""The ZAVhoz benchmark: `make bench` (mixed workload) and `make bench-data` (data scale)."""
