"""A meeting's page: positions grouped by stance, with their sources; the previous and next meeting."""

import pytest

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


def test_meeting_page_groups_positions_by_stance_and_cites_sources(client, blocked):
    html = client.get("/meetings/plenary-2023/").content.decode()
    assert html.index("Blocks") < html.index("Opposes")
    assert "blocked 2023" in html and "china opposes" in html
    assert f'href="/sources/{blocked["source"].pk}/"' in html
    assert 'rel="next" href="/meetings/plenary-2024/"' in html
