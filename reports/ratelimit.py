"""A fixed-window rate limit per client, kept in Django's cache (local memory, or Redis when configured)."""

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from kptracker.middleware import client_ip

REPORTS_PER_WINDOW = 5
WINDOW_SECONDS = 3600


def client_key(request):
    """A keyed hash of the client's address (as django-axes sees it): enough to count, never stored in the clear."""
    address = client_ip(request) or ""
    return salted_hmac("kptracker.reports.client", address).hexdigest()


def allow(request, *, limit=REPORTS_PER_WINDOW, window=WINDOW_SECONDS):
    """Count one attempt for this client; False once it has made `limit` in the current window."""
    key = f"report-rate:{client_key(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
