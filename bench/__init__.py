"""kptracker's benchmark (bench/run.py): its phases in bench/phases/, its results in bench/outcome.py."""
