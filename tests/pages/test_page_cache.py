"""Public pages come from the page cache until the record changes; any change shows at once."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting
from tests.admin_forms import meeting_change
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def get(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response, len(ctx.captured_queries)


def test_second_request_is_served_from_the_cache_with_one_query(client, kp_data):
    first, first_queries = get(client, "/matrix/")
    second, second_queries = get(client, "/matrix/")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second_queries == 1 < first_queries
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_filters_are_part_of_the_key(client, kp_data):
    client.get("/", {"kind": "plenary"})
    other = client.get("/", {"kind": "intersessional"})
    assert other["X-Page-Cache"] == "miss"
    assert "Plenary" not in other.content.decode().split('class="timeline"')[-1]


def test_an_admin_save_invalidates_every_page(client, kp_data, admin_client_logged_in):
    client.get("/")
    meeting = Meeting.objects.get(slug="2024-11-plenary-dubai")
    url, data = meeting_change(admin_client_logged_in, meeting, title="KP Plenary 2024 renamed by an editor")
    assert admin_client_logged_in.post(url, data).status_code == 302
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "renamed by an editor" in response.content.decode()


def test_a_delete_and_a_bulk_import_invalidate(client, kp_data, tmp_path):
    client.get("/")
    MeetingFactory(title="A brand new meeting")
    assert "A brand new meeting" in client.get("/").content.decode()
    Meeting.objects.get(title="A brand new meeting").delete()
    assert "A brand new meeting" not in client.get("/").content.decode()


def test_synthetic_generation_invalidates(client, db):
    before = client.get("/").content
    call_command("generate_synthetic", "--scale", "0.01", stdout=io.StringIO(), stderr=io.StringIO())
    after = client.get("/")
    assert after["X-Page-Cache"] == "miss" and after.content != before


def test_errors_are_not_cached(client, db):
    from django.core.cache import caches

    assert client.get("/meetings/nope/").status_code == 404
    assert client.get("/", {"year_from": "frog"}).status_code == 200
    assert len(caches["pages"]._cache) == 1  # only the 200 page, never the 404
    MeetingFactory(slug="nope", title="Now it exists")
    assert client.get("/meetings/nope/").status_code == 200


def redis_url():
    import socket

    url = "redis://127.0.0.1:6379/15"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return None
    return url


@pytest.mark.skipif(redis_url() is None, reason="no Redis server on 127.0.0.1:6379")
def test_the_page_cache_works_on_redis(client, kp_data, settings):
    from django.core.cache import caches

    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"kptracker-test-{alias}",
        }
        for alias in ("default", "pages")
    }
    caches["pages"].clear()
    try:
        assert client.get("/matrix/")["X-Page-Cache"] == "miss"
        assert client.get("/matrix/")["X-Page-Cache"] == "hit"
        MeetingFactory(title="Seen through Redis too")
        response = client.get("/")
        assert "Seen through Redis too" in response.content.decode()
    finally:
        caches["pages"].clear()
