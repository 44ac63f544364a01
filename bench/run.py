"""kptracker's benchmark: pages, exports and the import measured against the limits (issues 6 and 11).

    make bench          # .venv/bin/python bench/run.py: scale 1 and 10, about 7 minutes
    make bench-quick    # bench/run.py --quick: scales 0.02 and 0.2, under 2 minutes (CI)
    make bench-large    # bench/run.py --large: scales 10 and 100 (1M and 10M positions), about 70 minutes

Runs against PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kptracker_bench),
which it DROPS and recreates, so it refuses a database whose name does not contain "bench". It also
uses an SQLite file next to it, /tmp/<database name>.sqlite3, for the comparison with Datasette.

Prints a report (goals met or missed) and, as its last line, one JSON object; a full run also
writes that JSON to bench/results/latest.json. Exits non-zero only when something is broken (an
error, a status other than 200, an incomplete export, query counts that grow with the data), never
because a speed goal is missed: machines are shared and absolute times drift, ratios are what count.

Every server it starts (gunicorn, Datasette) listens on 127.0.0.1 only, in its own process group,
and is stopped on the way out whatever happens.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on sys.path; import everything from the project root instead.
if Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench import base  # noqa: E402
from bench.base import Broken, PhaseClock  # noqa: E402
from bench.environment import Setup  # noqa: E402
from bench.outcome import Results, goals, to_json  # noqa: E402
from bench.phases import data, exports, imports, load, pages, sqlite  # noqa: E402
from bench.report import report  # noqa: E402
from scripts.serving import ServerError  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"
LARGE_RESULTS = ROOT / "bench" / "results" / "large.json"
# The scales of each mode, the smaller one reported as "1x" and the larger as "10x": 1 = 100,000 positions.
SCALES = {"quick": (0.02, 0.2), "full": (1.0, 10.0), "large": (10.0, 100.0)}
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kptracker_bench"


def bench(args):
    started = time.monotonic()
    quick = args.quick
    mode = "quick" if quick else "large" if args.large else "full"
    scale_1, scale_10 = SCALES[mode]
    base.PATIENCE = max(1, round(scale_10 / 10))
    requests = 5 if quick else 15
    wrk_seconds = 2 if quick else 10
    setup = Setup(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    r = Results(mode=mode, scales=[scale_1, scale_10], database=setup.name)
    clock = PhaseClock(r.timings)
    try:
        load.ensure_wrk()
        for tool in ("curl",):
            if not shutil.which(tool):
                raise Broken(f"{tool} is needed and missing")
        exe = sqlite.datasette_ready(install=not quick)
        clock.start("static", "static files (DEBUG off serves them through the manifest)")
        setup.manage("collectstatic", "--noinput", "-v", "0")

        clock.start("setup_1x", f"PostgreSQL: recreating {setup.name}, scale {scale_1:g}; SQLite alongside")
        data.fill_1x(setup, scale_1, r.timings)

        clock.start("probe_1x", "matrix, alignment, queries and export SQL at 1x")
        # The data package streams every table: only the quick run counts its queries.
        skip = () if quick else ("/export/kptracker-data.zip",)
        one, r.matrix_1x = pages.matrix_1x(setup, requests, skip)
        r.alignment_1x = pages.alignment(one)
        positions_1x = r.matrix_1x.positions_1x

        clock.start("export_1x", "/export/positions.csv under gunicorn vs COPY at 1x")
        r.export_1x = exports.export_speed(setup, "1x", one, positions_1x, http_runs=2, copy_runs=3)
        if not quick:
            clock.start("profile_1x", "where the export's time goes (in process, 1x)")
            r.export_profile_rows_per_s = exports.profile(setup, r.export_1x)

        import_rows = min(positions_1x, 2000 if quick else 20000)
        clock.start("import_1x", f"manage.py import_csv of {import_rows:,} exported positions (rolled back)")
        r.imports = imports.import_speed(setup, import_rows)

        clock.start("wrk", f"requests/s under gunicorn (2 workers, wrk {wrk_seconds} s each)")
        r.load = load.load_speed(setup, wrk_seconds)
        if not quick:
            clock.start("loadtest", "make loadtest: 32 clients over the page mix, then over a static file")
            load.loadtest(r.load, 30)

        clock.start("sqlite", "SQLite: kptracker and Datasette on the same file")
        r.sqlite = sqlite.sqlite_speed(setup, exe, positions_1x)

        clock.start("setup_10x", f"PostgreSQL: scale {scale_10:g}, replacing the synthetic data")
        data.fill_10x(setup, scale_10, r.timings)
        clock.start("probe_10x", "matrix, alignment, queries and export SQL at 10x")
        # Five matrix requests are enough at 10x (an uncached one takes about a second).
        ten, r.matrix_10x, query_problems = pages.matrix_10x(setup, min(requests, 5), skip, one)
        r.alignment_10x = pages.alignment(ten)
        r.problems += query_problems

        clock.start("export_10x", "/export/positions.csv under gunicorn vs COPY at 10x")
        r.export_10x = exports.export_speed(setup, "10x", ten, r.matrix_10x.positions_10x, http_runs=1, copy_runs=2)
        r.complete = True
    except (Broken, ServerError) as error:
        r.problems.append(str(error))
    finally:
        clock.stop()
        setup.stop_background()
        shutil.rmtree(setup.workdir, ignore_errors=True)

    r.timings["total_s"] = time.monotonic() - started
    r.goals = goals(r)
    r.ok = not r.problems
    r.commit = git_commit()
    r.finished_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return r


def git_commit():
    try:
        command = ["git", "rev-parse", "--short", "HEAD"]
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser(description="kptracker's benchmark (issue 6). Drops and recreates DATABASE_URL.")
    parser.add_argument("--quick", action="store_true", help="tiny scales and short runs, for CI (under 2 minutes)")
    parser.add_argument(
        "--large", action="store_true", help="scales 10 and 100 (1M and 10M positions): about 70 minutes, not in CI"
    )
    parser.add_argument("--output", type=Path, help=f"write the JSON here (a full run: {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args()
    if args.quick and args.large:
        parser.error("--quick and --large are two different runs: choose one")

    # A SIGTERM (CI's timeout, kill) unwinds like Ctrl-C, through every finally that stops a server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        r = bench(args)
    except Broken as error:  # refused before anything ran (e.g. a database name without "bench")
        print(f"bench/run.py: {error}", file=sys.stderr)
        return 2
    result = to_json(r)
    output = args.output or (None if args.quick else LARGE_RESULTS if args.large else RESULTS)
    if output and r.complete:  # an aborted run leaves the last complete results in place
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2) + "\n")
    print(report(r))
    print(json.dumps(result))
    return 0 if r.ok else 1


if __name__ == "__main__":
    sys.exit(main())
