"""Serve kptracker as production would, on loopback, for the quality checks.

A scratch SQLite database with the curated dataset, DEBUG off, a throwaway SECRET_KEY, static files
collected and served by WhiteNoise, gunicorn in front. Plain HTTP on 127.0.0.1, so the HTTPS redirect
and HSTS are switched off through the settings' own environment variables; everything else
(CSP, cookies, headers) is what production sends.
"""

import contextlib
import os
import secrets
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

ROOT = Path(__file__).resolve().parents[2]


def free_port(preferred):
    """`preferred` if nothing listens on it, else any free loopback port."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free loopback port")


def wait_until_up(url, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL we built)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def stop(process):
    """Stop gunicorn and its workers (its own process group), politely first."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextlib.contextmanager
def serve(port=8020, log=print):
    """Yield the base URL ("http://127.0.0.1:PORT") of a production-like kptracker; stop it afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="kptracker-quality-"))
    port = free_port(port)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{scratch / 'quality.sqlite3'}",
        # Loopback is plain HTTP: no redirect to HTTPS, no HSTS. All other production settings stay on.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
        "SECURE_HSTS_PRELOAD": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    process = None
    server_log = scratch / "gunicorn.log"
    try:
        for command in (
            [*manage, "migrate", "--noinput", "-v", "0"],
            [*manage, "load_curated", "-v", "0"],
            [*manage, "collectstatic", "--noinput", "-v", "0"],
        ):
            subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        gunicorn = [
            python,
            "-m",
            "gunicorn",
            "kptracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "-",
        ]
        with server_log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603
                gunicorn, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/", process)
        log(f"Serving kptracker (DEBUG off, gunicorn, curated data) on {base}, pid {process.pid}")
        yield base
    except Exception:
        if server_log.exists():
            tail = server_log.read_text(errors="replace").splitlines()[-30:]
            log("gunicorn log (last lines):\n  " + "\n  ".join(tail))
        raise
    finally:
        if process is not None:
            stop(process)
        shutil.rmtree(scratch, ignore_errors=True)
