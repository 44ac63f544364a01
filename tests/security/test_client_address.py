"""The client's address, as the login lockout and the report limit count it: one address, one client,
however a proxy spells it; an entry that is no address falls back to the connection's."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from tests.addresses import IPV4, IPV4_SPELLINGS, IPV6, IPV6_SPELLINGS

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase for tests"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor_user(django_user_model):
    return django_user_model.objects.create_user(username="editor", password=PASSWORD, is_staff=True)


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def login(client, forwarded, username="editor", password="wrong password", remote="127.0.0.1"):  # noqa: S107
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )


@pytest.mark.parametrize(
    ("forwarded", "counted"),
    [
        ("203.0.113.9:1234", "203.0.113.9"),
        ("198.51.100.1, 203.0.113.9:1234", "203.0.113.9"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:DB8::1]:443", "2001:db8::1"),
        ("203.000.113.009", "203.0.113.9"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        # Not an address at the trusted position: the connection's own address (the proxy's) counts.
        ("not-an-ip", "192.0.2.44"),
        ("203.0.113.9, not-an-ip", "192.0.2.44"),
        ("203.0.113.256", "192.0.2.44"),
        ("[2001:db8::1", "192.0.2.44"),
        ("203.0.113.9:http", "192.0.2.44"),
        ("2001:db8::1]:443", "192.0.2.44"),
    ],
)
def test_a_forwarded_entry_is_normalised_or_falls_back_to_the_connection(
    client, editor_user, behind_one_proxy, forwarded, counted
):
    """PostgreSQL stores the address in an inet column: anything but a bare address there was a 500."""
    response = login(client, forwarded, remote="::ffff:192.0.2.44")
    assert response.status_code == 200  # the login form again, with its error
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [counted]


@pytest.mark.parametrize(("address", "spellings"), [(IPV4, IPV4_SPELLINGS), (IPV6, IPV6_SPELLINGS)])
def test_every_spelling_of_an_address_counts_towards_one_lockout(
    client, editor_user, behind_one_proxy, address, spellings
):
    for i, spelling in enumerate(spellings[: django_settings.AXES_FAILURE_LIMIT]):
        assert login(client, spelling, username=f"guess{i}").status_code in {200, 429}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {address}
    for i, spelling in enumerate(spellings):
        # The right password of another user: refused because of the address alone.
        assert login(Client(), spelling, username=f"user{i}", password=PASSWORD).status_code == 429, spelling
    assert login(Client(), "198.51.100.7", password=PASSWORD).status_code == 302


def test_the_lockout_is_counted_in_the_database_for_every_worker(client, editor_user, behind_one_proxy, settings):
    """django-axes' database handler: no worker's memory holds the count, so clearing every cache changes nothing."""
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, IPV4_SPELLINGS[i], username=f"guess{i}")
        for cache in caches.all():
            cache.clear()
    assert login(Client(), IPV4, password=PASSWORD).status_code == 429
