"""The whole-dataset package: a valid Frictionless Data Package, by command and by download."""

import csv
import datetime
import io
import json
import zipfile

import frictionless
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exports.package import PACKAGE_FILENAMES, write_package
from exports.tables import PACKAGE_TABLES
from meetings.dates import DatePrecision
from meetings.models import MeetingKind, MeetingStatus, ParticipantKind, SourceKind
from positions.models import Attribution, Outcome, Stance
from tests.factories import (
    AgendaItemFactory,
    IssueFactory,
    MeetingFactory,
    ObserverFactory,
    ParticipantFactory,
    PersonFactory,
    PositionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

FIXED_NOW = datetime.datetime(2024, 11, 16, 9, 30, tzinfo=datetime.UTC)

MEETINGS_CONTRACT = [
    "slug", "title", "kind", "number", "start_date", "end_date", "city", "host_country", "is_virtual",
    "chair", "theme", "participants_count", "countries_count", "sources",
]  # fmt: skip
POSITIONS_CONTRACT = [
    "meeting_slug", "meeting_title", "meeting_kind", "meeting_start", "issue_slug", "issue_title", "outcome",
    "participant", "participant_code", "participant_kind", "stance", "attribution", "reported_by", "speaker",
    "quote", "source", "source_url",
]  # fmt: skip


def make_meeting_with_positions():
    """One meeting with a chair, two sources, an agenda item and a stated and two reported positions."""
    chair = ParticipantFactory()
    chair_person = PersonFactory(affiliation=chair)
    meeting = MeetingFactory(chair=chair, chair_person=chair_person, number=None, theme="Responsible sourcing")
    sources = [SourceFactory(), SourceFactory(published_date=None, url="https://news.example/kp")]
    meeting.sources.add(*sources)
    item = AgendaItemFactory(meeting=meeting)
    speaker = PersonFactory()
    PositionFactory(agenda_item=item, source=sources[0], speaker=speaker, stance=Stance.BLOCKS)
    PositionFactory(
        agenda_item=item,
        source=sources[1],
        stance=Stance.OPPOSES,
        attribution=Attribution.REPORTED,
        reported_by=chair,
    )
    PositionFactory(
        agenda_item=item,
        participant=ObserverFactory(),
        source=sources[1],
        stance=Stance.SUPPORTS,
        attribution=Attribution.REPORTED,
        reported_by_outlet="Rapaport News",
    )
    return meeting


def export(directory):
    directory.mkdir(exist_ok=True)
    write_package(directory)
    return directory


def read_rows(path):
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def read_header(path):
    with path.open(newline="", encoding="utf-8") as file:
        return next(csv.reader(file))


def assert_valid(descriptor_path):
    report = frictionless.validate(descriptor_path)
    problems = [error.message for error in report.errors] + [
        f"{task.name}: {error.message}" for task in report.tasks for error in task.errors
    ]
    assert report.valid, "\n".join(problems)
    assert not problems


def resource(descriptor, name):
    (found,) = [r for r in descriptor["resources"] if r["name"] == name]
    return found


def field_constraints(descriptor, name, field_name):
    (field,) = [f for f in resource(descriptor, name)["schema"]["fields"] if f["name"] == field_name]
    return field.get("constraints", {})


@pytest.fixture
def package(tmp_path):
    make_meeting_with_positions()
    make_meeting_with_positions()
    return export(tmp_path / "package")


def test_the_package_holds_every_file(package):
    assert sorted(p.name for p in package.iterdir()) == sorted(PACKAGE_FILENAMES)
    assert {
        "meetings.csv",
        "participants.csv",
        "people.csv",
        "issues.csv",
        "agenda_items.csv",
        "positions.csv",
        "sources.csv",
        "sources_text.csv",
        "datapackage.json",
        "README.md",
    } <= set(PACKAGE_FILENAMES)


def test_the_package_validates_with_frictionless(package):
    assert len(read_rows(package / "positions.csv")) == 6
    assert_valid(package / "datapackage.json")


def test_an_empty_database_gives_a_valid_package(tmp_path):
    package = export(tmp_path / "empty")
    assert read_rows(package / "meetings.csv") == []
    assert_valid(package / "datapackage.json")


def test_frictionless_would_catch_a_broken_foreign_key(package):
    # Guards the validation test itself: a position pointing at a source that is not there fails.
    path = package / "positions.csv"
    text = path.read_text(encoding="utf-8")
    first_slug = read_rows(path)[0]["source_slug"]
    path.write_text(text.replace(f",{first_slug},", ",no-such-source,", 1), encoding="utf-8")
    assert not frictionless.validate(package / "datapackage.json").valid


def test_each_csv_header_matches_its_schema(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == [t.filename for t in PACKAGE_TABLES]
    for entry in descriptor["resources"]:
        assert read_header(package / entry["path"]) == [f["name"] for f in entry["schema"]["fields"]], entry["path"]


def test_the_contract_columns_come_first_in_order(package):
    assert read_header(package / "meetings.csv")[: len(MEETINGS_CONTRACT)] == MEETINGS_CONTRACT
    assert read_header(package / "positions.csv")[: len(POSITIONS_CONTRACT)] == POSITIONS_CONTRACT
    assert "id" in read_header(package / "positions.csv")


def test_keys_and_foreign_keys_use_natural_keys(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    keys = {r["name"]: r["schema"]["primaryKey"] for r in descriptor["resources"]}
    assert keys["meetings"] == ["slug"]
    assert keys["participants"] == ["code"]
    assert keys["issues"] == ["slug"]
    assert keys["sources"] == ["slug"]
    assert keys["agenda_items"] == ["meeting_slug", "issue_slug"]
    assert keys["positions"] == ["id"]
    assert keys["proposals"] == ["meeting_slug", "issue_slug", "proposal", "account"]
    assert keys["chairs"] == ["year", "role", "body", "participant_code", "person_slug"]
    assert keys["memberships"] == ["participant_code", "event", "date"]
    assert keys["working_bodies"] == ["slug"]

    def foreign_keys(name):
        return {tuple(fk["fields"]): fk["reference"] for fk in resource(descriptor, name)["schema"]["foreignKeys"]}

    position_fks = foreign_keys("positions")
    # An act at a meeting has no issue: a key over (meeting_slug, issue_slug) would be half empty.
    assert position_fks[("meeting_slug",)] == {"resource": "meetings", "fields": ["slug"]}
    assert position_fks[("issue_slug",)] == {"resource": "issues", "fields": ["slug"]}
    assert position_fks[("participant_code",)] == {"resource": "participants", "fields": ["code"]}
    assert position_fks[("source_slug",)] == {"resource": "sources", "fields": ["slug"]}
    assert position_fks[("working_body",)] == {"resource": "working_bodies", "fields": ["slug"]}
    assert position_fks[("reported_by_person",)] == {"resource": "people", "fields": ["slug"]}
    assert foreign_keys("proposals") == {
        ("meeting_slug", "issue_slug"): {"resource": "agenda_items", "fields": ["meeting_slug", "issue_slug"]}
    }
    assert foreign_keys("chairs") == {
        ("participant_code",): {"resource": "participants", "fields": ["code"]},
        ("person_slug",): {"resource": "people", "fields": ["slug"]},
        ("body",): {"resource": "working_bodies", "fields": ["slug"]},
    }
    assert foreign_keys("memberships") == {("participant_code",): {"resource": "participants", "fields": ["code"]}}


def test_enums_are_the_models_choices(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert field_constraints(descriptor, "meetings", "kind")["enum"] == MeetingKind.values
    assert field_constraints(descriptor, "meetings", "status")["enum"] == MeetingStatus.values
    assert field_constraints(descriptor, "meetings", "date_precision")["enum"] == DatePrecision.values
    assert field_constraints(descriptor, "participants", "kind")["enum"] == ParticipantKind.values
    assert field_constraints(descriptor, "sources", "kind")["enum"] == SourceKind.values
    assert field_constraints(descriptor, "agenda_items", "outcome")["enum"] == Outcome.values
    assert field_constraints(descriptor, "positions", "stance")["enum"] == Stance.values
    assert field_constraints(descriptor, "positions", "attribution")["enum"] == Attribution.values
    assert field_constraints(descriptor, "positions", "outcome")["enum"] == Outcome.values


def test_database_rules_become_constraints(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert field_constraints(descriptor, "participants", "name") == {"required": True, "unique": True}
    assert field_constraints(descriptor, "issues", "title") == {"required": True, "unique": True}
    assert field_constraints(descriptor, "positions", "quote") == {}  # empty when the evidence is cited
    assert field_constraints(descriptor, "positions", "evidence")["required"] is True
    assert field_constraints(descriptor, "proposals", "proposal") == {"required": True}
    assert field_constraints(descriptor, "proposals", "account") == {"minimum": 1}
    assert "required" not in field_constraints(descriptor, "proposals", "result")  # a proposal with no account
    assert field_constraints(descriptor, "chairs", "year") == {"required": True}
    assert field_constraints(descriptor, "memberships", "date")["required"] is True
    assert "required" not in field_constraints(descriptor, "meetings", "end_date")
    assert "unique" not in field_constraints(descriptor, "positions", "meeting_slug")
    (is_virtual,) = [f for f in resource(descriptor, "meetings")["schema"]["fields"] if f["name"] == "is_virtual"]
    assert is_virtual["type"] == "boolean"
    assert (is_virtual["trueValues"], is_virtual["falseValues"]) == (["true"], ["false"])


def test_meetings_csv_row(tmp_path):
    meeting = make_meeting_with_positions()
    virtual = MeetingFactory(is_virtual=True, host_country="ARE", city="", number=3, kind=MeetingKind.INTERSESSIONAL)
    package = export(tmp_path / "package")
    rows = {row["slug"]: row for row in read_rows(package / "meetings.csv")}
    row = rows[meeting.slug]
    assert row["chair"] == meeting.chair_display == f"{meeting.chair.name} ({meeting.chair_person.name})"
    assert row["chair_code"] == meeting.chair.code
    assert row["chair_person_slug"] == meeting.chair_person.slug
    assert row["sources"] == "; ".join(sorted(meeting.sources.values_list("slug", flat=True)))
    assert row["start_date"] == meeting.start_date.isoformat()
    assert (row["host_country"], row["is_virtual"], row["number"]) == ("ARE", "false", "")
    assert row["kind"] == "plenary"
    assert (rows[virtual.slug]["host_country"], rows[virtual.slug]["is_virtual"]) == ("", "true")
    assert (rows[virtual.slug]["number"], rows[virtual.slug]["sources"], rows[virtual.slug]["chair"]) == ("3", "", "")


def test_stated_and_reported_positions(tmp_path):
    meeting = make_meeting_with_positions()
    package = export(tmp_path / "package")
    rows = {row["stance"]: row for row in read_rows(package / "positions.csv")}
    stated, by_participant, by_outlet = rows["blocks"], rows["opposes"], rows["supports"]
    for row in rows.values():
        assert (row["meeting_slug"], row["meeting_title"], row["meeting_kind"]) == (
            meeting.slug,
            meeting.title,
            "plenary",
        )
        assert row["meeting_start"] == meeting.start_date.isoformat()
        assert row["outcome"] == "no_consensus"

    assert stated["attribution"] == "stated"
    assert (stated["reported_by"], stated["reported_by_code"], stated["reported_by_outlet"]) == ("", "", "")
    assert stated["speaker"].startswith("Person ")
    assert stated["speaker_slug"].startswith("person-")
    assert stated["quote"] == "we will not discuss this"

    assert by_participant["attribution"] == "reported"
    assert by_participant["reported_by"] == meeting.chair.name
    assert by_participant["reported_by_code"] == meeting.chair.code
    assert by_participant["source_url"] == "https://news.example/kp"
    assert by_participant["speaker"] == ""

    assert (by_outlet["reported_by"], by_outlet["reported_by_outlet"]) == ("Rapaport News", "Rapaport News")
    assert by_outlet["reported_by_code"] == ""
    assert by_outlet["participant_kind"] == "civil_society_observer"


def test_dates_at_month_and_year_precision(tmp_path):
    meeting = MeetingFactory(start_date=datetime.date(2023, 11, 1), end_date=None, date_precision="month")
    PositionFactory(agenda_item=AgendaItemFactory(meeting=meeting))
    source = SourceFactory(published_date=datetime.date(2022, 1, 1), published_precision="year")
    month_source = SourceFactory(published_date=datetime.date(2021, 6, 1), published_precision="month")
    package = export(tmp_path / "package")

    (meeting_row,) = read_rows(package / "meetings.csv")
    assert (meeting_row["start_date"], meeting_row["end_date"], meeting_row["date_precision"]) == (
        "2023-11",
        "",
        "month",
    )
    (position_row,) = read_rows(package / "positions.csv")
    assert (position_row["meeting_start"], position_row["meeting_date_precision"]) == ("2023-11", "month")
    sources = {row["slug"]: row for row in read_rows(package / "sources.csv")}
    assert (sources[source.slug]["published_date"], sources[source.slug]["published_precision"]) == ("2022", "year")
    assert sources[month_source.slug]["published_date"] == "2021-06"
    assert_valid(package / "datapackage.json")


def test_sources_text_holds_the_full_text_and_sources_does_not(tmp_path):
    source = SourceFactory(text='Line one, with a comma.\nLine two with "quotes".')
    package = export(tmp_path / "package")
    assert "text" not in read_header(package / "sources.csv")
    assert read_rows(package / "sources_text.csv") == [{"source_slug": source.slug, "text": source.text}]


# Stored text starting with each formula character (NUL is tested on neutralise itself: PostgreSQL
# cannot store it).
INJECTIONS = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "\tTab", "\rCarriage", "\nLine feed"]


@pytest.mark.parametrize("payload", INJECTIONS, ids=repr)
def test_formula_injection_round_trip(tmp_path, payload):
    participant = ParticipantFactory(name=payload + " participant")
    meeting = MeetingFactory(title=payload + " meeting")
    item = AgendaItemFactory(meeting=meeting, issue=IssueFactory(title=payload + " issue"))
    PositionFactory(agenda_item=item, participant=participant, quote=payload + " quote")
    package = export(tmp_path / "package")

    def assert_guarded(cell, original):
        assert cell == "'" + original
        assert cell[1:] == original

    (position,) = read_rows(package / "positions.csv")
    assert_guarded(position["quote"], payload + " quote")
    assert_guarded(position["participant"], payload + " participant")
    assert_guarded(position["meeting_title"], payload + " meeting")
    assert_guarded(position["issue_title"], payload + " issue")
    (meeting_row,) = read_rows(package / "meetings.csv")
    assert_guarded(meeting_row["title"], payload + " meeting")
    (participant_row,) = read_rows(package / "participants.csv")
    assert_guarded(participant_row["name"], payload + " participant")
    assert_guarded(read_rows(package / "issues.csv")[0]["title"], payload + " issue")


def test_every_cell_of_the_package_is_guarded(tmp_path):
    PositionFactory(quote="=evil", note="@evil", source_location="+evil")
    SourceFactory(text="-evil", notes="=evil", publisher="@evil")
    package = export(tmp_path / "package")
    for table in PACKAGE_TABLES:
        for row in read_rows(package / table.filename):
            for name, cell in row.items():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), (table.filename, name, cell)


def test_the_readme_says_what_when_and_how_to_cite(monkeypatch, package):
    monkeypatch.setattr("django.utils.timezone.now", lambda: FIXED_NOW)
    write_package(package)
    readme = (package / "README.md").read_text(encoding="utf-8")
    for table in PACKAGE_TABLES:
        assert f"`{table.filename}` | {len(read_rows(package / table.filename))} |" in readme
    assert "made on 2024-11-16" in readme
    assert "## How to cite" in readme
    assert "Data package made on 2024-11-16." in readme
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["created"] == "2024-11-16T09:30:00+00:00"


def test_the_query_count_does_not_grow_with_the_data(tmp_path):
    make_meeting_with_positions()
    with CaptureQueriesContext(connection) as once:
        export(tmp_path / "once")
    for _ in range(4):
        make_meeting_with_positions()
    with CaptureQueriesContext(connection) as five_times:
        export(tmp_path / "five")
    assert len(read_rows(tmp_path / "five" / "positions.csv")) == 5 * len(
        read_rows(tmp_path / "once" / "positions.csv")
    )
    assert len(once) == len(five_times) == len(PACKAGE_TABLES)


# --- the download ----------------------------------------------------------------------------------


def test_the_zip_download(client, monkeypatch, tmp_path):
    monkeypatch.setattr("django.utils.timezone.now", lambda: FIXED_NOW)
    make_meeting_with_positions()
    url = reverse("exports:data-package")
    assert url == "/export/kptracker-data.zip"
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="kptracker-data-2024-11-16.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted(PACKAGE_FILENAMES)
    assert archive.getinfo("meetings.csv").date_time == (2024, 11, 16, 9, 30, 0)
    assert "http://testserver/export/kptracker-data.zip" in archive.read("README.md").decode("utf-8")
    archive.extractall(tmp_path / "unzipped")
    assert_valid(tmp_path / "unzipped" / "datapackage.json")


def test_the_zip_download_has_a_fixed_query_count(client, django_assert_num_queries):
    make_meeting_with_positions()
    response = client.get(reverse("exports:data-package"))
    with django_assert_num_queries(len(PACKAGE_TABLES)):
        b"".join(response.streaming_content)


def test_the_zip_download_refuses_post(client):
    assert client.post(reverse("exports:data-package")).status_code == 405


# --- the command -----------------------------------------------------------------------------------


def test_export_data_creates_the_directory(tmp_path):
    make_meeting_with_positions()
    target = tmp_path / "new" / "package"
    out = io.StringIO()
    call_command("export_data", str(target), stdout=out)
    assert sorted(p.name for p in target.iterdir()) == sorted(PACKAGE_FILENAMES)
    assert str(target) in out.getvalue()
    assert_valid(target / "datapackage.json")


def test_export_data_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="is not empty.*--force"):
        call_command("export_data", str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_export_data_refuses_a_file(tmp_path):
    target = tmp_path / "file.csv"
    target.write_text("")
    with pytest.raises(CommandError, match="not a directory"):
        call_command("export_data", str(target))


def test_export_data_force_overwrites_the_package_and_keeps_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    (tmp_path / "meetings.csv").write_text("stale")
    meeting = MeetingFactory()
    call_command("export_data", str(tmp_path), "--force", stdout=io.StringIO())
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert [row["slug"] for row in read_rows(tmp_path / "meetings.csv")] == [meeting.slug]
