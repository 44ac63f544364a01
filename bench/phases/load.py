"""Requests/s under gunicorn (2 workers) driven by wrk: the trivial view, the timeline, the matrix, and the
position list as a page and as the JSON API (the same 50 rows, the first page of each)."""

import os
import re
import shutil

from bench.base import Broken, run, say
from bench.outcome import LoadSpeed, WrkRun
from pages.pagination import PER_PAGE
from scripts.serving import ROOT, http_status

PATHS = (
    ("baseline", "/healthz/"),
    ("timeline", "/"),
    ("matrix", "/matrix/"),
    # The API against the page it mirrors, at the page's own size.
    ("positions_page", "/positions/"),
    ("positions_api", f"/api/v1/positions?page_size={PER_PAGE}"),
)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    say("wrk is missing: installing Debian's package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    run([*sudo, "apt-get", "update", "-qq"], env=env)
    run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], env=env)


def wrk(url, duration, connections=16, threads=2):
    out = run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", url],
        capture=True,
        timeout=duration + 60,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise Broken(f"wrk printed no Requests/sec for {url}:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad:
        raise Broken(f"wrk: {bad.group(1)} responses to {url} were errors:\n{out}")
    errors = re.search(r"Socket errors:.*", out)
    latency = re.search(r"Latency\s+(\S+)", out)
    return WrkRun(
        rps=float(match.group(1)),
        socket_errors=errors.group(0) if errors else "",
        latency_avg=latency.group(1) if latency else "",
    )


def load_speed(setup, duration):
    """LoadSpeed: wrk for `duration` seconds on each path.

    The trivial view is /healthz/: one `SELECT 1` on the worker's open connection, no template, no cache.
    Before 2026-12-01 it did no database work at all, so baselines (and matrix/baseline ratios) from
    earlier runs are not quite comparable with later ones.
    """
    runs = {}
    with setup.gunicorn("gunicorn-wrk", workers=2) as (base, _master):
        for key, path in PATHS:
            status = http_status(f"{base}{path}", timeout=60)
            if status != 200:  # wrk counts a 3xx as a success: make sure it is a real page
                raise Broken(f"{path} answered {status} under gunicorn")
            runs[key] = wrk(f"{base}{path}", duration)
    return LoadSpeed(
        baseline_rps=runs["baseline"].rps,
        timeline_rps=runs["timeline"].rps,
        matrix_rps=runs["matrix"].rps,
        matrix_rps_ratio=runs["matrix"].rps / runs["baseline"].rps,
        positions_page_rps=runs["positions_page"].rps,
        positions_api_rps=runs["positions_api"].rps,
        api_page_ratio=runs["positions_api"].rps / runs["positions_page"].rps,
        wrk=runs,
    )


def loadtest(load, seconds):
    """`make loadtest` (scripts/loadtest.sh) for `seconds` per part, its figures added to `load` (LoadSpeed).

    Its own server and data: gunicorn with 4 workers over a database of the curated record, wrk with 32
    clients over the page mix and then over one static file, the baseline issue 17 measures it against."""
    env = os.environ | {"LOAD_SECONDS": str(seconds)}
    env.pop("DATABASE_URL", None)  # the script makes its own database
    out = run([str(ROOT / "scripts" / "loadtest.sh")], capture=True, env=env, timeout=2 * seconds + 300)
    line = next((line for line in out.splitlines() if line.startswith("LOADTEST ")), None)
    if line is None:
        raise Broken(f"make loadtest printed no LOADTEST line:\n{out[-2000:]}")
    figures = dict(part.split("=", 1) for part in line.split()[1:])
    load.loadtest_mix_rps = float(figures["mix_rps"])
    load.loadtest_static_rps = float(figures["static_rps"])
    load.loadtest_ratio = load.loadtest_mix_rps / load.loadtest_static_rps
