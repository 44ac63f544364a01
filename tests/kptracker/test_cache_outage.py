"""Several servers share one Redis for the page cache (REDIS_URL); when it stops, pages are served
uncached, never as errors, and caching resumes by itself once it answers again (kptracker/cache.py)."""

import logging
import runpy
import socket
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError

from kptracker.cache import ResilientRedisCache

pytestmark = pytest.mark.django_db

SETTINGS = Path(__file__).resolve().parents[2] / "kptracker" / "settings.py"


def closed_port():
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    location = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        alias: {"BACKEND": "kptracker.cache.ResilientRedisCache", "LOCATION": location, "KEY_PREFIX": alias}
        for alias in ("default", "pages")
    }


def test_redis_url_selects_the_resilient_backend_for_every_cache(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    configured = runpy.run_path(str(SETTINGS))["CACHES"]
    assert {alias: config["BACKEND"] for alias, config in configured.items()} == {
        "default": "kptracker.cache.ResilientRedisCache",
        "pages": "kptracker.cache.ResilientRedisCache",
    }
    # A hung Redis holds a request for a bounded time only.
    assert all(config["OPTIONS"]["socket_timeout"] <= 1 for config in configured.values())


@pytest.mark.parametrize(
    "path", ["/", "/matrix/", "/meetings/2024-11-plenary-dubai/", "/api/v1/meetings", "/api/v1/participants/RUS"]
)
def test_with_redis_down_pages_are_rendered_uncached_not_errors(client, kp_data, redis_down, path, caplog):
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        assert response["X-Page-Cache"] == "miss"
    assert b"Dubai" in client.get("/meetings/2024-11-plenary-dubai/").content
    # One warning for the outage, not one per request.
    warnings = [r for r in caplog.records if r.name == "kptracker.cache"]
    assert [r.getMessage().split(":")[0] for r in warnings] == ["Cache unavailable, serving uncached"]


class Clock:
    now = 1000.0

    def monotonic(self):
        return self.now


def test_after_a_failure_redis_is_left_alone_briefly_then_caching_resumes(monkeypatch, caplog):
    clock = Clock()
    monkeypatch.setattr("kptracker.cache.time", clock)
    calls = []

    def redis_get(self, key, default=None, version=None):
        calls.append(key)
        if len(calls) == 1:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return b"the page"

    monkeypatch.setattr(RedisCache, "get", redis_get)
    cache = ResilientRedisCache("redis://127.0.0.1:6379/0", {})

    assert cache.get("page", "missing") == "missing"
    assert cache.get("page", "missing") == "missing"  # paused: no second wait on a dead Redis
    assert len(calls) == 1
    clock.now += ResilientRedisCache.PAUSE_SECONDS + 0.1
    assert cache.get("page") == b"the page"
    assert len(calls) == 2
    messages = [r.getMessage() for r in caplog.records if r.name == "kptracker.cache"]
    assert len(messages) == 2 and messages[1] == "Cache available again"
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.name == "kptracker.cache")


def test_with_redis_down_every_call_is_a_miss_and_none_raises(redis_down, monkeypatch):
    monkeypatch.setattr(ResilientRedisCache, "PAUSE_SECONDS", 0)  # each call really tries Redis
    cache = caches["pages"]
    assert cache.get("k", "missing") == "missing"
    assert cache.set("k", "v") is None
    assert cache.add("k", "v") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
