"""Setup: static files, PostgreSQL filled at 1x (an SQLite copy built alongside), then replaced at 10x."""

import time


def generate(setup, scale, *, flush=False):
    """manage.py generate_synthetic at `scale`: the seconds it took."""
    started = time.monotonic()
    args = ["generate_synthetic", "--scale", f"{scale:g}", "-v", "1"]
    if flush:
        args.append("--flush-synthetic")
    setup.manage(*args, timeout=1200)  # scaled by run() in a large run
    return time.monotonic() - started


def fill_1x(setup, scale, timings):
    """A recreated PostgreSQL database at `scale`, and the SQLite file for the Datasette comparison."""
    # The SQLite copy is built meanwhile: nothing is being measured yet.
    sqlite_build = setup.build_sqlite(scale)
    setup.recreate_database()
    setup.manage("migrate", "--noinput", "-v", "0")
    timings["generate_1x_s"] = generate(setup, scale)
    setup.vacuum_analyze()
    setup.wait(sqlite_build, "the SQLite database")


def fill_10x(setup, scale, timings):
    # generate_synthetic refuses to add to earlier synthetic data: replace it (same transaction).
    timings["generate_10x_s"] = generate(setup, scale, flush=True)
    setup.vacuum_analyze()
