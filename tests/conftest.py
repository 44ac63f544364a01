import os
from collections import defaultdict

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from editing.management.commands.load_curated import without_history
from meetings.models import DataVersion
from meetings.version import bump_version
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    ObserverFactory,
    ParticipantFactory,
    PositionFactory,
    SourceFactory,
)

# Playwright's sync API runs an event loop in the test thread; live_server's database access
# from that thread is safe here because each test owns its data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at full strength costs most of a second per login; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The apps whose tables the curated dataset fills (with their history and many-to-many tables).
CURATED_APPS = ("meetings", "positions", "governance")


@pytest.fixture(scope="session")
def kp_snapshot(django_db_setup, django_db_blocker):
    """The rows `loaddata kp` writes, read once per session: the fixture is loaded in a transaction
    that is rolled back, and every new row of the curated apps' tables is kept in memory.

    Loading the fixture record by record takes thousands of queries (natural keys looked up one by
    one, history rows, version bumps): seconds on PostgreSQL for each of the hundred-odd tests that
    use it. Copying the rows back takes one INSERT per table.
    """
    models = [
        model
        for app in CURATED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model is not DataVersion  # bumped once after the copy, as bulk writes do
    ]
    with django_db_blocker.unblock(), transaction.atomic():
        before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models}
        with without_history():  # as `make run` loads it (load_curated)
            call_command("loaddata", "kp", verbosity=0)
        snapshot = []
        for model in models:
            # The primary key first (a history table's is not its first column), then the rest.
            fields = [model._meta.pk.attname]
            fields += [f.attname for f in model._meta.concrete_fields if f.attname != fields[0]]
            rows = [row for row in model._base_manager.values_list(*fields) if row[0] not in before[model]]
            if rows:
                snapshot.append((model, fields, rows))
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def kp_data(db, kp_snapshot):
    """The curated KP dataset, as `python manage.py loaddata kp` loads it (copied from the session's
    snapshot: the same rows, primary keys and history, in a few queries per table)."""
    # In one transaction: tables are filled in app order, and a foreign key may point at a table filled
    # later (a position's working body), which a deferred constraint check allows only at commit.
    with transaction.atomic():
        for model, fields, rows in kp_snapshot:
            model._base_manager.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows])
            # bulk_create sets auto_now fields to now: put the fixture's own values back, one UPDATE per value.
            for field in model._meta.concrete_fields:
                if getattr(field, "auto_now", False):
                    index = fields.index(field.attname)
                    by_value = defaultdict(list)
                    for row in rows:
                        by_value[row[index]].append(row[0])
                    for value, pks in by_value.items():
                        model._base_manager.filter(pk__in=pks).update(**{field.attname: value})
        # Later inserts must not collide with the copied primary keys (PostgreSQL's sequences; SQLite
        # follows the largest key by itself).
        statements = connection.ops.sequence_reset_sql(no_style(), [model for model, _, _ in kp_snapshot])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        # Check the deferred foreign keys now: on PostgreSQL pending checks would stop a later TRUNCATE
        # (flush) in the same transaction, and a broken snapshot should fail here, not in a test.
        connection.check_constraints()
    bump_version()


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="editor-in-chief", email="editor@example.org", password="a long passphrase for tests"
    )
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test starts with an empty page cache (tests change data in ways a version bump may not see)."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def blocked(db):
    """Russia blocks one issue at two plenaries, China opposes it at one, an observer protests."""
    russia = ParticipantFactory(code="RUS", name="Russian Federation", slug="russian-federation")
    china = ParticipantFactory(code="CHN", name="China", slug="china")
    coalition = ObserverFactory(code="KPCSC", name="KP Civil Society Coalition", slug="kpcsc")
    source = SourceFactory(title="Canada's statement")
    first = AgendaItemFactory(
        meeting=MeetingFactory(title="Plenary 2023", slug="plenary-2023", start_date="2023-11-12", end_date=None),
        issue__title="Russian diamonds",
        issue__slug="russia-ukraine",
    )
    second = AgendaItemFactory(
        meeting=MeetingFactory(title="Plenary 2024", slug="plenary-2024", start_date="2024-11-12", end_date=None),
        issue=first.issue,
        outcome="not_discussed",
    )
    items = [first, second]
    for item, year in zip(items, (2023, 2024), strict=True):
        PositionFactory(agenda_item=item, participant=russia, stance="blocks", source=source, quote=f"blocked {year}")
    PositionFactory(agenda_item=items[0], participant=china, stance="opposes", source=source, quote="china opposes")
    PositionFactory(agenda_item=items[1], participant=coalition, stance="protests", source=source, quote="walked out")
    return {"russia": russia, "china": china, "coalition": coalition, "items": items, "source": source}
