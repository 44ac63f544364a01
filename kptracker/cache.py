"""A local-memory cache bounded in bytes as well as in entries.

Django's LocMemCache counts entries only, and a page can be 20 KB or 2 MB: 2,000 entries of the
matrix at a million positions would be gigabytes per worker. This one also keeps the total size of
its stored values under OPTIONS["MAX_BYTES"], dropping the least recently used first, and does not
store a value larger than the whole budget.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

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
