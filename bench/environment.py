"""The databases the benchmark fills and the production-like environment every Django process of it gets."""

import json
import os
import secrets
import shlex
import subprocess
import tempfile
from pathlib import Path

from bench.base import PYTHON, Broken, patient, run
from scripts.serving import ROOT, gunicorn, loopback_env, stop_group

BENCH = ROOT / "bench"


class Setup:
    """PostgreSQL at database_url (dropped and recreated: its name must contain "bench"), an SQLite file beside it."""

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
        # The caller's REDIS_URL and settings module would measure another setup than the default one.
        base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        return loopback_env(
            database_url or self.database_url,
            base,
            DJANGO_SETTINGS_MODULE="kptracker.settings",
            SECRET_KEY=self.secret_key,  # one key for the whole run, so every process signs alike
        )

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
            process.wait(timeout=patient(timeout))
        except subprocess.TimeoutExpired:
            raise Broken(f"building {name} took longer than {patient(timeout)} s") from None
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

    def execute(self, statement, dbname=None):
        """One statement outside a transaction (DROP/CREATE DATABASE and VACUUM refuse to run inside one)."""
        conn = self.connect(dbname)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(statement)
        finally:
            conn.close()

    def recreate_database(self):
        quoted = '"' + self.name.replace('"', '""') + '"'
        self.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", "postgres")
        self.execute(f"CREATE DATABASE {quoted}", "postgres")

    def vacuum_analyze(self):
        self.execute("VACUUM ANALYZE")

    def manage(self, *args, database_url=None, timeout=900):
        run([PYTHON, "manage.py", *args], env=self.env(database_url), timeout=timeout)

    def probe(self, *tasks, database_url=None, requests=15, timeout=900, skip=(), import_rows=None):
        """bench/probes.py's tasks in a Django process of this environment: their merged JSON."""
        command = [PYTHON, str(BENCH / "probes.py"), *tasks, "--requests", str(requests)]
        if import_rows is not None:
            command += ["--import-rows", str(import_rows)]
        for label in skip:
            command += ["--skip", label]
        out = run(command, env=self.env(database_url), timeout=timeout, capture=True)
        return json.loads(out.strip().splitlines()[-1])

    def gunicorn(self, name, workers, database_url=None):
        """kptracker under gunicorn on loopback, a context manager of (base URL, master process)."""
        log_path = Path(self.workdir) / f"{name}.log"
        # A 1M-row export streams for longer than the 30 s default: the sync worker would be killed.
        options = ("--timeout", str(patient(300)), "--graceful-timeout", "5", "--log-level", "warning")
        return gunicorn(self.env(database_url), log_path, workers, *options, ready_path="/healthz/", name=name)
