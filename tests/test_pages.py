"""The analyst pages: what they show, their filters, their bad-input handling and their query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from positions.models import AgendaItem, Position
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    ObserverFactory,
    ParticipantFactory,
    PositionFactory,
    SourceFactory,
)
from tests.pages_data import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked(db):
    """Russia blocks one issue at two plenaries, China opposes it at one, an observer protests."""
    russia = ParticipantFactory(code="RUS", name="Russian Federation", slug="russian-federation")
    china = ParticipantFactory(code="CHN", name="China", slug="china")
    coalition = ObserverFactory(code="KPCSC", name="KP Civil Society Coalition", slug="kpcsc")
    source = SourceFactory(title="Canada's statement")
    first = AgendaItemFactory(
        meeting=MeetingFactory(title="Plenary 2023", slug="plenary-2023", start_date="2023-11-12", end_date=None),
        issue__title="Russian diamonds",
        issue__slug="russia-ukraine",
    )
    second = AgendaItemFactory(
        meeting=MeetingFactory(title="Plenary 2024", slug="plenary-2024", start_date="2024-11-12", end_date=None),
        issue=first.issue,
        outcome="not_discussed",
    )
    items = [first, second]
    for item, year in zip(items, (2023, 2024), strict=True):
        PositionFactory(agenda_item=item, participant=russia, stance="blocks", source=source, quote=f"blocked {year}")
    PositionFactory(agenda_item=items[0], participant=china, stance="opposes", source=source, quote="china opposes")
    PositionFactory(agenda_item=items[1], participant=coalition, stance="protests", source=source, quote="walked out")
    return {"russia": russia, "china": china, "coalition": coalition, "items": items, "source": source}


PUBLIC_PAGES = [
    ("pages:timeline", {}),
    ("pages:matrix", {}),
    ("pages:position-list", {}),
    ("pages:issue-list", {}),
    ("pages:participant-list", {}),
]


@pytest.mark.parametrize("name,kwargs", PUBLIC_PAGES)
def test_list_pages_answer_with_shared_navigation(client, blocked, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    for link in ("/matrix/", "/issues/", "/participants/", "/positions/"):
        assert f'href="{link}"' in html


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


def test_meeting_page_groups_positions_by_stance_and_cites_sources(client, blocked):
    html = client.get("/meetings/plenary-2023/").content.decode()
    assert html.index("Blocks") < html.index("Opposes")
    assert "blocked 2023" in html and "china opposes" in html
    assert f'href="/sources/{blocked["source"].pk}/"' in html
    assert 'rel="next" href="/meetings/plenary-2024/"' in html


def test_participant_code_is_case_insensitive(client, blocked):
    assert client.get("/participants/rus/").status_code == 200
    html = client.get("/participants/RUS/").content.decode()
    assert "Holds a veto" in html and "blocked 2024" in html
    html = client.get("/participants/kpcsc/").content.decode()
    assert "Observer: a voice, not a veto" in html


def test_issue_trajectory_names_who_blocked_at_each_meeting(client, blocked):
    response = client.get("/issues/russia-ukraine/")
    items = response.context["items"]
    assert [item.meeting.slug for item in items] == ["plenary-2023", "plenary-2024"]
    assert dict(items[0].who)["blocks"] == [{"code": "RUS", "name": "Russian Federation"}]
    assert dict(items[1].who)["protests"] == [{"code": "KPCSC", "name": "KP Civil Society Coalition"}]


def test_source_page_shows_full_text_and_citing_positions(client, blocked):
    html = client.get(f"/sources/{blocked['source'].pk}/").content.decode()
    assert "The delegate said" in html and "blocked 2023" in html


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


def test_position_list_filters(client, blocked):
    def quotes(**params):
        return {p.quote for p in client.get("/positions/", params).context["page"].object_list}

    assert quotes(participant="RUS") == {"blocked 2023", "blocked 2024"}
    assert quotes(stance=["opposes", "protests"]) == {"china opposes", "walked out"}
    assert quotes(meeting="plenary-2024") == {"blocked 2024", "walked out"}
    assert quotes(year_to=2023) == {"blocked 2023", "china opposes"}
    assert quotes(q="walked") == {"walked out"}


GARBAGE = [
    {"year_from": "frog"},
    {"year_from": "2024-13-45"},
    {"year_from": str(10**30)},
    {"year_to": "-5"},
    {"kind": "summit"},
    {"stance": "sulks"},
    {"issue": "no-such-issue"},
    {"participant": "XXX"},
    {"q": "x" * 5000},
    {"meeting": "y" * 5000},
    {"year_from": "2025", "year_to": "2020"},
    {"stances": "everything"},
    {"by": "galaxy"},
]


@pytest.mark.parametrize("path", ["/", "/positions/", "/matrix/"])
@pytest.mark.parametrize("params", GARBAGE, ids=lambda p: next(iter(p)) + ":" + repr(next(iter(p.values())))[:12])
def test_garbage_filters_give_a_form_error_not_a_crash(client, blocked, path, params):
    response = client.get(path, params, follow=True)
    assert response.status_code == 200
    if set(params) & set(response.context["filter"].form.fields):
        assert response.context["filter"].errors


@pytest.mark.parametrize("path", ["/", "/positions/", "/matrix/"])
@pytest.mark.parametrize("params", [{"participant": "R\x00S"}, {"q": "\x00"}], ids=["participant", "q"])
def test_a_nul_in_a_filter_is_a_400_before_the_page(client, blocked, path, params):
    """PostgreSQL cannot hold a NUL; every request carrying one is refused the same way (kptracker/inputs.py)."""
    response = client.get(path, params)
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/", "/positions/", "/matrix/"])
def test_a_single_valued_filter_given_twice_is_a_form_error_naming_it(client, blocked, path):
    response = client.get(f"{path}?kind=plenary&kind=intersessional")
    assert response.status_code == 200
    errors = response.context["filter"].errors
    assert list(errors) == ["kind"] and "2 times" in errors["kind"][0]
    assert "Given 2 times" in response.content.decode()


@pytest.mark.parametrize("page", ["frog", "99999", "0", "-1"])
def test_pages_that_do_not_exist_are_404(client, blocked, page):
    assert client.get("/positions/", {"page": page}).status_code == 404


@pytest.mark.parametrize(
    "path", ["/meetings/nope/", "/issues/nope/", "/participants/XYZ/", "/sources/999999/", "/sources/frog/"]
)
def test_unknown_slugs_and_codes_are_404(client, blocked, path):
    assert client.get(path).status_code == 404


def _query_count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


PAGE_PATHS = [
    "/",
    "/?participant=W000&year_from=2010",
    "/matrix/",
    "/matrix/?by=meeting&stances=blocks_opposes",
    "/positions/",
    "/positions/?stance=blocks&q=quote",
    "/issues/",
    "/issues/w-issue-0/",
    "/participants/",
    "/participants/w000/",
    "/meetings/w-meeting-0/",
    "SOURCE",
]


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_query_count_does_not_grow_with_the_data(client, path):
    world = build_world(scale=1)
    path = path.replace("SOURCE", f"/sources/{world['source'].pk}/")
    small = _query_count(client, path)
    larger = build_world(scale=3, prefix="x")  # 27 times the positions
    Position.objects.filter(participant__code__startswith="X").update(source=world["source"])
    # The first issue and participant turn up at every new meeting too, so their pages grow as well.
    items = AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=m, issue=world["issues"][0], outcome="no_consensus") for m in larger["meetings"]]
    )
    Position.objects.bulk_create(
        [
            Position(
                agenda_item=item,
                participant=p,
                stance="blocks",
                attribution="stated",
                quote="q",
                source=world["source"],
            )
            for item in items
            for p in world["participants"]
        ]
    )
    large = _query_count(client, path)
    assert small == large, f"{path}: {small} queries at 1x, {large} at 27x the rows"
