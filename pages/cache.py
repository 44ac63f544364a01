"""The page cache: public pages served from Django's cache until the record changes.

Cached pages are keyed by the record's data version (meetings/version.py), so a change shows at
once on every worker and every server, whatever the cache backend (local memory by default, Redis
when REDIS_URL is set): one cheap query per request, however large the page.
"""

import hashlib
from functools import wraps

from django.core.cache import caches
from django.http import HttpResponse

from kptracker.params import Parameters
from meetings.version import current_version

PAGE_CACHE = "pages"
PAGE_TIMEOUT = 24 * 60 * 60


def request_key(kind, request, items, version):
    """`kind`'s cache key for this request at this data version: scheme, host, path and `items` (its
    parameters, as the caller canonicalises them), hashed.

    Host and scheme are part of it because pages hold absolute links (canonical URL, feeds).
    """
    canonical = (request.scheme, request.get_host(), request.path, items)
    digest = hashlib.sha256(repr(canonical).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kind}:v{version}:{digest}"


def _key(request, parameters, version):
    """The canonical request: the parameters the page reads, normalised."""
    return request_key("page", request, parameters.canonical_items(request.GET), version)


def cached_page(filterset=None, *, also=()):
    """Serve a GET page from the page cache; store 200 answers. Headers are added by middleware after.

    `filterset` and `also` declare the parameters the page takes (kptracker/params.py). A request
    with any other parameter (a tracking tag, a typo) is redirected to the same URL without it, so
    shared links keep working and unknown parameters cannot multiply cached copies of a page.
    """
    parameters = Parameters(filterset, also)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            return parameters.redirect_without_unknown(request) or _serve(request, parameters, view, args, kwargs)

        return wrapper

    return decorate


def _serve(request, parameters, view, args, kwargs):
    cache = caches[PAGE_CACHE]
    key = _key(request, parameters, current_version())
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        response = HttpResponse(content, content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.streaming and not response.cookies:
        cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
        response["X-Page-Cache"] = "miss"
    return response
