import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Logins are what these tests repeat; the production hasher makes each one take a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
