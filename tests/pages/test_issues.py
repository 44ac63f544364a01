"""An issue's trajectory: who blocked, opposed or protested at each meeting."""

import pytest

pytestmark = pytest.mark.django_db


def test_issue_trajectory_names_who_blocked_at_each_meeting(client, blocked):
    response = client.get("/issues/russia-ukraine/")
    items = response.context["items"]
    assert [item.meeting.slug for item in items] == ["plenary-2023", "plenary-2024"]
    (first,) = items[0].proposals.all()
    (second,) = items[1].proposals.all()
    assert dict(first.who)["blocks"] == [{"code": "RUS", "name": "Russian Federation", "inferred": False}]
    assert dict(second.who)["protests"] == [{"code": "KPCSC", "name": "KP Civil Society Coalition", "inferred": False}]
