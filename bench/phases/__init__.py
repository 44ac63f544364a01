"""The benchmark's phases, in the order bench/run.py runs them: data, pages, exports, imports, load, sqlite."""
