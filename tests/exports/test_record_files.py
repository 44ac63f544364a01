"""What issue 13 added to the exports, as a reader downloads it: proposals.csv, chairs.csv,
memberships.csv, positions.csv's new columns and filters, each in the data package."""

import csv
import io
import zipfile

import frictionless
import pytest
from django.core.cache import caches

from tests.exports.records import build_record
from tests.exports.test_package import assert_valid

pytestmark = pytest.mark.django_db

PROPOSAL_CONTRACT = [
    "meeting_slug", "issue_slug", "proposal", "stage", "decided_by", "result", "proposed_by", "votes_for",
    "votes_against", "abstentions", "result_note", "sources",
]  # fmt: skip
CHAIR_CONTRACT = ["year", "role", "participant_code", "participant", "person", "sources"]
MEMBERSHIP_CONTRACT = ["participant_code", "participant", "event", "date", "note", "sources"]
POSITION_ADDED = ["proposal", "stage", "evidence", "act", "working_body", "reported_by_person"]


def download(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8" and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def rows_of(client, path, **params):
    header, *rows = download(client, path, **params)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def record(db):
    return build_record()


# --- proposals.csv -------------------------------------------------------------------------------


def test_proposals_csv_has_a_row_per_account_and_one_for_a_proposal_with_none(client, record):
    header = download(client, "/export/proposals.csv")[0]
    assert header[: len(PROPOSAL_CONTRACT)] == PROPOSAL_CONTRACT
    assert header[len(PROPOSAL_CONTRACT) :] == ["inferred", "account"]
    rows = rows_of(client, "/export/proposals.csv")
    assert [(r["meeting_slug"], r["proposal"], r["account"]) for r in rows] == [
        ("2022-06-kasane", "Discuss Russia's diamonds", "1"),
        ("2022-06-kasane", "Discuss Russia's diamonds", "2"),
        # Stages in the order a matter moves: the decision, then the communiqué's wording (guarded).
        ("2024-11-dubai", "Lift CAR's restrictions, subject to enhanced vigilance", "1"),
        ("2024-11-dubai", "'-Thank the monitors", ""),
    ]
    voted, removed, adopted, alone = rows
    assert voted == {
        "meeting_slug": "2022-06-kasane", "issue_slug": "russia-ukraine", "proposal": "Discuss Russia's diamonds",
        "stage": "agenda", "decided_by": "vote", "result": "rejected", "proposed_by": "CAN; EU", "votes_for": "20",
        "votes_against": "2", "abstentions": "0", "result_note": "Did not attract a simple majority.",
        "sources": "a-report; b-news", "inferred": "false", "account": "1",
    }  # fmt: skip
    assert (removed["decided_by"], removed["result"], removed["inferred"]) == ("consensus", "blocked", "true")
    assert removed["result_note"] == "'=read as a block"  # the formula guard
    assert (removed["votes_for"], removed["proposed_by"], removed["sources"]) == ("", "", "b-news")
    account_columns = PROPOSAL_CONTRACT[4:] + ["inferred", "account"]
    assert alone["stage"] == "communique" and {alone[c] for c in account_columns} == {""}
    assert (adopted["result"], adopted["sources"]) == ("adopted", "c-public-page")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"meeting": "2024-11-DUBAI"}, {("Lift", "adopted"), ("'-Thank", "")}),
        ({"issue": "russia-ukraine"}, {("Discuss", "rejected"), ("Discuss", "blocked")}),
        ({"stage": ["communique", "agenda"]}, {("'-Thank", ""), ("Discuss", "rejected"), ("Discuss", "blocked")}),
        ({"result": "blocked"}, {("Discuss", "blocked")}),
        ({"result": ["adopted", "rejected"]}, {("Lift", "adopted"), ("Discuss", "rejected")}),
        ({"decided_by": "consensus"}, {("Lift", "adopted"), ("Discuss", "blocked")}),
        ({"decided_by": "consensus", "result": "rejected"}, set()),  # both about the same account
        ({"year_from": 2023}, {("Lift", "adopted"), ("'-Thank", "")}),
        ({"year_to": 2022, "kind": "intersessional"}, {("Discuss", "rejected"), ("Discuss", "blocked")}),
        ({"kind": "plenary"}, {("Lift", "adopted"), ("'-Thank", "")}),
    ],
)
def test_proposals_csv_filters(client, record, params, expected):
    rows = rows_of(client, "/export/proposals.csv", **params)
    got = [(r["proposal"].split()[0], r["result"] or (r["account"] and "?")) for r in rows]
    assert set(got) == expected and len(got) == len(expected)


def test_a_filtered_account_keeps_its_number(client, record):
    (row,) = rows_of(client, "/export/proposals.csv", result="blocked")
    assert row["account"] == "2"


# --- chairs.csv and memberships.csv --------------------------------------------------------------


def test_chairs_csv(client, record):
    header = download(client, "/export/chairs.csv")[0]
    assert header == [*CHAIR_CONTRACT, "body", "inferred", "note", "person_slug"]
    rows = rows_of(client, "/export/chairs.csv")
    keys = [(r["year"], r["role"], r["participant_code"], r["person_slug"], r["body"]) for r in rows]
    # Two accounts of 2018 that disagree (no person named, or one), in the database's order of an empty name.
    assert sorted(keys[:2]) == [("2018", "chair", "EU", "", ""), ("2018", "chair", "EU", "mtisi", "")]
    assert keys[2:] == [
        ("2021", "chair", "RUS", "bin-sulayem", ""),
        ("2021", "vice_chair", "CAF", "", ""),
        ("2023", "chair", "CAN", "", "participation"),
    ]
    assert rows[2]["participant"] == "Russian Federation" and rows[2]["person"] == "Ahmed Bin Sulayem"
    assert rows[2]["sources"] == "b-news; c-public-page"
    unnamed, named = sorted(rows[:2], key=lambda r: r["person_slug"])
    assert (unnamed["inferred"], unnamed["note"], unnamed["person"]) == ("true", "Read from the list of chairs.", "")
    assert (named["note"], named["person"]) == ("'+Another account names a person.", "Shamiso Mtisi")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year_from": 2021}, ["RUS", "CAF", "CAN"]),
        ({"year_to": 2018}, ["EU", "EU"]),
        ({"year_from": 2021, "year_to": 2021, "role": "vice_chair"}, ["CAF"]),
        ({"participant": ["rus", "CAN"]}, ["RUS", "CAN"]),
    ],
)
def test_chairs_csv_filters(client, record, params, expected):
    assert [r["participant_code"] for r in rows_of(client, "/export/chairs.csv", **params)] == expected


def test_memberships_csv_dates_at_their_precision(client, record):
    header = download(client, "/export/memberships.csv")[0]
    assert header == [*MEMBERSHIP_CONTRACT, "date_precision", "inferred"]
    rows = rows_of(client, "/export/memberships.csv")
    assert [(r["participant_code"], r["event"], r["date"], r["date_precision"]) for r in rows] == [
        ("CAF", "restrictions_imposed", "2013", "year"),
        ("CAF", "restrictions_lifted", "2024-11", "month"),
        ("CAN", "admitted", "2003-01-01", "day"),
    ]
    assert rows[1]["sources"] == "a-report; c-public-page" and rows[1]["note"] == "Subject to enhanced vigilance."
    assert (rows[2]["inferred"], rows[2]["note"]) == ("true", "'@founding participant")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"participant": "caf"}, ["restrictions_imposed", "restrictions_lifted"]),
        ({"event": ["admitted", "restrictions_lifted"]}, ["restrictions_lifted", "admitted"]),
        ({"year_from": 2010, "year_to": 2020}, ["restrictions_imposed"]),
    ],
)
def test_memberships_csv_filters(client, record, params, expected):
    assert [r["event"] for r in rows_of(client, "/export/memberships.csv", **params)] == expected


# --- positions.csv -------------------------------------------------------------------------------


def test_positions_csv_appends_the_proposal_its_evidence_and_acts(client, record):
    header = download(client, "/export/positions.csv")[0]
    assert header[header.index("note") + 1 :] == POSITION_ADDED
    rows = {r["id"]: r for r in rows_of(client, "/export/positions.csv")}
    blocks, inferred, reported, cited, wording, walk_out, boycott, statement = (
        rows[str(p.pk)] for p in record["positions"]
    )
    assert (blocks["proposal"], blocks["stage"], blocks["evidence"]) == (
        "Discuss Russia's diamonds",
        "agenda",
        "quoted",
    )
    assert (blocks["issue_slug"], blocks["outcome"], blocks["act"]) == ("russia-ukraine", "no_consensus", "")
    assert (inferred["evidence"], inferred["quote"]) == ("inferred", "Russia blocked it")
    assert (reported["reported_by"], reported["reported_by_person"]) == ("", "mtisi")
    assert (cited["evidence"], cited["quote"], cited["source_slug"]) == ("cited", "", "c-public-page")
    assert (wording["stage"], wording["proposal"]) == ("communique", "'-Thank the monitors")
    for act, kind in ((walk_out, "walk_out"), (boycott, "boycott"), (statement, "statement")):
        assert act["act"] == kind
        assert (act["issue_slug"], act["issue_title"], act["outcome"], act["proposal"], act["stage"]) == ("",) * 5
    assert (walk_out["meeting_slug"], walk_out["meeting_start"], walk_out["working_body"]) == (
        "2024-11-dubai",
        "2024-11-12",
        "",
    )
    assert (boycott["meeting_slug"], boycott["meeting_title"], boycott["working_body"]) == ("", "", "participation")
    assert (statement["meeting_slug"], statement["working_body"], statement["stance"]) == (
        "2022-06-kasane",
        "participation",
        "",
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "agenda"}, 3),
        ({"stage": ["communique", "decision"]}, 2),
        ({"evidence": "cited"}, 2),
        ({"evidence": ["inferred", "quoted"]}, 6),
        ({"act": "walk_out"}, 1),
        ({"act": "boycott", "participant": "CAN"}, 1),
        ({"act": "statement", "stage": "agenda"}, 0),
        ({"stance": ["blocks", "protests"]}, 4),  # each row as wide as the header (no DISTINCT's extra columns)
    ],
)
def test_positions_csv_filters_by_stage_evidence_and_act(client, record, params, expected):
    rows = rows_of(client, "/export/positions.csv", **params)
    assert len(rows) == expected
    page = client.get("/positions/", params)
    assert page.status_code == 200 and page.context["page"].paginator.count == expected  # the page agrees


# --- the strict parameters, the query counts -----------------------------------------------------

NEW_EXPORTS = ["/export/proposals.csv", "/export/chairs.csv", "/export/memberships.csv"]


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        ("/export/proposals.csv", "participant=RUS", "participant"),
        ("/export/proposals.csv", "result=vetoed", "result"),
        ("/export/proposals.csv", "stage=summit", "stage"),
        ("/export/proposals.csv", "kind=plenary&kind=intersessional", "kind"),
        ("/export/proposals.csv", "meeting=no-such-meeting", "meeting"),
        ("/export/chairs.csv", "role=president", "role"),
        ("/export/chairs.csv", "year_from=2024&year_to=2020", "year_to"),
        ("/export/chairs.csv", "event=admitted", "event"),
        ("/export/memberships.csv", "event=joined", "event"),
        ("/export/memberships.csv", "participant=ATLANTIS", "participant"),
        ("/export/memberships.csv", "year_from=frog", "year_from"),
        ("/export/positions.csv", "evidence=hearsay", "evidence"),
        ("/export/positions.csv", "act=walk_out&act=boycott", "act"),
        ("/export/positions.csv", "stage=substance", "stage"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, record, path, query, name):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert f"'{name}'" in response.content.decode()


@pytest.mark.parametrize("path", NEW_EXPORTS)
def test_the_new_exports_run_a_fixed_number_of_queries(client, path, django_assert_num_queries):
    from tests.pages.world import build_world

    def download_all():
        b"".join(client.get(path).streaming_content)

    # The data version (exports.cache keys small exports by it), then one query for the rows.
    build_world(scale=1)
    with django_assert_num_queries(2):
        download_all()
    build_world(scale=3, prefix="x")
    caches["pages"].clear()  # the world is built in bulk: measure the export built again, not its cached copy
    with django_assert_num_queries(2):
        download_all()
    with django_assert_num_queries(1):  # the same export again: the version only, the bytes from the cache
        download_all()


@pytest.mark.parametrize("path", NEW_EXPORTS)
def test_a_filtered_export_still_runs_one_query_for_its_rows(client, record, path, django_assert_num_queries):
    params = {"year_from": 2000}
    with django_assert_num_queries(2):  # the data version, then the rows
        b"".join(client.get(path, params).streaming_content)


# --- the data package ----------------------------------------------------------------------------


@pytest.fixture
def package(client, record, tmp_path):
    response = client.get("/export/kptracker-data.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        archive.extractall(tmp_path)
    return tmp_path


def read(package, name):
    with (package / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_the_package_holds_the_new_files_and_validates(client, package):
    for name in ("proposals.csv", "chairs.csv", "memberships.csv", "working_bodies.csv"):
        assert (package / name).exists()
    assert read(package, "proposals.csv") == rows_of(client, "/export/proposals.csv")
    assert read(package, "chairs.csv") == rows_of(client, "/export/chairs.csv")
    assert read(package, "memberships.csv") == rows_of(client, "/export/memberships.csv")
    assert read(package, "working_bodies.csv") == [
        {"slug": "participation", "name": "Committee on Participation", "kind": "committee", "description": ""}
    ]
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert "| `proposals.csv` | 4 |" in readme and "| `chairs.csv` | 5 |" in readme
    assert_valid(package / "datapackage.json")


def test_every_position_on_a_proposal_names_one_in_proposals_csv(package):
    """The key Table Schema cannot hold (an act's is half empty), checked here."""
    proposals = {(r["meeting_slug"], r["issue_slug"], r["proposal"]) for r in read(package, "proposals.csv")}
    positions = [r for r in read(package, "positions.csv") if not r["act"]]
    assert positions and all((r["meeting_slug"], r["issue_slug"], r["proposal"]) in proposals for r in positions)
    assert all(not r["issue_slug"] and not r["proposal"] for r in read(package, "positions.csv") if r["act"])


@pytest.mark.parametrize(
    ("name", "column", "value"),
    [
        ("chairs.csv", "body", "no-such-body"),
        ("chairs.csv", "participant_code", "ATL"),
        ("memberships.csv", "participant_code", "ATL"),
        ("positions.csv", "working_body", "no-such-body"),
        ("positions.csv", "reported_by_person", "nobody"),
        ("proposals.csv", "issue_slug", "no-such-issue"),
    ],
)
def test_frictionless_catches_a_broken_key_in_the_new_files(package, name, column, value):
    rows = read(package, name)
    (first,) = [r for r in rows if r[column]][:1]
    first[column] = value
    with (package / name).open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert not frictionless.validate(package / "datapackage.json").valid


def test_two_accounts_numbered_alike_break_the_proposals_key(package):
    rows = read(package, "proposals.csv")
    rows[1]["account"] = rows[0]["account"]
    with (package / "proposals.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert not frictionless.validate(package / "datapackage.json").valid
