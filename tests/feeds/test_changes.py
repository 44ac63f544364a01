"""/changes/: what editors added, corrected or removed, from the change history, without their names."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Position
from tests.factories import MeetingFactory, ParticipantFactory, PositionFactory

pytestmark = pytest.mark.django_db


def test_additions_and_corrections_show_with_links_and_no_editors_name(client):
    editor = get_user_model().objects.create_user("editor-jane-doe", password="x")
    position = PositionFactory(participant=ParticipantFactory(code="RUS", name="Russia"), stance="blocks")
    meeting = MeetingFactory(slug="plenary-2024", title="KP Plenary 2024")
    meeting.title = "KP Plenary 2024, Dubai"
    meeting._history_user = editor
    meeting.save()
    html = client.get("/changes/").content.decode()
    assert f'>added</span> position: <a href="/positions/{position.pk}/">Russia, blocks</a>' in html
    assert '>changed</span> meeting: <a href="/meetings/plenary-2024/">KP Plenary 2024, Dubai</a>' in html
    assert ">added</span> meeting: " in html
    assert "editor-jane-doe" not in html
    assert html.index(">changed</span> meeting") < html.index(">added</span> position"), "newest first"


def test_removed_records_are_listed_without_a_link(client):
    position = PositionFactory(participant=ParticipantFactory(code="USA", name="United States"), stance="supports")
    pk = position.pk
    position.delete()
    html = client.get("/changes/").content.decode()
    removed = html.split(">removed</span> position: ")[1].split("</li>")[0]
    assert removed.startswith("United States, supports")
    assert f'href="/positions/{pk}/"' not in removed


def test_with_no_history_the_page_says_where_changes_will_show(client):
    html = client.get("/changes/").content.decode()
    assert "No change since the curated dataset was loaded" in html


def test_the_changelog_runs_the_same_queries_however_long_the_history(client):
    counts = []
    for round_ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/changes/").status_code == 200
        counts.append(len([q for q in ctx.captured_queries if "dataversion" not in q["sql"]]))
        for i in range(5):
            PositionFactory(participant=ParticipantFactory(code=f"C{round_}{i}"), stance="opposes")
        Position.objects.first().save()
    assert counts[0] == counts[1]
