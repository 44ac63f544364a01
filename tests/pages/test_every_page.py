"""What every page shares: navigation, bad input answered as a form error or a 404, and a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from positions.models import AgendaItem, Position, Proposal
from tests.pages.world import build_world

pytestmark = pytest.mark.django_db


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
    proposals = Proposal.objects.bulk_create(
        [Proposal(agenda_item=item, text="grown", stage="decision") for item in items]
    )
    Position.objects.bulk_create(
        [
            Position(
                proposal=proposal,
                agenda_item=proposal.agenda_item,
                meeting=proposal.agenda_item.meeting,
                participant=p,
                stance="blocks",
                attribution="stated",
                quote="q",
                source=world["source"],
            )
            for proposal in proposals
            for p in world["participants"]
        ]
    )
    large = _query_count(client, path)
    assert small == large, f"{path}: {small} queries at 1x, {large} at 27x the rows"
