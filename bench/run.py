"""kptracker's benchmark: pages, exports and the import measured against the limits (issues 6 and 11).

    make bench          # .venv/bin/python bench/run.py: scale 1 and 10, about 7 minutes
    make bench-quick    # bench/run.py --quick: scales 0.02 and 0.2, under 2 minutes (CI)

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
import contextlib
import datetime
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results" / "latest.json"
DATASETTE_VENV = BENCH / ".venv-datasette"
DATASETTE_VERSION = "0.65.5"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kptracker_bench"
PYTHON = sys.executable

MATRIX_KEYS = ("page_cache", "matrix_ms", "matrix_first_ms", "matrix_uncached_ms", "matrix_sql_ms", "matrix_sql_all_ms")

# Goals (issue 6).
MATRIX_RATIO_MAX = 2.0
CSV_RATIO_MIN = 1 / 3
RSS_GROWTH_MAX = 1.2
MATRIX_RPS_RATIO_MIN = 0.25
IMPORT_ROWS_PER_S_MIN = 1000  # issue 11: manage.py import_csv, new positions written with their history


class Broken(Exception):
    """Something is wrong (not merely slow): the run exits non-zero."""


# --- small helpers ---------------------------------------------------------------------------------


def say(text=""):
    """Progress, on stderr: stdout carries the report and the JSON line."""
    print(text, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(process)
        raise Broken(f"{' '.join(map(str, command))} took longer than {timeout} s") from None
    except BaseException:
        stop_group(process)
        raise
    if process.returncode != 0:
        raise Broken(f"{' '.join(map(str, command))} exited with {process.returncode}")
    return out


def stop_group(process, grace=10):
    """SIGTERM the process group, SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)


def http_status(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@contextlib.contextmanager
def server(command, ready_url, env, log_dir, name, timeout=60):
    """A server in its own process group, up until ready_url answers 200; always stopped afterwards."""
    log_path = Path(log_dir) / f"{name}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own fixed commands
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise Broken(f"{name} exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                status = http_status(ready_url)
                if status == 200:
                    break
                raise Broken(f"{name}: {ready_url} answered {status}:\n{log_path.read_text()[-3000:]}")
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if time.monotonic() > deadline:
                    raise Broken(f"{name} did not answer within {timeout} s") from None
                time.sleep(0.2)
        yield process
    finally:
        stop_group(process)


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
    """Fetch url to path with curl; (status, bytes, seconds, seconds to the first byte)."""
    out = run(
        [
            "curl",
            "-sS",
            "--max-time",
            str(timeout),
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


class Phases:
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


def rnd(value, digits=1):
    return None if value is None else round(value, digits)


# --- the environment -------------------------------------------------------------------------------


class Setup:
    """Databases and the production-like environment every Django process of the benchmark gets."""

    def __init__(self, database_url):
        import dj_database_url

        self.database_url = database_url
        config = dj_database_url.parse(database_url)
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise Broken(f"DATABASE_URL must be a PostgreSQL URL, not {database_url!r}")
        self.db = config
        self.name = config["NAME"]
        if "bench" not in self.name:
            raise Broken(
                f"Refusing to run on database {self.name!r}: the benchmark drops and recreates its database, "
                "so its name must contain 'bench' (e.g. kptracker_bench)."
            )
        self.sqlite_path = Path(tempfile.gettempdir()) / f"{self.name}.sqlite3"
        self.workdir = tempfile.mkdtemp(prefix="kptracker-bench-")  # logs and downloads; removed at the end
        self.secret_key = secrets.token_urlsafe(50)
        self.background = []

    def env(self, database_url=None):
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        env |= {
            "DJANGO_SETTINGS_MODULE": "kptracker.settings",
            "DATABASE_URL": database_url or self.database_url,
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: no redirect to HTTPS (settings.py: on by default with DEBUG off).
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        return env

    def sqlite_url(self):
        return f"sqlite:///{self.sqlite_path}"

    def build_sqlite(self, scale):
        """Migrate a fresh SQLite file and fill it at `scale`, in the background; its log in the work dir."""
        self.sqlite_path.unlink(missing_ok=True)
        manage = f"{shlex.quote(PYTHON)} manage.py"
        script = f"{manage} migrate --noinput -v 0 && {manage} generate_synthetic --scale {scale:g} -v 1"
        log = open(Path(self.workdir) / "sqlite-build.log", "w")  # noqa: SIM115 - closed by wait()
        process = subprocess.Popen(  # noqa: S603
            ["sh", "-c", script],  # noqa: S607
            cwd=ROOT,
            env=self.env(self.sqlite_url()),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        self.background.append(process)
        return process

    def wait(self, process, name, timeout=600):
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Broken(f"building {name} took longer than {timeout} s") from None
        finally:
            process.log.close()
        if process.returncode != 0:
            raise Broken(f"building {name} failed:\n{Path(process.log.name).read_text()[-3000:]}")

    def stop_background(self):
        for process in self.background:
            stop_group(process)

    def connect(self, dbname=None):
        import psycopg2

        return psycopg2.connect(
            dbname=dbname or self.name,
            user=self.db.get("USER") or None,
            password=self.db.get("PASSWORD") or None,
            host=self.db.get("HOST") or None,
            port=self.db.get("PORT") or None,
        )

    def recreate_database(self):
        conn = self.connect("postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                quoted = '"' + self.name.replace('"', '""') + '"'
                cur.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
                cur.execute(f"CREATE DATABASE {quoted}")
        finally:
            conn.close()

    def vacuum_analyze(self):
        conn = self.connect()
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
        finally:
            conn.close()

    def manage(self, *args, database_url=None, timeout=900):
        run([PYTHON, "manage.py", *args], env=self.env(database_url), timeout=timeout)

    def probe(self, *tasks, database_url=None, requests=15, timeout=900, skip=(), import_rows=None):
        command = [PYTHON, str(BENCH / "probes.py"), *tasks, "--requests", str(requests)]
        if import_rows is not None:
            command += ["--import-rows", str(import_rows)]
        for label in skip:
            command += ["--skip", label]
        out = run(command, env=self.env(database_url), timeout=timeout, capture=True)
        return json.loads(out.strip().splitlines()[-1])

    def gunicorn(self, name, workers, database_url=None):
        port = free_port()
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "kptracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            # A 1M-row export streams for longer than the 30 s default: the sync worker would be killed.
            "--timeout",
            "300",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        base = f"http://127.0.0.1:{port}"
        return base, server(command, f"{base}/healthz/", self.env(database_url), self.workdir, name)


# --- measurements ----------------------------------------------------------------------------------


def generate(setup, scale, *, flush=False, database_url=None):
    started = time.monotonic()
    args = ["generate_synthetic", "--scale", f"{scale:g}", "-v", "1"]
    if flush:
        args.append("--flush-synthetic")
    setup.manage(*args, database_url=database_url, timeout=1200)
    return time.monotonic() - started


def measure_export_http(setup, label, expected_rows, runs, database_url=None):
    """/export/positions.csv through gunicorn (1 worker, fresh) and curl: rows/s and the worker's peak RSS."""
    base, serving = setup.gunicorn(f"gunicorn-export-{label}", workers=1, database_url=database_url)
    out = Path(setup.workdir) / f"export-{label}.csv"
    rates, first_bytes = [], []
    with serving as master:
        workers = children(master.pid)
        if len(workers) != 1:
            raise Broken(f"expected one gunicorn worker, found {workers}")
        worker = workers[0]
        idle_mb = proc_status_mb(worker, "VmRSS")
        for _ in range(runs):
            status, size, seconds, first = curl_download(f"{base}/export/positions.csv", out, timeout=600)
            if status != 200:
                raise Broken(f"/export/positions.csv ({label}) answered {status}")
            rows = csv_records(out) - 1
            if rows != expected_rows:
                raise Broken(f"/export/positions.csv ({label}) had {rows:,} rows, not {expected_rows:,}")
            rates.append(rows / seconds)
            first_bytes.append(first)
        if children(master.pid) != [worker]:
            raise Broken(f"the gunicorn worker was replaced during the {label} export (killed at its timeout?)")
        peak_mb = proc_status_mb(worker, "VmHWM")
    out.unlink(missing_ok=True)
    return {
        "rows_per_s": max(rates),
        "rss_mb": peak_mb,
        "idle_rss_mb": idle_mb,
        "bytes": size,
        "first_byte_s": min(first_bytes),
    }


class NullSink:
    def __init__(self):
        self.bytes = 0

    def write(self, data):
        self.bytes += len(data)


def measure_copy(setup, statement, expected_rows, runs):
    """A COPY ... TO STDOUT statement through psycopg2 into a sink that only counts: (best rows/s, bytes)."""
    conn = setup.connect()
    rates = []
    try:
        with conn.cursor() as cur:
            for _ in range(runs):
                sink = NullSink()
                started = time.perf_counter()
                cur.copy_expert(statement, sink)
                seconds = time.perf_counter() - started
                if cur.rowcount != expected_rows:
                    raise Broken(f"COPY gave {cur.rowcount:,} rows, not {expected_rows:,}")
                rates.append(expected_rows / seconds)
        conn.rollback()
    finally:
        conn.close()
    return max(rates), sink.bytes


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
    return float(match.group(1)), (errors.group(0) if errors else ""), (latency.group(1) if latency else "")


def measure_rps(setup, duration):
    """Requests/s under gunicorn (2 workers) for the timeline, the matrix and the trivial view.

    The trivial view is /healthz/: one `SELECT 1` on the worker's open connection, no template, no cache.
    Before 2026-12-01 it did no database work at all, so baselines (and matrix/baseline ratios) from
    earlier runs are not quite comparable with later ones.
    """
    results = {}
    base, serving = setup.gunicorn("gunicorn-wrk", workers=2)
    with serving:
        for key, path in (("baseline", "/healthz/"), ("timeline", "/"), ("matrix", "/matrix/")):
            status = http_status(f"{base}{path}", timeout=60)
            if status != 200:  # wrk counts a 3xx as a success: make sure it is a real page
                raise Broken(f"{path} answered {status} under gunicorn")
            rps, errors, latency = wrk(f"{base}{path}", duration)
            results[key] = {"rps": rps, "socket_errors": errors, "latency_avg": latency}
    return results


def ensure_wrk():
    if shutil.which("wrk"):
        return
    say("wrk is missing: installing Debian's package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    run([*sudo, "apt-get", "update", "-qq"], env=env)
    run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], env=env)


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


def measure_datasette(setup, exe, expected_rows):
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
    results = {}
    out = Path(setup.workdir) / "datasette.csv"
    with server(command, f"{base}/-/versions.json", os.environ.copy(), setup.workdir, "datasette"):
        table = f"{base}/{setup.sqlite_path.stem}/positions_position.csv?_stream=on&_size=max"
        for key, url in (("plain", table), ("labels", table + "&_labels=on")):
            status, size, seconds, _first = curl_download(url, out, timeout=600)
            if status != 200:
                raise Broken(f"Datasette answered {status} for {url}")
            rows = csv_records(out) - 1
            if rows != expected_rows:
                raise Broken(f"Datasette's CSV ({key}) had {rows:,} rows, not {expected_rows:,}")
            results[key] = {"rows_per_s": rows / seconds, "bytes": size}
    out.unlink(missing_ok=True)
    return results


# --- the run ---------------------------------------------------------------------------------------


def compare_queries(one, ten):
    """{label: [count at 1x, count at 10x]} and the problems: non-200s, counts that differ."""
    table, problems = {}, []
    for label in one:
        a, b = one[label], ten.get(label)
        for scale, row in (("1x", a), ("10x", b)):
            if row and row["status"] != 200:
                problems.append(f"{label} ({row['path']}) answered {row['status']} at {scale}")
        table[label] = [a["queries"], b["queries"] if b else None]
        if b and a["queries"] != b["queries"]:
            problems.append(f"{label}: {a['queries']} queries at 1x, {b['queries']} at 10x")
    return table, problems


def bench(args):
    started = time.monotonic()
    quick = args.quick
    scale_1, scale_10 = (0.02, 0.2) if quick else (1.0, 10.0)
    requests = 5 if quick else 15
    wrk_seconds = 2 if quick else 10
    setup = Setup(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    r = {"mode": "quick" if quick else "full", "scales": [scale_1, scale_10], "database": setup.name, "complete": False}
    timings = {}
    phases = Phases(timings)
    problems = []
    try:
        ensure_wrk()
        for tool in ("curl",):
            if not shutil.which(tool):
                raise Broken(f"{tool} is needed and missing")
        exe = datasette_ready(install=not quick)
        phases.start("static", "static files (DEBUG off serves them through the manifest)")
        setup.manage("collectstatic", "--noinput", "-v", "0")

        phases.start("setup_1x", f"PostgreSQL: recreating {setup.name}, scale {scale_1:g}; SQLite alongside")
        # The SQLite copy for the Datasette comparison is built meanwhile: nothing is being measured yet.
        sqlite_build = setup.build_sqlite(scale_1)
        setup.recreate_database()
        setup.manage("migrate", "--noinput", "-v", "0")
        timings["generate_1x_s"] = generate(setup, scale_1)
        setup.vacuum_analyze()
        setup.wait(sqlite_build, "the SQLite database")

        phases.start("probe_1x", "matrix, queries and export SQL at 1x")
        # The data package streams every table: at 10x it would take minutes, so only the quick run counts it.
        skip = () if quick else ("/export/kptracker-data.zip",)
        one = setup.probe("matrix", "export-sql", "queries", requests=requests, skip=skip)
        positions_1x = one["positions"]
        r |= {key: one[key] for key in MATRIX_KEYS}
        r["matrix_ratio"] = one["matrix_ms"] / one["matrix_sql_ms"]
        r["matrix_uncached_ratio"] = one["matrix_uncached_ms"] / one["matrix_sql_ms"]
        r["positions_1x"] = positions_1x

        phases.start("export_1x", "/export/positions.csv under gunicorn vs COPY at 1x")
        export_1x = measure_export_http(setup, "1x", positions_1x, runs=2)
        copy_1x, copy_bytes_1x = measure_copy(setup, one["copy_sql"], positions_1x, runs=3)
        if one["export_copy_sql"]:  # the export's own COPY (formatting and formula guard in SQL)
            r["copy_export_rows_per_s_1x"] = measure_copy(setup, one["export_copy_sql"], positions_1x, runs=3)[0]
        r |= {
            "csv_rows_per_s_1x": export_1x["rows_per_s"],
            "copy_rows_per_s_1x": copy_1x,
            "csv_ratio_1x": export_1x["rows_per_s"] / copy_1x,
            "csv_rss_mb_1x": export_1x["rss_mb"],
            "csv_idle_rss_mb": export_1x["idle_rss_mb"],
            "csv_bytes_1x": export_1x["bytes"],
            "copy_bytes_1x": copy_bytes_1x,
            "csv_first_byte_s_1x": export_1x["first_byte_s"],
        }
        if not quick:
            phases.start("profile_1x", "where the export's time goes (in process, 1x)")
            stages = setup.probe("export-profile")["export_profile_rows_per_s"]
            r["export_profile_rows_per_s"] = {
                "copy": copy_1x,
                "copy_export": r.get("copy_export_rows_per_s_1x"),
                **stages,
                "gunicorn_curl": export_1x["rows_per_s"],
            }

        import_rows = min(positions_1x, 2000 if quick else 20000)
        phases.start("import_1x", f"manage.py import_csv of {import_rows:,} exported positions (rolled back)")
        imported = setup.probe("import", import_rows=import_rows)
        r |= {key: imported[key] for key in ("import_rows", "import_rows_per_s", "import_dry_run_rows_per_s")}

        phases.start("wrk", f"requests/s under gunicorn (2 workers, wrk {wrk_seconds} s each)")
        rps = measure_rps(setup, wrk_seconds)
        r |= {f"{key}_rps": value["rps"] for key, value in rps.items()}
        r["matrix_rps_ratio"] = rps["matrix"]["rps"] / rps["baseline"]["rps"]
        r["wrk"] = rps

        phases.start("sqlite", "SQLite: kptracker and Datasette on the same file")
        ours_sqlite = measure_export_http(setup, "sqlite", positions_1x, runs=1, database_url=setup.sqlite_url())
        r["ours_sqlite_csv_rows_per_s"] = ours_sqlite["rows_per_s"]
        if exe:
            datasette = measure_datasette(setup, exe, positions_1x)
            r["datasette_csv_rows_per_s"] = datasette["plain"]["rows_per_s"]
            r["datasette_labels_csv_rows_per_s"] = datasette["labels"]["rows_per_s"]
            r["datasette"] = f"datasette {DATASETTE_VERSION}"
        else:
            r["datasette_csv_rows_per_s"] = r["datasette_labels_csv_rows_per_s"] = None
            r["datasette"] = f"skipped: {DATASETTE_VENV.relative_to(ROOT)} does not exist (a full run installs it)"

        # generate_synthetic refuses to add to earlier synthetic data: replace it (same transaction).
        phases.start("setup_10x", f"PostgreSQL: scale {scale_10:g}, replacing the synthetic data")
        timings["generate_10x_s"] = generate(setup, scale_10, flush=True)
        setup.vacuum_analyze()
        phases.start("probe_10x", "matrix, queries and export SQL at 10x")
        # Five matrix requests are enough at 10x (an uncached one takes about a second).
        ten = setup.probe("matrix", "export-sql", "queries", requests=min(requests, 5), skip=skip)
        positions_10x = ten["positions"]
        r |= {
            "positions_10x": positions_10x,
            "matrix_ms_10x": ten["matrix_ms"],
            "matrix_uncached_ms_10x": ten["matrix_uncached_ms"],
            "matrix_sql_ms_10x": ten["matrix_sql_ms"],
        }
        r["queries"], query_problems = compare_queries(one["queries"], ten["queries"])
        r["query_paths"] = {
            label: [one["queries"][label]["path"], ten["queries"].get(label, {}).get("path")]
            for label in one["queries"]
        }
        problems += query_problems

        phases.start("export_10x", "/export/positions.csv under gunicorn vs COPY at 10x")
        export_10x = measure_export_http(setup, "10x", positions_10x, runs=1)
        copy_10x, copy_bytes_10x = measure_copy(setup, ten["copy_sql"], positions_10x, runs=2)
        if ten["export_copy_sql"]:
            r["copy_export_rows_per_s_10x"] = measure_copy(setup, ten["export_copy_sql"], positions_10x, runs=2)[0]
        r |= {
            "csv_rows_per_s_10x": export_10x["rows_per_s"],
            "copy_rows_per_s_10x": copy_10x,
            "csv_ratio_10x": export_10x["rows_per_s"] / copy_10x,
            "csv_rss_mb_10x": export_10x["rss_mb"],
            "csv_bytes_10x": export_10x["bytes"],
            "copy_bytes_10x": copy_bytes_10x,
            "csv_first_byte_s_10x": export_10x["first_byte_s"],
        }
        r["csv_rows_per_s"] = r["csv_rows_per_s_10x"]
        r["copy_rows_per_s"] = r["copy_rows_per_s_10x"]
        r["csv_ratio"] = r["csv_ratio_10x"]
        r["complete"] = True
    except Broken as error:
        problems.append(str(error))
    finally:
        phases.stop()
        setup.stop_background()
        shutil.rmtree(setup.workdir, ignore_errors=True)

    timings["total_s"] = time.monotonic() - started
    r["timings"] = timings
    r["goals"] = goals(r)
    r["problems"] = problems
    r["ok"] = not problems
    r["commit"] = git_commit()
    r["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return r


def goals(r):
    def check(*keys, test):
        values = [r.get(k) for k in keys]
        return None if any(v is None for v in values) else bool(test(*values))

    queries = r.get("queries")
    return {
        "matrix_ratio": check("matrix_ratio", test=lambda x: x <= MATRIX_RATIO_MAX),
        "csv_ratio": check("csv_ratio", test=lambda x: x >= CSV_RATIO_MIN),
        "csv_rss_flat": check("csv_rss_mb_1x", "csv_rss_mb_10x", test=lambda a, b: b <= a * RSS_GROWTH_MAX),
        "queries_equal": None if not queries else all(a == b for a, b in queries.values()),
        "sqlite_faster_than_datasette": check(
            "ours_sqlite_csv_rows_per_s", "datasette_csv_rows_per_s", test=lambda a, b: a > b
        ),
        "matrix_rps_ratio": check("matrix_rps_ratio", test=lambda x: x >= MATRIX_RPS_RATIO_MIN),
        "import_rows_per_s": check("import_rows_per_s", test=lambda x: x >= IMPORT_ROWS_PER_S_MIN),
    }


def git_commit():
    try:
        command = ["git", "rev-parse", "--short", "HEAD"]
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


# --- the report ------------------------------------------------------------------------------------


PROFILE_STAGES = [
    # (key, label, which stage it builds on: its time per row is shown as an increase over that one)
    ("copy", "COPY of the plain SELECT (position_rows'), CSV made by PostgreSQL", None),
    ("copy_export", "COPY of the export's own statement (formatting, guard in SQL)", "copy"),
    ("server_cursor", "Python path: the plain SELECT through a server-side cursor", None),
    ("position_rows", "+ Django values_list iterator and row tuples", "server_cursor"),
    ("stream_csv", "+ neutralise and csv.writer (stream_csv)", "position_rows"),
    ("test_client", "the view as it runs here, in process (test client)", "copy"),
    ("gunicorn_curl", "the view under gunicorn, read by curl", "test_client"),
]


def fmt(value, unit="", digits=1):
    if value is None:
        return "—"
    if isinstance(value, float) and abs(value) >= 1000:
        return f"{value:,.0f}{unit}"
    return f"{value:,.{digits}f}{unit}"


def verdict(ok):
    return {True: "met", False: "MISSED", None: "not measured"}[ok]


def report(r):
    g = r["goals"]
    get = r.get
    lines = [
        f"kptracker benchmark ({r['mode']}: scales {r['scales'][0]:g} and {r['scales'][1]:g}, "
        f"{fmt(get('positions_1x'), digits=0)} and {fmt(get('positions_10x'), digits=0)} positions; "
        f"database {r['database']}, commit {get('commit')}, {r['timings'].get('total_s', 0):.0f} s)",
        "",
        f"Matrix page at 1x (page cache: {get('page_cache') or 'none'})",
        f"  served {fmt(get('matrix_ms'), ' ms', 2)} (median; the first request {fmt(get('matrix_first_ms'), ' ms')}), "
        f"uncached {fmt(get('matrix_uncached_ms'), ' ms')}",
        f"  its aggregate SQL alone {fmt(get('matrix_sql_ms'), ' ms')} "
        f"(all its SQL {fmt(get('matrix_sql_all_ms'), ' ms')})",
        f"  ratio served/SQL {fmt(get('matrix_ratio'), '', 2)}  goal <= {MATRIX_RATIO_MAX:g}: "
        f"{verdict(g['matrix_ratio'])}  (uncached/SQL {fmt(get('matrix_uncached_ratio'), '', 2)})",
        f"  at 10x: served {fmt(get('matrix_ms_10x'), ' ms', 2)}, "
        f"uncached {fmt(get('matrix_uncached_ms_10x'), ' ms')}, SQL {fmt(get('matrix_sql_ms_10x'), ' ms')}",
        "",
        "Positions CSV under gunicorn (1 sync worker, curl) vs PostgreSQL COPY of the same rows' plain SELECT",
        f"  1x:  {fmt(get('csv_rows_per_s_1x'), ' rows/s')} vs COPY {fmt(get('copy_rows_per_s_1x'), ' rows/s')}"
        f"  ratio {fmt(get('csv_ratio_1x'), '', 3)}",
        f"  10x: {fmt(get('csv_rows_per_s_10x'), ' rows/s')} vs COPY {fmt(get('copy_rows_per_s_10x'), ' rows/s')}"
        f"  ratio {fmt(get('csv_ratio_10x'), '', 3)}  goal >= 1/3: {verdict(g['csv_ratio'])}",
        f"  the export's own COPY statement alone, into a null sink: {fmt(get('copy_export_rows_per_s_1x'), ' rows/s')}"
        f" at 1x, {fmt(get('copy_export_rows_per_s_10x'), ' rows/s')} at 10x",
        f"  worker peak RSS {fmt(get('csv_rss_mb_1x'), ' MB')} at 1x, {fmt(get('csv_rss_mb_10x'), ' MB')} at 10x "
        f"(idle {fmt(get('csv_idle_rss_mb'), ' MB')})  goal 10x within 20% of 1x: {verdict(g['csv_rss_flat'])}",
    ]
    profile = get("export_profile_rows_per_s")
    if profile:
        lines.append(
            "  where the time goes at 1x, microseconds per row (in brackets: more than the stage named; "
            "separate runs, so a busy machine can make a difference look negative):"
        )
        for key, label, base in PROFILE_STAGES:
            if profile.get(key):
                us = 1e6 / profile[key]
                added = f"  ({us - 1e6 / profile[base]:+.1f} on {base})" if profile.get(base) else ""
                lines.append(f"    {label:<64} {us:6.1f}{added}")
    lines += ["", "SQL statements per page and export, page cache off (1x, 10x; COPY statements counted too)"]
    for label, (a, b) in (get("queries") or {}).items():
        lines.append(f"  {label:<28} {a!s:>4} {b!s:>4}{'' if a == b else '   <- differs'}")
    lines.append(f"  goal equal: {verdict(g['queries_equal'])}")
    lines += [
        "",
        "SQLite, same file: positions CSV (rows/s)",
        f"  kptracker under gunicorn {fmt(get('ours_sqlite_csv_rows_per_s'))}; Datasette "
        f"{fmt(get('datasette_csv_rows_per_s'))}, with labels {fmt(get('datasette_labels_csv_rows_per_s'))}"
        f"  goal kptracker faster: {verdict(g['sqlite_faster_than_datasette'])}",
        f"  ({get('datasette')})",
        "",
        f"CSV import (manage.py import_csv, {fmt(get('import_rows'), digits=0)} rows of positions.csv at 1x, "
        "in a transaction rolled back)",
        f"  new rows, written with their history: {fmt(get('import_rows_per_s'), ' rows/s')}  "
        f"goal >= {IMPORT_ROWS_PER_S_MIN:,}: {verdict(g['import_rows_per_s'])}",
        f"  dry run of the same rows already recorded (every row checked): "
        f"{fmt(get('import_dry_run_rows_per_s'), ' rows/s')}",
        "",
        f"Requests/s under gunicorn (2 workers, wrk -t2 -c16, {r['scales'][0]:g}x data)",
        f"  /healthz/ {fmt(get('baseline_rps'))}, / {fmt(get('timeline_rps'))}, /matrix/ {fmt(get('matrix_rps'))}",
        f"  matrix/baseline {fmt(get('matrix_rps_ratio'), '', 3)}  goal >= {MATRIX_RPS_RATIO_MIN:g}: "
        f"{verdict(g['matrix_rps_ratio'])}",
        "",
        "Timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in r["timings"].items()),
    ]
    if r["problems"]:
        lines += ["", "BROKEN:"] + [f"  - {p}" for p in r["problems"]]
    else:
        missed = [k for k, v in g.items() if v is False]
        lines += ["", f"Goals missed: {', '.join(missed)}" if missed else "Every measured goal is met."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="kptracker's benchmark (issue 6). Drops and recreates DATABASE_URL.")
    parser.add_argument("--quick", action="store_true", help="tiny scales and short runs, for CI (under 2 minutes)")
    parser.add_argument("--output", type=Path, help=f"write the JSON here (a full run: {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args()

    # A SIGTERM (CI's timeout, kill) unwinds like Ctrl-C, through every finally that stops a server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        r = bench(args)
    except Broken as error:  # refused before anything ran (e.g. a database name without "bench")
        print(f"bench/run.py: {error}", file=sys.stderr)
        return 2
    result = {k: rnd(v, 3) if isinstance(v, float) else v for k, v in r.items()}
    output = args.output or (None if args.quick else RESULTS)
    if output and r["complete"]:  # an aborted run leaves the last complete results in place
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2) + "\n")
    print(report(r))
    print(json.dumps(result))
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
