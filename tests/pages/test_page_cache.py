"""Public pages come from the page cache until the record changes; any change shows at once."""

import io

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
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


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="a server connection to lose")


def next_request(client, path, monkeypatch):
    """GET `path` as a new request on a kept connection (what request_started's close_old_connections does,
    which the test client leaves out), counting CONN_HEALTH_CHECKS' probes of the connection."""
    probes = []
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    is_usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda self: probes.append(1) or is_usable(self))
    connection.close_if_unusable_or_obsolete()
    response = client.get(path)
    monkeypatch.undo()
    return response, len(probes)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_cache_hit_checks_its_connection_with_the_version_query_alone(client, kp_data, monkeypatch):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] and connection.settings_dict["CONN_MAX_AGE"]
    client.get("/matrix/")
    response, probes = next_request(client, "/matrix/", monkeypatch)
    assert response["X-Page-Cache"] == "hit" and probes == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_cache_hit_on_a_connection_the_server_dropped_reconnects_and_answers(client, kp_data, monkeypatch):
    import psycopg2

    client.get("/matrix/")
    lost = connection.connection.get_backend_pid()
    params = connection.get_connection_params()
    with psycopg2.connect(**params) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [lost])
        for _ in range(200):  # until the backend has exited
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [lost])
            if not cursor.fetchone()[0]:
                break
    response, probes = next_request(client, "/matrix/", monkeypatch)
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
    assert probes == 1  # the version query failed, the probe found the connection dead
    assert connection.connection.get_backend_pid() != lost
