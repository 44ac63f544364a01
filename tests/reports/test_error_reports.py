"""Readers report errors through a short form: stored for editors, protected against abuse."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports.models import ErrorReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def post(client, **data):
    payload = {"page": "/meetings/x/", "what": "The date is wrong.", "source": "", "contact": "", "website": ""}
    payload.update(data)
    return client.post(reverse("reports:report"), payload)


def test_every_public_page_links_to_the_report_form(client, kp_data):
    for path in ["/", "/meetings/2024-11-plenary-dubai/", "/participants/rus/", "/issues/russia-ukraine/"]:
        html = client.get(path).content.decode()
        assert f'href="/report/?page={path}"' in html, path


def test_a_report_is_stored_and_shown_escaped_in_the_admin(client, admin_client_logged_in):
    response = post(client, what="<script>alert(1)</script> wrong year", source="https://example.org/a")
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    assert report.page == "/meetings/x/" and report.source == "https://example.org/a"
    assert report.client and "127.0.0.1" not in report.client
    html = admin_client_logged_in.get(reverse("admin:reports_errorreport_change", args=[report.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; wrong year" in html
    assert "<script>alert(1)</script>" not in html


def test_length_limits_are_form_errors(client):
    response = post(client, what="x" * 2001)
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    response = post(client, contact="c" * 201)
    assert "at most 200 characters" in response.content.decode()
    response = post(client, what="   ")
    assert response.status_code == 200
    assert not ErrorReport.objects.exists()


def test_honeypot_filled_stores_nothing_but_looks_accepted(client):
    response = post(client, website="http://spam.example")
    assert response.status_code == 302
    assert not ErrorReport.objects.exists()


def test_rate_limit_per_client(client):
    for _ in range(5):
        assert post(client).status_code == 302
    response = post(client)
    assert response.status_code == 429
    assert ErrorReport.objects.count() == 5
    other = client.post(reverse("reports:report"), {"what": "x"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_csrf_is_enforced(kp_data):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("reports:report"), {"what": "no token"})
    assert response.status_code == 403
    assert not ErrorReport.objects.exists()


def test_page_must_be_a_local_path(client):
    post(client, page="https://evil.example/phish")
    assert ErrorReport.objects.get().page == ""
    response = client.get(reverse("reports:report"), {"page": "//evil.example"})
    assert "evil.example" not in response.content.decode()
