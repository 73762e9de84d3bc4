"""The demo and the synthetic data, above every domain so that no domain holds them.

`refugiu demo` (management/commands/demo.py) loads the seed organisation's data and the demo accounts
into an empty database. The `generate_*` commands make large, plainly fake data for the benchmarks.
Only this package, the project wiring and the tests import it.
"""
