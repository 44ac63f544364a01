import os

import pytest
from django.core.management import call_command

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


@pytest.fixture
def kp_data(db):
    """The curated KP dataset, as `python manage.py loaddata kp` loads it."""
    call_command("loaddata", "kp", verbosity=0)


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
