"""The cache backends: local memory bounded in bytes (one server), Redis that may go away (several).

BoundedLocMemCache: Django's LocMemCache counts entries only, and a page can be 20 KB or 2 MB: 2,000
entries of the matrix at a million positions would be gigabytes per worker. This one also keeps the
total size of its stored values under OPTIONS["MAX_BYTES"], dropping the least recently used first,
and does not store a value larger than the whole budget.

ResilientRedisCache: Django's RedisCache, shared by every server when REDIS_URL is set, except that a
Redis that is down, full or slow is an empty cache rather than an error: pages are rendered uncached
(200s, not 500s) until it answers again.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

# Sizes per cache name, shared like LocMemCache's own stores by every instance (one per thread).
_sizes = {}


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._sizes = _sizes.setdefault(name, {})

    @property
    def total_bytes(self):
        return sum(self._sizes.values())

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._delete(key)
        if len(value) > self.max_bytes:
            return
        super()._set(key, value, timeout)
        self._sizes[key] = len(value)
        total = self.total_bytes
        while total > self.max_bytes:
            # The least recently used is at the end (LocMemCache moves each hit to the front).
            oldest, _ = self._cache.popitem()
            self._expire_info.pop(oldest, None)
            total -= self._sizes.pop(oldest, 0)

    def _cull(self):
        super()._cull()
        for key in [key for key in self._sizes if key not in self._cache]:
            del self._sizes[key]

    def _delete(self, key):
        self._sizes.pop(key, None)
        return super()._delete(key)

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()


class ResilientRedisCache(RedisCache):
    """RedisCache whose failures are misses: a read finds nothing, a write stores nothing, nothing raises.

    After a failure the worker leaves Redis alone for PAUSE_SECONDS, so that a Redis that hangs rather
    than refuses costs one request its socket timeout (settings.py), not every request; then it tries
    again, and caching resumes by itself once Redis answers. One warning when the cache goes away and
    one when it is back, per worker, not one per request. incr() and decr() still raise: a counter
    cannot pretend.
    """

    PAUSE_SECONDS = 1.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._paused_until = 0.0
        self._failing = False

    def _call(self, fallback, method, *args, **kwargs):
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            result = method(*args, **kwargs)
        except RedisError as error:
            self._paused_until = time.monotonic() + self.PAUSE_SECONDS
            if not self._failing:
                self._failing = True
                logger.warning("Cache unavailable, serving uncached: %s", str(error).strip()[:300])
            return fallback
        if self._failing:
            self._failing = False
            logger.warning("Cache available again")
        return result

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that could not be stored: all of them.
        return self._call(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)
