"""The positions CSV from one SQLite file: kptracker under gunicorn against Datasette's streamed CSV."""

import os
from pathlib import Path

from bench.base import PYTHON, download_rows, run, say
from bench.outcome import SqliteSpeed
from bench.phases.exports import export_http
from scripts.serving import ROOT, free_port, serve

DATASETTE_VENV = ROOT / "bench" / ".venv-datasette"
DATASETTE_VERSION = "0.65.5"


def datasette_ready(install):
    """The Datasette executable of the benchmark's own virtualenv, installing it if allowed; None if absent."""
    exe = DATASETTE_VENV / "bin" / "datasette"
    if exe.exists():
        version = run([str(exe), "--version"], capture=True)
        if DATASETTE_VERSION in version:
            return exe
        if not install:
            return None
    if not install:
        return None
    say(f"Installing datasette=={DATASETTE_VERSION} in {DATASETTE_VENV.relative_to(ROOT)}")
    if not (DATASETTE_VENV / "bin" / "python").exists():
        run([PYTHON, "-m", "venv", str(DATASETTE_VENV)])
    run([str(DATASETTE_VENV / "bin" / "python"), "-m", "pip", "install", "-q", f"datasette=={DATASETTE_VERSION}"])
    return exe


def datasette_speed(setup, exe, expected_rows):
    """Datasette's streamed CSV of the positions table (plain and with labels) on the SQLite file: rows/s."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        str(exe),
        "serve",
        str(setup.sqlite_path),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        # Without this Datasette cuts the stream at 100 MB and still answers 200.
        "--setting",
        "max_csv_mb",
        "0",
    ]
    rates = {}
    out = Path(setup.workdir) / "datasette.csv"
    log_path = Path(setup.workdir) / "datasette.log"
    with serve(command, f"{base}/-/versions.json", os.environ.copy(), log_path, "datasette"):
        table = f"{base}/{setup.sqlite_path.stem}/positions_position.csv?_stream=on&_size=max"
        for key, url in (("plain", table), ("labels", table + "&_labels=on")):
            rates[key] = download_rows(url, out, expected_rows, f"Datasette's CSV ({key}, {url})")[0]
    out.unlink(missing_ok=True)
    return rates


def sqlite_speed(setup, exe, rows):
    ours = export_http(setup, "sqlite", rows, runs=1, database_url=setup.sqlite_url())["rows_per_s"]
    if not exe:
        why = f"skipped: {DATASETTE_VENV.relative_to(ROOT)} does not exist (a full run installs it)"
        return SqliteSpeed(ours_sqlite_csv_rows_per_s=ours, datasette=why)
    rates = datasette_speed(setup, exe, rows)
    return SqliteSpeed(
        ours_sqlite_csv_rows_per_s=ours,
        datasette_csv_rows_per_s=rates["plain"],
        datasette_labels_csv_rows_per_s=rates["labels"],
        datasette=f"datasette {DATASETTE_VERSION}",
    )
