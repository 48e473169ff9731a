"""The benchmarks and load tools (never part of `make test`); see bench/README.md."""
