"""Atom feeds of new and changed positions, and the meetings as iCalendar (issue 16), read back as a feed
reader and a calendar would read them."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from meetings.models import Meeting
from positions.models import Position
from tests.factories import AgendaItemFactory, IssueFactory, MeetingFactory, ParticipantFactory, PositionFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"


@pytest.fixture
def record():
    rus = ParticipantFactory(code="RUS", name="Russia")
    usa = ParticipantFactory(code="USA", name="United States")
    issue = IssueFactory(slug="russia-ukraine", title="Russia and Ukraine")
    item = AgendaItemFactory(issue=issue, meeting__title="KP Intersessional 2022, Kasane")
    other = AgendaItemFactory()
    blocks = PositionFactory(agenda_item=item, participant=rus, stance="blocks", quote="we will not discuss this")
    supports = PositionFactory(agenda_item=item, participant=usa, stance="supports", quote="we support it")
    elsewhere = PositionFactory(agenda_item=other, participant=usa, stance="opposes", quote="not this")
    return {"rus": rus, "usa": usa, "issue": issue, "positions": [blocks, supports, elsewhere]}


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_of_all_positions_links_each_entry_to_its_permalink(client, record):
    feed = read(client, "/feeds/positions.atom")
    links = {entry.link for entry in feed.entries}
    assert links == {f"http://testserver/positions/{p.pk}/" for p in record["positions"]}
    blocks = next(e for e in feed.entries if e.link.endswith(f"/{record['positions'][0].pk}/"))
    assert blocks.title.startswith("Russia blocks: ")
    assert "“we will not discuss this”" in blocks.summary
    assert blocks.id == blocks.link, "an entry's id is its permalink, so a correction updates it"


def test_a_changed_position_comes_first_as_an_update_of_the_same_entry(client, record):
    first = record["positions"][0]
    three_days_ago = first.updated_at - datetime.timedelta(days=3)
    Position.objects.update(updated_at=three_days_ago)
    before = read(client, "/feeds/positions.atom")
    assert before.entries[0].id != f"http://testserver/positions/{first.pk}/"
    first.refresh_from_db()
    first.note = "Corrected: the quote is the delegate's."
    first.save()
    after = read(client, "/feeds/positions.atom")
    assert after.entries[0].id == f"http://testserver/positions/{first.pk}/"
    assert len(after.entries) == len(before.entries), "the same entry, updated, not a new one"
    assert after.entries[0].updated_parsed > after.entries[1].updated_parsed
    assert "<p>Corrected: the quote is the delegate&#x27;s.</p>" in after.entries[0].summary


def test_a_participants_feed_and_an_issues_feed_hold_only_theirs(client, record):
    feed = read(client, "/participants/rus/feed.atom")
    assert [e.link for e in feed.entries] == [f"http://testserver/positions/{record['positions'][0].pk}/"]
    assert feed.feed.title == "kptracker: Russia's new and changed positions"
    issue = read(client, "/issues/russia-ukraine/feed.atom")
    assert {e.link for e in issue.entries} == {f"http://testserver/positions/{p.pk}/" for p in record["positions"][:2]}
    assert client.get("/participants/nobody/feed.atom").status_code == 404
    assert client.get("/issues/no-such-issue/feed.atom").status_code == 404


def test_the_pages_name_their_feeds_and_show_a_follow_link(client, record):
    for page, feed in [
        ("/participants/rus/", "/participants/rus/feed.atom"),
        ("/issues/russia-ukraine/", "/issues/russia-ukraine/feed.atom"),
        ("/positions/", "/feeds/positions.atom"),
        ("/", "/feeds/positions.atom"),
    ]:
        html = client.get(page).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html and f'href="{feed}"' in html, page
        assert f'<a href="{feed}" type="application/atom+xml">' in html, page
    assert 'href="/meetings.ics" type="text/calendar">' in client.get("/").content.decode()


def test_markup_in_a_record_stays_text_in_the_feed(client, record):
    Position.objects.filter(pk=record["positions"][0].pk).update(note=SCRIPT)
    record["rus"].name = SCRIPT
    record["rus"].save()
    response = client.get("/feeds/positions.atom")
    assert b"<script>" not in response.content
    link = f"http://testserver/positions/{record['positions'][0].pk}/"
    entry = next(e for e in feedparser.parse(response.content).entries if e.link == link)
    assert SCRIPT in entry.title
    assert "&lt;script&gt;" in entry.summary, "an html summary shows the markup as text"


def test_a_feed_runs_the_same_queries_however_many_positions(client, record):
    counts = []
    for round_ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            read(client, "/participants/rus/feed.atom")
        counts.append(len([q for q in ctx.captured_queries if "dataversion" not in q["sql"]]))
        for i in range(5):
            PositionFactory(participant=record["rus"], stance="opposes", quote=f"no {round_}{i}")
    assert counts[0] == counts[1]


def test_every_meeting_is_an_all_day_event_at_the_precision_known(client):
    MeetingFactory(
        slug="plenary-2024", title="KP Plenary 2024", start_date=datetime.date(2024, 11, 18),
        end_date=datetime.date(2024, 11, 22), city="Dubai", host_country="ARE",
    )  # fmt: skip
    MeetingFactory(
        slug="plenary-2026", title="KP Plenary 2026", status="planned", start_date=datetime.date(2026, 11, 1),
        end_date=None, date_precision="month", city="", host_country="IND",
    )  # fmt: skip
    MeetingFactory(
        slug="plenary-2020", title="KP Plenary 2020", status="cancelled", start_date=datetime.date(2020, 11, 16),
        end_date=None, host_country="RUS",
    )  # fmt: skip
    response = client.get("/meetings.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"meeting-{m.slug}@kptracker" for m in Meeting.objects.all()}
    dubai = events["meeting-plenary-2024@kptracker"]
    assert dubai.decoded("dtstart") == datetime.date(2024, 11, 18)
    assert dubai.decoded("dtend") == datetime.date(2024, 11, 23), "iCalendar's end is the day after the last"
    assert str(dubai["location"]) == "Dubai, ARE" and str(dubai["status"]) == "CONFIRMED"
    assert str(dubai["url"]) == "http://testserver/meetings/plenary-2024/"
    planned = events["meeting-plenary-2026@kptracker"]
    assert str(planned["status"]) == "TENTATIVE"
    assert planned.decoded("dtend") - planned.decoded("dtstart") == datetime.timedelta(days=1)
    assert "(dates known to the month: Nov 2026)" in str(planned["summary"])
    cancelled = events["meeting-plenary-2020@kptracker"]
    assert str(cancelled["status"]) == "CANCELLED" and str(cancelled["summary"]).endswith("(cancelled)")
