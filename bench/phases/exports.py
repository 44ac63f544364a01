"""/export/positions.csv under gunicorn against PostgreSQL's COPY of the same rows, and where its time goes."""

import time
from pathlib import Path

from bench.base import Broken, children, download_rows, proc_status_mb
from bench.outcome import ExportSpeed


def export_http(setup, label, expected_rows, runs, database_url=None):
    """/export/positions.csv through gunicorn (1 worker, fresh) and curl: rows/s and the worker's RSS.

    A dict: rows_per_s (best run), rss_mb (peak), idle_rss_mb, bytes, first_byte_s (quickest).
    """
    out = Path(setup.workdir) / f"export-{label}.csv"
    rates, first_bytes = [], []
    with setup.gunicorn(f"gunicorn-export-{label}", workers=1, database_url=database_url) as (base, master):
        workers = children(master.pid)
        if len(workers) != 1:
            raise Broken(f"expected one gunicorn worker, found {workers}")
        worker = workers[0]
        idle_mb = proc_status_mb(worker, "VmRSS")
        for _ in range(runs):
            rows_per_s, size, first = download_rows(
                f"{base}/export/positions.csv", out, expected_rows, f"/export/positions.csv ({label})"
            )
            rates.append(rows_per_s)
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


def copy_speed(setup, statement, expected_rows, runs):
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


def export_speed(setup, label, probe, rows, http_runs, copy_runs):
    """ExportSpeed at one scale; `probe` is bench/probes.py's export-sql output at that scale."""
    http = export_http(setup, label, rows, runs=http_runs)
    copy_rows_per_s, copy_bytes = copy_speed(setup, probe["copy_sql"], rows, runs=copy_runs)
    export_copy = None
    if probe["export_copy_sql"]:  # the export's own COPY (formatting and formula guard in SQL)
        export_copy = copy_speed(setup, probe["export_copy_sql"], rows, runs=copy_runs)[0]
    return ExportSpeed(
        copy_export_rows_per_s=export_copy,
        csv_rows_per_s=http["rows_per_s"],
        copy_rows_per_s=copy_rows_per_s,
        csv_ratio=http["rows_per_s"] / copy_rows_per_s,
        csv_rss_mb=http["rss_mb"],
        csv_idle_rss_mb=http["idle_rss_mb"],
        csv_bytes=http["bytes"],
        copy_bytes=copy_bytes,
        csv_first_byte_s=http["first_byte_s"],
    )


def profile(setup, export):
    """Rows/s of each stage of the export's path at 1x (report.PROFILE_STAGES), from COPY to gunicorn and curl."""
    stages = setup.probe("export-profile")["export_profile_rows_per_s"]
    return {
        "copy": export.copy_rows_per_s,
        "copy_export": export.copy_export_rows_per_s,
        **stages,
        "gunicorn_curl": export.csv_rows_per_s,
    }
