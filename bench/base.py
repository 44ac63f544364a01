"""What every phase of the benchmark uses: the error that fails the run, progress, commands, downloads."""

import subprocess
import sys
import time
from pathlib import Path

from scripts.serving import ROOT, stop_group

PYTHON = sys.executable

# Every time limit of the run is multiplied by this: 1 for make bench, 10 for make bench-large, whose
# data is ten times larger (a limit is there to stop a hung run, not to judge a slow one).
PATIENCE = 1


def patient(seconds):
    """A time limit of the full run, scaled to this run's data."""
    return seconds * PATIENCE


class Broken(Exception):
    """Something is wrong (not merely slow): the run exits non-zero."""


def say(text=""):
    """Progress, on stderr: stdout carries the report and the JSON line."""
    print(text, file=sys.stderr, flush=True)


def run(command, env=None, timeout=900, capture=False):
    """Run a command to completion (killing its process group if we are interrupted); its stdout if captured."""
    process = subprocess.Popen(  # noqa: S603 - our own fixed commands
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if capture else sys.stderr,
        stderr=sys.stderr,
        start_new_session=True,
        text=True,
    )
    try:
        out, _ = process.communicate(timeout=patient(timeout))
    except subprocess.TimeoutExpired:
        stop_group(process)
        raise Broken(f"{' '.join(map(str, command))} took longer than {patient(timeout)} s") from None
    except BaseException:
        stop_group(process)
        raise
    if process.returncode != 0:
        raise Broken(f"{' '.join(map(str, command))} exited with {process.returncode}")
    return out


class PhaseClock:
    """Announces each phase of the run on stderr and records how long it took, in timings["<name>_s"]."""

    def __init__(self, timings):
        self.timings, self.name, self.started = timings, None, 0.0

    def start(self, name, message):
        self.stop()
        say(f"== {message}")
        self.name, self.started = name, time.monotonic()

    def stop(self):
        if self.name:
            self.timings[f"{self.name}_s"] = time.monotonic() - self.started
            self.name = None


def children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def proc_status_mb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    raise Broken(f"no {field} in /proc/{pid}/status")


def csv_records(path):
    """The number of CSV records in a file, header included, fast enough for a million rows.

    A line break ends a record unless it is inside a quoted field: RFC 4180 doubles quotes inside a
    field, so a field is open exactly when an odd number of quote characters came before.
    """
    records, quoted = 0, False
    with open(path, "rb") as f:
        for line in f:
            if line.count(b'"') % 2:
                quoted = not quoted
            if not quoted:
                records += 1
    if quoted:
        raise Broken(f"{path} ends inside a quoted field: the CSV is cut short")
    return records


def curl_download(url, path, timeout):
    """Fetch url to path with curl, within `timeout` s of a full run (scaled, as run() scales its own);
    (status, bytes, seconds, seconds to the first byte)."""
    out = run(
        [
            "curl",
            "-sS",
            "--max-time",
            str(patient(timeout)),
            "-o",
            str(path),
            "-w",
            "%{http_code} %{size_download} %{time_total} %{time_starttransfer}",
            url,
        ],
        capture=True,
        timeout=timeout + 30,
    )
    status, size, total, first = out.split()
    return int(status), int(float(size)), float(total), float(first)


def download_rows(url, path, expected_rows, what):
    """Download a CSV with curl and check it holds expected_rows rows: (rows/s, bytes, seconds to the first byte)."""
    status, size, seconds, first = curl_download(url, path, timeout=600)
    if status != 200:
        raise Broken(f"{what} answered {status}")
    rows = csv_records(path) - 1
    if rows != expected_rows:
        raise Broken(f"{what} had {rows:,} rows, not {expected_rows:,}")
    return rows / seconds, size, first
