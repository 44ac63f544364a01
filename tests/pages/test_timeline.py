"""The timeline: meetings by year, agenda chips, counts and the chart, and its filters."""

import pytest

pytestmark = pytest.mark.django_db


def test_timeline_groups_by_year_with_chips_and_counts(client, blocked):
    html = client.get("/").content.decode()
    assert 'id="year-2023"' in html and 'id="year-2024"' in html
    assert html.index("Plenary 2023") < html.index("Plenary 2024")
    assert "outcome-not_discussed" in html and "outcome-no_consensus" in html
    assert "<strong>1</strong> block" in html


def test_timeline_chart_data_matches_the_positions(client, blocked):
    response = client.get("/")
    chart = response.context["chart"]
    assert chart["labels"] == ["Nov 2023 plenary", "Nov 2024 plenary"]
    by_key = {d["key"]: d["data"] for d in chart["datasets"]}
    assert by_key == {"blocks": [1, 1], "opposes": [1, 0], "protests": [0, 1]}
    assert 'id="timeline-chart-data"' in response.content.decode()


def test_timeline_filters_narrow_the_meetings(client, blocked):
    html = client.get("/", {"year_from": 2024}).content.decode()
    assert "Plenary 2024" in html and "Plenary 2023" not in html
    html = client.get("/", {"participant": "CHN"}).content.decode()
    assert "Plenary 2023" in html and "Plenary 2024" not in html
    html = client.get("/", {"kind": "intersessional"}).content.decode()
    assert "No meeting matches" in html
