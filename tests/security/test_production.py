"""Production mode: deploy checks, refusing to start without a key, error pages, headers on every response."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

from .boom_urls import SECRET_DETAIL
from .urls import sample_urls

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "kptracker.example.org"


def clean_env():
    """A shell's environment, without the test run's settings (pytest's conftest allows async-unsafe calls)."""
    return {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}


def documented_production_env(tmp_path):
    """The variables .env.example documents, as an operator would set them, with a real random key."""
    env = clean_env()
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.lstrip("# ").strip()
        name, sep, value = line.partition("=")
        if sep and name.isupper() and name.replace("_", "").isalnum() and " " not in value:
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    assert env["DEBUG"] == "false" and env["ALLOWED_HOSTS"] == HOST
    return env


def run(args, env, **kwargs):
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def test_deploy_checks_pass_with_the_documented_production_settings(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], documented_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_fail_with_debug_settings(tmp_path):
    """The check itself can fail: with the quick-start settings it must."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], clean_env())
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_debug_off_without_secret_key_stops_with_a_clear_message(tmp_path):
    env = documented_production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


PRODUCTION_PROBE = f"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
# The manifest needs `collectstatic`; everything else is production as configured.
with override_settings(STORAGES={{**settings.STORAGES, "staticfiles": {{
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}}}):
    client = Client()
    plain = client.get("/no-such-page/", HTTP_HOST="{HOST}")
    secure = client.get("/no-such-page/", HTTP_HOST="{HOST}", secure=True)
    login = client.get("/admin/login/", HTTP_HOST="{HOST}", secure=True)
cookie = login.cookies["csrftoken"]
print(json.dumps({{
    "plain": [plain.status_code, plain.get("Location")],
    "secure_status": secure.status_code,
    "secure_headers": dict(secure.headers),
    "csrf_cookie": {{"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"])}},
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
}}))
"""


def test_production_redirects_to_https_sends_hsts_and_marks_cookies_secure(tmp_path):
    env = {**documented_production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "kptracker.settings"}
    result = run(["-c", PRODUCTION_PROBE], env)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, f"https://{HOST}/no-such-page/"]
    assert probe["secure_status"] == 404
    headers = probe["secure_headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Content-Security-Policy" in headers
    assert probe["csrf_cookie"] == {"secure": True, "httponly": True}
    assert probe["session_cookie"] == [True, True]


FORBIDDEN_IN_ERROR_PAGES = ["Traceback", "SECRET_KEY", "DATABASES", "settings.py", "urlpatterns", SECRET_DETAIL]


def assert_reveals_nothing(response):
    html = response.content.decode()
    for word in FORBIDDEN_IN_ERROR_PAGES:
        assert word not in html, word


def test_404_is_the_site_page_and_reveals_nothing(client):
    response = client.get("/no-such-page/?debug=1")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="/matrix/"' in response.content.decode()  # the site's navigation, not Django's page
    assert_reveals_nothing(response)


@override_settings(ROOT_URLCONF="tests.security.boom_urls")
def test_500_reveals_nothing(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "kaboom" not in response.content.decode()
    assert_reveals_nothing(response)


@override_settings(ROOT_URLCONF="tests.security.boom_urls")
def test_database_outage_is_a_friendly_503_with_retry_after(client):
    response = client.get("/database-down/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "Back in a moment" in response.content.decode()
    assert_reveals_nothing(response)


@override_settings(ROOT_URLCONF="tests.security.boom_urls")
def test_an_export_that_cannot_reach_the_database_is_a_503_not_a_broken_stream(client):
    """The view returns before the stream's queries run; the connection is checked before it starts."""
    refused = OperationalError(f'connection to server at "{SECRET_DETAIL}" failed: Connection refused')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/export.csv")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert_reveals_nothing(response)
    # With the database there, the stream is passed on whole.
    response = client.get("/export.csv")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"row 0\nrow 1\nrow 2\n"


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@override_settings(ROOT_URLCONF="tests.security.boom_urls", SECURE_HSTS_SECONDS=31536000)
def test_every_kind_of_response_carries_the_security_headers(client, kp_data):
    client.raise_request_exception = False
    paths = [*sample_urls().values(), "/no-such-page/", "/boom/", "/database-down/", "/admin/login/"]
    seen = set()
    for path in paths:
        response = client.get(path, secure=True)
        if response.streaming:
            b"".join(response.streaming_content)
        assert_security_headers(response)
        seen.add((response.status_code, response["Content-Type"].split(";")[0]))
    # HTML, CSV and zip; 200, 404, 500 and 503 all went through.
    assert {status for status, _ in seen} >= {200, 404, 500, 503}
    assert {kind for _, kind in seen} >= {"text/html", "text/csv", "application/zip"}


class FakeStream:
    def __init__(self, chunks, fail=False):
        self.chunks, self.fail, self.closed = chunks, fail, False

    def __iter__(self):
        if self.fail:
            raise OperationalError("server closed the connection unexpectedly")
        yield from self.chunks

    def close(self):
        self.closed = True


def call_guarded(body):
    from kptracker.middleware import StreamStartGuard

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv"), ("X-Frame-Options", "DENY")])
        return body

    answered = []
    result = StreamStartGuard(app)({"PATH_INFO": "/export/positions.csv"}, lambda *args: answered.append(args))
    return answered, result


def test_the_wsgi_entry_point_turns_a_stream_that_fails_to_start_into_a_503():
    """Under gunicorn, the database can vanish between the view's return and the stream's first query."""
    import kptracker.wsgi
    from kptracker.middleware import StreamStartGuard

    assert isinstance(kptracker.wsgi.application, StreamStartGuard)
    body = FakeStream([], fail=True)
    answered, result = call_guarded(body)
    ((status, headers),) = answered
    assert status == "503 Service Unavailable"
    assert ("X-Frame-Options", "DENY") in headers and ("Content-Type", "text/html; charset=utf-8") in headers
    assert dict(headers)["Retry-After"].isdigit()
    assert "Back in a moment" in b"".join(result).decode()
    assert body.closed


def test_the_wsgi_entry_point_passes_a_stream_that_starts_on_whole():
    body = FakeStream([b"a,b\n", b"1,2\n"])
    answered, result = call_guarded(body)
    assert answered == [("200 OK", [("Content-Type", "text/csv"), ("X-Frame-Options", "DENY")], None)]
    assert b"".join(result) == b"a,b\n1,2\n"
    result.close()
    assert body.closed
