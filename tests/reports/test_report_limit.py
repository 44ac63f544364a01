"""The error-report limit, 5 per client per hour: counted in the database, so every worker and server
shares one count and a restart keeps it; one client however its address is spelt."""

import datetime
import threading

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import ErrorReport, ReportWindow
from tests.addresses import IPV4, IPV4_SPELLINGS, IPV6, IPV6_SPELLINGS

pytestmark = pytest.mark.django_db

LIMIT = 5


def post(client=None, **extra):
    payload = {"page": "/meetings/x/", "what": "The date is wrong.", "source": "", "contact": "", "website": ""}
    return (client or Client()).post(reverse("reports:report"), payload, **extra)


def test_the_count_lives_in_the_database_not_in_a_worker():
    """Each post as if to another worker (or after a reload): every local cache emptied in between."""
    for _ in range(LIMIT):
        assert post(REMOTE_ADDR=IPV4).status_code == 302
        for cache in caches.all():
            cache.clear()
    assert post(REMOTE_ADDR=IPV4).status_code == 429
    assert ErrorReport.objects.count() == LIMIT
    window = ReportWindow.objects.get()
    assert window.count == LIMIT
    assert window.client == ErrorReport.objects.first().client  # the keyed hash, never the address
    assert IPV4 not in window.client
    assert post(REMOTE_ADDR="198.51.100.7").status_code == 302


@pytest.mark.parametrize("behind_proxy", [False, True], ids=["REMOTE_ADDR", "X-Forwarded-For"])
@pytest.mark.parametrize(("address", "spellings"), [(IPV4, IPV4_SPELLINGS), (IPV6, IPV6_SPELLINGS)], ids=["v4", "v6"])
def test_ten_spellings_of_one_address_are_one_client(settings, behind_proxy, address, spellings):
    settings.TRUSTED_PROXY_COUNT = 1 if behind_proxy else 0

    def send(spelling):
        if behind_proxy:
            return post(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {spelling}")
        return post(REMOTE_ADDR=spelling)

    assert len(set(spellings)) == 10
    statuses = [send(spelling).status_code for spelling in spellings]
    assert statuses == [302] * LIMIT + [429] * (10 - LIMIT)
    assert ReportWindow.objects.count() == 1


def test_a_window_that_has_ended_lets_the_client_report_again_and_old_windows_are_pruned():
    for _ in range(LIMIT):
        post(REMOTE_ADDR=IPV4)
    assert post(REMOTE_ADDR=IPV4).status_code == 429
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1, seconds=1)
    ReportWindow.objects.update(started_at=an_hour_ago)
    ReportWindow.objects.create(client="x" * 64, started_at=an_hour_ago - datetime.timedelta(days=3), count=2)
    assert post(REMOTE_ADDR=IPV4).status_code == 302
    window = ReportWindow.objects.get()  # the ended windows are gone
    assert window.count == 1 and window.started_at > an_hour_ago


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database")
def test_posts_arriving_at_once_from_one_client_are_counted_exactly():
    """Twelve workers posting at the same moment: exactly five accepted (an atomic increment, not read-then-write)."""
    start, statuses = threading.Barrier(12), []

    def worker():
        start.wait()
        try:
            statuses.append(post(REMOTE_ADDR=IPV4).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] * LIMIT + [429] * 7
    assert ErrorReport.objects.count() == LIMIT
