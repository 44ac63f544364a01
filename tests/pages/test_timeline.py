"""The timeline: meetings by year, agenda chips, counts and the chart, and its filters."""

import re

import pytest

from governance.models import Chair
from tests.factories import MeetingFactory, PersonFactory

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
    assert chart["labels"] == ["2023", "2024"]
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


def test_timeline_folds_years_into_decades_newest_open(client, blocked):
    MeetingFactory(title="Plenary 2009", slug="plenary-2009", start_date="2009-11-02", end_date=None)
    html = client.get("/").content.decode()
    # The 2000s are folded, the 2020s open; every year between keeps its place, with or without meetings.
    assert re.search(r'<details id="decade-2000">\s*<summary><h2>The 2000s</h2>', html)
    assert re.search(r'<details id="decade-2020" open>', html)
    assert 'id="year-2015"' in html and "No meeting on record for 2015." in html
    assert "2009 · 1 meeting · 0 positions · 0 blocks" in html
    assert "2020–2024 · 2 meetings · 4 positions · 2 blocks" in html
    # The strip links every year to its place, shaded by how much the record holds.
    strip = html[html.index('class="year-strip"') : html.index("</nav>", html.index('class="year-strip"'))]
    assert strip.count('href="#year-') == 2024 - 2009 + 1
    assert 'href="#year-2015" class="density-0 no-meetings"' in strip
    assert 'href="#year-2009" class="density-0"' in strip
    assert 'href="#year-2023" class="density-4"' in strip


def test_a_filtered_timeline_opens_every_decade(client, blocked):
    MeetingFactory(title="Plenary 2009", slug="plenary-2009", start_date="2009-11-02", end_date=None)
    html = client.get("/", {"kind": "plenary"}).content.decode()
    assert '<details id="decade-2000" open>' in html


def test_each_year_names_its_chairs_with_every_account(client, blocked):
    source = blocked["source"]
    for participant, person in ((blocked["russia"], "Alexey Moiseev"), (blocked["china"], None)):
        chair = Chair.objects.create(
            year=2023, role="chair", participant=participant, person=PersonFactory(name=person) if person else None
        )
        chair.sources.add(source)
    vice = Chair.objects.create(year=2023, role="vice_chair", participant=blocked["china"], inferred=True, note="read")
    vice.sources.add(source)
    html = client.get("/").content.decode()
    year = html[html.index('id="year-2023"') : html.index('id="year-2024"')]
    assert "Russian Federation</a> (Alexey Moiseev); " in year and "(2 accounts)" in year
    assert "Vice-chair: " in year and "a reading of the sources" in year
    assert "No chair on record" in html[html.index('id="year-2024"') :]
