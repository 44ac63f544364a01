"""Small CSV exports served from the page cache, keyed like pages by the record's data version.

An export is streamed, so that a million rows never sit in memory. But most exports are small (the
curated record's positions.csv is about 110 KB), and building one costs far more than sending it:
the ORM compiles positions.csv's SELECT, which formats and guards every cell in SQL, in about 45 ms,
more than the rows take. Under a mix of readers an uncached export ran at a fortieth of a cached
page's requests/s.

So an export is streamed as before while a copy of its bytes is kept; if the whole of it comes in under
SMALL_EXPORT_BYTES it is stored, and the next request with the same parameters (at the same data
version) gets those bytes without running the view at all: no filters judged, no rows read. Anything
larger is dropped as soon as it passes the limit, and streams every time. Only a complete export is
stored: a download cut short (a client gone, a database lost) stores nothing.

The data version is read before the export's own query, so the rows can only be as new or newer than
the version they are stored under: a reader never gets rows older than the version says.
"""

from django.core.cache import caches

from meetings.version import current_version
from pages.cache import PAGE_CACHE, PAGE_TIMEOUT, request_key

from .csvwriter import csv_stream_response

SMALL_EXPORT_BYTES = 512 * 1024


def _key(request, version):
    return request_key("export", request, sorted(request.GET.lists()), version)


def cached_export(request):
    """(the cached export's response or None, the cache key): a hit answers without running the view,
    whose parameters were judged when the export was first built (only a 200 is stored, and the data its
    choices come from is the same at the same version)."""
    key = _key(request, current_version())
    hit = caches[PAGE_CACHE].get(key)
    if hit is None:
        return None, key
    filename_stem, content = hit
    response = csv_stream_response(filename_stem, [content])  # today's file name, as when it was built
    response["X-Page-Cache"] = "hit"
    return response, key


def keep_if_small(response, key):
    """`response` (a streaming 200 export from exports.csvwriter) streamed as built, its bytes stored under
    `key` once the whole of them has come in under SMALL_EXPORT_BYTES."""
    response.streaming_content = _kept(response.streaming_content, response.filename_stem, key)
    response["X-Page-Cache"] = "miss"
    return response


def _kept(chunks, filename_stem, key):
    kept, size = [], 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= SMALL_EXPORT_BYTES:
                kept.append(chunk)
            else:
                kept = None
        yield chunk
    if kept is not None:
        caches[PAGE_CACHE].set(key, (filename_stem, b"".join(kept)), PAGE_TIMEOUT)
