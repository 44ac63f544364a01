"""A meeting's page: positions grouped by stance, with their sources; the previous and next meeting."""

import pytest

pytestmark = pytest.mark.django_db


def test_meeting_page_groups_positions_by_stance_and_cites_sources(client, blocked):
    html = client.get("/meetings/plenary-2023/").content.decode()
    assert html.index("Blocks") < html.index("Opposes")
    assert "blocked 2023" in html and "china opposes" in html
    assert f'href="/sources/{blocked["source"].pk}/"' in html
    assert 'rel="next" href="/meetings/plenary-2024/"' in html


def test_a_meeting_shows_the_meetings_it_is_tied_to(client, kp_data):
    session = client.get("/meetings/2024-05-special-session-dubai/").content.decode()
    assert 'Held within</dt><dd><a href="/meetings/2024-05-intersessional-dubai/">' in session
    intersessional = client.get("/meetings/2024-05-intersessional-dubai/").content.decode()
    assert 'Held within it</dt><dd><a href="/meetings/2024-05-special-session-dubai/">' in intersessional

    virtual = client.get("/meetings/2021-06-intersessional-virtual/").content.decode()
    assert "<dt>Planned for</dt><dd>Moscow, RUS</dd>" in virtual
    assert '<dt>Replaces</dt><dd><a href="/meetings/2020-06-intersessional-moscow-cancelled/">' in virtual
    # The tie is a reading of the source: marked apart from what the source states, and the note says why.
    replaces = virtual.split("<dt>Replaces</dt>")[1].split("</dd>")[0]
    assert '<span class="reading">a reading of the sources: see the note</span>' in replaces
    assert "is a reading, not the source" in virtual
    cancelled = client.get("/meetings/2020-06-intersessional-moscow-cancelled/").content.decode()
    assert 'Replaced by</dt><dd><a href="/meetings/2021-06-intersessional-virtual/">' in cancelled
    assert "see its note" in cancelled
    assert 'class="reading"' not in session  # the source states this tie


def test_a_meeting_without_ties_shows_none(client, kp_data):
    html = client.get("/meetings/2024-11-plenary-dubai/").content.decode()
    for label in ("Planned for", "Held within", "Replaces", "Replaced by"):
        assert f"<dt>{label}" not in html
