"""Request plumbing: a database outage answers a friendly 503 (in Django and at the WSGI edge, for streams);
the client's address behind proxies."""

import ipaddress
import logging
import re

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Turns a lost or refused database connection raised by a view into a 503 with Retry-After.

    Nothing else is caught: a programming error stays a 500 and is logged as one. The page is rendered
    without the request context, so it needs no database (no user, no session) to render. With
    CONN_HEALTH_CHECKS on, Django drops the broken connection and the next request reconnects.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming:
            response = self.check_before_streaming(request, response)
        return response

    def check_before_streaming(self, request, response):
        """An export streams: its queries run after the view has returned, once the status is on its way.

        A database that is down then would make gunicorn answer its own bare 500, so check the
        connection first (CONN_HEALTH_CHECKS' check, no query when the connection is fresh). Once
        the stream has started, a failure can only cut the download short.
        """
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except (OperationalError, InterfaceError) as exception:
            # The unsent stream is dropped unstarted (closing it here would signal the request's end twice).
            return self.process_exception(request, exception)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # The message (not the traceback) is enough to tell "server down" from "no such table".
        logger.warning("Database unavailable while serving %s: %s", request.path, str(exception).strip()[:300])
        response = HttpResponse(unavailable_page(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


def unavailable_page():
    return render_to_string("503.html")


class StreamStartGuard:
    """WSGI wrapper: a response's status goes out only with its first chunk of body.

    A streamed export runs its first query when the server starts reading the body, after Django has
    returned the status; if the database goes away in between, gunicorn would answer its own bare
    500. Here the first chunk is produced before the status is passed on, so that failure becomes the
    friendly 503 instead, with the security headers the response already carried. Files handed to
    the server's file wrapper (static files) pass through untouched.
    """

    DROPPED_HEADERS = {"content-type", "content-length", "content-disposition", "set-cookie"}

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        held = []

        def hold(status, headers, exc_info=None):
            held[:] = [status, headers, exc_info]

        body = self.app(environ, hold)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(file_wrapper, type) and isinstance(body, file_wrapper):
            start_response(*held)
            return body
        chunks = iter(body)
        try:
            first = next(chunks, None)
        except (OperationalError, InterfaceError) as exception:
            logger.warning("Database unavailable while starting %s: %s", environ.get("PATH_INFO"), exception)
            headers = [(name, value) for name, value in held[1] if name.lower() not in self.DROPPED_HEADERS]
            headers += [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Retry-After", str(RETRY_AFTER_SECONDS)),
                ("Cache-Control", "no-store"),
            ]
            _close(body)
            start_response("503 Service Unavailable", headers)
            return [unavailable_page().encode()]
        start_response(*held)
        return _Body(first, chunks, body)


class _Body:
    """The first chunk, then the rest; closing it closes the original (Django's request_finished)."""

    def __init__(self, first, rest, original):
        self.first, self.rest, self.original = first, rest, original

    def __iter__(self):
        if self.first is not None:
            yield self.first
        yield from self.rest

    def close(self):
        _close(self.original)


def _close(body):
    close = getattr(body, "close", None)
    if close is not None:
        close()


def client_ip(request):
    """The client's address, normalised, for django-axes' lockouts and the error-report limit.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    TRUSTED_PROXY_COUNT proxies in front, the client is that many entries from the right; anything
    further left was written by the client and cannot be trusted. Without proxies, or when the entry
    there is not an address, REMOTE_ADDR. None when neither is an address.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            address = normalise_ip(forwarded[-count])
            if address:
                return address
    return normalise_ip(request.META.get("REMOTE_ADDR"))


_PORT = re.compile(r"[0-9]{1,5}")
_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def normalise_ip(text):
    """One spelling for each address, or None if `text` is not one.

    A port and brackets go (`203.0.113.9:1234`, `[2001:db8::1]:443`), as does an IPv6 zone; an
    IPv4-mapped IPv6 address is its IPv4 address; IPv6 is compressed and lower-case; IPv4 octets lose
    their leading zeros, read as decimal (`203.000.113.009` is 203.0.113.9).
    """
    text = (text or "").strip()
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and _PORT.fullmatch(rest[1:]))):
            return None
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
        if not _PORT.fullmatch(port):
            return None
    else:
        host = text
    if _DOTTED_QUAD.fullmatch(host):
        host = ".".join(str(int(octet)) for octet in host.split("."))
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        address = ipaddress.IPv6Address(int(address))  # without its zone (%eth0)
    return str(address)
