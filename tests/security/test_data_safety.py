"""Migrations apply from zero on an empty database, and a backup restores to identical data."""

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from meetings.models import Meeting
from positions.models import Position

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args, database_url):
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
    env["DATABASE_URL"] = database_url
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def empty_database(tmp_path, django_db_blocker):
    """A new, empty database on the engine the tests run on: an SQLite file, or a PostgreSQL database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"kptracker_migrate_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
            password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
            yield f"postgres://{settings['USER']}{password}@{host}:{port}/{name}"
        finally:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_migrations_apply_from_zero_and_the_site_can_be_set_up(empty_database):
    for step in (
        ["migrate", "--noinput"],
        ["migrate", "--check"],  # nothing left unapplied
        ["makemigrations", "--check", "--dry-run"],  # the models match the migrations
        ["create_editor_group"],
        ["load_curated", "--if-empty"],
    ):
        result = manage(*step, database_url=empty_database)
        assert result.returncode == 0, f"{step}: {result.stdout}{result.stderr}"
    result = manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from meetings.models import Meeting; from django.contrib.auth.models import Group; "
        "print(Meeting.objects.count(), Group.objects.get(name='Editors').permissions.count())",
        database_url=empty_database,
    )
    meetings, permissions = map(int, result.stdout.split())
    assert meetings > 0 and permissions > 0


BACKUP_ARGS = ["--natural-foreign", "--exclude=contenttypes", "--exclude=auth.permission", "--indent=1"]


# A counter of changes that tells cached pages they are stale: a restore must move it on, not back.
NOT_DATA = {"meetings.dataversion"}


def dump():
    out = io.StringIO()
    call_command("dumpdata", *BACKUP_ARGS, stdout=out)
    return out.getvalue()


def records(backup):
    # dumpdata writes times to the millisecond, so a time 0.000456 s past the second is written
    # "...:05.000Z" and, restored as 0 microseconds, dumped again as "...:05Z": the same instant.
    backup = backup.replace('.000Z"', 'Z"')
    return [record for record in json.loads(backup) if record["model"] not in NOT_DATA]


# Committed for real, as a backup and a restore are: on PostgreSQL, flush (TRUNCATE) cannot run inside
# the test's transaction while its constraint checks are pending.
@pytest.mark.django_db(transaction=True)
def test_backup_flush_restore_gives_back_identical_data(kp_data, tmp_path, settings):
    call_command("create_editor_group", verbosity=0)
    editor = get_user_model().objects.create_user("editor", password="a long passphrase for tests", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    before = dump()
    backup = tmp_path / "backup.json"
    backup.write_text(before)
    counts = (Meeting.objects.count(), Position.objects.count())
    assert counts[0] > 0 and counts[1] > 0

    call_command("flush", "--noinput", verbosity=0)
    assert Meeting.objects.count() == 0
    # As documented: SIMPLE_HISTORY_ENABLED=false for the restore, or simple-history would record the
    # restored many-to-many links (a meeting's sources) as new changes on top of the restored history.
    settings.SIMPLE_HISTORY_ENABLED = False
    call_command("loaddata", str(backup), verbosity=0)

    after = dump()
    assert records(after) == records(before)
    assert (Meeting.objects.count(), Position.objects.count()) == counts
    # The restored database takes new records: its id sequences were moved past the restored ids.
    Meeting.objects.create(title="After the restore", slug="after-the-restore", kind="plenary", start_date="2030-11-01")
