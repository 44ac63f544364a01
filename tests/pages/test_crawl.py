"""A crawler over the whole public site on the curated data: every link answers.

From `/`, every internal link (`<a href>`) of every public page is followed; each must answer 2xx, or
redirect to a page that does. The links of the error pages (404, 500, 503) are followed too. This is
what a reader does; a link that 500s is found here before a reader finds it.
"""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db

# A bound, so that a page generating links without end (a calendar, say) fails instead of hanging.
MAX_PAGES = 3000


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html, base):
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url, _fragment = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme in ("", "http") and parts.netloc in ("", "testserver") and url:
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def answer(client, url):
    """(status after following redirects, body text or None, the redirect chain)."""
    response = client.get(url, follow=True)
    if response.streaming:
        body = None
        for _chunk in response.streaming_content:  # read it all: a stream can fail halfway
            pass
    else:
        body = response.content.decode("utf-8") if "html" in response.get("Content-Type", "") else None
    return response.status_code, body, response.redirect_chain


def crawl(client, start, known_missing=()):
    """Every page reachable from `start`; `known_missing` are addresses expected not to exist (an error
    page's own, which its "report an error" form links back to)."""
    start = [url for url in start if url not in known_missing]  # a skip link (#main) is a link to itself
    seen, queue, broken, pages = set(start) | set(known_missing), list(start), [], 0
    while queue:
        url = queue.pop(0)
        status, body, chain = answer(client, url)
        pages += 1
        assert pages <= MAX_PAGES, f"more than {MAX_PAGES} pages: does a page generate links without end?"
        if not 200 <= status < 300:
            broken.append((url, status, chain))
            continue
        if body is None or urlsplit(url).path.startswith("/admin/"):
            continue
        for link in links_of(body, url):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return seen, broken


def test_every_link_from_the_timeline_answers(client, kp_data):
    seen, broken = crawl(client, ["/"])
    assert not broken, "\n".join(f"{status} {url} (via {chain})" for url, status, chain in broken)
    # The crawl reached every kind of page, so it cannot pass by finding nothing.
    for prefix in ("/meetings/", "/issues/", "/participants/", "/positions/", "/matrix/", "/sources/", "/export/"):
        assert any(url.startswith(prefix) for url in seen), prefix
    assert any(url.startswith("/report/") for url in seen)
    assert len(seen) > 100


def test_every_link_on_the_error_pages_answers(client, kp_data):
    not_found = client.get("/meetings/no-such-meeting/")
    assert not_found.status_code == 404
    start = set(links_of(not_found.content.decode(), "/meetings/no-such-meeting/"))
    for template in ("500.html", "503.html"):
        start |= set(links_of(render_to_string(template), "/"))
    assert start, "the error pages offer no way on"
    _seen, broken = crawl(client, sorted(start), known_missing={"/meetings/no-such-meeting/"})
    assert not broken, "\n".join(f"{status} {url}" for url, status, _chain in broken)
