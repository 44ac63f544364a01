"""Serve kptracker as production would, on loopback, for the quality checks.

A scratch SQLite database with the curated dataset, DEBUG off, a throwaway SECRET_KEY, static files
collected and served by WhiteNoise, gunicorn in front (scripts/serving.py). Plain HTTP on 127.0.0.1, so
the HTTPS redirect and HSTS are switched off through the settings' own environment variables;
everything else (CSP, cookies, headers) is what production sends.
"""

import contextlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run as a script, this folder comes first on sys.path; the shared helpers live under the project root.
sys.path.append(str(ROOT))

from scripts.serving import gunicorn, log_tail, loopback_env  # noqa: E402


@contextlib.contextmanager
def serve(port=8020, log=print):
    """Yield the base URL ("http://127.0.0.1:PORT") of a production-like kptracker; stop it afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="kptracker-quality-"))
    env = loopback_env(f"sqlite:///{scratch / 'quality.sqlite3'}")
    manage = [sys.executable, str(ROOT / "manage.py")]
    server_log = scratch / "gunicorn.log"
    try:
        for command in (
            [*manage, "migrate", "--noinput", "-v", "0"],
            [*manage, "load_curated", "-v", "0"],
            [*manage, "collectstatic", "--noinput", "-v", "0"],
        ):
            subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        with gunicorn(env, server_log, 2, "--access-logfile", "-", port=port) as (base, process):
            log(f"Serving kptracker (DEBUG off, gunicorn, curated data) on {base}, pid {process.pid}")
            try:
                yield base
            except Exception:
                log("gunicorn log (last lines):\n  " + log_tail(server_log).replace("\n", "\n  "))
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
