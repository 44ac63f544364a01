"""What every answer of the API carries, around django-ninja's views: the page cache, ETag and
Last-Modified from the record's data version with 304 for a matching conditional request, and
Access-Control-Allow-Origin: * so that a notebook in a browser can read it.

One query (the data version and its time) before anything else: a conditional request that matches,
or a request whose answer is cached, costs that one query.
"""

import hashlib
from functools import wraps

from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import URLPattern
from django.utils.http import http_date, parse_http_date_safe

from meetings.version import current_version_and_time
from pages.cache import PAGE_CACHE, PAGE_TIMEOUT

CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS"}
# How long a reader may reuse an answer before asking again (with its ETag, cheaply): the record changes
# seldom, and a change shows at the next request that revalidates.
CACHE_CONTROL = "public, max-age=60"


def _etag(version, request):
    canonical = repr((request.path, sorted(request.GET.lists()), version))
    return '"' + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32] + '"'


def _not_modified(request, etag, changed_at):
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and changed_at is not None and int(changed_at.timestamp()) <= since


def _with_headers(response, etag, changed_at):
    response["ETag"] = etag
    if changed_at is not None:
        response["Last-Modified"] = http_date(changed_at.timestamp())
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Accept-Encoding"
    for name, value in CORS.items():
        response[name] = value
    return response


def served(view):
    """The view, answered from the page cache and conditional requests where it can be."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":  # a browser's preflight: GET only, no credentials
            response = HttpResponse(status=204)
            for name, value in CORS.items():
                response[name] = value
            response["Access-Control-Max-Age"] = "86400"
            return response
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)  # django-ninja answers 405
        version, changed_at = current_version_and_time()
        etag = _etag(version, request)
        if _not_modified(request, etag, changed_at):
            return _with_headers(HttpResponseNotModified(), etag, changed_at)
        cache = caches[PAGE_CACHE]
        key = "api:" + etag.strip('"')
        hit = cache.get(key)
        if hit is not None:
            content, content_type, status = hit
            response = HttpResponse(content, content_type=content_type, status=status)
            response["X-Page-Cache"] = "hit"
            return _with_headers(response, etag, changed_at)
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 404) and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"], response.status_code), PAGE_TIMEOUT)
            response["X-Page-Cache"] = "miss"
        return _with_headers(response, etag, changed_at)

    return wrapper


# The answers that describe the API rather than the record: they take no parameter.
DESCRIPTIONS = {"api-root", "openapi-json", "openapi-view"}


def no_parameters(view):
    """A 400 naming any parameter given, as the lists do for one they do not take: nothing is ignored."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.GET:
            errors = {name[:40]: ["This address takes no parameter."] for name in request.GET}
            return JsonResponse({"errors": errors}, status=400)
        return view(request, *args, **kwargs)

    return wrapper


def wrapped(urls, index=None):
    """django-ninja's (patterns, app_name, namespace), each view served through `served`; its root (a 404
    that only names the docs) answered by `index`."""
    patterns, app_name, namespace = urls
    views = []
    for p in patterns:
        view = index if index and p.name == "api-root" else p.callback
        view = no_parameters(view) if p.name in DESCRIPTIONS else view
        views.append(URLPattern(p.pattern, served(view), p.default_args, p.name))
    return views, app_name, namespace
