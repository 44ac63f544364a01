import os

import pytest
from django.core.management import call_command

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
