"""A participant's page."""

import pytest

pytestmark = pytest.mark.django_db


def test_participant_code_is_case_insensitive(client, blocked):
    assert client.get("/participants/rus/").status_code == 200
    html = client.get("/participants/RUS/").content.decode()
    assert "Holds a veto" in html and "blocked 2024" in html
    html = client.get("/participants/kpcsc/").content.decode()
    assert "Observer: a voice, not a veto" in html
