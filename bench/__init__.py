"""Benchmarks, each printing a table; see docs/performance.md."""
