"""The blocking matrix: counts, stance sets, by issue or by meeting, observers apart, what a cell says and links to."""

import datetime
import re

import pytest

from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    ParticipantFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db


def test_matrix_counts_meetings_per_participant_and_issue(client, blocked):
    data = client.get("/matrix/").context["matrix"]
    assert [row.participant["code"] for row in data["veto_rows"]] == ["RUS"]
    assert data["observer_rows"] == []
    (cell,) = data["veto_rows"][0].cells
    assert cell.count == 2
    assert [m["title"] for m in cell.named] == ["Plenary 2023", "Plenary 2024"]


def test_matrix_blocks_and_opposes_and_by_meeting(client, blocked):
    data = client.get("/matrix/", {"stances": "blocks_opposes", "by": "meeting"}).context["matrix"]
    assert [c["slug"] for c in data["columns"]] == ["plenary-2023", "plenary-2024"]
    rows = {row.participant["code"]: [c.count for c in row.cells] for row in data["veto_rows"]}
    assert rows == {"CHN": [1, 0], "RUS": [1, 1]}


def test_matrix_cell_links_to_exactly_its_positions(client, blocked):
    data = client.get("/matrix/", {"stances": "blocks_opposes", "year_from": 2023}).context["matrix"]
    russia_row = next(r for r in data["veto_rows"] if r.participant["code"] == "RUS")
    response = client.get(russia_row.cells[0].url)
    shown = {p.quote for p in response.context["page"].object_list}
    assert shown == {"blocked 2023", "blocked 2024"}


def test_matrix_shows_observers_apart(client, blocked):
    data = client.get("/matrix/", {"stances": "blocks_opposes"}).context["matrix"]
    assert data["observer_rows"] == []
    PositionFactory(
        agenda_item=blocked["items"][0], participant=blocked["coalition"], stance="blocks", source=blocked["source"]
    )
    data = client.get("/matrix/").context["matrix"]
    assert [r.participant["code"] for r in data["observer_rows"]] == ["KPCSC"]
    assert [r.participant["code"] for r in data["veto_rows"]] == ["RUS"]


CELL = re.compile(
    r'<td class="cell[^"]*"><a href="[^"]*" title="(?P<title>[^"]*)">'
    r'.*?<span class="names">(?P<names>.*?)</span></a></td>'
)


@pytest.fixture
def russia_blocks_two_issues(db):
    """At one plenary Russia blocks two issues; at the next, one of them again."""
    russia = ParticipantFactory(code="RUS", name="Russia")
    first = MeetingFactory(
        title="Plenary 2023", slug="plenary-2023", kind="plenary", start_date=datetime.date(2023, 11, 6)
    )
    second = MeetingFactory(
        title="Plenary 2024", slug="plenary-2024", kind="plenary", start_date=datetime.date(2024, 11, 12)
    )
    ukraine = AgendaItemFactory(meeting=first, issue__title="Russian diamonds and Ukraine", issue__slug="ukraine")
    definition = AgendaItemFactory(meeting=first, issue__title="Definition of conflict diamonds", issue__slug="def")
    again = AgendaItemFactory(meeting=second, issue=ukraine.issue)
    for item in (ukraine, definition, again):
        PositionFactory(agenda_item=item, participant=russia, stance="blocks")


def cells(client, **params):
    html = client.get("/matrix/", params).content.decode()
    return [(m["title"], m["names"]) for m in CELL.finditer(html)]


def test_by_meeting_a_cell_names_the_issues_blocked_not_its_own_meeting(client, russia_blocks_two_issues):
    assert cells(client, by="meeting") == [
        (
            "Definition of conflict diamonds; Russian diamonds and Ukraine",
            "Definition of conflict diamonds, Russian diamonds and Ukraine",
        ),
        ("Russian diamonds and Ukraine", "Russian diamonds and Ukraine"),
    ]


def test_by_issue_a_cell_still_names_its_meetings(client, russia_blocks_two_issues):
    # Columns by title: the definition, then Ukraine.
    assert cells(client) == [
        ("Plenary 2023", "2023 plenary"),
        ("Plenary 2023; Plenary 2024", "2023 plenary, 2024 plenary"),
    ]


def test_by_meeting_a_cell_with_many_issues_names_three_and_counts_the_rest(client, russia_blocks_two_issues):
    meeting = MeetingFactory(title="Plenary 2025", slug="plenary-2025", start_date=datetime.date(2025, 11, 10))
    for letter in "ABCDE":
        item = AgendaItemFactory(meeting=meeting, issue__title=f"Issue {letter}", issue__slug=f"issue-{letter}")
        PositionFactory(agenda_item=item, participant__code="RUS", stance="blocks")
    title, names = cells(client, by="meeting")[-1]
    assert title == "Issue A; Issue B; Issue C and 2 more"
    assert names == "Issue A, Issue B, Issue C +2 more"


def test_by_meeting_keeps_the_matrix_and_its_csv_to_their_query_counts(
    client, russia_blocks_two_issues, django_assert_num_queries
):
    client.get("/matrix/")  # the data version is read once per process start; not what is measured here
    with django_assert_num_queries(4):  # 3, and since issue 15 the group filter's choices
        assert client.get("/matrix/", {"by": "meeting", "year_from": 2020}).status_code == 200
    with django_assert_num_queries(3):  # the data version (exports.cache), the cells, the meetings
        response = client.get("/export/matrix.csv", {"by": "meeting"})
    assert b"".join(response.streaming_content).decode().splitlines() == [
        "participant,participant_code,participant_kind,has_veto,plenary-2023,plenary-2024,total",
        "Russia,RUS,government,true,1,1,2",
    ]
