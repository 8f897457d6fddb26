"""Performance harness (not part of the test run); see docs/benchmarks.md."""
