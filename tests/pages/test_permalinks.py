"""A position's permalink, "cite this", and sources in numbered paragraphs that a position points into."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PositionFactory, SourceFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Headline: a plenary ends\n"
    "\n"
    "\u00a0\n"  # a line of only a non-breaking space is empty: it is no paragraph
    "Dubai, 15 November 2024\n"
    "Russia's delegate said: \u201cwe will   not discuss this\u201d, and **nothing** more.\n"
    "The 50% & <b>rule</b> stays as typed.\n"
)


@pytest.fixture
def quoted():
    source = SourceFactory(title="Plenary ends {in} 50% & more", text=TEXT)
    return PositionFactory(
        source=source,
        quote='"we will not discuss this"',  # straight marks and one space: still the source's words
        source_location="paragraph 3",
        participant__name="Russian Federation",
    )


def test_the_source_text_is_in_numbered_paragraphs_verbatim(client, quoted):
    html = client.get(f"/sources/{quoted.source_id}/").content.decode()
    numbered = re.findall(r'<p id="p(\d+)"', html)
    assert numbered == ["1", "2", "3", "4"]
    assert "**nothing** more." in html, "no Markdown: the text stays as stored"
    assert "The 50% &amp; &lt;b&gt;rule&lt;/b&gt; stays as typed." in html
    assert "<mark" not in html


def test_arriving_from_a_position_marks_its_quoted_words(client, quoted):
    html = client.get(f"/sources/{quoted.source_id}/", {"position": quoted.pk}).content.decode()
    paragraph = re.search(r'<p id="p3"[^>]*>(.*?)</p>', html, flags=re.S).group(1)
    assert '<mark id="quoted">\u201cwe will   not discuss this\u201d</mark>' in paragraph
    # A value that is not a position of this source marks nothing, and the page still answers.
    other = PositionFactory()
    for value in ("abc", str(other.pk), "99999999"):
        response = client.get(f"/sources/{quoted.source_id}/", {"position": value})
        assert response.status_code == 200 and "<mark" not in response.content.decode()


def test_the_permalink_shows_the_record_and_links_to_the_passage(client, quoted):
    response = client.get(f"/positions/{quoted.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    passage = f"/sources/{quoted.source_id}/?position={quoted.pk}#p3"
    assert f'href="{passage}"' in html
    # "paragraph 3" is itself a link to the paragraph.
    assert f'<a href="/sources/{quoted.source_id}/?position={quoted.pk}#p3">paragraph 3</a>' in html
    assert f'href="{quoted.meeting.get_absolute_url()}"' in html
    assert f'href="{quoted.agenda_item.issue.get_absolute_url()}"' in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', html)


def test_cite_this_as_text_bibtex_and_csl_json(client, quoted):
    response = client.get(f"/positions/{quoted.pk}/")
    cite = response.context["cite"]
    url = f"http://testserver/positions/{quoted.pk}/"
    assert url in cite["text"] and "Russian Federation blocks" in cite["text"] and "paragraph 3" in cite["text"]
    assert cite["bibtex"].startswith(f"@misc{{kptracker-position-{quoted.pk},")
    assert f"\\url{{{url}}}" in cite["bibtex"]
    # BibTeX's special characters in the source's title are written literally.
    assert r"Plenary ends \{in\} 50\% \& more" in cite["bibtex"]
    (entry,) = json.loads(cite["csl"])
    assert entry["URL"] == url and entry["type"] == "dataset" and entry["id"] == f"kptracker-position-{quoted.pk}"
    assert len(entry["issued"]["date-parts"][0]) == 3
    html = response.content.decode()
    assert "@misc{kptracker-position-" in html and "&quot;URL&quot;" in html


def test_every_list_row_leads_to_the_permalink(client, quoted):
    for path in ("/positions/", f"/meetings/{quoted.meeting.slug}/", f"/sources/{quoted.source_id}/"):
        assert f'href="/positions/{quoted.pk}/"' in client.get(path).content.decode(), path


def test_the_permalink_runs_a_fixed_number_of_queries(client, quoted):
    other = PositionFactory(source_location="paragraphs 1 and 2", quote="", evidence="cited")
    counts = []
    for position in (quoted, other):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/positions/{position.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 6


def test_an_unknown_position_is_a_404(client, quoted):
    assert client.get("/positions/99999999/").status_code == 404
