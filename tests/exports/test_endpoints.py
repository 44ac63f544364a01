"""/export/*.csv: the same FilterSet as the page, the contract columns, streaming, 400 on bad filters."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.pages.world import build_world

pytestmark = pytest.mark.django_db

MEETING_CONTRACT = [
    "slug",
    "title",
    "kind",
    "number",
    "start_date",
    "end_date",
    "city",
    "host_country",
    "is_virtual",
    "chair",
    "theme",
    "participants_count",
    "countries_count",
    "sources",
]
POSITION_CONTRACT = [
    "meeting_slug",
    "meeting_title",
    "meeting_kind",
    "meeting_start",
    "issue_slug",
    "issue_title",
    "outcome",
    "participant",
    "participant_code",
    "participant_kind",
    "stance",
    "attribution",
    "reported_by",
    "speaker",
    "quote",
    "source",
    "source_url",
]


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def header_of(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    return next(csv.reader(io.StringIO(text)))


def test_meetings_csv_has_the_contract_columns_and_the_timeline_rows(client, blocked):  # noqa: F811
    assert header_of(client.get("/export/meetings.csv"))[: len(MEETING_CONTRACT)] == MEETING_CONTRACT
    rows = read_csv(client.get("/export/meetings.csv", {"year_from": 2024}))
    page = client.get("/", {"year_from": 2024}).context["meetings"]
    assert [r["slug"] for r in rows] == [m.slug for m in page] == ["plenary-2024"]
    assert rows[0]["start_date"] == "2024-11-12" and rows[0]["host_country"] == "ARE"
    assert rows[0]["is_virtual"] == "false"


def test_positions_csv_holds_exactly_the_filtered_list_unpaginated(client, blocked):  # noqa: F811
    assert header_of(client.get("/export/positions.csv"))[: len(POSITION_CONTRACT)] == POSITION_CONTRACT
    params = {"participant": "RUS", "stance": "blocks"}
    rows = read_csv(client.get("/export/positions.csv", params))
    page = client.get("/positions/", params).context["page"]
    assert [r["quote"] for r in rows] == [p.quote for p in page.object_list]
    assert {r["stance"] for r in rows} == {"blocks"} and {r["participant_code"] for r in rows} == {"RUS"}


def test_positions_csv_is_not_paginated(client):
    build_world(scale=5)  # 15 meetings x 10 issues x 2 proposals x 20 participants = 6,000 positions, and acts
    rows = read_csv(client.get("/export/positions.csv", {"year_from": 2010, "year_to": 2012}))
    # 3 meetings' stances, and a walk-out at each (the boycotts of a working body are at no meeting, so in no year).
    assert len(rows) == 3 * 10 * 2 * 20 + 3


def test_matrix_csv_is_the_matrix_as_shown(client, blocked):  # noqa: F811
    rows = read_csv(client.get("/export/matrix.csv", {"stances": "blocks_opposes"}))
    assert [(r["participant_code"], r["russia-ukraine"], r["total"]) for r in rows] == [
        ("CHN", "1", "1"),
        ("RUS", "2", "2"),
    ]
    assert rows[0]["participant_kind"] == "government" and rows[0]["has_veto"] == "true"
    by_meeting = read_csv(client.get("/export/matrix.csv", {"by": "meeting"}))
    assert [(r["participant_code"], r["plenary-2023"], r["plenary-2024"]) for r in by_meeting] == [("RUS", "1", "1")]


@pytest.mark.parametrize("path", ["/export/meetings.csv", "/export/positions.csv", "/export/matrix.csv"])
@pytest.mark.parametrize(
    "params,name",
    [({"year_from": "frog"}, "year_from"), ({"kind": "summit"}, "kind"), ({"year_to": str(10**30)}, "year_to")],
)
def test_bad_filter_is_a_400_naming_the_parameter(client, blocked, path, params, name):  # noqa: F811
    response = client.get(path, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert f"'{name}'" in response.content.decode()


@pytest.mark.parametrize(
    "path,params",
    [
        ("/export/positions.csv", {"participant": "NOPE"}),
        ("/export/positions.csv", {"stance": "sulks"}),
        ("/export/matrix.csv", {"by": "galaxy"}),
        ("/export/meetings.csv", {"issue": "x\x00y"}),
    ],
)
def test_unknown_choices_are_a_400_too(client, blocked, path, params):  # noqa: F811
    assert client.get(path, params).status_code == 400


@pytest.mark.parametrize(
    "path", ["/export/meetings.csv", "/export/positions.csv", "/export/matrix.csv", "/export/counts.csv"]
)
def test_export_query_count_is_fixed(client, path):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
            b"".join(response.streaming_content)
        return len(ctx.captured_queries)

    build_world(scale=1)
    small = count()
    build_world(scale=3, prefix="x")  # 27 times the positions
    assert count() == small


def test_pages_link_to_their_export_with_the_current_filters(client, blocked):
    html = client.get("/positions/", {"participant": "RUS", "page": 1}).content.decode()
    assert 'href="/export/positions.csv?participant=RUS"' in html
    html = client.get("/", {"kind": "plenary"}).content.decode()
    assert 'href="/export/meetings.csv?kind=plenary"' in html
    html = client.get("/matrix/", {"by": "meeting"}).content.decode()
    assert 'href="/export/matrix.csv?by=meeting"' in html
