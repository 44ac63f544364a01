"""/search/: one search over the record, grouped by kind with counts, on both databases."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import ParticipantAlias
from tests.factories import MeetingFactory, ParticipantFactory, PersonFactory, PositionFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    kasane = MeetingFactory(title="KP Intersessional 2022, Kasane", slug="kasane", city="Kasane")
    russia = ParticipantFactory(code="RUS", name="Russia")
    ParticipantAlias.objects.create(participant=russia, name="Russian Federation")
    source = SourceFactory(title="Diamonds talks stall", text="In Kasane the delegates blocked the <b>item</b>.")
    position = PositionFactory(
        agenda_item__meeting=kasane,
        participant=russia,
        quote="the delegates blocked the <b>item</b>",
        source=source,
        note="Said at Kasane.",
    )
    PersonFactory(name="Jacob Thamage", role="KP Chair")
    return {"kasane": kasane, "russia": russia, "position": position, "source": source}


def groups_of(response):
    return {group.kind.key: group for group in response.context["groups"]}


def test_a_search_finds_every_kind_and_links_each_to_its_record(client, record):
    response = client.get("/search/", {"q": "Kasane"})
    groups = groups_of(response)
    assert groups["meetings"].count == 1 and groups["positions"].count == 1 and groups["sources"].count == 1
    html = response.content.decode()
    assert f'href="{record["kasane"].get_absolute_url()}"' in html
    assert f'href="/positions/{record["position"].pk}/"' in html
    assert f'href="/sources/{record["source"].pk}/"' in html
    assert re.search(r"<mark>Kasane</mark>", html)
    # The record's text is escaped in the snippets; only the marks are markup.
    assert "<b>item</b>" not in html and "&lt;b&gt;item&lt;/b&gt;" in html


def test_participants_are_found_by_their_other_names_and_codes(client, record):
    assert groups_of(client.get("/search/", {"q": "Federation"}))["participants"].count == 1
    assert groups_of(client.get("/search/", {"q": "rus"}))["participants"].count == 1
    assert groups_of(client.get("/search/", {"q": "Thamage"}))["people"].count == 1


def test_every_word_must_be_found(client, record):
    assert groups_of(client.get("/search/", {"q": "Kasane delegates"}))["sources"].count == 1
    groups = groups_of(client.get("/search/", {"q": "Kasane Ulaanbaatar"}))
    assert sum(group.count for group in groups.values()) == 0
    html = client.get("/search/", {"q": "Kasane Ulaanbaatar"}).content.decode()
    assert "Nothing in the record matches every word" in html


@pytest.mark.parametrize(
    "q,message",
    [
        ("", "Type a place, a name"),
        ("k", "Type at least 2 characters."),
        ("x" * 201, "Keep the search to 200"),
        ("--", "Type a word"),
    ],
)
def test_an_empty_or_unusable_query_explains_itself(client, record, q, message):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["groups"] == []


def test_every_page_has_a_search_box_in_its_header(client, record):
    for path in ("/", "/participants/", "/about/", f"/positions/{record['position'].pk}/"):
        html = client.get(path).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert 'action="/search/"' in header and 'name="q"' in header, path


def test_the_search_runs_a_fixed_number_of_queries(client, record):
    counts = []
    for extra in (0, 30):
        for _ in range(extra):
            PositionFactory(agenda_item__meeting=record["kasane"], quote="we will not discuss this", note="Kasane")
        with CaptureQueriesContext(connection) as ctx:
            client.get("/search/", {"q": "Kasane"})
        counts.append(len([q for q in ctx.captured_queries if "version" not in q["sql"]]))
    assert counts[0] == counts[1]
