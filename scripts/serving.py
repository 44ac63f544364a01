"""Serve kptracker on loopback for a measurement or a check, as production would.

One way for bench/ and scripts/quality/: a free port on 127.0.0.1, the production settings less what
needs HTTPS, the server in its own process group (so its workers go with it), up once a URL answers
200, and stopped whatever happens. The shell scripts' counterpart is start_gunicorn in load_common.sh.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


class ServerError(RuntimeError):
    """The server exited, answered something other than 200, or did not answer in time."""


def free_port(preferred=0):
    """`preferred` if nothing listens on it, else any free loopback port."""
    for port in dict.fromkeys((preferred, 0)):
        with socket.socket() as sock:
            try:
                sock.bind((LOOPBACK, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise ServerError("no free loopback port")


def loopback_env(database_url, base=None, **extra):
    """The environment of a production-like Django process on plain HTTP: DEBUG off, a throwaway SECRET_KEY."""
    return {
        **(os.environ if base is None else base),
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": LOOPBACK,
        # Loopback is plain HTTP: no redirect to HTTPS (on by default with DEBUG off), no HSTS.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
        "SECURE_HSTS_PRELOAD": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def gunicorn_command(port, workers, *options):
    """gunicorn of this virtualenv serving kptracker on 127.0.0.1:`port`."""
    bind = f"{LOOPBACK}:{port}"
    return [sys.executable, "-m", "gunicorn", "kptracker.wsgi", "--bind", bind, "--workers", str(workers), *options]


def http_status(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


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


def log_tail(path, lines=30):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def serve(command, ready_url, env, log_path, name="server", timeout=60):
    """Run `command` (output to log_path) until ready_url answers 200; yield its process; always stop it."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own fixed commands
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ServerError(f"{name} exited with {process.returncode}:\n{log_tail(log_path)}")
            try:
                status = http_status(ready_url)
            except OSError:  # not listening yet (URLError, ConnectionError and TimeoutError are OSErrors)
                if time.monotonic() > deadline:
                    raise ServerError(f"{name} did not answer within {timeout} s:\n{log_tail(log_path)}") from None
                time.sleep(0.2)
                continue
            if status != 200:
                raise ServerError(f"{name}: {ready_url} answered {status}:\n{log_tail(log_path)}")
            break
        yield process
    finally:
        stop_group(process)


@contextlib.contextmanager
def gunicorn(env, log_path, workers, *options, port=0, ready_path="/", name="gunicorn"):
    """kptracker under gunicorn on loopback: yields (base URL, master process)."""
    port = free_port(port)
    base = f"http://{LOOPBACK}:{port}"
    with serve(gunicorn_command(port, workers, *options), base + ready_path, env, log_path, name) as process:
        yield base, process
