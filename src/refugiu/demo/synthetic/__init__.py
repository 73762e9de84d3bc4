"""Synthetic data for the benchmarks, one module per domain: plainly fake, deterministic for a seed, large.

The `generate_cases`, `generate_directory` and `generate_programme` commands call them.
"""
