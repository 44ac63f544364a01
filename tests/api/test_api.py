"""/api/v1/: the same rows as the CSVs under the same filters, the envelope, errors that name the
parameter, conditional requests, CORS, the OpenAPI description (validated) and a fixed number of queries."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from kptracker.csvguard import neutralise, unguard

pytestmark = pytest.mark.usefixtures("kp_data")

# Each list and the CSV holding the same rows, with filters the page and the CSV both take.
LISTS = [
    ("meetings", "meetings.csv", [{}, {"year_from": "2020"}, {"participant": "RUS", "kind": "plenary"}]),
    ("positions", "positions.csv", [{}, {"participant": ["RUS", "usa"]}, {"stage": "agenda", "evidence": "cited"}]),
    ("proposals", "proposals.csv", [{}, {"issue": "russia-ukraine"}, {"result": "blocked"}]),
    ("chairs", "chairs.csv", [{}, {"year_from": "2020", "role": "chair"}]),
    ("memberships", "memberships.csv", [{}, {"event": "suspended"}]),
    ("matrix", "matrix.csv", [{}, {"by": "meeting", "stances": "blocks_opposes"}]),
    ("alignment", "alignment.csv", [{}, {"stage": "agenda"}]),
]


def csv_rows(client, name, params):
    response = client.get(f"/export/{name}", params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return [{k: unguard(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def api_rows(client, name, params):
    rows, page = [], 1
    while True:
        response = client.get(f"/api/v1/{name}", {**params, "page": page, "page_size": 500})
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


def as_csv(value):
    if isinstance(value, float):
        return f"{value:.3f}"
    return unguard(neutralise(value))


@pytest.mark.parametrize("name,export,samples", LISTS, ids=[name for name, _, _ in LISTS])
def test_each_list_holds_the_csvs_rows_under_the_same_filters(client, name, export, samples):
    for params in samples:
        expected = csv_rows(client, export, params)
        found = api_rows(client, name, params)
        assert len(found) == len(expected), params
        for got, want in zip(found, expected, strict=True):
            assert {key: as_csv(got[key]) for key in want} == want, params
    assert expected, f"the last sample of {name} should hold rows, or it proves little"


def test_a_list_is_paged_in_the_envelope_and_a_page_past_the_end_is_404(client):
    first = client.get("/api/v1/positions", {"page_size": 50}).json()
    assert set(first) == {"count", "page", "page_size", "next", "previous", "results"}
    assert first["count"] > 100 and len(first["results"]) == 50 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["page"] == 2 and second["previous"].endswith("page_size=50&page=1")
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    last = -(-first["count"] // 50)
    assert client.get("/api/v1/positions", {"page_size": 50, "page": last}).json()["next"] is None
    assert client.get("/api/v1/positions", {"page_size": 50, "page": last + 1}).status_code == 404
    for bad in ({"page_size": 501}, {"page_size": 0}, {"page": "two"}):
        response = client.get("/api/v1/positions", bad)
        assert response.status_code == 400 and set(response.json()["errors"]) == set(bad)


def test_records_carry_their_ids_and_page_urls(client):
    position = client.get("/api/v1/positions", {"participant": "RUS", "page_size": 1}).json()["results"][0]
    assert position["url"] == f"http://testserver/positions/{position['id']}/"
    assert position["source_page"].startswith("http://testserver/sources/")
    assert client.get(f"/api/v1/positions/{position['id']}").json() == position
    meeting = client.get("/api/v1/meetings/2022-06-intersessional-kasane").json()
    assert meeting["slug"] == "2022-06-intersessional-kasane"
    assert meeting["url"] == "http://testserver/meetings/2022-06-intersessional-kasane/"
    russia = client.get("/api/v1/participants/rus").json()
    assert russia["code"] == "RUS" and russia["standing"] == "current"
    assert russia["url"] == "http://testserver/participants/rus/"
    assert client.get("/api/v1/issues/russia-ukraine").json()["url"] == "http://testserver/issues/russia-ukraine/"
    for missing in ("/api/v1/positions/999999", "/api/v1/meetings/nowhere", "/api/v1/participants/zzz"):
        assert client.get(missing).status_code == 404


@pytest.mark.parametrize(
    "path,params,named",
    [
        ("/api/v1/positions", {"participant": "ZZZ"}, "participant"),
        ("/api/v1/positions", {"frog": "1"}, "frog"),
        ("/api/v1/positions", {"year_from": "abc"}, "year_from"),
        ("/api/v1/meetings", {"kind": "party"}, "kind"),
        ("/api/v1/participants", {"name": "Russia"}, "name"),
        ("/api/v1/alignment", {"evidence": "rumour"}, "evidence"),
        ("/api/v1/search", {"q": "a"}, "q"),
        ("/api/v1/search", {"q": "Kasane", "kind": "x"}, "kind"),
        ("/api/v1/positions/1", {"page": "2"}, "page"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, path, params, named):
    response = client.get(path, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert named in response.json()["errors"]


def test_the_search_groups_what_it_finds(client):
    body = client.get("/api/v1/search", {"q": "Kasane"}).json()
    meetings = next(group for group in body["groups"] if group["kind"] == "meetings")
    assert meetings["count"] >= 1
    assert meetings["results"][0]["url"] == "http://testserver/meetings/2022-06-intersessional-kasane/"
    assert "<mark>" in meetings["results"][0]["snippet"]
    people = next(
        group for group in client.get("/api/v1/search", {"q": "Moiseev"}).json()["groups"] if group["kind"] == "people"
    )
    assert people["results"][0]["url"] == "http://testserver/participants/rus/", "a person leads to their affiliation"


def test_conditional_requests_and_cors(client):
    response = client.get("/api/v1/meetings")
    assert response["Access-Control-Allow-Origin"] == "*"
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get("/api/v1/meetings", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v1/meetings", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get("/api/v1/meetings", {"page_size": 5}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/api/v1/meetings")["X-Page-Cache"] == "hit"
    preflight = client.options("/api/v1/meetings", HTTP_ORIGIN="https://notebook.example")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert client.post("/api/v1/meetings").status_code == 405


def test_a_change_to_the_record_changes_the_etag(client):
    from meetings.models import Meeting

    before = client.get("/api/v1/meetings")["ETag"]
    meeting = Meeting.objects.get(slug="2022-06-intersessional-kasane")
    meeting.theme = "Corrected"
    meeting.save()
    after = client.get("/api/v1/meetings", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before


def test_the_openapi_description_is_valid_and_describes_every_list_and_field(client):
    spec = client.get("/api/v1/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    for name in ("meetings", "participants", "issues", "proposals", "positions", "chairs", "memberships",
                 "matrix", "alignment", "search"):  # fmt: skip
        assert f"/api/v1/{name}" in paths, name
    for name in ("meetings/{slug}", "participants/{code}", "issues/{slug}", "positions/{position_id}"):
        assert f"/api/v1/{name}" in paths, name
    parameters = {p["name"]: p for p in paths["/api/v1/positions"]["get"]["parameters"]}
    assert parameters["participant"]["schema"]["type"] == "array"
    assert set(parameters["stance"]["schema"]["items"]["enum"]) >= {"blocks", "supports"}
    assert parameters["page_size"]["schema"]["maximum"] == 500
    schemas = spec["components"]["schemas"]
    assert {"id", "quote", "source_url", "url", "participant_code"} <= set(schemas["Position"]["properties"])
    assert schemas["Position"]["properties"]["quote"]["description"]


def test_the_docs_page_is_served_from_our_static_files_with_no_inline_script(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in html.lower()
    assert '<script src="/static/' in html
    scripts = [chunk.split(">", 1)[0] for chunk in html.split("<script")[1:]]
    assert all('type="application/json"' in s or "src=" in s for s in scripts)


@pytest.mark.parametrize(
    "path,params",
    [("/api/v1/positions", {"participant": "RUS"}), ("/api/v1/proposals", {}), ("/api/v1/participants", {}),
     ("/api/v1/meetings", {}), ("/api/v1/chairs", {}), ("/api/v1/alignment", {})],
)  # fmt: skip
def test_a_fixed_number_of_queries_whatever_the_data(client, path, params):
    from tests.factories import ParticipantFactory, PositionFactory

    counts = []
    for round_ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path, {**params, "page_size": 500}).status_code == 200
        counts.append(len(ctx.captured_queries))
        for i in range(5):
            PositionFactory(participant=ParticipantFactory(code="RUS"), stance="blocks", quote=f"q{round_}{i}")
    assert counts[0] == counts[1]
    assert json.loads(client.get(path, params).content)
