"""An issue's trajectory: who blocked, opposed or protested at each meeting."""

import pytest

pytestmark = pytest.mark.django_db


def test_issue_trajectory_names_who_blocked_at_each_meeting(client, blocked):
    response = client.get("/issues/russia-ukraine/")
    items = response.context["items"]
    assert [item.meeting.slug for item in items] == ["plenary-2023", "plenary-2024"]
    assert dict(items[0].who)["blocks"] == [{"code": "RUS", "name": "Russian Federation"}]
    assert dict(items[1].who)["protests"] == [{"code": "KPCSC", "name": "KP Civil Society Coalition"}]
