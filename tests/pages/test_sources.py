"""A source's page: its full text and the positions that cite it."""

import pytest

pytestmark = pytest.mark.django_db


def test_source_page_shows_full_text_and_citing_positions(client, blocked):
    html = client.get(f"/sources/{blocked['source'].pk}/").content.decode()
    assert "The delegate said" in html and "blocked 2023" in html
