"""Readers report errors through a short form: stored for editors, protected against abuse."""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from reports.models import ErrorReport

pytestmark = pytest.mark.django_db


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


class Links(HTMLParser):
    """The links of a page by their text, and the form's fields by name."""

    def __init__(self, html):
        super().__init__()
        self.links, self.fields, self._href, self._text = {}, {}, None, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self._href, self._text = attrs["href"], []
        elif tag in {"input", "textarea"} and "name" in attrs:
            self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links["".join(self._text).strip()] = self._href
            self._href = None


def follow_the_footer_link_and_report(client, path):
    """A reader on `path` clicks "Report an error", sends the form and clicks back: each step answers."""
    page = client.get(path)
    assert page.status_code == 200, path
    report_link = Links(page.content.decode()).links["Report an error on this page"]
    form_page = client.get(report_link)
    assert form_page.status_code == 200, report_link
    form = Links(form_page.content.decode())
    assert form.fields["page"] == path
    sent = client.post(report_link, {**form.fields, "what": "The date is wrong.", "website": ""})
    assert sent.status_code == 302
    thanks = client.get(sent["Location"])
    assert thanks.status_code == 200
    back = Links(thanks.content.decode()).links["Back to the page you were on"]
    assert back == path
    assert client.get(back).status_code == 200
    assert ErrorReport.objects.get().page == path


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/meetings/2024-11-plenary-dubai/",
        "/participants/rus/",
        "/matrix/",
        "/positions/?participant=RUS&stance=blocks",
    ],
)
def test_the_footer_report_link_leads_to_the_form_and_back(client, kp_data, path):
    follow_the_footer_link_and_report(client, path)


def test_a_page_with_a_query_string_survives_the_round_trip(client, kp_data):
    """The page travels in one query parameter: its own ? and & must not leak into the thanks URL."""
    path = "/matrix/?a=1&b=2"
    form_page = client.get(reverse("reports:report"), {"page": path})
    assert form_page.status_code == 200
    assert Links(form_page.content.decode()).fields["page"] == path
    sent = post(client, page=path)
    assert sent.status_code == 302
    assert sent["Location"] == f"{reverse('reports:thanks')}?{urlencode({'page': path})}"
    back = Links(client.get(sent["Location"]).content.decode()).links["Back to the page you were on"]
    assert back == path
    assert ErrorReport.objects.get().page == path


def test_a_rejected_form_still_names_its_page(client):
    response = post(client, page="/meetings/x/", what="  ")
    assert response.status_code == 200
    assert '<a href="/meetings/x/">/meetings/x/</a>' in response.content.decode()
    response = post(client, page="https://evil.example/phish", what="  ")
    assert "evil.example/phish</a>" not in response.content.decode()
